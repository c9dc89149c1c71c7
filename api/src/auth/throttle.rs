//! Login throttling kept in the database, so it holds across every node: after too many
//! failures in a window, a username (whether or not it exists) or a client is locked out
//! for a while. Keys are keyed hashes; the raw address or typed name is never stored.

use chrono::{Duration, NaiveDateTime};

use crate::db::{accounts, DbConn};

/// How many failures within a window lock a key, and for how long.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_failures: i32,
    pub window: Duration,
    pub lock_for: Duration,
}

/// Per username: 5 failures in 15 minutes lock it for 15 minutes.
pub const PER_USERNAME: Limits = Limits {
    max_failures: 5,
    window: Duration::minutes(15),
    lock_for: Duration::minutes(15),
};

/// Per client: 30 failures in 15 minutes lock the client for 15 minutes (many people may
/// share one address, so this limit is looser).
pub const PER_CLIENT: Limits = Limits {
    max_failures: 30,
    window: Duration::minutes(15),
    lock_for: Duration::minutes(15),
};

/// When the key's lock ends, if it is locked now.
pub fn locked_until(
    conn: &mut DbConn,
    key: &str,
    now: NaiveDateTime,
) -> diesel::QueryResult<Option<NaiveDateTime>> {
    Ok(accounts::login_failures(conn, key)?
        .and_then(|(_, _, until)| until)
        .filter(|until| *until > now))
}

/// Counts one failure; locks the key when it reaches the limit. Returns the failures now
/// counted in the window.
pub fn record_failure(
    conn: &mut DbConn,
    key: &str,
    limits: Limits,
    now: NaiveDateTime,
) -> diesel::QueryResult<i32> {
    let (failures, window_start) = match accounts::login_failures(conn, key)? {
        Some((n, start, _)) if now - start < limits.window => (n + 1, start),
        _ => (1, now),
    };
    if failures >= limits.max_failures {
        // Locked: the count starts again when the lock ends.
        accounts::put_login_failures(conn, key, 0, now, Some(now + limits.lock_for))?;
    } else {
        accounts::put_login_failures(conn, key, failures, window_start, None)?;
    }
    Ok(failures)
}

/// How long to hold a failed login's answer: nothing for the first failure, then a quarter
/// second more for each, up to two seconds. The wait is spent asynchronously, after the
/// database work, so it slows guessing without holding a thread.
pub fn delay_after(failures: i32) -> std::time::Duration {
    let steps = u64::try_from(failures.saturating_sub(1))
        .unwrap_or(0)
        .min(8);
    std::time::Duration::from_millis(250 * steps)
}

/// Forgets counts whose window and lock are both over.
pub fn forget_stale(
    conn: &mut DbConn,
    limits: Limits,
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    accounts::delete_stale_login_failures(conn, now - limits.window, now).map(|_| ())
}
