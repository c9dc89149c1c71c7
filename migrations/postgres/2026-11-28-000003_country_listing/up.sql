-- "Newest stories for a country (and a theme)" in milliseconds at a million stories: each
-- story_countries row carries its story's theme, status and sort key, so one index range
-- answers it in order. Triggers keep the copies equal to the story, whoever writes.
ALTER TABLE story_countries ADD COLUMN theme_id BIGINT NOT NULL DEFAULT 0;
ALTER TABLE story_countries ADD COLUMN status TEXT NOT NULL DEFAULT 'draft';
ALTER TABLE story_countries ADD COLUMN sort_key INTEGER NOT NULL DEFAULT 0;

UPDATE story_countries sc
SET theme_id = s.theme_id, status = s.status, sort_key = s.sort_key
FROM stories s WHERE s.id = sc.story_id;

DROP INDEX story_countries_by_country;
CREATE INDEX story_countries_by_country_date
    ON story_countries (country_code, status, sort_key, story_id);
CREATE INDEX story_countries_by_country_theme_date
    ON story_countries (country_code, theme_id, status, sort_key, story_id);

CREATE FUNCTION story_countries_copy_story() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    SELECT s.theme_id, s.status, s.sort_key INTO NEW.theme_id, NEW.status, NEW.sort_key
    FROM stories s WHERE s.id = NEW.story_id;
    RETURN NEW;
END $$;

CREATE TRIGGER story_countries_copy_story BEFORE INSERT ON story_countries
    FOR EACH ROW EXECUTE FUNCTION story_countries_copy_story();

CREATE FUNCTION stories_copy_to_countries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE story_countries
    SET theme_id = NEW.theme_id, status = NEW.status, sort_key = NEW.sort_key
    WHERE story_id = NEW.id;
    RETURN NULL;
END $$;

CREATE TRIGGER stories_copy_to_countries AFTER UPDATE OF theme_id, status, sort_key ON stories
    FOR EACH ROW EXECUTE FUNCTION stories_copy_to_countries();
