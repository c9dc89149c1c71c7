//! The key of client hashes (`extract::ClientHash`) and login throttling keys, kept out of
//! the database and turned over every day.
//!
//! A client hash is HMAC-SHA-256 of the client's address under this key. Were the key kept
//! beside the hashes, a copy of the database would give back every IPv4 address by trying
//! all 2^32 of them. So it lives in a file (`--client-key-file`, by default `client-key`
//! beside the search index, `data/client-key`), which `serve` creates on first start.
//!
//! The file holds the day's key and its date. Each day the key is replaced by SHA-256 of
//! itself, and the file rewritten: today's key does not give yesterday's back, so hashes made
//! yesterday cannot be linked to anyone by someone who takes the server today. Several nodes
//! share one key by starting from copies of one file: each turns its own over on the same
//! days, so they agree without talking. The turn happens at midnight UTC, when rate-limit
//! and login-lock counts keyed by client start afresh.

use std::path::{Path, PathBuf};
use std::sync::RwLock;

use chrono::{NaiveDate, Utc};
use sha2::{Digest, Sha256};

/// This node's copy of the client key.
pub struct ClientKey {
    file: Option<PathBuf>,
    day: RwLock<(NaiveDate, [u8; 32])>,
}

impl ClientKey {
    /// Reads the key file, or creates it with a fresh random key when it does not exist;
    /// turns the key over to today and writes it back.
    pub fn open(file: &Path) -> anyhow::Result<ClientKey> {
        let today = Utc::now().date_naive();
        let (date, key) = match std::fs::read_to_string(file) {
            Ok(text) => parse(&text).ok_or_else(|| {
                anyhow::anyhow!(
                    "the client key file {} is not '<YYYY-MM-DD> <64 hex digits>'",
                    file.display()
                )
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                tracing::info!(file = %file.display(), "creating the client key file");
                (today, rand::random::<[u8; 32]>())
            }
            Err(e) => anyhow::bail!("cannot read the client key file {}: {e}", file.display()),
        };
        let key = ClientKey {
            file: Some(file.to_path_buf()),
            day: RwLock::new((date, key)),
        };
        key.turn_to(today)?;
        // Written even when nothing turned: a new file must exist before the first hash.
        key.save()?;
        Ok(key)
    }

    /// A key kept only in memory (tests, and tools that hash nothing lasting).
    pub fn in_memory() -> ClientKey {
        ClientKey {
            file: None,
            day: RwLock::new((Utc::now().date_naive(), rand::random::<[u8; 32]>())),
        }
    }

    /// Today's key.
    pub fn current(&self) -> [u8; 32] {
        let today = Utc::now().date_naive();
        {
            let day = self.day.read().unwrap_or_else(|e| e.into_inner());
            if day.0 >= today {
                return day.1;
            }
        }
        if let Err(e) = self.turn_to(today).and_then(|()| self.save()) {
            // The key in memory has turned; only the file is behind, and the next start
            // turns it over as well.
            tracing::error!(error = %e, "cannot write the client key file");
        }
        self.day.read().unwrap_or_else(|e| e.into_inner()).1
    }

    /// Turns the key over once for every day from its date to `today`.
    fn turn_to(&self, today: NaiveDate) -> anyhow::Result<()> {
        let mut day = self.day.write().unwrap_or_else(|e| e.into_inner());
        let days = (today - day.0).num_days();
        if days < 0 {
            anyhow::bail!(
                "the client key file is dated {}, after today ({today}): is the clock right?",
                day.0
            );
        }
        for _ in 0..days {
            day.1 = next(&day.1);
        }
        day.0 = today;
        Ok(())
    }

    /// Replaces the file's content at once (a new file, then a rename), readable only by
    /// its owner.
    fn save(&self) -> anyhow::Result<()> {
        let Some(file) = &self.file else {
            return Ok(());
        };
        let (date, key) = *self.day.read().unwrap_or_else(|e| e.into_inner());
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        let tmp = file.with_extension("new");
        let text = format!("{date} {}\n", hex::encode(key));
        write_private(&tmp, text.as_bytes())
            .and_then(|()| std::fs::rename(&tmp, file))
            .map_err(|e| {
                anyhow::anyhow!("cannot write the client key file {}: {e}", file.display())
            })
    }
}

#[cfg(unix)]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

#[cfg(not(unix))]
fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    std::fs::write(path, bytes)
}

/// The next day's key: one way, so the day before cannot be had from it.
fn next(key: &[u8; 32]) -> [u8; 32] {
    let mut h = Sha256::new();
    h.update(b"people's stories client key, next day\0");
    h.update(key);
    h.finalize().into()
}

fn parse(text: &str) -> Option<(NaiveDate, [u8; 32])> {
    let (date, key) = text.trim().split_once(' ')?;
    let date = date.parse().ok()?;
    let key = hex::decode(key.trim()).ok()?.try_into().ok()?;
    Some((date, key))
}

/// Where the key file lives unless configured: beside the node's search index (by default
/// `data/client-key`).
pub fn default_file(index_dir: &Path) -> PathBuf {
    index_dir
        .parent()
        .map(|p| p.join("client-key"))
        .unwrap_or_else(|| PathBuf::from("client-key"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_is_created_then_kept_then_turned_over_each_day() {
        let dir = tempfile::tempdir().expect("dir");
        let file = dir.path().join("sub/client-key");
        let first = ClientKey::open(&file).expect("created").current();
        assert_eq!(
            ClientKey::open(&file).expect("read").current(),
            first,
            "kept"
        );
        // A copy written two days ago by another node turns into the same key today.
        let old = NaiveDate::from_ymd_opt(2026, 1, 1).expect("date");
        let seed = [7u8; 32];
        std::fs::write(&file, format!("{old} {}\n", hex::encode(seed))).expect("write");
        let turned = ClientKey::open(&file).expect("read");
        let days = (Utc::now().date_naive() - old).num_days();
        let mut want = seed;
        for _ in 0..days {
            want = next(&want);
        }
        assert_eq!(turned.current(), want);
        // The file now holds today's key, not the old one.
        let text = std::fs::read_to_string(&file).expect("read");
        assert!(!text.contains(&hex::encode(seed)), "{text}");
        assert!(
            text.starts_with(&Utc::now().date_naive().to_string()),
            "{text}"
        );
        std::fs::write(&file, "not a key").expect("write");
        assert!(
            ClientKey::open(&file).is_err(),
            "a damaged file is an error, not a new key"
        );
    }
}
