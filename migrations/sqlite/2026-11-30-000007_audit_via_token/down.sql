ALTER TABLE audit_log DROP COLUMN token_maker_id;
ALTER TABLE audit_log DROP COLUMN via_token_id;
