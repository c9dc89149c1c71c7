//! Logging in: throttling, the password check, and a fresh session.

use chrono::Utc;
use peoples_stories_shared::{Login, Me, Role};

use super::{password, secret, throttle, AuthConfig};
use crate::db::{accounts, audit, Pool};
use crate::error::{AppError, AppResult};
use crate::extract::keyed_hash;

/// A new session: the cookie's token (shown to no one but the browser) and who it is.
pub struct NewSession {
    pub token: String,
    pub me: Me,
}

/// What a login attempt came to.
pub enum Outcome {
    LoggedIn(NewSession),
    /// Wrong username or password: answer `wrong_credentials()` after waiting this long.
    Failed(std::time::Duration),
}

/// The one answer to every failed login, whatever failed: the same status and body.
pub fn wrong_credentials() -> AppError {
    AppError::Unauthorized("the username or password is wrong".into())
}

/// Checks a login and opens a session, ending `old_token`'s session if the browser had one
/// (so a session token is never reused across logins). `client_hash` is the client's keyed
/// address hash (`extract::ClientHash`); the typed username is hashed under the same key
/// (`state.client_key`), so the throttle table holds neither in the clear.
pub fn attempt(
    pool: &Pool,
    cfg: &AuthConfig,
    key: &[u8],
    login: &Login,
    client_hash: &str,
    old_token: Option<&str>,
) -> AppResult<Outcome> {
    let mut conn = pool.get()?;
    let username = login.username.trim().to_lowercase();
    let user_key = format!("u:{}", keyed_hash(key, username.as_bytes()));
    let client_key = format!("c:{client_hash}");
    let now = Utc::now().naive_utc();
    // The guess is counted before the password is checked, so no burst can check more.
    let keys = [
        (user_key.as_str(), throttle::PER_USERNAME),
        (client_key.as_str(), throttle::PER_CLIENT),
    ];
    let guesses = match throttle::take_guess(&mut conn, &keys, now)? {
        Ok(n) => n,
        Err(until) => {
            return Err(AppError::RateLimited {
                detail: "too many failed logins; try again later".into(),
                retry_after_secs: (until - now).num_seconds().max(1) as u64,
            })
        }
    };
    let user = accounts::user_by_name(&mut conn, &username)?;
    let ok = match &user {
        Some(u) => password::verify(&login.password, &u.password_hash) && u.disabled_at.is_none(),
        None => {
            password::verify_dummy(&login.password);
            false
        }
    };
    let user = match (ok, user) {
        (true, Some(u)) => u,
        _ => return Ok(Outcome::Failed(throttle::delay_after(guesses))),
    };
    let role = Role::parse(&user.role)
        .ok_or_else(|| anyhow::anyhow!("account {} has an unknown role", user.id))?;
    let token = secret::random_token();
    let csrf = secret::random_token();
    crate::db::write_transaction::<_, AppError, _>(&mut conn, |conn| {
        // The right password: the username's guesses are forgotten, the client's given back.
        accounts::lock_login_key(conn, &user_key)?;
        accounts::clear_login_failures(conn, &user_key)?;
        throttle::give_back(conn, &client_key, throttle::PER_CLIENT, now)?;
        accounts::delete_expired_sessions(conn, now, now - cfg.session_idle)?;
        if let Some(old) = old_token {
            accounts::delete_session_by_hash(conn, &secret::token_hash(old))?;
        }
        accounts::insert_session(
            conn,
            &secret::token_hash(&token),
            user.id,
            &csrf,
            now,
            now + cfg.session_absolute,
        )?;
        audit::record(
            conn,
            &audit::NewEntry {
                actor: audit::Actor::user(user.id),
                action: "auth.login",
                target_type: "session",
                target_id: None,
                details: serde_json::json!({}),
            },
            now,
        )?;
        Ok(())
    })?;
    Ok(Outcome::LoggedIn(NewSession {
        token,
        me: Me {
            username: user.username,
            role,
            csrf_token: Some(csrf),
        },
    }))
}

/// Ends a session (logout), on every node at once.
pub fn end_session(pool: &Pool, user_id: i64, session_id: i64) -> AppResult<()> {
    let mut conn = pool.get()?;
    crate::db::write_transaction::<_, AppError, _>(&mut conn, |conn| {
        accounts::delete_session(conn, session_id)?;
        audit::record(
            conn,
            &audit::NewEntry {
                actor: audit::Actor::user(user_id),
                action: "auth.logout",
                target_type: "session",
                target_id: None,
                details: serde_json::json!({}),
            },
            Utc::now().naive_utc(),
        )?;
        Ok(())
    })
}
