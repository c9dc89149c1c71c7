-- The change log the search index follows: every write to a story appends its id here in the
-- same transaction. A row with a NULL story_id asks every node to rebuild its whole index.
CREATE TABLE story_changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    story_id INTEGER,
    changed_at TIMESTAMP NOT NULL
);
