//! What the sitemaps list: published stories by ranges of ids (keyset, never the whole
//! table at once), and the sources' slugs.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{sources, stories};
use super::stories::PUBLISHED;
use super::DbConn;

/// The largest story id there is (any status), 0 when there are none: the sitemap index
/// needs only this to know its ranges. A primary-key lookup, whatever the table's size.
pub fn max_story_id(conn: &mut DbConn) -> QueryResult<i64> {
    Ok(stories::table
        .select(diesel::dsl::max(stories::id))
        .first::<Option<i64>>(conn)?
        .unwrap_or(0))
}

/// The first published story id in `lo..=hi`, if any (a primary-key range scan that stops
/// at the first match).
pub fn first_published_between(conn: &mut DbConn, lo: i64, hi: i64) -> QueryResult<Option<i64>> {
    stories::table
        .filter(stories::id.between(lo, hi))
        .filter(stories::status.eq(PUBLISHED))
        .select(stories::id)
        .order(stories::id)
        .first(conn)
        .optional()
}

/// The slug and last change of every published story with an id in `lo..=hi`, by id.
pub fn published_between(
    conn: &mut DbConn,
    lo: i64,
    hi: i64,
) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    stories::table
        .filter(stories::id.between(lo, hi))
        .filter(stories::status.eq(PUBLISHED))
        .select((stories::slug, stories::updated_at))
        .order(stories::id)
        .load(conn)
}

/// Every source's slug and last change, by id.
pub fn sources(conn: &mut DbConn) -> QueryResult<Vec<(String, NaiveDateTime)>> {
    sources::table
        .select((sources::slug, sources::updated_at))
        .order(sources::id)
        .load(conn)
}
