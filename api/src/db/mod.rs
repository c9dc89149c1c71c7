//! The database: one connection type over SQLite and PostgreSQL, the pool, migrations.
//!
//! Only this module speaks SQL. Statements that differ between the backends are marked
//! `BACKEND-SPECIFIC` so they can be found with one search.

pub mod accounts;
pub mod audit;
pub mod changes;
pub mod contributions;
pub mod queue;
pub mod reference;
pub mod schema;
pub mod sitemap;
pub mod snapshot;
pub mod sources;
pub mod stories;
pub mod taxonomy;
pub mod tombstones;
pub mod versions;

use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use diesel::connection::SimpleConnection;
use diesel::pg::PgConnection;
use diesel::r2d2::{self, ManageConnection};
use diesel::sqlite::SqliteConnection;
use diesel::Connection;
use diesel_migrations::{embed_migrations, EmbeddedMigrations, MigrationHarness};

pub const SQLITE_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/sqlite");
pub const POSTGRES_MIGRATIONS: EmbeddedMigrations = embed_migrations!("../migrations/postgres");

/// A connection to whichever database `DATABASE_URL` names.
#[derive(diesel::MultiConnection)]
pub enum DbConn {
    Pg(PgConnection),
    Sqlite(SqliteConnection),
}

/// Which database a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database location, with the backend chosen from the URL's scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    pub backend: Backend,
    /// What the backend's driver is given: a file path for SQLite, the URL for PostgreSQL.
    pub target: String,
}

impl DatabaseUrl {
    /// `postgres://` and `postgresql://` are PostgreSQL; `sqlite://PATH`, `sqlite:PATH` or a
    /// bare path are SQLite files.
    pub fn parse(url: &str) -> Result<Self, String> {
        let url = url.trim();
        if url.is_empty() {
            return Err("the database URL is empty".into());
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            return Ok(DatabaseUrl {
                backend: Backend::Postgres,
                target: url.to_string(),
            });
        }
        let path = url
            .strip_prefix("sqlite://")
            .or_else(|| url.strip_prefix("sqlite:"))
            .unwrap_or(url);
        if path.contains("://") {
            return Err(format!(
                "unsupported database URL scheme in '{}': use postgres://… or a SQLite file path",
                redact(url)
            ));
        }
        Ok(DatabaseUrl {
            backend: Backend::Sqlite,
            target: path.to_string(),
        })
    }

    /// The URL without its password, for messages and logs.
    pub fn redacted(&self) -> String {
        redact(&self.target)
    }
}

/// Hides the password of a URL (`postgres://user:secret@host` → `postgres://user:***@host`).
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}

/// Opens connections for the pool, reporting each backend's real connection error, and
/// remembering in `reachable` whether the last attempt succeeded.
#[derive(Debug, Clone)]
pub struct Manager {
    url: DatabaseUrl,
    reachable: Arc<Reachable>,
}

/// Whether the database answered the pool's last attempt to open a connection. While it did
/// not, a request that finds no free connection is answered 503 at once instead of waiting
/// out the pool's timeout; the pool keeps trying in the background (every few seconds at
/// most), and the first connection it opens sets this back.
#[derive(Debug)]
pub struct Reachable(AtomicBool);

impl Default for Reachable {
    fn default() -> Self {
        Reachable(AtomicBool::new(true))
    }
}

impl Reachable {
    pub fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }

    fn set(&self, up: bool) {
        let was = self.0.swap(up, Ordering::Relaxed);
        if was != up {
            if up {
                tracing::info!("the database is reachable again");
            } else {
                tracing::error!("the database is not reachable; answering 503 until it is");
            }
        }
    }
}

impl Manager {
    pub fn new(url: DatabaseUrl) -> Self {
        Manager {
            url,
            reachable: Arc::default(),
        }
    }

    pub fn connect(&self) -> Result<DbConn, diesel::ConnectionError> {
        let conn = self.open();
        self.reachable.set(conn.is_ok());
        conn
    }

    fn open(&self) -> Result<DbConn, diesel::ConnectionError> {
        match self.url.backend {
            Backend::Postgres => PgConnection::establish(&self.url.target).map(DbConn::Pg),
            Backend::Sqlite => {
                let mut conn = SqliteConnection::establish(&self.url.target)?;
                // WAL lets readers run beside the writer; synchronous=FULL makes a commit
                // durable before the client hears 2xx; busy_timeout queues writers instead
                // of failing them.
                conn.batch_execute(
                    "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                     PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;",
                )
                .map_err(diesel::ConnectionError::CouldntSetupConfiguration)?;
                Ok(DbConn::Sqlite(conn))
            }
        }
    }
}

impl ManageConnection for Manager {
    type Connection = DbConn;
    type Error = r2d2::Error;

    fn connect(&self) -> Result<DbConn, r2d2::Error> {
        Manager::connect(self).map_err(r2d2::Error::ConnectionError)
    }

    fn is_valid(&self, conn: &mut DbConn) -> Result<(), r2d2::Error> {
        conn.batch_execute("SELECT 1")
            .map_err(r2d2::Error::QueryError)
    }

    fn has_broken(&self, _conn: &mut DbConn) -> bool {
        false
    }
}

pub type PooledConn = r2d2::PooledConnection<Manager>;

/// How long a request waits for a free connection when the database is reachable.
pub const CHECKOUT_TIMEOUT: Duration = Duration::from_secs(10);
/// The slices of that wait: after each, a request gives up if the database has meanwhile
/// been found unreachable.
const CHECKOUT_SLICE: Duration = Duration::from_millis(200);

/// The connection pool (r2d2's, which it dereferences to) with a prompt answer when the
/// database is away: `get` waits for a free connection in short slices and stops waiting as
/// soon as the pool's last attempt to connect failed, so a request is answered 503 within
/// a fraction of a second rather than after the ten-second wait a busy but healthy pool may
/// need.
#[derive(Clone)]
pub struct Pool {
    inner: r2d2::Pool<Manager>,
    reachable: Arc<Reachable>,
}

impl std::ops::Deref for Pool {
    type Target = r2d2::Pool<Manager>;
    fn deref(&self) -> &Self::Target {
        &self.inner
    }
}

impl Pool {
    /// A connection, waited for up to `CHECKOUT_TIMEOUT`, or less when the database is
    /// unreachable.
    pub fn get(&self) -> Result<PooledConn, r2d2::PoolError> {
        self.get_timeout(CHECKOUT_TIMEOUT)
    }

    /// As `get`, waiting at most `timeout`.
    pub fn get_timeout(&self, timeout: Duration) -> Result<PooledConn, r2d2::PoolError> {
        let started = std::time::Instant::now();
        let deadline = started + timeout;
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match self.inner.get_timeout(left.min(CHECKOUT_SLICE)) {
                Ok(conn) => {
                    crate::metrics::record_checkout(started.elapsed(), true);
                    return Ok(conn);
                }
                Err(e) if left <= CHECKOUT_SLICE || !self.reachable.get() => {
                    crate::metrics::record_checkout(started.elapsed(), false);
                    return Err(e);
                }
                Err(_) => {}
            }
        }
    }

    /// Whether the pool's last attempt to open a connection succeeded.
    pub fn reachable(&self) -> bool {
        self.reachable.get()
    }
}

/// Opens a pool, failing fast with the database's own error when it cannot be reached.
pub fn connect_pool(url: &DatabaseUrl, size: u32) -> anyhow::Result<Pool> {
    if url.backend == Backend::Sqlite {
        if let Some(dir) = Path::new(&url.target).parent() {
            if !dir.as_os_str().is_empty() {
                std::fs::create_dir_all(dir)?;
            }
        }
    }
    let manager = Manager::new(url.clone());
    let reachable = manager.reachable.clone();
    // Try once by hand: r2d2 would otherwise retry silently until its timeout.
    manager
        .connect()
        .map_err(|e| anyhow::anyhow!("cannot open the database {}: {e}", url.redacted()))?;
    // A busy pool is waited on for up to ten seconds (two made a loaded test machine time
    // out healthy requests); an unreachable database is answered 503 at once (`Pool::get`).
    // r2d2 retries a failed connection at intervals up to half this timeout.
    let inner = r2d2::Pool::builder()
        .max_size(size)
        .connection_timeout(CHECKOUT_TIMEOUT)
        .build(manager)?;
    Ok(Pool { inner, reachable })
}

/// The turn of this process's SQLite writers; see `write_transaction`.
static SQLITE_WRITER: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Runs `f` in a transaction that may write. BACKEND-SPECIFIC: on SQLite it begins with
/// `BEGIN IMMEDIATE`, taking the write lock first, so a transaction that reads before it
/// writes waits its turn (busy_timeout) instead of failing when another writer committed
/// since its read began; PostgreSQL needs nothing special.
pub fn write_transaction<T, E, F>(conn: &mut DbConn, f: F) -> Result<T, E>
where
    F: FnOnce(&mut DbConn) -> Result<T, E>,
    E: From<diesel::result::Error>,
{
    use diesel::connection::{AnsiTransactionManager, TransactionManager};
    type Manager = <DbConn as Connection>::TransactionManager;
    // SQLite has one writer at a time. Writers of this process queue here, in turn, rather
    // than in SQLite's busy handler, which polls with growing sleeps: under load that made
    // the slowest writes wait seconds and some give up with "database is locked".
    let _writer = match conn {
        DbConn::Sqlite(_) => Some(SQLITE_WRITER.lock().unwrap_or_else(|e| e.into_inner())),
        DbConn::Pg(_) => None,
    };
    match conn {
        DbConn::Sqlite(c) => AnsiTransactionManager::begin_transaction_sql(c, "BEGIN IMMEDIATE")?,
        DbConn::Pg(_) => Manager::begin_transaction(conn)?,
    }
    match f(conn) {
        Ok(value) => match Manager::commit_transaction(conn) {
            Ok(()) => Ok(value),
            Err(e) => {
                let _ = Manager::rollback_transaction(conn);
                Err(e.into())
            }
        },
        Err(e) => {
            // The error that made us roll back is the one worth reporting.
            let _ = Manager::rollback_transaction(conn);
            Err(e)
        }
    }
}

/// Applies pending migrations, then brings reference data (themes, countries) up to date.
pub fn migrate(conn: &mut DbConn) -> anyhow::Result<Vec<String>> {
    let applied = match conn {
        DbConn::Sqlite(c) => run_pending(c, SQLITE_MIGRATIONS)?,
        DbConn::Pg(c) => {
            // BACKEND-SPECIFIC: several API nodes may start at once on one PostgreSQL; an
            // advisory lock lets one of them migrate while the others wait.
            c.batch_execute("SELECT pg_advisory_lock(7370001)")?;
            let result = run_pending(c, POSTGRES_MIGRATIONS);
            c.batch_execute("SELECT pg_advisory_unlock(7370001)")?;
            result?
        }
    };
    reference::sync(conn)?;
    if let DbConn::Sqlite(c) = conn {
        // BACKEND-SPECIFIC: SQLite plans joins well only with statistics; `optimize` gathers
        // them where they are missing or stale, cheaply.
        c.batch_execute("PRAGMA optimize")?;
    }
    Ok(applied)
}

fn run_pending<C>(conn: &mut C, migrations: EmbeddedMigrations) -> anyhow::Result<Vec<String>>
where
    C: MigrationHarness<C::Backend> + Connection,
{
    let done = conn
        .run_pending_migrations(migrations)
        .map_err(|e| anyhow::anyhow!("migration failed: {e}"))?;
    Ok(done.iter().map(|v| v.to_string()).collect())
}

/// Reverts every migration (for the up-down-up test and for starting over).
pub fn revert_all(conn: &mut DbConn) -> anyhow::Result<()> {
    let result = match conn {
        DbConn::Sqlite(c) => c.revert_all_migrations(SQLITE_MIGRATIONS).map(|_| ()),
        DbConn::Pg(c) => c.revert_all_migrations(POSTGRES_MIGRATIONS).map(|_| ()),
    };
    result.map_err(|e| anyhow::anyhow!("reverting migrations failed: {e}"))
}

impl DbConn {
    pub fn backend(&self) -> Backend {
        match self {
            DbConn::Pg(_) => Backend::Postgres,
            DbConn::Sqlite(_) => Backend::Sqlite,
        }
    }
}
