DROP TRIGGER sources_version_delete;
DROP TRIGGER sources_version_update;
DROP TRIGGER sources_version_insert;
DROP TRIGGER guestbook_version_delete;
DROP TRIGGER guestbook_version_update;
DROP TRIGGER guestbook_version_insert;
DROP TABLE data_versions;
