//! Password hashing: argon2id with the crate's default (OWASP-recommended) parameters.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;
use std::time::Duration;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::Rng;

use crate::error::AppError;

/// The PHC string of `password` hashed with argon2id and a fresh random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
pub fn verify(password: &str, phc: &str) -> bool {
    match PasswordHash::new(phc) {
        Ok(h) => Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok(),
        Err(_) => false,
    }
}

/// Spends the time of one verification when there is no account to check, so an unknown
/// username answers as slowly as a wrong password.
pub fn verify_dummy(password: &str) {
    static DUMMY: OnceLock<String> = OnceLock::new();
    let phc = DUMMY.get_or_init(|| {
        hash(&super::secret::random_token()).unwrap_or_else(|_| {
            // Never happens with a valid salt; still spend comparable time.
            String::new()
        })
    });
    let _ = verify(password, phc);
}

/// Bounds the password checks in flight. Each argon2id check holds its own 19 MiB for its
/// length, so a burst of logins would otherwise grow the process by that much per request:
/// measured before this gate, 60 logins at once took the server from 36 to 447 MiB. At most
/// `running` checks run at once (about the cores: more would only share them), at most
/// `queue` more wait their turn, and anyone past them is told to come back (503 with
/// `Retry-After`) before any work is spent on them.
pub struct Gate {
    running: tokio::sync::Semaphore,
    waiting: AtomicUsize,
    queue: usize,
}

/// How long a login waits in the queue before it is told to come back.
const QUEUE_WAIT: Duration = Duration::from_secs(5);

impl Gate {
    pub fn new(running: usize, queue: usize) -> Gate {
        Gate {
            running: tokio::sync::Semaphore::new(running.max(1)),
            waiting: AtomicUsize::new(0),
            queue,
        }
    }

    /// As many checks at once as this machine has cores, and four times as many waiting.
    pub fn for_this_machine() -> Gate {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Gate::new(cores, 4 * cores)
    }

    /// A turn to check a password, or a 503 when too many are checking and waiting.
    pub async fn enter(&self) -> Result<tokio::sync::SemaphorePermit<'_>, AppError> {
        if let Ok(turn) = self.running.try_acquire() {
            return Ok(turn);
        }
        let busy =
            || AppError::Unavailable("too many logins at once; try again in a moment".into());
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.queue {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            return Err(busy());
        }
        let turn = tokio::time::timeout(QUEUE_WAIT, self.running.acquire()).await;
        self.waiting.fetch_sub(1, Ordering::SeqCst);
        match turn {
            Ok(Ok(turn)) => Ok(turn),
            _ => Err(busy()),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn hashes_verify_and_are_argon2id() {
        let h = super::hash("correct horse battery").expect("hash");
        assert!(h.starts_with("$argon2id$"));
        assert!(super::verify("correct horse battery", &h));
        assert!(!super::verify("wrong", &h));
        assert!(!super::verify("x", "not a hash"));
    }
}
