DROP TABLE site_secrets;
DROP TABLE idempotency_keys;
DROP TABLE guestbook_entries;
DROP TABLE submissions;
