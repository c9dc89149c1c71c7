-- A version number per area of public data that the story change log does not cover: the
-- guestbook and the sources list. Each node caches finished public responses keyed by these
-- numbers (api/src/cache.rs) and reads them every half second; triggers move them, so no
-- writer has to remember. Columns no reader sees (client_hash, content_hash) move nothing.
-- Keep in step with ../../sqlite/2026-11-30-000006_data_versions/up.sql.
CREATE TABLE data_versions (
    area TEXT PRIMARY KEY NOT NULL,
    version BIGINT NOT NULL
);
INSERT INTO data_versions (area, version) VALUES ('guestbook', 1), ('sources', 1);

CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_versions SET version = version + 1 WHERE area = TG_ARGV[0];
    RETURN NULL;
END $$;

CREATE TRIGGER guestbook_version_change AFTER INSERT OR DELETE ON guestbook_entries
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('guestbook');
CREATE TRIGGER guestbook_version_update
    AFTER UPDATE OF status, name, country_code, message, created_at ON guestbook_entries
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('guestbook');
CREATE TRIGGER sources_version_change AFTER INSERT OR UPDATE OR DELETE ON sources
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version('sources');
