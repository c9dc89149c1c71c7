-- A version number per area of public data that the story change log does not cover: the
-- guestbook and the sources list. Each node caches finished public responses keyed by these
-- numbers (api/src/cache.rs) and reads them every half second; triggers move them, so no
-- writer has to remember. Columns no reader sees (client_hash, content_hash) move nothing.
-- Keep in step with ../../postgres/2026-11-30-000006_data_versions/up.sql.
CREATE TABLE data_versions (
    area TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (area, version) VALUES ('guestbook', 1), ('sources', 1);

CREATE TRIGGER guestbook_version_insert AFTER INSERT ON guestbook_entries
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE area = 'guestbook';
END;
CREATE TRIGGER guestbook_version_update
    AFTER UPDATE OF status, name, country_code, message, created_at ON guestbook_entries
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE area = 'guestbook';
END;
CREATE TRIGGER guestbook_version_delete AFTER DELETE ON guestbook_entries
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE area = 'guestbook';
END;

CREATE TRIGGER sources_version_insert AFTER INSERT ON sources
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE area = 'sources';
END;
CREATE TRIGGER sources_version_update AFTER UPDATE ON sources
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE area = 'sources';
END;
CREATE TRIGGER sources_version_delete AFTER DELETE ON sources
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE area = 'sources';
END;
