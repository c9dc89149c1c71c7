//! Login throttling kept in the database, so it holds across every node: a username (whether
//! or not it exists) and a client each get a few guesses a window; past them they are locked
//! out for a while. Keys are keyed hashes; the raw address or typed name is never stored.
//!
//! A guess is taken from the allowance *before* its password is checked, in one transaction
//! that also reads the lock (`take_guess`), so however many logins arrive at once, at most
//! `max_failures` passwords are checked per key and window: concurrent requests queue on the
//! key's lock instead of each reading a count the others are about to change.

use chrono::{Duration, NaiveDateTime};

use crate::db::{self, accounts, DbConn};

/// How many guesses within a window a key gets, and how long it is locked after them.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_failures: i32,
    pub window: Duration,
    pub lock_for: Duration,
}

/// Per username: 5 guesses in 15 minutes, then locked for 15 minutes.
pub const PER_USERNAME: Limits = Limits {
    max_failures: 5,
    window: Duration::minutes(15),
    lock_for: Duration::minutes(15),
};

/// Per client: 30 guesses in 15 minutes, then locked for 15 minutes (many people may share
/// one address, so this limit is looser).
pub const PER_CLIENT: Limits = Limits {
    max_failures: 30,
    window: Duration::minutes(15),
    lock_for: Duration::minutes(15),
};

/// A key's state as stored: guesses in the window, the window's start, the lock's end.
type Row = (i32, NaiveDateTime, Option<NaiveDateTime>);

/// Whether `row` lets one more guess through at `now`: Ok(the guesses counted with it) or
/// Err(when the lock ends).
fn allowance(row: Option<Row>, limits: Limits, now: NaiveDateTime) -> Result<Row, NaiveDateTime> {
    match row {
        Some((_, _, Some(until))) if until > now => Err(until),
        Some((n, start, _)) if now - start < limits.window => {
            if n >= limits.max_failures {
                // The allowance was used up by guesses whose window is still open.
                Err(start + limits.window)
            } else {
                let lock = (n + 1 >= limits.max_failures).then(|| now + limits.lock_for);
                Ok((n + 1, start, lock))
            }
        }
        _ => {
            let lock = (limits.max_failures <= 1).then(|| now + limits.lock_for);
            Ok((1, now, lock))
        }
    }
}

/// Takes one guess from every key's allowance, atomically: either each key has one left and
/// each is counted (the last guess of a key also locks it from now on), or none is counted
/// and the answer is when the latest lock ends. Returns the guesses counted for the first key.
pub fn take_guess(
    conn: &mut DbConn,
    keys: &[(&str, Limits)],
    now: NaiveDateTime,
) -> diesel::QueryResult<Result<i32, NaiveDateTime>> {
    db::write_transaction(conn, |conn| {
        let mut next = Vec::with_capacity(keys.len());
        let mut locked: Option<NaiveDateTime> = None;
        for (key, limits) in keys {
            accounts::lock_login_key(conn, key)?;
            match allowance(accounts::login_failures(conn, key)?, *limits, now) {
                Ok(row) => next.push((*key, row)),
                Err(until) => locked = locked.max(Some(until)),
            }
        }
        if let Some(until) = locked {
            return Ok(Err(until));
        }
        for (key, (n, start, lock)) in &next {
            accounts::put_login_failures(conn, key, *n, *start, *lock)?;
        }
        Ok(Ok(next.first().map(|(_, (n, _, _))| *n).unwrap_or(0)))
    })
}

/// Gives a guess back to a key after the right password: one guess fewer counted, and no
/// lock if the count is then under the limit.
pub fn give_back(
    conn: &mut DbConn,
    key: &str,
    limits: Limits,
    now: NaiveDateTime,
) -> diesel::QueryResult<()> {
    accounts::lock_login_key(conn, key)?;
    if let Some((n, start, until)) = accounts::login_failures(conn, key)? {
        let n = (n - 1).max(0);
        let until = until.filter(|u| *u > now && n >= limits.max_failures);
        accounts::put_login_failures(conn, key, n, start, until)?;
    }
    Ok(())
}

/// How long to hold a failed login's answer: nothing for the first guess, then a quarter
/// second more for each, up to two seconds. The wait is spent asynchronously, after the
/// database work, so it slows guessing without holding a thread.
pub fn delay_after(failures: i32) -> std::time::Duration {
    let steps = u64::try_from(failures.saturating_sub(1))
        .unwrap_or(0)
        .min(8);
    std::time::Duration::from_millis(250 * steps)
}

/// Forgets counts whose window and lock are both over (the longest window of the limits).
/// Returns how many keys were forgotten.
pub fn forget_stale(conn: &mut DbConn, now: NaiveDateTime) -> diesel::QueryResult<usize> {
    let window = PER_USERNAME.window.max(PER_CLIENT.window);
    accounts::delete_stale_login_failures(conn, now - window, now)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minute: i64) -> NaiveDateTime {
        chrono::DateTime::from_timestamp(1_700_000_000 + minute * 60, 0)
            .map(|d| d.naive_utc())
            .unwrap_or_default()
    }

    #[test]
    fn the_last_guess_locks_and_a_used_allowance_refuses() {
        let l = PER_USERNAME;
        let mut row = None;
        for n in 1..=5 {
            let next = allowance(row, l, at(1)).expect("a guess left");
            assert_eq!(next.0, n);
            assert_eq!(next.2.is_some(), n == 5, "only the fifth guess locks");
            row = Some(next);
        }
        assert_eq!(allowance(row, l, at(2)), Err(at(16)));
        // The lock ends: a new window.
        assert_eq!(allowance(row, l, at(17)).map(|r| r.0), Ok(1));
        // A window that ends without a lock starts over.
        assert_eq!(
            allowance(Some((3, at(0), None)), l, at(16)).map(|r| r.0),
            Ok(1)
        );
        // A full count whose lock was given back still refuses until its window ends.
        assert_eq!(allowance(Some((5, at(0), None)), l, at(3)), Err(at(15)));
    }
}
