DROP TABLE story_changes;
