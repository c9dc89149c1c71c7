-- Harvesting (SQLite): third parties walk published stories by change, (updated_at, id), and
-- learn which stories stopped being public since a time.
CREATE INDEX stories_by_change ON stories (status, updated_at, id);

-- A story that was public and no longer is: unpublished or deleted. One row per story, kept
-- by `moderation::stories` in the transaction of the unpublish or delete; removed when the
-- story is published again (harvesters then see it through updated_since).
CREATE TABLE story_tombstones (
    story_id INTEGER PRIMARY KEY NOT NULL,
    slug TEXT NOT NULL,
    reason TEXT NOT NULL CHECK (reason IN ('deleted', 'unpublished')),
    removed_at TIMESTAMP NOT NULL
);
CREATE INDEX story_tombstones_by_time ON story_tombstones (removed_at, story_id);
