//! The story change log: how every node's search index learns of writes, on one database or
//! several nodes sharing one PostgreSQL.

use chrono::Utc;
use diesel::prelude::*;

use super::schema::{stories, story_changes};
use super::stories::PUBLISHED;
use super::DbConn;

/// Records that a story changed; call in the transaction that changes it.
pub fn record(conn: &mut DbConn, story_id: i64) -> QueryResult<()> {
    diesel::insert_into(story_changes::table)
        .values((
            story_changes::story_id.eq(Some(story_id)),
            story_changes::changed_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Asks every node to rebuild its index from scratch (after bulk writes such as `generate`).
pub fn record_rebuild(conn: &mut DbConn) -> QueryResult<()> {
    diesel::insert_into(story_changes::table)
        .values((
            story_changes::story_id.eq(None::<i64>),
            story_changes::changed_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Changes after `after`, oldest first: (seq, story id or None for "rebuild everything").
pub fn since(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<(i64, Option<i64>)>> {
    story_changes::table
        .filter(story_changes::seq.gt(after))
        .order(story_changes::seq)
        .limit(limit)
        .select((story_changes::seq, story_changes::story_id))
        .load(conn)
}

/// The newest change's number, or 0.
pub fn latest(conn: &mut DbConn) -> QueryResult<i64> {
    story_changes::table
        .select(diesel::dsl::max(story_changes::seq))
        .first::<Option<i64>>(conn)
        .map(|m| m.unwrap_or(0))
}

/// Published story ids after `after`, in id order: the keyset pages of a full rebuild.
pub fn published_ids_after(conn: &mut DbConn, after: i64, limit: i64) -> QueryResult<Vec<i64>> {
    stories::table
        .filter(stories::status.eq(PUBLISHED))
        .filter(stories::id.gt(after))
        .order(stories::id)
        .limit(limit)
        .select(stories::id)
        .load(conn)
}

/// How many stories are published.
pub fn published_count(conn: &mut DbConn) -> QueryResult<i64> {
    stories::table
        .filter(stories::status.eq(PUBLISHED))
        .count()
        .get_result(conn)
}

/// The changes with these numbers that exist now (gaps seen earlier that have since committed).
pub fn by_seqs(conn: &mut DbConn, seqs: &[i64]) -> QueryResult<Vec<(i64, Option<i64>)>> {
    if seqs.is_empty() {
        return Ok(Vec::new());
    }
    story_changes::table
        .filter(story_changes::seq.eq_any(seqs))
        .order(story_changes::seq)
        .select((story_changes::seq, story_changes::story_id))
        .load(conn)
}

/// Which of these stories are published.
pub fn published_among(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<i64>> {
    stories::table
        .filter(stories::id.eq_any(ids))
        .filter(stories::status.eq(PUBLISHED))
        .select(stories::id)
        .load(conn)
}
