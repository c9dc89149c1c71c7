//! Password hashing: argon2id with the crate's default (OWASP-recommended) parameters.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use argon2::password_hash::{Output, ParamsString, PasswordHash, SaltString};
use argon2::{Argon2, Block, Params};
use rand::Rng;
use subtle::ConstantTimeEq;

use crate::error::AppError;

/// The PHC string of `password` hashed with argon2id and a fresh random salt.
pub fn hash(password: &str) -> anyhow::Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill(&mut salt);
    let argon = Argon2::default();
    let params = argon.params().clone();
    let mut out = vec![0u8; params.output_len().unwrap_or(Params::DEFAULT_OUTPUT_LEN)];
    with_blocks(params.block_count(), |blocks| {
        argon.hash_password_into_with_memory(password.as_bytes(), &salt, &mut out, blocks)
    })
    .map_err(|e| anyhow::anyhow!("hashing a password failed: {e}"))?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    let hash = PasswordHash {
        algorithm: argon2::Algorithm::Argon2id.ident(),
        version: Some(argon2::Version::V0x13.into()),
        params: ParamsString::try_from(&params).map_err(|e| anyhow::anyhow!("params: {e}"))?,
        salt: Some(salt.as_salt()),
        hash: Some(Output::new(&out).map_err(|e| anyhow::anyhow!("output: {e}"))?),
    };
    Ok(hash.to_string())
}

/// Whether `password` matches the stored PHC string; a malformed hash never matches.
///
/// The check is argon2's own (`hash_password_into_with_memory` with the stored algorithm,
/// version, parameters and salt, then a constant-time comparison), run in working memory
/// taken from `with_blocks` rather than allocated afresh, so a burst of logins does not leave
/// the allocator holding 19 MiB for every check it ever ran at once.
pub fn verify(password: &str, phc: &str) -> bool {
    let Ok(h) = PasswordHash::new(phc) else {
        return false;
    };
    let (Some(expected), Some(salt)) = (h.hash, h.salt) else {
        return false;
    };
    let (Ok(algorithm), Ok(params)) = (
        argon2::Algorithm::try_from(h.algorithm),
        Params::try_from(&h),
    ) else {
        return false;
    };
    let Ok(version) = h
        .version
        .map_or(Ok(argon2::Version::default()), argon2::Version::try_from)
    else {
        return false;
    };
    let mut salt_buf = [0u8; 64];
    let Ok(salt) = salt.decode_b64(&mut salt_buf) else {
        return false;
    };
    let argon = Argon2::new(algorithm, version, params.clone());
    let mut out = vec![0u8; expected.len()];
    let hashed = with_blocks(params.block_count(), |blocks| {
        argon.hash_password_into_with_memory(password.as_bytes(), salt, &mut out, blocks)
    });
    hashed.is_ok() && bool::from(out.as_slice().ct_eq(expected.as_bytes()))
}

/// Working memory for argon2, kept for reuse: as many buffers as checks may run at once
/// (`Gate`), each allocated the first time it is needed and then never freed.
static BLOCKS: Mutex<Vec<Vec<Block>>> = Mutex::new(Vec::new());

/// Runs `f` with `count` blocks of working memory from the pool (or fresh ones, if the pool
/// is empty or its buffer too small), and gives the memory back after.
fn with_blocks<R>(count: usize, f: impl FnOnce(&mut [Block]) -> R) -> R {
    let pooled = BLOCKS.lock().unwrap_or_else(|e| e.into_inner()).pop();
    let mut blocks = match pooled {
        Some(b) if b.len() >= count => b,
        _ => vec![Block::default(); count],
    };
    let result = f(&mut blocks[..count]);
    let mut pool = BLOCKS.lock().unwrap_or_else(|e| e.into_inner());
    if pool.len() < pooled_buffers() {
        pool.push(blocks);
    }
    result
}

/// How many buffers the pool keeps: one per check the gate lets run at once (the cores,
/// asked of the system once: it reads cgroup files each time).
fn pooled_buffers() -> usize {
    static CORES: OnceLock<usize> = OnceLock::new();
    *CORES.get_or_init(|| std::thread::available_parallelism().map_or(2, |n| n.get()))
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
        let cores = pooled_buffers();
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

    #[test]
    fn hashes_made_by_the_crate_verify_and_ours_verify_with_the_crate() {
        use argon2::password_hash::{PasswordHasher, PasswordVerifier, SaltString};
        let salt = SaltString::encode_b64(b"sixteen byte salt").expect("salt");
        let theirs = argon2::Argon2::default()
            .hash_password(b"pass phrase", &salt)
            .expect("hash")
            .to_string();
        assert!(super::verify("pass phrase", &theirs));
        assert!(!super::verify("pass phrase!", &theirs));
        let ours = super::hash("pass phrase").expect("hash");
        let parsed = argon2::PasswordHash::new(&ours).expect("phc");
        assert!(argon2::Argon2::default()
            .verify_password(b"pass phrase", &parsed)
            .is_ok());
        // Other parameters than ours (an older or stronger hash) verify too.
        let strong = argon2::Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(32 * 1024, 3, 1, None).expect("params"),
        )
        .hash_password(b"pass phrase", &salt)
        .expect("hash")
        .to_string();
        assert!(super::verify("pass phrase", &strong));
    }
}
