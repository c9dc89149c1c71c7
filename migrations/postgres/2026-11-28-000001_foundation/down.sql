DROP TABLE story_links;
DROP TABLE story_countries;
DROP TABLE story_updates;
DROP TABLE stories;
DROP TABLE sources;
DROP TABLE country_aliases;
DROP TABLE countries;
DROP TABLE themes;
