//! Accounts, sessions, API tokens and login throttling. Tokens arrive here
//! already hashed: this module never sees a session or API token in the clear.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use super::schema::{api_tokens, login_failures, sessions, users};
use super::DbConn;

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = users)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub password_hash: String,
    pub role: String,
    pub disabled_at: Option<NaiveDateTime>,
    pub created_at: NaiveDateTime,
}

/// An account by its (lower-case) username.
pub fn user_by_name(conn: &mut DbConn, username: &str) -> QueryResult<Option<UserRow>> {
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
        .optional()
}

/// How many accounts are active admins.
pub fn active_admin_count(conn: &mut DbConn) -> QueryResult<i64> {
    users::table
        .filter(users::role.eq("admin"))
        .filter(users::disabled_at.is_null())
        .count()
        .get_result(conn)
}

/// Every account, by username.
pub fn list_users(conn: &mut DbConn) -> QueryResult<Vec<UserRow>> {
    users::table
        .order(users::username)
        .select(UserRow::as_select())
        .load(conn)
}

/// Makes an account; a taken username is a unique violation.
pub fn insert_user(
    conn: &mut DbConn,
    username: &str,
    password_hash: &str,
    role: &str,
    now: NaiveDateTime,
) -> QueryResult<UserRow> {
    diesel::insert_into(users::table)
        .values((
            users::username.eq(username),
            users::password_hash.eq(password_hash),
            users::role.eq(role),
            users::created_at.eq(now),
            users::updated_at.eq(now),
        ))
        .execute(conn)?;
    users::table
        .filter(users::username.eq(username))
        .select(UserRow::as_select())
        .first(conn)
}

/// Disables an account and ends everything that acts for it: its sessions and API tokens.
/// Call inside a transaction.
pub fn disable_user(conn: &mut DbConn, user_id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(users::table.filter(users::id.eq(user_id)))
        .set((users::disabled_at.eq(Some(now)), users::updated_at.eq(now)))
        .execute(conn)?;
    diesel::delete(sessions::table.filter(sessions::user_id.eq(user_id))).execute(conn)?;
    diesel::update(
        api_tokens::table
            .filter(api_tokens::user_id.eq(user_id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(conn)?;
    Ok(())
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = sessions)]
pub struct SessionRow {
    pub id: i64,
    pub user_id: i64,
    pub csrf_token: String,
    pub created_at: NaiveDateTime,
    pub last_seen_at: NaiveDateTime,
    pub expires_at: NaiveDateTime,
}

/// Stores a new session under the hash of its token.
pub fn insert_session(
    conn: &mut DbConn,
    token_hash: &str,
    user_id: i64,
    csrf_token: &str,
    now: NaiveDateTime,
    expires_at: NaiveDateTime,
) -> QueryResult<()> {
    diesel::insert_into(sessions::table)
        .values((
            sessions::token_hash.eq(token_hash),
            sessions::user_id.eq(user_id),
            sessions::csrf_token.eq(csrf_token),
            sessions::created_at.eq(now),
            sessions::last_seen_at.eq(now),
            sessions::expires_at.eq(expires_at),
        ))
        .execute(conn)
        .map(|_| ())
}

/// A session and its account by the hash of the session token.
pub fn session_by_hash(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<(SessionRow, UserRow)>> {
    sessions::table
        .inner_join(users::table)
        .filter(sessions::token_hash.eq(token_hash))
        .select((SessionRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

/// Notes that a session was used (for its idle expiry).
pub fn touch_session(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(sessions::table.filter(sessions::id.eq(id)))
        .set(sessions::last_seen_at.eq(now))
        .execute(conn)
        .map(|_| ())
}

/// Ends one session.
pub fn delete_session(conn: &mut DbConn, id: i64) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::id.eq(id)))
        .execute(conn)
        .map(|_| ())
}

/// Ends the session with this token hash, if there is one (rotation at login).
pub fn delete_session_by_hash(conn: &mut DbConn, token_hash: &str) -> QueryResult<()> {
    diesel::delete(sessions::table.filter(sessions::token_hash.eq(token_hash)))
        .execute(conn)
        .map(|_| ())
}

/// Removes sessions past their absolute end or idle since before `idle_before`.
pub fn delete_expired_sessions(
    conn: &mut DbConn,
    now: NaiveDateTime,
    idle_before: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        sessions::table.filter(
            sessions::expires_at
                .le(now)
                .or(sessions::last_seen_at.lt(idle_before)),
        ),
    )
    .execute(conn)
}

/// How many sessions an account has (for tests and `user list`).
pub fn session_count(conn: &mut DbConn, user_id: i64) -> QueryResult<i64> {
    sessions::table
        .filter(sessions::user_id.eq(user_id))
        .count()
        .get_result(conn)
}

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = api_tokens)]
pub struct TokenRow {
    pub id: i64,
    pub name: String,
    pub user_id: i64,
    /// The account that made it; None for the command line.
    pub created_by: Option<i64>,
    pub created_at: NaiveDateTime,
    pub last_used_at: Option<NaiveDateTime>,
    pub revoked_at: Option<NaiveDateTime>,
}

/// Stores a new API token under the hash of its secret; returns its id.
pub fn insert_token(
    conn: &mut DbConn,
    name: &str,
    token_hash: &str,
    user_id: i64,
    created_by: Option<i64>,
    now: NaiveDateTime,
) -> QueryResult<i64> {
    diesel::insert_into(api_tokens::table)
        .values((
            api_tokens::name.eq(name),
            api_tokens::token_hash.eq(token_hash),
            api_tokens::user_id.eq(user_id),
            api_tokens::created_by.eq(created_by),
            api_tokens::created_at.eq(now),
        ))
        .execute(conn)?;
    api_tokens::table
        .filter(api_tokens::token_hash.eq(token_hash))
        .select(api_tokens::id)
        .first(conn)
}

/// A working (unrevoked) token and its account by the hash of its secret.
pub fn token_by_hash(
    conn: &mut DbConn,
    token_hash: &str,
) -> QueryResult<Option<(TokenRow, UserRow)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::token_hash.eq(token_hash))
        .filter(api_tokens::revoked_at.is_null())
        .select((TokenRow::as_select(), UserRow::as_select()))
        .first(conn)
        .optional()
}

/// Notes that a token was used.
pub fn touch_token(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<()> {
    diesel::update(api_tokens::table.filter(api_tokens::id.eq(id)))
        .set(api_tokens::last_used_at.eq(Some(now)))
        .execute(conn)
        .map(|_| ())
}

/// Every token with its account's username, newest first.
pub fn list_tokens(conn: &mut DbConn) -> QueryResult<Vec<(TokenRow, String)>> {
    api_tokens::table
        .inner_join(users::table)
        .order(api_tokens::id.desc())
        .select((TokenRow::as_select(), users::username))
        .load(conn)
}

/// One token with its account's username.
pub fn token_by_id(conn: &mut DbConn, id: i64) -> QueryResult<Option<(TokenRow, String)>> {
    api_tokens::table
        .inner_join(users::table)
        .filter(api_tokens::id.eq(id))
        .select((TokenRow::as_select(), users::username))
        .first(conn)
        .optional()
}

/// Revokes a token (kept, so the list shows it was).
pub fn revoke_token(conn: &mut DbConn, id: i64, now: NaiveDateTime) -> QueryResult<usize> {
    diesel::update(
        api_tokens::table
            .filter(api_tokens::id.eq(id))
            .filter(api_tokens::revoked_at.is_null()),
    )
    .set(api_tokens::revoked_at.eq(Some(now)))
    .execute(conn)
}

/// Holds a throttling key for the rest of the transaction, so that reading its count and
/// writing the next one is one step however many logins race. BACKEND-SPECIFIC: PostgreSQL
/// takes a transaction-scoped advisory lock on the key's hash (the row may not exist yet, so a
/// row lock would not do); on SQLite the `BEGIN IMMEDIATE` of `write_transaction` already holds
/// the one write lock.
pub fn lock_login_key(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    if let DbConn::Pg(c) = conn {
        diesel::sql_query("SELECT pg_advisory_xact_lock(7370002, hashtext($1))")
            .bind::<diesel::sql_types::Text, _>(key)
            .execute(c)?;
    }
    Ok(())
}

/// (failures in the current window, window start, locked until) for a throttling key.
pub fn login_failures(
    conn: &mut DbConn,
    key: &str,
) -> QueryResult<Option<(i32, NaiveDateTime, Option<NaiveDateTime>)>> {
    login_failures::table
        .filter(login_failures::key.eq(key))
        .select((
            login_failures::failures,
            login_failures::window_start,
            login_failures::locked_until,
        ))
        .first(conn)
        .optional()
}

/// Writes a throttling key's state.
pub fn put_login_failures(
    conn: &mut DbConn,
    key: &str,
    failures: i32,
    window_start: NaiveDateTime,
    locked_until: Option<NaiveDateTime>,
) -> QueryResult<()> {
    let updated = diesel::update(login_failures::table.filter(login_failures::key.eq(key)))
        .set((
            login_failures::failures.eq(failures),
            login_failures::window_start.eq(window_start),
            login_failures::locked_until.eq(locked_until),
        ))
        .execute(conn)?;
    if updated == 0 {
        diesel::insert_into(login_failures::table)
            .values((
                login_failures::key.eq(key),
                login_failures::failures.eq(failures),
                login_failures::window_start.eq(window_start),
                login_failures::locked_until.eq(locked_until),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Forgets a throttling key (after a successful login).
pub fn clear_login_failures(conn: &mut DbConn, key: &str) -> QueryResult<()> {
    diesel::delete(login_failures::table.filter(login_failures::key.eq(key)))
        .execute(conn)
        .map(|_| ())
}

/// Removes throttling rows whose window began before `window_before` and that are not locked
/// past `now`.
pub fn delete_stale_login_failures(
    conn: &mut DbConn,
    window_before: NaiveDateTime,
    now: NaiveDateTime,
) -> QueryResult<usize> {
    diesel::delete(
        login_failures::table
            .filter(login_failures::window_start.lt(window_before))
            .filter(
                login_failures::locked_until
                    .is_null()
                    .or(login_failures::locked_until.le(now)),
            ),
    )
    .execute(conn)
}
