//! Accounts and API tokens.

use chrono::{NaiveDateTime, Utc};
use peoples_stories_shared::moderation::{check_password, check_username};
use peoples_stories_shared::{ApiToken, FieldError, Moderator, NewApiToken, Role};

use super::{check, Actor};
use crate::auth::{password, secret};
use crate::db::accounts::{self, TokenRow, UserRow};
use crate::db::{audit, DbConn};
use crate::error::{AppError, AppResult};

fn to_moderator(u: UserRow) -> AppResult<Moderator> {
    Ok(Moderator {
        id: u.id,
        role: Role::parse(&u.role)
            .ok_or_else(|| anyhow::anyhow!("account {} has an unknown role", u.id))?,
        username: u.username,
        disabled_at: u.disabled_at.map(|t| t.and_utc()),
        created_at: u.created_at.and_utc(),
    })
}

fn to_token(t: TokenRow, username: String) -> ApiToken {
    ApiToken {
        id: t.id,
        name: t.name,
        username,
        created_at: t.created_at.and_utc(),
        last_used_at: t.last_used_at.map(|t| t.and_utc()),
        revoked_at: t.revoked_at.map(|t| t.and_utc()),
    }
}

fn entry(
    actor: Actor,
    action: &'static str,
    target_type: &'static str,
    target_id: impl ToString,
    details: serde_json::Value,
) -> audit::NewEntry<'static> {
    audit::NewEntry {
        actor,
        action,
        target_type,
        target_id: Some(target_id.to_string()),
        details,
    }
}

/// Makes an account. The password is hashed (argon2id) before anything is stored.
pub fn create_user(
    conn: &mut DbConn,
    actor: Actor,
    username: &str,
    password: &str,
    role: Role,
) -> AppResult<Moderator> {
    // ASCII lower-casing only: a username is ASCII, and Unicode's would let `K` (the Kelvin
    // sign) through as `k`, beyond the pattern the document gives.
    let username = username.trim().to_ascii_lowercase();
    let mut errors = Vec::new();
    if let Err(m) = check_username(&username) {
        errors.push(FieldError::new("username", m));
    }
    if let Err(m) = check_password(password) {
        errors.push(FieldError::new("password", m));
    }
    check(errors)?;
    let hash = password::hash(password)?;
    let now = Utc::now().naive_utc();
    let row = crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
        if accounts::user_by_name(conn, &username)?.is_some() {
            return Err(AppError::Conflict(format!(
                "the username '{username}' is taken"
            )));
        }
        let row = accounts::insert_user(conn, &username, &hash, role.as_str(), now)?;
        audit::record(
            conn,
            &entry(
                actor,
                "user.create",
                "user",
                row.id,
                serde_json::json!({"username": username, "role": role}),
            ),
            now,
        )?;
        Ok(row)
    })?;
    to_moderator(row)
}

/// Every account.
pub fn list_users(conn: &mut DbConn) -> AppResult<Vec<Moderator>> {
    accounts::list_users(conn)?
        .into_iter()
        .map(to_moderator)
        .collect()
}

/// Disables an account and ends its sessions and API tokens, at once on every node.
pub fn disable_user(conn: &mut DbConn, actor: Actor, username: &str) -> AppResult<Moderator> {
    let username = username.trim().to_lowercase();
    let now = Utc::now().naive_utc();
    let row = crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
        let user = accounts::user_by_name(conn, &username)?
            .ok_or_else(|| AppError::NotFound(format!("no account is named '{username}'")))?;
        if user.disabled_at.is_none() {
            if user.role == Role::Admin.as_str() && accounts::active_admin_count(conn)? <= 1 {
                return Err(AppError::Conflict(format!(
                    "'{username}' is the last active admin: add another admin first"
                )));
            }
            accounts::disable_user(conn, user.id, now)?;
            audit::record(
                conn,
                &entry(
                    actor,
                    "user.disable",
                    "user",
                    user.id,
                    serde_json::json!({"username": username}),
                ),
                now,
            )?;
        }
        Ok(accounts::user_by_name(conn, &username)?
            .ok_or_else(|| anyhow::anyhow!("account vanished"))?)
    })?;
    to_moderator(row)
}

/// Makes an API token acting as `username`; returns it with its secret, shown this once.
pub fn create_token(
    conn: &mut DbConn,
    actor: Actor,
    username: &str,
    name: &str,
) -> AppResult<NewApiToken> {
    let name = name.trim();
    let n = name.chars().count();
    if n == 0 || n > 200 || name.chars().any(char::is_control) {
        return Err(AppError::invalid_body(vec![FieldError::new(
            "name",
            "is required: 1 to 200 characters saying what the token is for",
        )]));
    }
    let username = username.trim().to_lowercase();
    let secret = format!("ps_{}", secret::random_token());
    let now: NaiveDateTime = Utc::now().naive_utc();
    let (row, username) = crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
        let user = accounts::user_by_name(conn, &username)?
            .filter(|u| u.disabled_at.is_none())
            .ok_or_else(|| {
                AppError::field(
                    "username",
                    format!("no active account is named '{username}'"),
                )
            })?;
        let id = accounts::insert_token(
            conn,
            name,
            &secret::token_hash(&secret),
            user.id,
            actor.user_id,
            now,
        )?;
        audit::record(
            conn,
            &entry(
                actor,
                "token.create",
                "token",
                id,
                serde_json::json!({"name": name, "username": username}),
            ),
            now,
        )?;
        Ok(accounts::token_by_id(conn, id)?.ok_or_else(|| anyhow::anyhow!("token vanished"))?)
    })?;
    Ok(NewApiToken {
        token: secret,
        info: to_token(row, username),
    })
}

/// Every API token, newest first (never their secrets).
pub fn list_tokens(conn: &mut DbConn) -> AppResult<Vec<ApiToken>> {
    Ok(accounts::list_tokens(conn)?
        .into_iter()
        .map(|(t, u)| to_token(t, u))
        .collect())
}

/// Revokes an API token.
pub fn revoke_token(conn: &mut DbConn, actor: Actor, id: i64) -> AppResult<ApiToken> {
    let now = Utc::now().naive_utc();
    let (row, username) = crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
        let (row, username) = accounts::token_by_id(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("no API token has the id {id}")))?;
        if row.revoked_at.is_none() {
            accounts::revoke_token(conn, id, now)?;
            audit::record(
                conn,
                &entry(
                    actor,
                    "token.revoke",
                    "token",
                    id,
                    serde_json::json!({"name": row.name, "username": username}),
                ),
                now,
            )?;
        }
        Ok(accounts::token_by_id(conn, id)?.ok_or_else(|| anyhow::anyhow!("token vanished"))?)
    })?;
    Ok(to_token(row, username))
}
