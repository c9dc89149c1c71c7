-- The key of client hashes moves out of the database into a file each node keeps
-- (`--client-key-file`), turned over daily: a copy of the database alone no longer lets anyone
-- try every address against the stored hashes. The old key goes with its table.
DROP TABLE site_secrets;
