//! The SQL of backups and restores (`crate::backup` does the files and the tools). These run
//! on plain connections of each backend, outside the pool: a backup must not migrate, and a
//! restore looks at databases that may not be People's Stories databases yet.

use diesel::pg::PgConnection;
use diesel::prelude::*;
use diesel::sql_types::{BigInt, Text};
use diesel::sqlite::SqliteConnection;

#[derive(QueryableByName)]
struct Count {
    #[diesel(sql_type = BigInt)]
    n: i64,
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// BACKEND-SPECIFIC (SQLite): waits up to 5 s for a writer's lock rather than failing.
pub fn sqlite_wait_when_busy(conn: &mut SqliteConnection) -> QueryResult<()> {
    diesel::connection::SimpleConnection::batch_execute(conn, "PRAGMA busy_timeout = 5000")
}

/// BACKEND-SPECIFIC (SQLite): writes a consistent copy of the database to `path` (which must
/// not exist) in one read transaction; writers carry on meanwhile (WAL).
pub fn sqlite_vacuum_into(conn: &mut SqliteConnection, path: &str) -> QueryResult<()> {
    diesel::sql_query("VACUUM INTO ?")
        .bind::<Text, _>(path)
        .execute(conn)
        .map(|_| ())
}

/// BACKEND-SPECIFIC (SQLite): what `PRAGMA integrity_check` and `PRAGMA foreign_key_check`
/// find wrong; empty when the database is sound.
pub fn sqlite_problems(conn: &mut SqliteConnection) -> QueryResult<Vec<String>> {
    let mut problems: Vec<String> = diesel::sql_query("PRAGMA integrity_check")
        .load::<Check>(conn)?
        .into_iter()
        .map(|c| c.integrity_check)
        .filter(|c| c != "ok")
        .collect();
    let broken_keys = diesel::sql_query("SELECT count(*) AS n FROM pragma_foreign_key_check")
        .get_result::<Count>(conn)?
        .n;
    if broken_keys > 0 {
        problems.push(format!(
            "{broken_keys} rows refer to rows that do not exist"
        ));
    }
    Ok(problems)
}

/// BACKEND-SPECIFIC (SQLite): how many stories the database holds; None when it has no
/// `stories` table (a new or foreign file).
pub fn sqlite_story_count(conn: &mut SqliteConnection) -> QueryResult<Option<i64>> {
    story_count(
        conn,
        "SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = 'stories'",
    )
}

/// BACKEND-SPECIFIC (PostgreSQL): as `sqlite_story_count`, in the connection's schema.
pub fn pg_story_count(conn: &mut PgConnection) -> QueryResult<Option<i64>> {
    story_count(
        conn,
        "SELECT count(*) AS n FROM pg_catalog.pg_tables \
         WHERE schemaname = current_schema() AND tablename = 'stories'",
    )
}

/// The stories counted, once `tables` (the backend's catalogue query) found their table.
fn story_count<C>(conn: &mut C, tables: &str) -> QueryResult<Option<i64>>
where
    C: diesel::Connection,
    for<'a> diesel::query_builder::SqlQuery: diesel::query_dsl::LoadQuery<'a, C, Count>,
{
    if diesel::sql_query(tables).get_result::<Count>(conn)?.n == 0 {
        return Ok(None);
    }
    diesel::sql_query("SELECT count(*) AS n FROM stories")
        .get_result::<Count>(conn)
        .map(|c| Some(c.n))
}

/// BACKEND-SPECIFIC (PostgreSQL): how many other sessions are connected to this database
/// (a running server keeps its pool's connections open).
pub fn pg_other_sessions(conn: &mut PgConnection) -> QueryResult<i64> {
    diesel::sql_query(
        "SELECT count(*) AS n FROM pg_catalog.pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .get_result::<Count>(conn)
    .map(|c| c.n)
}
