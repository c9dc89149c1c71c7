DROP TRIGGER stories_copy_to_countries;
DROP TRIGGER story_countries_copy_story;
DROP INDEX story_countries_by_country_theme_date;
DROP INDEX story_countries_by_country_date;
CREATE INDEX story_countries_by_country ON story_countries (country_code, story_id);
ALTER TABLE story_countries DROP COLUMN sort_key;
ALTER TABLE story_countries DROP COLUMN status;
ALTER TABLE story_countries DROP COLUMN theme_id;
