//! Stories that were public and no longer are: what harvesters must remove.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::story_tombstones;
use super::DbConn;

/// Why a story left the public archive, as stored.
pub const DELETED: &str = "deleted";
pub const UNPUBLISHED: &str = "unpublished";

/// One tombstone as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = story_tombstones)]
pub struct TombstoneRow {
    pub story_id: i64,
    pub slug: String,
    pub reason: String,
    pub removed_at: NaiveDateTime,
}

/// Records that a story left the public archive (replacing an earlier tombstone of it); call
/// in the transaction that unpublishes or deletes it.
pub fn record(
    conn: &mut DbConn,
    story_id: i64,
    slug: &str,
    reason: &'static str,
    at: NaiveDateTime,
) -> QueryResult<()> {
    clear(conn, story_id)?;
    diesel::insert_into(story_tombstones::table)
        .values((
            story_tombstones::story_id.eq(story_id),
            story_tombstones::slug.eq(slug),
            story_tombstones::reason.eq(reason),
            story_tombstones::removed_at.eq(at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Forgets a story's tombstone: it is public again. In the transaction that publishes it.
pub fn clear(conn: &mut DbConn, story_id: i64) -> QueryResult<()> {
    diesel::delete(story_tombstones::table.filter(story_tombstones::story_id.eq(story_id)))
        .execute(conn)
        .map(|_| ())
}

/// Whether a story has a tombstone.
pub fn exists(conn: &mut DbConn, story_id: i64) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        story_tombstones::table.filter(story_tombstones::story_id.eq(story_id)),
    ))
    .get_result(conn)
}

/// Tombstones after `(at, story_id)` in the order of removal, removed before `until`, at most
/// `limit`.
pub fn after(
    conn: &mut DbConn,
    at: NaiveDateTime,
    story_id: i64,
    until: NaiveDateTime,
    limit: i64,
) -> QueryResult<Vec<TombstoneRow>> {
    story_tombstones::table
        .filter(story_tombstones::removed_at.ge(at))
        .filter(
            story_tombstones::removed_at
                .gt(at)
                .or(story_tombstones::removed_at
                    .eq(at)
                    .and(story_tombstones::story_id.gt(story_id))),
        )
        .filter(story_tombstones::removed_at.lt(until))
        .order((
            story_tombstones::removed_at.asc(),
            story_tombstones::story_id.asc(),
        ))
        .limit(limit)
        .select(TombstoneRow::as_select())
        .load(conn)
}
