DROP TRIGGER sources_version_change ON sources;
DROP TRIGGER guestbook_version_update ON guestbook_entries;
DROP TRIGGER guestbook_version_change ON guestbook_entries;
DROP FUNCTION bump_data_version();
DROP TABLE data_versions;
