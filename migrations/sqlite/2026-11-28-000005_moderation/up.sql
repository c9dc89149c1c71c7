-- Moderation: accounts, sessions, API tokens, login throttling and the audit log (SQLite).
-- Keep in step with ../../postgres/2026-11-28-000005_moderation/up.sql.

-- Moderators and admins. Usernames are stored lower-case; accounts are disabled, never
-- deleted, so the audit log keeps naming who did what.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    -- argon2id, in the PHC string format (parameters and salt included).
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('admin', 'moderator')),
    disabled_at TIMESTAMP,
    created_at TIMESTAMP NOT NULL,
    updated_at TIMESTAMP NOT NULL
);

-- Browser sessions. The cookie holds a random 256-bit token; only its SHA-256 is kept, so
-- a copy of the database opens no session. Every API node on one database shares them.
CREATE TABLE sessions (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- Useless without the HttpOnly cookie; kept whole so /auth/me can hand it back.
    csrf_token TEXT NOT NULL,
    created_at TIMESTAMP NOT NULL,
    last_seen_at TIMESTAMP NOT NULL,
    -- The absolute end; the idle end is last_seen_at plus the idle limit.
    expires_at TIMESTAMP NOT NULL
);

CREATE INDEX sessions_by_user ON sessions (user_id);

-- Bearer tokens for scripts, stored as SHA-256; each acts as its user, with its role.
CREATE TABLE api_tokens (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_by INTEGER REFERENCES users (id) ON DELETE SET NULL,
    created_at TIMESTAMP NOT NULL,
    last_used_at TIMESTAMP,
    revoked_at TIMESTAMP
);

CREATE INDEX api_tokens_by_user ON api_tokens (user_id);

-- Failed logins per username and per client, so throttling holds across nodes. Keys are
-- keyed hashes (HMAC-SHA-256 under site_secrets' client_hash_key, from 000004): no username
-- typed by a stranger and no address is stored.
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,
    failures INTEGER NOT NULL,
    window_start TIMESTAMP NOT NULL,
    locked_until TIMESTAMP
);

-- Every moderator action: who, what, on what, when, and what changed (JSON).
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TIMESTAMP NOT NULL,
    -- NULL for the command line.
    actor_id INTEGER REFERENCES users (id),
    action TEXT NOT NULL,
    target_type TEXT NOT NULL,
    target_id TEXT,
    details TEXT NOT NULL
);

CREATE INDEX audit_log_by_at ON audit_log (at, id);
CREATE INDEX audit_log_by_actor ON audit_log (actor_id, at);
CREATE INDEX audit_log_by_target ON audit_log (target_type, target_id, at);
