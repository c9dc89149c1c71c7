//! `peoples-stories`: the one binary that serves, migrates, seeds and generates.

use std::net::TcpListener;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use peoples_stories_api::client_key::ClientKey;
use peoples_stories_api::config::{self, AuthFlags, FileConfig, ServeFlags, Settings};
use peoples_stories_api::db::{self, DatabaseUrl};
use peoples_stories_api::search::SearchIndex;
use peoples_stories_api::shutdown::{self, Stop};
use peoples_stories_api::{app, backup, generate, metrics, seed, state::AppState};
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(
    name = "peoples-stories",
    version,
    about = "People's Stories: human-rights news stories, their API and their app."
)]
struct Cli {
    /// The database: a SQLite file path (default data/peoples-stories.db) or postgres://…
    #[arg(long, env = "DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Where this node keeps its search index (default: search-index/ beside a SQLite file,
    /// data/search-index/ for PostgreSQL).
    #[arg(long, env = "PS_INDEX_DIR", global = true)]
    index_dir: Option<PathBuf>,
    /// A TOML config file (default: peoples-stories.toml in the working directory, if any).
    #[arg(long, env = "PS_CONFIG", global = true)]
    config: Option<PathBuf>,
    /// How log lines are written to standard error: `text` for people, `json` (one object a
    /// line) for log collectors. Which lines: RUST_LOG (default info).
    #[arg(long, env = "PS_LOG_FORMAT", global = true, value_enum, default_value_t = LogFormat::Text)]
    log_format: LogFormat,
    /// With no command, `serve` runs with these.
    #[command(flatten)]
    serve: ServeArgs,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Subcommand)]
// Parsed once per run: the size of `Serve` costs nothing worth a box.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Serve the API and the built app (the default command). Migrates the database first.
    Serve(Box<ServeArgs>),
    /// Apply pending database migrations and refresh themes and countries.
    Migrate,
    /// Load the seed stories (idempotent: stories already there are left alone).
    Seed,
    /// Rebuild this node's search index from the database.
    Reindex,
    /// Add N deterministic synthetic stories, for benchmarks.
    Generate(GenerateArgs),
    /// Import stories from a JSON Lines file in the API's story shape, upserting by slug:
    /// new slugs are created, changed stories rewritten, the same ones left alone. Bad lines
    /// are reported (line and field) and skipped; the exit status is 2 when there were any.
    Import {
        /// The file (`-` reads standard input).
        file: PathBuf,
        /// JSON Lines (`jsonl`) or the export's CSV (`csv`); by default, `csv` for a file
        /// named `*.csv`, else `jsonl`.
        #[arg(long, value_enum)]
        format: Option<ImportFormat>,
        /// Check every line and count what would change; write nothing.
        #[arg(long)]
        dry_run: bool,
    },
    /// Moderator and admin accounts.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens for scripts.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Copy the database, consistently, while servers run: SQLite with `VACUUM INTO`, then
    /// checked; PostgreSQL with `pg_dump --format=custom`.
    Backup {
        /// The file to write.
        #[arg(long)]
        to: PathBuf,
        /// Replace the file if it exists.
        #[arg(long)]
        force: bool,
    },
    /// Replace the database with a backup. Stop every server first; the search index is
    /// removed and rebuilt at the next start.
    Restore {
        /// The backup file (`backup --to`).
        #[arg(long)]
        from: PathBuf,
        /// Replace a database that holds stories.
        #[arg(long)]
        force: bool,
    },
    /// Print the OpenAPI document (what /api/openapi.json serves).
    Openapi {
        /// Write it to this file instead of standard output.
        #[arg(long)]
        output: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
enum UserCommand {
    /// Add an account. The password is read from a prompt, or from standard input when it
    /// is not a terminal (one line); never from a flag.
    Add {
        #[arg(long)]
        username: String,
        /// admin (accounts, tokens, audit log too) or moderator.
        #[arg(long, value_parser = ["admin", "moderator"])]
        role: String,
    },
    /// List the accounts.
    List,
    /// Disable an account: it can no longer log in; its sessions and API tokens end.
    Disable {
        #[arg(long)]
        username: String,
    },
}

#[derive(Debug, Subcommand)]
enum TokenCommand {
    /// Make an API token acting as an account; prints its secret once.
    Create {
        /// The account it acts as (it gets that account's role).
        #[arg(long)]
        username: String,
        /// What it is for.
        #[arg(long)]
        name: String,
    },
    /// List the API tokens (never their secrets).
    List,
    /// Revoke an API token by id.
    Revoke {
        #[arg(long)]
        id: i64,
    },
}

#[derive(Debug, Args, Default, Clone)]
struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "BIND")]
    bind: Option<String>,
    /// The built app's folder (default web/dist).
    #[arg(long, env = "PS_WEB_DIST")]
    web_dist: Option<PathBuf>,
    /// Database connections to keep (default 16).
    #[arg(long, env = "PS_POOL_SIZE")]
    pool_size: Option<u32>,
    /// Memory budget of the response cache of public reads, in MiB (default 32; 0 turns
    /// the cache off).
    #[arg(long, env = "PS_CACHE_MB")]
    cache_mb: Option<u64>,
    /// The file holding the key of client hashes, created on first start; give every node
    /// a copy of the same file (default: client-key beside the search index).
    #[arg(long, env = "PS_CLIENT_KEY_FILE")]
    client_key_file: Option<PathBuf>,
    /// The site's public origin (https://stories.example.org): cookie-authenticated changes
    /// must come from it; https turns on secure cookies. Default: the request's own host.
    #[arg(long, env = "PS_PUBLIC_ORIGIN")]
    public_origin: Option<String>,
    /// Mark the session cookie Secure (named __Host-ps_session); default: on when the
    /// public origin is https.
    #[arg(long, env = "PS_SECURE_COOKIES")]
    secure_cookies: Option<bool>,
    /// A session unused this many minutes ends (default 120).
    #[arg(long, env = "PS_SESSION_IDLE_MINUTES")]
    session_idle_minutes: Option<u32>,
    /// A session ends this many hours after login (default 12).
    #[arg(long, env = "PS_SESSION_MAX_HOURS")]
    session_max_hours: Option<u32>,
    /// After SIGTERM or SIGINT, how many seconds requests in flight have to finish
    /// (default 30).
    #[arg(long, env = "PS_SHUTDOWN_GRACE_SECS")]
    shutdown_grace_secs: Option<u64>,
    /// Where to serve Prometheus metrics (`GET /metrics`), on a listener of its own, never
    /// the public one; `off` turns it off (default 127.0.0.1:9464).
    #[arg(long, env = "PS_METRICS_BIND")]
    metrics_bind: Option<String>,
    /// The most stories one sitemap file (/sitemaps/stories-{n}.xml) lists, 1 to 50,000
    /// (default 50,000).
    #[arg(long, env = "PS_SITEMAP_PAGE_SIZE", value_parser = clap::value_parser!(u64).range(1..=50_000))]
    sitemap_page_size: Option<u64>,
    #[command(flatten)]
    contributions: peoples_stories_api::config::ContributionFlags,
}

#[derive(Debug, Args)]
struct GenerateArgs {
    /// How many stories to add.
    #[arg(long)]
    stories: u64,
    /// The random seed: the same seed on an empty database gives the same stories.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

fn main() {
    let cli = Cli::parse();
    init_logging(cli.log_format);
    if let Err(e) = run(cli) {
        eprintln!("error: {e:#}");
        std::process::exit(1);
    }
}

/// Log lines go to standard error, as text or as JSON objects (one a line: `timestamp`,
/// `level`, `target`, the event's fields with its `message`, and `span` holding the
/// request's `request_id` for lines logged while handling a request).
fn init_logging(format: LogFormat) {
    let filter =
        EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,tantivy=warn"));
    // Colours only for a terminal: a file or a log collector gets plain text.
    let colours = std::io::IsTerminal::is_terminal(&std::io::stderr());
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colours)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_span_list(false)
            .init(),
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let file = FileConfig::load(cli.config.as_deref())?;
    let serve_args = match &cli.command {
        Some(Command::Serve(a)) => Some(a.as_ref().clone()),
        None => Some(cli.serve.clone()),
        _ => None,
    };
    let auth = config::resolve_auth(
        &file,
        AuthFlags {
            public_origin: serve_args.as_ref().and_then(|a| a.public_origin.clone()),
            secure_cookies: serve_args.as_ref().and_then(|a| a.secure_cookies),
            session_idle_minutes: serve_args.as_ref().and_then(|a| a.session_idle_minutes),
            session_max_hours: serve_args.as_ref().and_then(|a| a.session_max_hours),
        },
    )?;
    let serve_flags = serve_args
        .as_ref()
        .map(|a| ServeFlags {
            bind: a.bind.clone(),
            web_dist: a.web_dist.clone(),
            pool_size: a.pool_size,
            cache_mb: a.cache_mb,
            client_key_file: a.client_key_file.clone(),
            shutdown_grace_secs: a.shutdown_grace_secs,
            metrics_bind: a.metrics_bind.clone(),
            sitemap_page_size: a.sitemap_page_size,
        })
        .unwrap_or_default();
    let settings = Settings::resolve(
        file,
        cli.database_url.clone(),
        serve_flags,
        cli.index_dir.clone(),
        serve_args.map(|a| a.contributions).unwrap_or_default(),
    );
    let url = DatabaseUrl::parse(&settings.database_url).map_err(anyhow::Error::msg)?;
    match cli.command.unwrap_or(Command::Serve(Box::default())) {
        Command::Serve(_) => serve(settings, url, auth),
        Command::User(cmd) => {
            let pool = db::connect_pool(&url, 1)?;
            let mut conn = pool.get()?;
            db::migrate(&mut conn)?;
            user_command(&mut conn, cmd)
        }
        Command::Token(cmd) => {
            let pool = db::connect_pool(&url, 1)?;
            let mut conn = pool.get()?;
            db::migrate(&mut conn)?;
            token_command(&mut conn, cmd)
        }
        Command::Migrate => {
            let pool = db::connect_pool(&url, 1)?;
            let applied = db::migrate(&mut *pool.get()?)?;
            println!(
                "migrated {} ({} new migrations)",
                url.redacted(),
                applied.len()
            );
            Ok(())
        }
        Command::Seed => {
            let pool = db::connect_pool(&url, 1)?;
            let mut conn = pool.get()?;
            db::migrate(&mut conn)?;
            let added = seed::run(&mut conn)?;
            println!("seeded {}: {added} stories added", url.redacted());
            Ok(())
        }
        Command::Generate(a) => {
            let pool = db::connect_pool(&url, 1)?;
            let mut conn = pool.get()?;
            db::migrate(&mut conn)?;
            let started = std::time::Instant::now();
            generate::run(&mut conn, a.stories, a.seed)?;
            // Every node rebuilds its search index once, rather than following each story.
            db::changes::record_rebuild(&mut conn)?;
            // Fresh statistics, so the planners use the country and source indexes.
            diesel::connection::SimpleConnection::batch_execute(&mut *conn, "ANALYZE")?;
            println!(
                "generated {} stories in {:.1} s",
                a.stories,
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Reindex => {
            let pool = db::connect_pool(&url, 2)?;
            db::migrate(&mut *pool.get()?)?;
            let index = SearchIndex::open(&settings.index_dir)?;
            let bar =
                indicatif::ProgressBar::new(0).with_style(indicatif::ProgressStyle::with_template(
                    "{bar:40} {pos}/{len} stories, {per_sec}, {eta} left",
                )?);
            let started = std::time::Instant::now();
            let n = index.rebuild(&pool, &|done, total| {
                bar.set_length(total);
                bar.set_position(done);
            })?;
            bar.finish();
            println!(
                "indexed {n} stories into {} in {:.1} s",
                settings.index_dir.display(),
                started.elapsed().as_secs_f64()
            );
            Ok(())
        }
        Command::Import {
            file,
            format,
            dry_run,
        } => import_command(&url, &settings, &file, format, dry_run),
        Command::Backup { to, force } => {
            let done = backup::backup(&url, &to, force)?;
            println!(
                "backed up {} to {} ({} bytes)",
                url.redacted(),
                done.path.display(),
                done.bytes
            );
            Ok(())
        }
        Command::Restore { from, force } => {
            let done = backup::restore(&url, &from, &settings.index_dir, force)?;
            println!("restored {} from {}", url.redacted(), from.display());
            if let Some(dir) = done.index_removed {
                println!(
                    "removed the search index {}; `serve` rebuilds it at start",
                    dir.display()
                );
            }
            println!("start the servers again; other nodes' search indexes rebuild by themselves");
            Ok(())
        }
        Command::Openapi { output } => {
            let json = app::openapi_json()?;
            match output {
                Some(path) => std::fs::write(path, json)?,
                None => print!("{json}"),
            }
            Ok(())
        }
    }
}

/// Reads a new password: from a prompt (twice) on a terminal, else one line of stdin.
fn read_password() -> anyhow::Result<String> {
    use std::io::{BufRead, IsTerminal};
    if std::io::stdin().is_terminal() {
        let first = rpassword::prompt_password("Password: ")?;
        let again = rpassword::prompt_password("Password again: ")?;
        anyhow::ensure!(first == again, "the passwords differ");
        Ok(first)
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        Ok(line.trim_end_matches(['\r', '\n']).to_string())
    }
}

/// Turns a problem into a message for the terminal: its detail and each bad field.
fn cli_error(e: peoples_stories_api::error::AppError) -> anyhow::Error {
    let p = e.problem();
    let mut msg = p.detail;
    for f in p.errors {
        msg.push_str(&format!("\n  {}: {}", f.field, f.message));
    }
    anyhow::anyhow!(msg)
}

fn user_command(conn: &mut db::DbConn, cmd: UserCommand) -> anyhow::Result<()> {
    use peoples_stories_api::moderation::{accounts, Actor};
    match cmd {
        UserCommand::Add { username, role } => {
            let role = peoples_stories_shared::Role::parse(&role)
                .ok_or_else(|| anyhow::anyhow!("--role is admin or moderator"))?;
            let password = read_password()?;
            let user = accounts::create_user(conn, Actor::COMMAND_LINE, &username, &password, role)
                .map_err(cli_error)?;
            println!("added {} ({})", user.username, user.role);
        }
        UserCommand::List => {
            for u in accounts::list_users(conn).map_err(cli_error)? {
                let state = match u.disabled_at {
                    Some(t) => format!("disabled {}", t.format("%Y-%m-%d %H:%M")),
                    None => "active".to_string(),
                };
                println!("{}\t{}\t{}", u.username, u.role, state);
            }
        }
        UserCommand::Disable { username } => {
            let user =
                accounts::disable_user(conn, Actor::COMMAND_LINE, &username).map_err(cli_error)?;
            println!(
                "disabled {}; its sessions and API tokens are ended",
                user.username
            );
        }
    }
    Ok(())
}

/// What `import` reads.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum ImportFormat {
    /// One story a line, in the API's shape.
    Jsonl,
    /// The export's CSV.
    Csv,
}

fn import_command(
    url: &DatabaseUrl,
    settings: &Settings,
    file: &std::path::Path,
    format: Option<ImportFormat>,
    dry_run: bool,
) -> anyhow::Result<()> {
    use peoples_stories_api::moderation::{import, Actor};
    let format = match format {
        Some(ImportFormat::Csv) => import::Format::Csv,
        Some(ImportFormat::Jsonl) => import::Format::JsonLines,
        None if file
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("csv")) =>
        {
            import::Format::Csv
        }
        None => import::Format::JsonLines,
    };
    let pool = db::connect_pool(url, 1)?;
    db::migrate(&mut *pool.get()?)?;
    let (input, size): (Box<dyn std::io::BufRead>, u64) = if file.as_os_str() == "-" {
        (Box::new(std::io::stdin().lock()), 0)
    } else {
        let f = std::fs::File::open(file)
            .map_err(|e| anyhow::anyhow!("cannot read {}: {e}", file.display()))?;
        let size = f.metadata().map(|m| m.len()).unwrap_or(0);
        (Box::new(std::io::BufReader::new(f)), size)
    };
    // Drawn only when standard error is a terminal.
    let bar =
        indicatif::ProgressBar::new(size).with_style(indicatif::ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes}, {bytes_per_sec}, {eta} left",
        )?);
    let started = std::time::Instant::now();
    let report = import::import(
        &mut *pool.get()?,
        Actor::COMMAND_LINE,
        input,
        format,
        dry_run,
        &|read| bar.set_position(read),
    )
    .map_err(cli_error)?;
    bar.finish_and_clear();
    for refused in &report.refused {
        for e in &refused.errors {
            eprintln!("line {}: {}: {}", refused.line, e.field, e.message);
        }
    }
    let verb = if dry_run { "would import" } else { "imported" };
    println!(
        "{verb} {} lines in {:.1} s: {} created, {} updated, {} unchanged, {} refused",
        report.lines,
        started.elapsed().as_secs_f64(),
        report.created,
        report.updated,
        report.unchanged,
        report.refused.len()
    );
    if !dry_run && report.created + report.updated > 0 {
        // This machine's index, when no server holds it; a running server's follower applies
        // the same changes within a second.
        match SearchIndex::open(&settings.index_dir).and_then(|index| index.catch_up(&pool)) {
            Ok(_) => println!(
                "search index {} is up to date",
                settings.index_dir.display()
            ),
            Err(e) => println!(
                "search index {} not updated here ({e}); a running server applies the changes",
                settings.index_dir.display()
            ),
        }
    }
    if !report.refused.is_empty() {
        std::process::exit(2);
    }
    Ok(())
}

fn token_command(conn: &mut db::DbConn, cmd: TokenCommand) -> anyhow::Result<()> {
    use peoples_stories_api::moderation::{accounts, Actor};
    match cmd {
        TokenCommand::Create { username, name } => {
            let t = accounts::create_token(conn, Actor::COMMAND_LINE, &username, &name)
                .map_err(cli_error)?;
            eprintln!(
                "API token {} for {} (shown once; send it as `Authorization: Bearer <token>`):",
                t.info.id, t.info.username
            );
            println!("{}", t.token);
        }
        TokenCommand::List => {
            for t in accounts::list_tokens(conn).map_err(cli_error)? {
                let state = match t.revoked_at {
                    Some(r) => format!("revoked {}", r.format("%Y-%m-%d %H:%M")),
                    None => "active".to_string(),
                };
                println!("{}\t{}\t{}\t{}", t.id, t.username, t.name, state);
            }
        }
        TokenCommand::Revoke { id } => {
            let t = accounts::revoke_token(conn, Actor::COMMAND_LINE, id).map_err(cli_error)?;
            println!("revoked token {} ({})", t.id, t.name);
        }
    }
    Ok(())
}

fn serve(
    settings: Settings,
    url: DatabaseUrl,
    auth: peoples_stories_api::auth::AuthConfig,
) -> anyhow::Result<()> {
    // Where the data is, in full: a server started from another folder would otherwise make
    // a new, empty SQLite database there without a word.
    let database = match url.backend {
        db::Backend::Sqlite => std::path::absolute(&url.target)
            .map(|p| p.display().to_string())
            .unwrap_or_else(|_| url.target.clone()),
        db::Backend::Postgres => url.redacted(),
    };
    let new_file =
        url.backend == db::Backend::Sqlite && !std::path::Path::new(&url.target).exists();
    // Held while serving: `restore` refuses to replace a SQLite database a server has open.
    let _in_use = backup::InUse::hold_shared(&url)?;
    let pool = db::connect_pool(&url, settings.pool_size)?;
    let applied = db::migrate(&mut *pool.get()?)?;
    if !applied.is_empty() {
        tracing::info!(count = applied.len(), "applied migrations");
    }
    if new_file {
        tracing::warn!(
            %database,
            "created a new, empty database; if you meant an existing one, give --database-url \
             (scripts/run serves data/peoples-stories.db in the clone, with the seed stories)"
        );
    }
    let dist = settings
        .web_dist
        .join("index.html")
        .exists()
        .then(|| settings.web_dist.clone());
    if dist.is_none() {
        tracing::warn!(
            path = %settings.web_dist.display(),
            "the app is not built there; serving the API only (run scripts/build-web.sh)"
        );
    }
    let listener = TcpListener::bind(&settings.bind)
        .map_err(|e| anyhow::anyhow!("cannot listen on {}: {e}", settings.bind))?;
    let addr = listener.local_addr()?;
    let metrics_listener = match &settings.metrics_bind {
        Some(bind) => Some(TcpListener::bind(bind).map_err(|e| {
            anyhow::anyhow!(
                "cannot listen for metrics on {bind}: {e} (set --metrics-bind to another \
                 address, or to off)"
            )
        })?),
        None => None,
    };
    let search = std::sync::Arc::new(SearchIndex::open(&settings.index_dir).map_err(|e| {
        anyhow::anyhow!(
            "cannot open the search index in {}: {e}",
            settings.index_dir.display()
        )
    })?);
    // Every background thread sleeps on this between steps and ends when it is requested.
    let stop = Stop::new();
    let mut threads = vec![peoples_stories_api::guard::keep_house(
        pool.clone(),
        settings.contributions.clone(),
        stop.clone(),
    )?];
    let client_key = ClientKey::open(&settings.client_key_file)?;
    let state = AppState::new(
        pool,
        url.backend,
        search,
        settings.contributions.clone(),
        auth,
        client_key,
    )?
    .with_cache_budget(settings.cache_bytes)
    .with_sitemap_page_size(settings.sitemap_page_size);
    // The follower builds the index if it is new or stale, then applies changes within a
    // second of their commit, on this node and any other sharing the database; the data
    // versions that key the response cache are read as often.
    threads.extend(state.follow_until(std::time::Duration::from_millis(500), stop.clone())?);
    tracing::info!(
        %database,
        index = %std::path::absolute(&settings.index_dir).unwrap_or_else(|_| settings.index_dir.clone()).display(),
        client_key_file = %settings.client_key_file.display(),
        shutdown_grace_secs = settings.shutdown_grace.as_secs(),
        "People's Stories listening on http://{addr}"
    );
    if let Some(l) = &metrics_listener {
        tracing::info!("metrics listening on http://{}/metrics", l.local_addr()?);
    }
    let signalled = std::sync::Arc::new(std::sync::Mutex::new(None));
    let served = {
        let state = state.clone();
        let signal = {
            let draining = state.draining.clone();
            let signalled = signalled.clone();
            async move {
                shutdown::os_signal(signalled).await;
                draining.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        };
        let grace = settings.shutdown_grace;
        actix_web::rt::System::new().block_on(async move {
            // The metrics listener runs beside the public server, in the same System, and
            // is stopped once the public server has finished (it holds the state too, and
            // the pools must close before the process ends).
            let metrics = match metrics_listener {
                Some(l) => {
                    let server = metrics::start(l, state.clone())?;
                    let handle = server.handle();
                    actix_web::rt::spawn(server);
                    Some(handle)
                }
                None => None,
            };
            let served =
                app::start_until(listener, state, app::WebDist(dist), grace, signal)?.await;
            if let Some(handle) = metrics {
                handle.stop(true).await;
            }
            served
        })
    };
    // The server has stopped accepting and every request in flight was answered (or the
    // grace period ran out). Now the background threads, then the pools.
    let began = signalled
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .unwrap_or_else(std::time::Instant::now);
    stop.request();
    let started = threads.len();
    let left = shutdown::join_within(threads, shutdown::THREADS_GRACE);
    if !left.is_empty() {
        tracing::warn!(threads = ?left, "background threads still busy; exiting without them");
    }
    // The last connection to a SQLite database checkpoints its write-ahead log on closing.
    drop(state);
    served?;
    tracing::info!(
        seconds = format!("{:.2}", began.elapsed().as_secs_f64()),
        background_threads_stopped = started - left.len(),
        "shut down"
    );
    Ok(())
}
