DROP TABLE audit_log;
DROP TABLE server_secrets;
DROP TABLE login_failures;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
