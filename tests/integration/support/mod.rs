//! Starting the real server on a fresh database for each test.

pub mod nginx;

use std::net::TcpListener;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::OnceLock;

use diesel::connection::SimpleConnection;
use diesel::Connection;
use peoples_stories_api::app::{self, WebDist};
use peoples_stories_api::config::ContributionSettings;
use peoples_stories_api::db::{self, DatabaseUrl, Pool};
use peoples_stories_api::search::SearchIndex;
use peoples_stories_api::seed;
use peoples_stories_api::state::AppState;

/// Which database a test runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// The PostgreSQL server tests create their databases on. Its role needs CREATEDB.
pub fn postgres_admin_url() -> String {
    std::env::var("PS_TEST_POSTGRES_URL").unwrap_or_else(|_| {
        "postgres://peoples_stories:peoples_stories@127.0.0.1:5432/postgres?sslmode=disable"
            .to_string()
    })
}

fn ci() -> bool {
    std::env::var("CI").map(|v| v == "true").unwrap_or(false)
}

/// Whether PostgreSQL is reachable; under CI=true it must be.
fn postgres_available() -> bool {
    static AVAILABLE: OnceLock<bool> = OnceLock::new();
    *AVAILABLE.get_or_init(
        || match diesel::PgConnection::establish(&postgres_admin_url()) {
            Ok(_) => true,
            Err(e) if ci() => panic!(
                "CI=true but PostgreSQL is not reachable at {}: {e}",
                db::redact(&postgres_admin_url())
            ),
            Err(e) => {
                eprintln!(
                    "PostgreSQL tests skipped: {e} (set PS_TEST_POSTGRES_URL or start PostgreSQL)"
                );
                false
            }
        },
    )
}

/// The repository root.
/// A response header's value as text ("" when absent or not text).
pub fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

/// A fresh, migrated database that disappears with the value.
pub struct TestDb {
    pub url: DatabaseUrl,
    /// The client key file every node on this database shares.
    pub client_key_file: PathBuf,
    _dir: Option<tempfile::TempDir>,
    _key_dir: Option<std::sync::Arc<tempfile::TempDir>>,
    pg_name: Option<String>,
}

impl TestDb {
    /// None when PostgreSQL is wanted but not reachable outside CI.
    pub fn create(backend: Backend) -> Option<TestDb> {
        match backend {
            Backend::Sqlite => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().join("test.db");
                Some(TestDb {
                    url: DatabaseUrl::parse(path.to_str().expect("utf-8 path")).expect("url"),
                    client_key_file: dir.path().join("client-key"),
                    _dir: Some(dir),
                    _key_dir: None,
                    pg_name: None,
                })
            }
            Backend::Postgres => {
                if !postgres_available() {
                    return None;
                }
                static COUNTER: AtomicU32 = AtomicU32::new(0);
                let name = format!(
                    "ps_test_{}_{}_{}",
                    std::process::id(),
                    COUNTER.fetch_add(1, Ordering::SeqCst),
                    rand::random::<u32>()
                );
                let mut admin =
                    diesel::PgConnection::establish(&postgres_admin_url()).expect("admin conn");
                admin
                    .batch_execute(&format!("CREATE DATABASE {name}"))
                    .expect("create test database");
                let url = url_with_db(&postgres_admin_url(), &name);
                let key_dir = tempfile::tempdir().expect("temp dir");
                Some(TestDb {
                    url: DatabaseUrl::parse(&url).expect("url"),
                    client_key_file: key_dir.path().join("client-key"),
                    _dir: None,
                    _key_dir: Some(std::sync::Arc::new(key_dir)),
                    pg_name: Some(name),
                })
            }
        }
    }

    /// A fresh database, migrated and holding the seed stories; None (saying why) when the
    /// backend is not available.
    pub fn seeded(backend: Backend) -> Option<TestDb> {
        let Some(db) = TestDb::create(backend) else {
            eprintln!("skipped: {backend:?} not available");
            return None;
        };
        db.migrate_and_seed();
        Some(db)
    }

    /// Applies the migrations and adds the seed stories.
    pub fn migrate_and_seed(&self) {
        let mut conn = self.pool().get().expect("conn");
        db::migrate(&mut conn).expect("migrate");
        seed::run(&mut conn).expect("seed");
    }

    /// A handle on the same database that does not drop it.
    pub fn share(&self) -> TestDb {
        TestDb {
            url: self.url.clone(),
            client_key_file: self.client_key_file.clone(),
            _dir: None,
            _key_dir: self._key_dir.clone(),
            pg_name: None,
        }
    }

    pub fn pool(&self) -> Pool {
        db::connect_pool(&self.url, 4).expect("pool")
    }
}

fn url_with_db(admin: &str, name: &str) -> String {
    let mut url = url::Url::parse(admin).expect("PS_TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    url.to_string()
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(name) = &self.pg_name {
            if let Ok(mut admin) = diesel::PgConnection::establish(&postgres_admin_url()) {
                let _ =
                    admin.batch_execute(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
            }
        }
    }
}

/// The real server, listening on 127.0.0.1 on a free port, on a fresh seeded database.
pub struct TestApp {
    pub base_url: String,
    pub client: reqwest::Client,
    pub pool: Pool,
    pub search: std::sync::Arc<SearchIndex>,
    handle: actix_web::dev::ServerHandle,
    /// The followers of the search index and the data versions, stopped and joined on drop:
    /// left running, they would keep asking the pool for connections to a database that is
    /// gone, and a connection attempt (libpq's SCRAM in libcrypto) still under way when the
    /// test process exits crashes it in OpenSSL's exit-time cleanup.
    stop: peoples_stories_api::shutdown::Stop,
    followers: Vec<std::thread::JoinHandle<()>>,
    _index_dir: tempfile::TempDir,
    // Dropped last: the server and pool must close before the database goes.
    _db: TestDb,
}

impl TestApp {
    /// Which database it runs on.
    pub fn backend(&self) -> Backend {
        match self._db.url.backend {
            db::Backend::Sqlite => Backend::Sqlite,
            db::Backend::Postgres => Backend::Postgres,
        }
    }

    /// Starts the app; panics if the backend is unavailable.
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::try_spawn(backend)
            .await
            .unwrap_or_else(|| panic!("{backend:?} is not available"))
    }

    /// Starts the app, or None when PostgreSQL is not reachable outside CI.
    pub async fn try_spawn(backend: Backend) -> Option<TestApp> {
        Self::try_spawn_with(backend, test_settings()).await
    }

    /// As `try_spawn`, with these contribution settings.
    pub async fn try_spawn_with(
        backend: Backend,
        settings: ContributionSettings,
    ) -> Option<TestApp> {
        let db = TestDb::create(backend)?;
        Some(Self::start(db, settings).await)
    }

    /// Another node on an existing test database (which must outlive it).
    pub async fn spawn_on(db: &TestDb) -> TestApp {
        Self::start(db.share(), test_settings()).await
    }

    /// As `spawn_on`, with these contribution settings.
    pub async fn spawn_on_with(db: &TestDb, settings: ContributionSettings) -> TestApp {
        Self::start(db.share(), settings).await
    }

    /// Starts the app on a fresh database with a response cache of `budget` bytes.
    pub async fn try_spawn_with_cache(backend: Backend, budget: u64) -> Option<TestApp> {
        let db = TestDb::create(backend)?;
        Some(Self::start_with(db, test_settings(), Some(budget), Default::default()).await)
    }

    /// Starts the app on a fresh database with these session settings (a public origin).
    pub async fn try_spawn_with_auth(
        backend: Backend,
        auth: peoples_stories_api::auth::AuthConfig,
    ) -> Option<TestApp> {
        let db = TestDb::create(backend)?;
        Some(Self::start_with(db, test_settings(), None, auth).await)
    }

    async fn start(db: TestDb, settings: ContributionSettings) -> TestApp {
        Self::start_with(db, settings, None, Default::default()).await
    }

    /// Starts the app on a fresh database with its state changed by `configure` (a sitemap
    /// page size).
    pub async fn try_spawn_configured(
        backend: Backend,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> Option<TestApp> {
        let db = TestDb::create(backend)?;
        Some(Self::start_configured(db, test_settings(), None, Default::default(), configure).await)
    }

    async fn start_with(
        db: TestDb,
        settings: ContributionSettings,
        cache: Option<u64>,
        auth: peoples_stories_api::auth::AuthConfig,
    ) -> TestApp {
        Self::start_configured(db, settings, cache, auth, |s| s).await
    }

    async fn start_configured(
        db: TestDb,
        settings: ContributionSettings,
        cache: Option<u64>,
        auth: peoples_stories_api::auth::AuthConfig,
        configure: impl FnOnce(AppState) -> AppState,
    ) -> TestApp {
        let pool = db.pool();
        db.migrate_and_seed();
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let dist = repo_root().join("web/dist");
        let dist = dist.join("index.html").exists().then_some(dist);
        let index_dir = tempfile::tempdir().expect("index dir");
        let search = std::sync::Arc::new(SearchIndex::open(index_dir.path()).expect("index"));
        search.catch_up(&pool).expect("index built");
        let state = AppState::new(
            pool.clone(),
            db.url.backend,
            search.clone(),
            settings,
            auth,
            peoples_stories_api::client_key::ClientKey::open(&db.client_key_file).expect("key"),
        )
        .expect("state");
        let state = match cache {
            Some(budget) => state.with_cache_budget(budget),
            None => state,
        };
        let state = configure(state);
        let stop = peoples_stories_api::shutdown::Stop::new();
        let followers = state
            .follow_until(std::time::Duration::from_millis(200), stop.clone())
            .expect("followers");
        let server = app::start_with_workers(listener, state, WebDist(dist), 1).expect("start");
        let handle = server.handle();
        actix_rt::spawn(server);
        TestApp {
            base_url: format!("http://127.0.0.1:{port}"),
            client: reqwest::Client::new(),
            pool,
            search,
            handle,
            stop,
            followers,
            _index_dir: index_dir,
            _db: db,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client
            .get(self.url(path))
            .send()
            .await
            .expect("request")
    }

    /// POSTs JSON with these extra headers.
    pub async fn post_json(
        &self,
        path: &str,
        body: &serde_json::Value,
        headers: &[(&str, &str)],
    ) -> reqwest::Response {
        let mut req = self.client.post(self.url(path)).json(body);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        req.send().await.expect("request")
    }

    /// GET expecting 200 and JSON.
    pub async fn get_json<T: serde::de::DeserializeOwned>(&self, path: &str) -> T {
        let res = self.get(path).await;
        let status = res.status();
        let text = res.text().await.expect("body");
        assert_eq!(status, 200, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("GET {path}: {e}: {text}"))
    }

    /// GET expecting a problem+json with this status; returns the problem.
    pub async fn get_problem(&self, path: &str, status: u16) -> peoples_stories_shared::Problem {
        let res = self.get(path).await;
        assert_eq!(res.status().as_u16(), status, "GET {path}");
        assert_eq!(content_type(&res), "application/problem+json", "GET {path}");
        let p: peoples_stories_shared::Problem = res.json().await.expect("problem json");
        assert_eq!(p.status, status);
        p
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let stop = self.handle.stop(false);
        actix_rt::spawn(stop);
        self.stop.request();
        for follower in self.followers.drain(..) {
            let _ = follower.join();
        }
    }
}

/// The contribution settings of tests: the defaults, except that rate limits are off (one
/// client, 127.0.0.1, sends everything); tests of the limits set their own.
pub fn test_settings() -> ContributionSettings {
    ContributionSettings {
        submissions_per_window: 0,
        guestbook_per_window: 0,
        refusals_per_window: 0,
        ..ContributionSettings::default()
    }
}

/// Declares each test twice, once per database:
/// `both_databases! { async fn name(app) { ... } }` gives `name::sqlite` and `name::postgres`.
macro_rules! both_databases {
    ($(async fn $name:ident($app:ident) $body:block)*) => {
        $crate::support::both_databases! {
            settings = $crate::support::test_settings();
            $(async fn $name($app) $body)*
        }
    };
    (settings = $settings:expr; $(async fn $name:ident($app:ident) $body:block)*) => {
        $(
            mod $name {
                #[allow(unused_imports)]
                use super::*;
                async fn body($app: $crate::support::TestApp) $body

                #[actix_rt::test]
                async fn sqlite() {
                    let app = $crate::support::TestApp::try_spawn_with(
                        $crate::support::Backend::Sqlite,
                        $settings,
                    )
                    .await
                    .expect("SQLite");
                    body(app).await
                }

                #[actix_rt::test]
                async fn postgres() {
                    match $crate::support::TestApp::try_spawn_with(
                        $crate::support::Backend::Postgres,
                        $settings,
                    )
                    .await
                    {
                        Some(app) => body(app).await,
                        None => eprintln!("skipped: PostgreSQL not available"),
                    }
                }
            }
        )*
    };
}
pub(crate) use both_databases;

/// Writes a published story straight to the database (as moderators will through the API),
/// recording the change for the search index. Returns its id.
pub fn insert_story(
    pool: &Pool,
    title: &str,
    body: &str,
    theme: &str,
    countries: &[&str],
    date: Option<&str>,
) -> i64 {
    use diesel::Connection;
    use peoples_stories_api::db::{stories, taxonomy};
    let mut conn = pool.get().expect("conn");
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        let theme_id = taxonomy::theme_rows(conn)?
            .into_iter()
            .find(|t| t.slug == theme)
            .expect("theme")
            .id;
        let slug = stories::unique_slug(conn, title)?;
        stories::insert(
            conn,
            &stories::NewStory {
                slug,
                title: title.to_string(),
                theme_id,
                byline: None,
                date: date.map(|d| d.parse().expect("date")),
                summary: None,
                body: body.to_string(),
                related_url: None,
                status: stories::PUBLISHED,
                updates: Vec::new(),
                country_codes: countries.iter().map(|c| c.to_string()).collect(),
                links: Vec::new(),
                created_at: None,
            },
        )
    })
    .expect("insert story")
}

impl TestApp {
    /// Brings this node's search index up to date now, rather than at the follower's next poll.
    pub fn reindex_now(&self) {
        self.search.catch_up(&self.pool).expect("catch up");
    }
}

/// The `peoples-stories` binary of this build (scripts/test builds it before the tests).
pub fn server_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/integration-… → target/<profile>/peoples-stories
    let bin = exe
        .parent()
        .and_then(|deps| deps.parent())
        .map(|dir| dir.join("peoples-stories"))
        .expect("target dir");
    assert!(
        bin.exists(),
        "{} is missing: build it with `cargo build -p peoples-stories-api` (scripts/test does)",
        bin.display()
    );
    bin
}

/// The password test accounts get.
pub const PASSWORD: &str = "correct horse battery staple";

/// Makes an account straight in the database (as `peoples-stories user add` does).
pub fn add_user(pool: &Pool, username: &str, role: peoples_stories_shared::Role) {
    let mut conn = pool.get().expect("conn");
    peoples_stories_api::moderation::accounts::create_user(
        &mut conn,
        peoples_stories_api::moderation::Actor::COMMAND_LINE,
        username,
        PASSWORD,
        role,
    )
    .expect("add user");
}

/// A logged-in browser: its cookie (`name=value`) and the session's CSRF token.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// The `name=value` of a response's session cookie, if it sets one.
pub fn session_cookie(res: &reqwest::Response) -> Option<String> {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.contains("ps_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
}

impl TestApp {
    /// POST /api/v1/auth/login.
    pub async fn login(&self, username: &str, password: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .expect("login request")
    }

    /// Logs in with [`PASSWORD`], expecting success.
    pub async fn session(&self, username: &str) -> Session {
        let res = self.login(username, PASSWORD).await;
        assert_eq!(res.status(), 200, "login as {username}");
        let cookie = session_cookie(&res).expect("session cookie");
        let me: peoples_stories_shared::Me = res.json().await.expect("me");
        Session {
            cookie,
            csrf: me.csrf_token.expect("csrf token"),
        }
    }

    /// A request as a page of this site would send it with the session: cookie, CSRF
    /// header and this site's Origin.
    pub fn as_browser(
        &self,
        method: reqwest::Method,
        path: &str,
        s: &Session,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .header("cookie", &s.cookie)
            .header("x-csrf-token", &s.csrf)
            .header("origin", &self.base_url)
    }

    /// A request with an API token.
    pub fn as_script(
        &self,
        method: reqwest::Method,
        path: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.client
            .request(method, self.url(path))
            .bearer_auth(token)
    }
}

/// A real `peoples-stories serve` process on its own index folder, its log kept in a file.
pub struct ServeProcess {
    pub child: std::process::Child,
    pub base_url: String,
    /// Where its metrics listener is (`http://127.0.0.1:<port>`), a free port of its own
    /// unless `PS_METRICS_BIND` is among the variables it was started with.
    pub metrics_base_url: String,
    index: tempfile::TempDir,
    log: PathBuf,
}

impl ServeProcess {
    /// Starts `serve` on a free port with these extra environment variables; returns once
    /// the search index answers (it rebuilds from the database first).
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> ServeProcess {
        let index = tempfile::tempdir().expect("index dir");
        Self::start_in(database_url, env, index).await
    }

    /// Starts `serve` and returns at once, before it answers anything.
    pub fn launch(database_url: &str, env: &[(&str, &str)]) -> ServeProcess {
        let index = tempfile::tempdir().expect("index dir");
        let (child, base_url, metrics_base_url, log) = Self::spawn(database_url, env, index.path());
        ServeProcess {
            child,
            base_url,
            metrics_base_url,
            index,
            log,
        }
    }

    /// Starts it again after it stopped (or was killed), on the same index folder.
    pub async fn restart(&mut self, database_url: &str, env: &[(&str, &str)]) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let (child, base_url, metrics_base_url, log) =
            Self::spawn(database_url, env, self.index.path());
        self.child = child;
        self.base_url = base_url;
        self.metrics_base_url = metrics_base_url;
        self.log = log;
        self.wait_ready().await;
    }

    async fn start_in(
        database_url: &str,
        env: &[(&str, &str)],
        index: tempfile::TempDir,
    ) -> ServeProcess {
        let (child, base_url, metrics_base_url, log) = Self::spawn(database_url, env, index.path());
        let process = ServeProcess {
            child,
            base_url,
            metrics_base_url,
            index,
            log,
        };
        process.wait_ready().await;
        process
    }

    fn spawn(
        database_url: &str,
        env: &[(&str, &str)],
        index: &std::path::Path,
    ) -> (std::process::Child, String, String, PathBuf) {
        let bin = server_binary();
        let free_port = || {
            TcpListener::bind("127.0.0.1:0")
                .and_then(|l| l.local_addr())
                .expect("free port")
                .port()
        };
        let port = free_port();
        // Every process gets its own metrics port: the default (9464) would be shared.
        let metrics_bind = env
            .iter()
            .find(|(k, _)| *k == "PS_METRICS_BIND")
            .map(|(_, v)| v.to_string())
            .unwrap_or_else(|| format!("127.0.0.1:{}", free_port()));
        let log = index.with_extension(format!("{port}.log"));
        let log_file = std::fs::File::create(&log).expect("log file");
        let child = std::process::Command::new(&bin)
            .args(["--database-url", database_url, "--index-dir"])
            .arg(index)
            .args([
                "serve",
                "--bind",
                &format!("127.0.0.1:{port}"),
                "--web-dist",
                "/nonexistent",
            ])
            .env("RUST_LOG", "info")
            .env("PS_CLIENT_KEY_FILE", index.with_extension("key"))
            .env("PS_METRICS_BIND", &metrics_bind)
            .envs(env.iter().copied())
            .stdout(log_file.try_clone().expect("log file"))
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", bin.display()));
        (
            child,
            format!("http://127.0.0.1:{port}"),
            format!("http://{metrics_bind}"),
            log,
        )
    }

    async fn wait_ready(&self) {
        let started = std::time::Instant::now();
        loop {
            let ok = reqwest::get(self.url("/api/v1/stories?q=justice"))
                .await
                .map(|r| r.status() == 200)
                .unwrap_or(false);
            if ok {
                return;
            }
            assert!(
                started.elapsed() < std::time::Duration::from_secs(30),
                "serve did not become ready; its log:\n{}",
                self.log_text()
            );
            actix_rt::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// A URL on its metrics listener.
    pub fn metrics_url(&self, path: &str) -> String {
        format!("{}{}", self.metrics_base_url, path)
    }

    /// Everything the process has logged so far.
    pub fn log_text(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// `127.0.0.1:port`, for raw connections.
    pub fn addr(&self) -> String {
        self.base_url.trim_start_matches("http://").to_string()
    }

    /// Sends a signal (`TERM`, `INT`) with kill(1), as an operator or a supervisor would.
    pub fn signal(&self, name: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{name}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("run kill");
        assert!(status.success(), "kill -{name} failed");
    }

    /// Whether the process is still running.
    pub fn running(&mut self) -> bool {
        self.child.try_wait().expect("try_wait").is_none()
    }

    /// Waits for the process to exit, at most `bound`; None if it is still running then.
    pub async fn wait_exit(
        &mut self,
        bound: std::time::Duration,
    ) -> Option<std::process::ExitStatus> {
        let started = std::time::Instant::now();
        loop {
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                return Some(status);
            }
            if started.elapsed() > bound {
                return None;
            }
            actix_rt::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }

    /// SIGKILL: no shutdown, no flushing, as in a power cut.
    pub fn kill_hard(&mut self) {
        self.child.kill().expect("kill");
        self.child.wait().expect("reap");
    }
}

impl Drop for ServeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_file(&self.log);
    }
}

/// Runs the `peoples-stories` binary with these arguments (a command-line tool, not a
/// server), returning its status and output.
pub fn cli(args: &[&str]) -> std::process::Output {
    std::process::Command::new(server_binary())
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .expect("run peoples-stories")
}

/// A response's `Content-Type`, or "" without one.
pub fn content_type(res: &reqwest::Response) -> String {
    res.headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string()
}

/// The Python with the project's pinned packages (feedparser), from `PS_PYTHON`, which
/// `scripts/python-venv.sh` sets up. None (the test is skipped, with a message) when it is
/// unset, except under CI=true, where it must be there.
pub fn python() -> Option<PathBuf> {
    match std::env::var_os("PS_PYTHON").filter(|p| !p.is_empty()) {
        Some(p) => Some(PathBuf::from(p)),
        None if ci() => panic!("CI=true but PS_PYTHON is unset: run scripts/python-venv.sh"),
        None => {
            eprintln!("skipped: PS_PYTHON is unset (source scripts/python-venv.sh to set it up)");
            None
        }
    }
}
