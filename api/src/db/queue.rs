//! The moderators' queue: listing and changing submissions and guestbook entries.

use chrono::Utc;
use diesel::prelude::*;

use super::contributions::{GuestbookRow, SubmissionRow};
use super::schema::{guestbook_entries, submissions, themes};
use super::DbConn;

/// Submissions with this status (or any), oldest first (a queue), and how many there are.
pub fn list_submissions(
    conn: &mut DbConn,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<(SubmissionRow, String)>, i64)> {
    let mut count = submissions::table.into_boxed();
    let mut page = submissions::table
        .inner_join(themes::table)
        .select((SubmissionRow::as_select(), themes::slug))
        .into_boxed();
    if let Some(s) = status {
        count = count.filter(submissions::status.eq(s));
        page = page.filter(submissions::status.eq(s));
    }
    let total = count.count().get_result(conn)?;
    let rows = page
        .order((submissions::created_at.asc(), submissions::id.asc()))
        .limit(limit)
        .offset(offset)
        .load(conn)?;
    Ok((rows, total))
}

/// A submission's editable fields, as stored (`countries` and `links` are JSON).
pub struct SubmissionFields<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub theme_id: i64,
    pub countries: &'a str,
    pub byline: Option<&'a str>,
    pub links: &'a str,
    pub related_url: Option<&'a str>,
}

/// Rewrites a submission's fields.
pub fn update_submission(conn: &mut DbConn, id: i64, f: &SubmissionFields) -> QueryResult<()> {
    diesel::update(submissions::table.filter(submissions::id.eq(id)))
        .set((
            submissions::title.eq(f.title),
            submissions::body.eq(f.body),
            submissions::theme_id.eq(f.theme_id),
            submissions::countries.eq(f.countries),
            submissions::byline.eq(f.byline),
            submissions::links.eq(f.links),
            submissions::related_url.eq(f.related_url),
            submissions::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Moves a pending submission on: approved with its story, or rejected with a reason.
/// Returns how many rows changed (0 when it was no longer pending).
pub fn decide_submission(
    conn: &mut DbConn,
    id: i64,
    status: &str,
    reason: Option<&str>,
    story_id: Option<i64>,
) -> QueryResult<usize> {
    diesel::update(
        submissions::table
            .filter(submissions::id.eq(id))
            .filter(submissions::status.eq("pending")),
    )
    .set((
        submissions::status.eq(status),
        submissions::reject_reason.eq(reason),
        submissions::story_id.eq(story_id),
        submissions::updated_at.eq(Utc::now().naive_utc()),
    ))
    .execute(conn)
}

/// One guestbook entry, any status.
pub fn guestbook_entry(conn: &mut DbConn, id: i64) -> QueryResult<Option<GuestbookRow>> {
    guestbook_entries::table
        .filter(guestbook_entries::id.eq(id))
        .select(GuestbookRow::as_select())
        .first(conn)
        .optional()
}

/// Sets the status of these entries; returns how many exist.
pub fn set_guestbook_status(conn: &mut DbConn, ids: &[i64], status: &str) -> QueryResult<usize> {
    diesel::update(guestbook_entries::table.filter(guestbook_entries::id.eq_any(ids)))
        .set((
            guestbook_entries::status.eq(status),
            guestbook_entries::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
}

/// Deletes these entries; returns how many there were.
pub fn delete_guestbook(conn: &mut DbConn, ids: &[i64]) -> QueryResult<usize> {
    diesel::delete(guestbook_entries::table.filter(guestbook_entries::id.eq_any(ids))).execute(conn)
}

/// How many submissions wait for a moderator, and how many guestbook entries are held:
/// the metrics' queue gauges, read at scrape time.
pub fn pending_counts(conn: &mut DbConn) -> QueryResult<(i64, i64)> {
    let submissions = submissions::table
        .filter(submissions::status.eq("pending"))
        .count()
        .get_result(conn)?;
    let guestbook = guestbook_entries::table
        .filter(guestbook_entries::status.eq("pending"))
        .count()
        .get_result(conn)?;
    Ok((submissions, guestbook))
}
