//! `peoples-stories backup` and `restore`.
//!
//! SQLite: `VACUUM INTO` writes a consistent copy in one read transaction while servers keep
//! writing (WAL); the copy is checked (`PRAGMA integrity_check`, `foreign_key_check`) before
//! it takes the file's name. A restore checks the backup the same way, then replaces the
//! database file atomically (a checked copy beside it, renamed over it) after removing the
//! old file's `-wal`, `-shm` and `-journal`, which would otherwise be replayed onto the new
//! one. A server holds a shared lock on `<database>.lock` while it runs; a restore takes it
//! exclusively, so neither starts while the other works.
//!
//! PostgreSQL: `pg_dump --format=custom` and `pg_restore --clean --if-exists --no-owner` in
//! one transaction, from the client tools on PATH. The password goes to them in
//! `PGPASSWORD`, never on a command line (which `ps` shows) nor in a message. A restore
//! refuses while other sessions are connected to the database (a running server keeps its
//! pool's connections).
//!
//! Either way a restore refuses to replace a database that holds stories unless forced, and
//! removes this node's search index: `serve` rebuilds it at start. Other nodes' indexes
//! notice that the change log went back (`search::sync`) and rebuild by themselves.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{anyhow, bail, Context};
use diesel::pg::PgConnection;
use diesel::sqlite::SqliteConnection;
use diesel::Connection;

use crate::db::{redact, snapshot, Backend, DatabaseUrl};

/// A finished backup.
#[derive(Debug)]
pub struct BackedUp {
    pub path: PathBuf,
    pub bytes: u64,
}

/// A finished restore.
#[derive(Debug)]
pub struct Restored {
    /// This node's search index, removed so that `serve` rebuilds it.
    pub index_removed: Option<PathBuf>,
}

/// Copies the database to `to`; refuses when `to` exists unless `force`.
pub fn backup(url: &DatabaseUrl, to: &Path, force: bool) -> anyhow::Result<BackedUp> {
    if to.exists() && !force {
        bail!(
            "{} exists; choose another file or pass --force to replace it",
            to.display()
        );
    }
    let partial = beside(to, "partial")?;
    remove_if_there(&partial)?;
    let made = match url.backend {
        Backend::Sqlite => sqlite_backup(url, &partial),
        Backend::Postgres => pg_backup(url, &partial),
    };
    if let Err(e) = made.and_then(|()| sync_file(&partial)) {
        let _ = std::fs::remove_file(&partial);
        return Err(e);
    }
    std::fs::rename(&partial, to)
        .with_context(|| format!("cannot move the backup to {}", to.display()))?;
    sync_parent(to)?;
    let bytes = std::fs::metadata(to)?.len();
    Ok(BackedUp {
        path: to.to_path_buf(),
        bytes,
    })
}

/// Replaces the database with the backup `from`; refuses when the database holds stories
/// unless `force`, and while a server uses it. Removes the search index in `index_dir`.
pub fn restore(
    url: &DatabaseUrl,
    from: &Path,
    index_dir: &Path,
    force: bool,
) -> anyhow::Result<Restored> {
    if !from.is_file() {
        bail!("no backup at {}", from.display());
    }
    match url.backend {
        Backend::Sqlite => sqlite_restore(url, from, force)?,
        Backend::Postgres => pg_restore(url, from, force)?,
    }
    Ok(Restored {
        index_removed: remove_index(index_dir)?,
    })
}

/// The lock a server holds on a SQLite database while it runs (nothing for PostgreSQL).
#[derive(Debug)]
pub struct InUse {
    _file: Option<File>,
}

impl InUse {
    /// Taken by `serve` for its life: any number of servers may share it; it fails only while
    /// a restore holds it.
    pub fn hold_shared(url: &DatabaseUrl) -> anyhow::Result<InUse> {
        let Some(file) = lock_file(url)? else {
            return Ok(InUse { _file: None });
        };
        match file.try_lock_shared() {
            Ok(()) => Ok(InUse { _file: Some(file) }),
            Err(TryLockError::WouldBlock) => bail!(
                "{} is being restored from a backup; start the server once that is done",
                url.target
            ),
            Err(TryLockError::Error(e)) => Err(e.into()),
        }
    }

    /// Taken by `restore`: fails while any server runs on the database.
    fn hold_exclusive(url: &DatabaseUrl) -> anyhow::Result<InUse> {
        let Some(file) = lock_file(url)? else {
            return Ok(InUse { _file: None });
        };
        match file.try_lock() {
            Ok(()) => Ok(InUse { _file: Some(file) }),
            Err(TryLockError::WouldBlock) => bail!(
                "{} is in use by a running server; stop every server on it before restoring",
                url.target
            ),
            Err(TryLockError::Error(e)) => Err(e.into()),
        }
    }
}

fn lock_file(url: &DatabaseUrl) -> anyhow::Result<Option<File>> {
    if url.backend != Backend::Sqlite {
        return Ok(None);
    }
    let path = PathBuf::from(format!("{}.lock", url.target));
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .with_context(|| format!("cannot open {}", path.display()))?;
    Ok(Some(file))
}

fn sqlite_backup(url: &DatabaseUrl, partial: &Path) -> anyhow::Result<()> {
    let db = Path::new(&url.target);
    if !db.is_file() {
        bail!("there is no SQLite database at {}", db.display());
    }
    let mut conn = sqlite_open(db)?;
    snapshot::sqlite_vacuum_into(&mut conn, path_str(partial)?)
        .with_context(|| format!("VACUUM INTO {} failed", partial.display()))?;
    drop(conn);
    sqlite_check(partial).context("the copy failed its checks")
}

fn sqlite_restore(url: &DatabaseUrl, from: &Path, force: bool) -> anyhow::Result<()> {
    let target = PathBuf::from(&url.target);
    if target.exists() && same_file(&target, from)? {
        bail!("{} is the database itself", from.display());
    }
    let _lock = InUse::hold_exclusive(url)?;
    // The backup is checked in a copy beside the database, which then takes its place.
    let incoming = beside(&target, "restoring")?;
    remove_if_there(&incoming)?;
    let checked = std::fs::copy(from, &incoming)
        .with_context(|| format!("cannot copy {} beside the database", from.display()))
        .and_then(|_| {
            sqlite_check(&incoming).with_context(|| format!("the backup {}", from.display()))
        })
        .and_then(|()| sync_file(&incoming));
    if let Err(e) = checked {
        let _ = std::fs::remove_file(&incoming);
        return Err(e);
    }
    if target.exists() {
        // Closing the last connection checkpoints the write-ahead log into the file.
        let stories = sqlite_open(&target).and_then(|mut conn| {
            snapshot::sqlite_story_count(&mut conn)
                .with_context(|| format!("cannot read {}", target.display()))
        });
        match stories {
            Ok(Some(n)) if n > 0 && !force => {
                let _ = std::fs::remove_file(&incoming);
                bail!(
                    "{} holds {n} stories; restoring would replace them: pass --force to do so",
                    target.display()
                );
            }
            Ok(_) => {}
            Err(e) if force => {
                tracing::warn!(error = %format!("{e:#}"), "replacing a database that cannot be read");
            }
            Err(e) => {
                let _ = std::fs::remove_file(&incoming);
                return Err(e.context("pass --force to replace it anyway"));
            }
        }
    }
    // A log left beside the old file would be replayed onto the new one.
    for suffix in ["-wal", "-shm", "-journal"] {
        remove_if_there(Path::new(&format!("{}{suffix}", url.target)))?;
    }
    std::fs::rename(&incoming, &target)
        .with_context(|| format!("cannot replace {}", target.display()))?;
    sync_parent(&target)
}

/// Opens a SQLite file that must exist (opening would otherwise create it).
fn sqlite_open(path: &Path) -> anyhow::Result<SqliteConnection> {
    if !path.is_file() {
        bail!("there is no SQLite database at {}", path.display());
    }
    let mut conn = SqliteConnection::establish(path_str(path)?)
        .with_context(|| format!("cannot open {}", path.display()))?;
    snapshot::sqlite_wait_when_busy(&mut conn)?;
    Ok(conn)
}

/// A SQLite file is sound (integrity and foreign keys) and holds People's Stories' tables.
fn sqlite_check(path: &Path) -> anyhow::Result<()> {
    let mut conn = sqlite_open(path)?;
    let problems = snapshot::sqlite_problems(&mut conn)
        .with_context(|| format!("{} is not a readable SQLite database", path.display()))?;
    if !problems.is_empty() {
        bail!(
            "fails PRAGMA integrity_check: {}",
            problems
                .iter()
                .take(5)
                .cloned()
                .collect::<Vec<_>>()
                .join("; ")
        );
    }
    if snapshot::sqlite_story_count(&mut conn)?.is_none() {
        bail!("is not a People's Stories database (it has no stories table)");
    }
    Ok(())
}

fn pg_backup(url: &DatabaseUrl, partial: &Path) -> anyhow::Result<()> {
    let tool = find_tool("pg_dump")?;
    let (conninfo, password) = split_password(&url.target)?;
    let mut cmd = Command::new(tool);
    cmd.arg("--format=custom")
        .arg("--file")
        .arg(partial)
        .arg(&conninfo);
    run_tool(cmd, "pg_dump", password.as_deref())
}

fn pg_restore(url: &DatabaseUrl, from: &Path, force: bool) -> anyhow::Result<()> {
    let tool = find_tool("pg_restore")?;
    let (conninfo, password) = split_password(&url.target)?;
    // A backup pg_restore cannot list is no backup: say so before touching the database.
    let mut list = Command::new(&tool);
    list.arg("--list").arg(from);
    run_tool(list, "pg_restore --list", None)
        .with_context(|| format!("{} is not a pg_dump custom-format backup", from.display()))?;
    {
        let mut conn = PgConnection::establish(&url.target)
            .map_err(|e| anyhow!("cannot open the database {}: {e}", url.redacted()))?;
        let others = snapshot::pg_other_sessions(&mut conn)?;
        if others > 0 {
            bail!(
                "{} has {others} other connections (running servers?); stop every server on it \
                 before restoring",
                url.redacted()
            );
        }
        if let Some(n) = snapshot::pg_story_count(&mut conn)? {
            if n > 0 && !force {
                bail!(
                    "{} holds {n} stories; restoring would replace them: pass --force to do so",
                    url.redacted()
                );
            }
        }
    }
    let mut cmd = Command::new(tool);
    cmd.args([
        "--clean",
        "--if-exists",
        "--no-owner",
        "--single-transaction",
        "--exit-on-error",
        "--dbname",
    ])
    .arg(&conninfo)
    .arg(from);
    run_tool(cmd, "pg_restore", password.as_deref())
}

/// Runs a PostgreSQL client tool; its own message on failure, the password hidden.
fn run_tool(mut cmd: Command, name: &str, password: Option<&str>) -> anyhow::Result<()> {
    if let Some(p) = password {
        cmd.env("PGPASSWORD", p);
    }
    let out = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .with_context(|| format!("cannot run {name}"))?;
    if out.status.success() {
        return Ok(());
    }
    let mut stderr = String::from_utf8_lossy(&out.stderr).trim().to_string();
    if let Some(p) = password.filter(|p| !p.is_empty()) {
        stderr = stderr.replace(p, "***");
    }
    bail!("{name} failed ({}): {stderr}", out.status)
}

/// The URL without its password (for the tool's command line), and the password.
fn split_password(url: &str) -> anyhow::Result<(String, Option<String>)> {
    let mut parsed =
        url::Url::parse(url).map_err(|e| anyhow!("{} is not a URL: {e}", redact(url)))?;
    let password = parsed.password().map(|p| {
        percent_encoding::percent_decode_str(p)
            .decode_utf8_lossy()
            .into_owned()
    });
    if password.is_some() {
        parsed
            .set_password(None)
            .map_err(|()| anyhow!("cannot take the password out of {}", redact(url)))?;
    }
    Ok((parsed.to_string(), password))
}

/// A program on PATH, or an error saying how to get it.
fn find_tool(name: &str) -> anyhow::Result<PathBuf> {
    std::env::var_os("PATH")
        .iter()
        .flat_map(std::env::split_paths)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
        .ok_or_else(|| {
            anyhow!(
                "{name} is not on PATH: install PostgreSQL's client tools, the server's major \
                 version or newer (Debian: apt-get install postgresql-client-15)"
            )
        })
}

/// Removes this node's search index when `dir` holds one; `serve` rebuilds it.
fn remove_index(dir: &Path) -> anyhow::Result<Option<PathBuf>> {
    // Only a folder tantivy made: never a folder named by mistake.
    if !dir.join("meta.json").is_file() {
        return Ok(None);
    }
    std::fs::remove_dir_all(dir)
        .with_context(|| format!("cannot remove the search index {}", dir.display()))?;
    Ok(Some(dir.to_path_buf()))
}

/// A hidden file beside `path`, for work in progress.
fn beside(path: &Path, what: &str) -> anyhow::Result<PathBuf> {
    let name = path
        .file_name()
        .ok_or_else(|| anyhow!("{} is not a file name", path.display()))?
        .to_string_lossy();
    Ok(path.with_file_name(format!(".{name}.{what}-{}", std::process::id())))
}

fn path_str(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .ok_or_else(|| anyhow!("{} is not UTF-8", path.display()))
}

fn same_file(a: &Path, b: &Path) -> anyhow::Result<bool> {
    Ok(std::fs::canonicalize(a)? == std::fs::canonicalize(b)?)
}

fn remove_if_there(path: &Path) -> anyhow::Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(anyhow!("cannot remove {}: {e}", path.display()))
        }
        _ => Ok(()),
    }
}

fn sync_file(path: &Path) -> anyhow::Result<()> {
    File::open(path)?.sync_all()?;
    Ok(())
}

/// Makes a rename in `path`'s folder durable.
fn sync_parent(path: &Path) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    File::open(dir)?.sync_all()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_password_leaves_the_url() {
        let (url, pw) = split_password("postgres://ps:s%40cret@127.0.0.1:5432/db?sslmode=disable")
            .expect("url");
        assert_eq!(url, "postgres://ps@127.0.0.1:5432/db?sslmode=disable");
        assert_eq!(pw.as_deref(), Some("s@cret"));
        let (url, pw) = split_password("postgres://ps@host/db").expect("url");
        assert_eq!(url, "postgres://ps@host/db");
        assert_eq!(pw, None);
    }

    #[test]
    fn a_missing_tool_is_named() {
        let e = find_tool("surely-no-such-tool-here").expect_err("missing");
        assert!(e
            .to_string()
            .contains("surely-no-such-tool-here is not on PATH"));
    }

    #[test]
    fn only_a_tantivy_folder_is_removed() {
        let dir = tempfile::tempdir().expect("dir");
        let other = dir.path().join("not-an-index");
        std::fs::create_dir(&other).expect("mkdir");
        std::fs::write(other.join("keep"), "x").expect("write");
        assert_eq!(remove_index(&other).expect("remove"), None);
        assert!(other.join("keep").exists());
        let index = dir.path().join("search-index");
        std::fs::create_dir(&index).expect("mkdir");
        std::fs::write(index.join("meta.json"), "{}").expect("write");
        assert_eq!(remove_index(&index).expect("remove"), Some(index.clone()));
        assert!(!index.exists());
    }
}
