//! Queries for what readers send: submissions, guestbook entries, the idempotency keys that
//! guard them, and the site secret that keys the client hash.

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use diesel::sql_types::BigInt;

use super::schema::{guestbook_entries, idempotency_keys, submissions, themes};
use super::DbConn;

/// A submission as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = submissions)]
pub struct SubmissionRow {
    pub id: i64,
    pub status: String,
    pub title: String,
    pub body: String,
    pub theme_id: i64,
    pub countries: String,
    pub byline: Option<String>,
    pub email: Option<String>,
    pub links: String,
    pub related_url: Option<String>,
    pub reject_reason: Option<String>,
    pub story_id: Option<i64>,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// A new submission, already validated; `countries` and `links` are JSON.
pub struct NewSubmission<'a> {
    pub title: &'a str,
    pub body: &'a str,
    pub theme_id: i64,
    pub countries: String,
    pub byline: Option<&'a str>,
    pub email: Option<&'a str>,
    pub links: String,
    pub related_url: Option<&'a str>,
    pub content_hash: &'a str,
    pub client_hash: &'a str,
}

pub fn insert_submission(conn: &mut DbConn, s: &NewSubmission) -> QueryResult<i64> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(submissions::table)
        .values((
            submissions::status.eq("pending"),
            submissions::title.eq(s.title),
            submissions::body.eq(s.body),
            submissions::theme_id.eq(s.theme_id),
            submissions::countries.eq(&s.countries),
            submissions::byline.eq(s.byline),
            submissions::email.eq(s.email),
            submissions::links.eq(&s.links),
            submissions::related_url.eq(s.related_url),
            submissions::content_hash.eq(s.content_hash),
            submissions::client_hash.eq(Some(s.client_hash)),
            submissions::created_at.eq(now),
            submissions::updated_at.eq(now),
        ))
        .returning(submissions::id)
        .get_result(conn)
}

/// One submission with its theme's slug.
pub fn find_submission(conn: &mut DbConn, id: i64) -> QueryResult<Option<(SubmissionRow, String)>> {
    submissions::table
        .inner_join(themes::table)
        .filter(submissions::id.eq(id))
        .select((SubmissionRow::as_select(), themes::slug))
        .first(conn)
        .optional()
}

/// A guestbook entry as stored.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = guestbook_entries)]
pub struct GuestbookRow {
    pub id: i64,
    pub status: String,
    pub name: String,
    pub country_code: Option<String>,
    pub message: String,
    pub created_at: NaiveDateTime,
}

pub struct NewGuestbookEntry<'a> {
    pub status: &'a str,
    pub name: &'a str,
    pub country_code: Option<&'a str>,
    pub message: &'a str,
    pub content_hash: &'a str,
    pub client_hash: &'a str,
}

pub fn insert_guestbook_entry(
    conn: &mut DbConn,
    e: &NewGuestbookEntry,
) -> QueryResult<GuestbookRow> {
    let now = Utc::now().naive_utc();
    let id = diesel::insert_into(guestbook_entries::table)
        .values((
            guestbook_entries::status.eq(e.status),
            guestbook_entries::name.eq(e.name),
            guestbook_entries::country_code.eq(e.country_code),
            guestbook_entries::message.eq(e.message),
            guestbook_entries::content_hash.eq(e.content_hash),
            guestbook_entries::client_hash.eq(Some(e.client_hash)),
            guestbook_entries::created_at.eq(now),
            guestbook_entries::updated_at.eq(now),
        ))
        .returning(guestbook_entries::id)
        .get_result::<i64>(conn)?;
    guestbook_entries::table
        .find(id)
        .select(GuestbookRow::as_select())
        .first(conn)
}

/// Entries with this status, newest first, and how many there are.
pub fn list_guestbook(
    conn: &mut DbConn,
    status: &str,
    limit: i64,
    offset: i64,
) -> QueryResult<(Vec<GuestbookRow>, i64)> {
    let total = guestbook_entries::table
        .filter(guestbook_entries::status.eq(status))
        .count()
        .get_result(conn)?;
    let rows = guestbook_entries::table
        .filter(guestbook_entries::status.eq(status))
        .order((
            guestbook_entries::created_at.desc(),
            guestbook_entries::id.desc(),
        ))
        .limit(limit)
        .offset(offset)
        .select(GuestbookRow::as_select())
        .load(conn)?;
    Ok((rows, total))
}

/// Which of the two tables readers write to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Form {
    Submission,
    Guestbook,
}

/// How many entries this client sent since `since`, and when the oldest of them came.
pub fn recent_from_client(
    conn: &mut DbConn,
    form: Form,
    client_hash: &str,
    since: NaiveDateTime,
) -> QueryResult<(i64, Option<NaiveDateTime>)> {
    match form {
        Form::Submission => submissions::table
            .filter(submissions::client_hash.eq(client_hash))
            .filter(submissions::created_at.gt(since))
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::min(submissions::created_at),
            ))
            .first(conn),
        Form::Guestbook => guestbook_entries::table
            .filter(guestbook_entries::client_hash.eq(client_hash))
            .filter(guestbook_entries::created_at.gt(since))
            .select((
                diesel::dsl::count_star(),
                diesel::dsl::min(guestbook_entries::created_at),
            ))
            .first(conn),
    }
}

/// The id of an entry with the same text received since `since`, if any.
pub fn duplicate_of(
    conn: &mut DbConn,
    form: Form,
    content_hash: &str,
    since: NaiveDateTime,
) -> QueryResult<Option<i64>> {
    match form {
        Form::Submission => submissions::table
            .filter(submissions::content_hash.eq(content_hash))
            .filter(submissions::created_at.gt(since))
            .select(submissions::id)
            .first(conn)
            .optional(),
        Form::Guestbook => guestbook_entries::table
            .filter(guestbook_entries::content_hash.eq(content_hash))
            .filter(guestbook_entries::created_at.gt(since))
            .select(guestbook_entries::id)
            .first(conn)
            .optional(),
    }
}

/// Forgets the client hashes of entries older than `before`: they were kept for the rate
/// limit only.
pub fn forget_client_hashes(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    let a = diesel::update(
        submissions::table
            .filter(submissions::client_hash.is_not_null())
            .filter(submissions::created_at.le(before)),
    )
    .set(submissions::client_hash.eq(None::<String>))
    .execute(conn)?;
    let b = diesel::update(
        guestbook_entries::table
            .filter(guestbook_entries::client_hash.is_not_null())
            .filter(guestbook_entries::created_at.le(before)),
    )
    .set(guestbook_entries::client_hash.eq(None::<String>))
    .execute(conn)?;
    Ok(a + b)
}

/// Deletes the sender's e-mail from submissions a moderator decided (approved or rejected)
/// at or before `decided_before`. Returns how many were cleared.
pub fn forget_emails(conn: &mut DbConn, decided_before: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        submissions::table
            .filter(submissions::email.is_not_null())
            .filter(submissions::status.ne("pending"))
            .filter(submissions::updated_at.le(decided_before)),
    )
    .set(submissions::email.eq(None::<String>))
    .execute(conn)
}

/// Serialises writers of the same content (or client) across PostgreSQL connections until
/// the transaction ends, so two nodes cannot both decide "not a duplicate". BACKEND-SPECIFIC:
/// SQLite's `BEGIN IMMEDIATE` (see `write_transaction`) already serialises every writer.
pub fn lock_for_transaction(conn: &mut DbConn, key: i64) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock($1)")
            .bind::<BigInt, _>(key)
            .execute(c)?;
    }
    Ok(())
}

/// The stored answer to an earlier request with the same idempotency key.
#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = idempotency_keys)]
pub struct StoredAnswer {
    pub request_hash: String,
    pub status: i32,
    pub response: String,
}

pub fn find_answer(conn: &mut DbConn, scope: &str, key: &str) -> QueryResult<Option<StoredAnswer>> {
    idempotency_keys::table
        .filter(idempotency_keys::scope.eq(scope))
        .filter(idempotency_keys::idem_key.eq(key))
        .select(StoredAnswer::as_select())
        .first(conn)
        .optional()
}

pub fn store_answer(
    conn: &mut DbConn,
    scope: &str,
    key: &str,
    answer: &StoredAnswer,
) -> QueryResult<()> {
    diesel::insert_into(idempotency_keys::table)
        .values((
            idempotency_keys::scope.eq(scope),
            idempotency_keys::idem_key.eq(key),
            idempotency_keys::request_hash.eq(&answer.request_hash),
            idempotency_keys::status.eq(answer.status),
            idempotency_keys::response.eq(&answer.response),
            idempotency_keys::created_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// Drops idempotency keys older than `before`.
pub fn expire_answers(conn: &mut DbConn, before: NaiveDateTime) -> QueryResult<usize> {
    diesel::delete(idempotency_keys::table.filter(idempotency_keys::created_at.lt(before)))
        .execute(conn)
}
