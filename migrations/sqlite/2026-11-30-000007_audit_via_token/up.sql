-- An action taken with an API token records the token and the account that made it: an admin
-- may make a token for another account, and the token then acts as that account (actor_id).
-- Both NULL for actions taken with a session or on the command line.
ALTER TABLE audit_log ADD COLUMN via_token_id INTEGER REFERENCES api_tokens (id);
ALTER TABLE audit_log ADD COLUMN token_maker_id INTEGER REFERENCES users (id);
