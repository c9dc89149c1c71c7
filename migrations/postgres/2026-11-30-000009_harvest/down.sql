DROP TABLE story_tombstones;
DROP INDEX stories_by_change;
