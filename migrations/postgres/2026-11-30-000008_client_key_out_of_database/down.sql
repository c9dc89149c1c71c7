-- The table comes back empty; the server no longer reads it.
CREATE TABLE site_secrets (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL
);
