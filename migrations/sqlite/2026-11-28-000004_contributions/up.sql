-- What readers send: story submissions and guestbook entries (SQLite).
-- Keep in step with ../../postgres/2026-11-28-000004_contributions/up.sql.
--
-- Private columns: `email` (moderators only) and `client_hash`, a keyed hash of the sender's
-- network address kept only while the rate-limit window needs it (then set to NULL). The raw
-- address is never stored. `content_hash` finds the same text sent twice.

CREATE TABLE submissions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'rejected')),
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    theme_id INTEGER NOT NULL REFERENCES themes (id),
    -- JSON array of ISO 3166-1 alpha-2 codes, resolved when submitted.
    countries TEXT NOT NULL,
    byline TEXT,
    email TEXT,
    -- JSON array of {"url", "title"}.
    links TEXT NOT NULL,
    related_url TEXT,
    content_hash TEXT NOT NULL,
    client_hash TEXT,
    reject_reason TEXT,
    story_id INTEGER REFERENCES stories (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX submissions_by_status ON submissions (status, created_at, id);
CREATE INDEX submissions_by_client ON submissions (client_hash, created_at)
    WHERE client_hash IS NOT NULL;
CREATE INDEX submissions_by_content ON submissions (content_hash, created_at);

CREATE TABLE guestbook_entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    status TEXT NOT NULL CHECK (status IN ('visible', 'pending', 'hidden')),
    name TEXT NOT NULL,
    country_code TEXT REFERENCES countries (code),
    message TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    client_hash TEXT,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);
CREATE INDEX guestbook_by_status ON guestbook_entries (status, created_at, id);
CREATE INDEX guestbook_by_client ON guestbook_entries (client_hash, created_at)
    WHERE client_hash IS NOT NULL;
CREATE INDEX guestbook_by_content ON guestbook_entries (content_hash, created_at);

-- The answer given to a request with an `Idempotency-Key`, written in the same transaction
-- as the entry it created, so a retry gets the same answer and never a second entry.
CREATE TABLE idempotency_keys (
    scope TEXT NOT NULL,
    idem_key TEXT NOT NULL,
    request_hash TEXT NOT NULL,
    status INTEGER NOT NULL,
    response TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    PRIMARY KEY (scope, idem_key)
);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- Secrets every node shares, created on first use (the key of `client_hash`).
CREATE TABLE site_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
