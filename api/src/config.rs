//! Configuration: command-line flags, then environment variables, then a TOML config file,
//! then defaults. The defaults need nothing: an embedded SQLite database under `data/`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::auth::AuthConfig;

pub const DEFAULT_DATABASE_URL: &str = "data/peoples-stories.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_WEB_DIST: &str = "web/dist";
pub const DEFAULT_CONFIG_FILE: &str = "peoples-stories.toml";
/// Seconds `serve` gives requests in flight to finish after SIGTERM or SIGINT.
pub const DEFAULT_SHUTDOWN_GRACE_SECS: u64 = 30;
/// Where the Prometheus metrics are served: loopback only, a port of its own.
pub const DEFAULT_METRICS_BIND: &str = "127.0.0.1:9464";

/// What a config file may hold; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub web_dist: Option<PathBuf>,
    pub pool_size: Option<u32>,
    /// Memory budget of the response cache, in MiB (0 turns it off).
    pub cache_mb: Option<u64>,
    /// How long `serve` lets requests in flight finish after SIGTERM or SIGINT.
    pub shutdown_grace_secs: Option<u64>,
    pub index_dir: Option<PathBuf>,
    /// The file holding the key of client hashes (see `client_key.rs`).
    pub client_key_file: Option<PathBuf>,
    pub public_origin: Option<String>,
    pub secure_cookies: Option<bool>,
    pub session_idle_minutes: Option<u32>,
    pub session_max_hours: Option<u32>,
    /// The metrics listener's address, or `off`.
    pub metrics_bind: Option<String>,
    /// The most stories one sitemap file lists (1 to 50,000).
    pub sitemap_page_size: Option<u64>,
    /// The `[contributions]` table: how the public forms defend themselves.
    pub contributions: Option<ContributionSettings>,
}

impl FileConfig {
    /// Reads the named file (an error if it is missing), or `peoples-stories.toml` in the
    /// working directory when it exists, or nothing.
    pub fn load(path: Option<&Path>) -> anyhow::Result<FileConfig> {
        let path = match path {
            Some(p) => p.to_path_buf(),
            None => {
                let p = PathBuf::from(DEFAULT_CONFIG_FILE);
                if !p.exists() {
                    return Ok(FileConfig::default());
                }
                p
            }
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| anyhow::anyhow!("cannot read config file {}: {e}", path.display()))?;
        toml::from_str(&text)
            .map_err(|e| anyhow::anyhow!("config file {} is invalid: {e}", path.display()))
    }
}

/// The settings in force, each from the first place that names it.
#[derive(Debug, Clone)]
pub struct Settings {
    pub database_url: String,
    pub bind: String,
    pub web_dist: PathBuf,
    pub pool_size: u32,
    /// Memory budget of the response cache, in bytes (0: no cache).
    pub cache_bytes: u64,
    /// How long requests in flight may take to finish once a shutdown began.
    pub shutdown_grace: std::time::Duration,
    /// Where this node keeps its search index.
    pub index_dir: PathBuf,
    /// The file holding the key of client hashes; the same on every node.
    pub client_key_file: PathBuf,
    /// The metrics listener's address; None when turned off (`off`).
    pub metrics_bind: Option<String>,
    pub contributions: ContributionSettings,
    /// The most stories one sitemap file lists (default 50,000, the sitemaps.org limit).
    pub sitemap_page_size: u64,
}

/// How the public forms (submissions, guestbook) defend themselves. Each key may come from
/// the config file's `[contributions]` table or an environment variable (`PS_` and the key
/// in capitals); a flag wins over both.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ContributionSettings {
    /// Submissions one client may send per rate window; 0 turns the limit off.
    pub submissions_per_window: u32,
    /// Guestbook entries one client may send per rate window; 0 turns the limit off.
    pub guestbook_per_window: u32,
    /// The rate window, in seconds. Client hashes are forgotten once it has passed.
    pub rate_window_secs: u64,
    /// The same text sent again within this many seconds is not stored twice.
    pub duplicate_window_secs: u64,
    /// Hold every guestbook entry for a moderator (entries with links are always held).
    pub guestbook_hold_all: bool,
    /// The server is behind one reverse proxy, whatever its address: the client is the
    /// rightmost `X-Forwarded-For` entry (the address the proxy saw). Only behind a proxy
    /// that appends to `X-Forwarded-For`, or clients could choose their own rate-limit bucket.
    pub trust_forwarded_for: bool,
    /// The reverse proxies in front of the server (addresses or networks). A request from
    /// one of them names its client in `X-Forwarded-For`, read from the right: the first
    /// entry that is not one of these proxies is the client. `Forwarded` is never read (a
    /// proxy that only appends to `X-Forwarded-For` would pass a client's own through).
    pub trusted_proxies: Vec<ProxyNet>,
    /// Days a sender's e-mail is kept after a moderator decided on the submission; then it
    /// is deleted (0: at the next housekeeping round, within a minute).
    pub email_retention_days: u32,
    /// Refused requests (bad JSON, bad fields, too large) one client may send to the forms
    /// per rate window, on each node, before it is turned away unread; 0 turns this off.
    pub refusals_per_window: u32,
}

/// An address or network of trusted proxies: `10.0.0.5`, `10.0.0.0/24`, `::1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct ProxyNet(pub ipnet::IpNet);

impl std::str::FromStr for ProxyNet {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        let s = s.trim();
        s.parse::<ipnet::IpNet>()
            .or_else(|_| s.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
            .map(ProxyNet)
            .map_err(|_| format!("'{s}' is not an IP address or network (like 10.0.0.0/24)"))
    }
}

impl TryFrom<String> for ProxyNet {
    type Error = String;
    fn try_from(s: String) -> Result<Self, String> {
        s.parse()
    }
}

impl ContributionSettings {
    /// Whether a request from `peer` names its client in `X-Forwarded-For`.
    pub fn reads_forwarded_for(&self) -> bool {
        self.trust_forwarded_for || !self.trusted_proxies.is_empty()
    }
}

impl Default for ContributionSettings {
    fn default() -> Self {
        ContributionSettings {
            submissions_per_window: 5,
            guestbook_per_window: 10,
            rate_window_secs: 3600,
            duplicate_window_secs: 86_400,
            guestbook_hold_all: false,
            trust_forwarded_for: false,
            trusted_proxies: Vec::new(),
            email_retention_days: 30,
            refusals_per_window: 20,
        }
    }
}

/// Contribution settings given as flags or environment variables; each overrides the file.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct ContributionFlags {
    /// Submissions one client may send per rate window (0: no limit) [default: 5]
    #[arg(long, env = "PS_SUBMISSIONS_PER_WINDOW")]
    pub submissions_per_window: Option<u32>,
    /// Guestbook entries one client may send per rate window (0: no limit) [default: 10]
    #[arg(long, env = "PS_GUESTBOOK_PER_WINDOW")]
    pub guestbook_per_window: Option<u32>,
    /// The rate window in seconds [default: 3600]
    #[arg(long, env = "PS_RATE_WINDOW_SECS")]
    pub rate_window_secs: Option<u64>,
    /// Seconds within which the same text is not stored twice [default: 86400]
    #[arg(long, env = "PS_DUPLICATE_WINDOW_SECS")]
    pub duplicate_window_secs: Option<u64>,
    /// Hold every guestbook entry for moderation [default: false]
    #[arg(long, env = "PS_GUESTBOOK_HOLD_ALL")]
    pub guestbook_hold_all: Option<bool>,
    /// Behind one reverse proxy: the client is the rightmost X-Forwarded-For entry [default: false]
    #[arg(long, env = "PS_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: Option<bool>,
    /// The reverse proxies' addresses or networks, comma-separated: X-Forwarded-For is read
    /// from the right past them [default: none]
    #[arg(long, env = "PS_TRUSTED_PROXIES", value_delimiter = ',')]
    pub trusted_proxies: Option<Vec<ProxyNet>>,
    /// Days a sender's e-mail is kept after the submission is decided [default: 30]
    #[arg(long, env = "PS_EMAIL_RETENTION_DAYS")]
    pub email_retention_days: Option<u32>,
    /// Refused form requests one client may send per rate window (0: no limit) [default: 20]
    #[arg(long, env = "PS_REFUSALS_PER_WINDOW")]
    pub refusals_per_window: Option<u32>,
}

impl ContributionFlags {
    pub fn over(self, base: ContributionSettings) -> ContributionSettings {
        ContributionSettings {
            submissions_per_window: self
                .submissions_per_window
                .unwrap_or(base.submissions_per_window),
            guestbook_per_window: self
                .guestbook_per_window
                .unwrap_or(base.guestbook_per_window),
            rate_window_secs: self.rate_window_secs.unwrap_or(base.rate_window_secs),
            duplicate_window_secs: self
                .duplicate_window_secs
                .unwrap_or(base.duplicate_window_secs),
            guestbook_hold_all: self.guestbook_hold_all.unwrap_or(base.guestbook_hold_all),
            trust_forwarded_for: self.trust_forwarded_for.unwrap_or(base.trust_forwarded_for),
            trusted_proxies: self.trusted_proxies.unwrap_or(base.trusted_proxies),
            email_retention_days: self
                .email_retention_days
                .unwrap_or(base.email_retention_days),
            refusals_per_window: self.refusals_per_window.unwrap_or(base.refusals_per_window),
        }
    }
}

/// `serve`'s own settings as flags or environment variables gave them.
#[derive(Debug, Clone, Default)]
pub struct ServeFlags {
    pub bind: Option<String>,
    pub web_dist: Option<PathBuf>,
    pub pool_size: Option<u32>,
    pub cache_mb: Option<u64>,
    pub client_key_file: Option<PathBuf>,
    pub shutdown_grace_secs: Option<u64>,
    pub metrics_bind: Option<String>,
    pub sitemap_page_size: Option<u64>,
}

impl Settings {
    pub fn resolve(
        file: FileConfig,
        database_url: Option<String>,
        serve: ServeFlags,
        index_dir: Option<PathBuf>,
        contributions: ContributionFlags,
    ) -> Settings {
        let ServeFlags {
            bind,
            web_dist,
            pool_size,
            cache_mb,
            client_key_file,
            shutdown_grace_secs,
            metrics_bind,
            sitemap_page_size,
        } = serve;
        let database_url = database_url
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let index_dir = index_dir
            .or(file.index_dir)
            .unwrap_or_else(|| default_index_dir(&database_url));
        let client_key_file = client_key_file
            .or(file.client_key_file)
            .unwrap_or_else(|| crate::client_key::default_file(&index_dir));
        let metrics_bind = metrics_bind
            .or(file.metrics_bind)
            .unwrap_or_else(|| DEFAULT_METRICS_BIND.to_string());
        let metrics_bind = metrics_bind.trim();
        let metrics_bind = (!metrics_bind.eq_ignore_ascii_case("off") && !metrics_bind.is_empty())
            .then(|| metrics_bind.to_string());
        Settings {
            sitemap_page_size: sitemap_page_size
                .or(file.sitemap_page_size)
                .unwrap_or(crate::syndication::sitemap::MAX_URLS)
                .clamp(1, crate::syndication::sitemap::MAX_URLS),
            metrics_bind,
            client_key_file,
            contributions: contributions.over(file.contributions.unwrap_or_default()),
            index_dir,
            database_url,
            bind: bind
                .or(file.bind)
                .unwrap_or_else(|| DEFAULT_BIND.to_string()),
            web_dist: web_dist
                .or(file.web_dist)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_WEB_DIST)),
            pool_size: pool_size.or(file.pool_size).unwrap_or(16),
            cache_bytes: cache_mb
                .or(file.cache_mb)
                .map_or(crate::cache::DEFAULT_BUDGET_BYTES, |mb| mb * 1024 * 1024),
            shutdown_grace: std::time::Duration::from_secs(
                shutdown_grace_secs
                    .or(file.shutdown_grace_secs)
                    .unwrap_or(DEFAULT_SHUTDOWN_GRACE_SECS),
            ),
        }
    }
}

/// The search index lives beside a SQLite file (`data/search-index/`), or in
/// `data/search-index/` under the working directory for PostgreSQL.
pub fn default_index_dir(database_url: &str) -> PathBuf {
    match crate::db::DatabaseUrl::parse(database_url) {
        Ok(u) if u.backend == crate::db::Backend::Sqlite => Path::new(&u.target)
            .parent()
            .map(|p| p.join("search-index"))
            .unwrap_or_else(|| PathBuf::from("search-index")),
        _ => PathBuf::from("data/search-index"),
    }
}

/// Session settings given as flags or environment variables.
#[derive(Debug, Clone, Default)]
pub struct AuthFlags {
    pub public_origin: Option<String>,
    pub secure_cookies: Option<bool>,
    pub session_idle_minutes: Option<u32>,
    pub session_max_hours: Option<u32>,
}

/// The session settings in force. A public origin on https turns on secure cookies unless
/// they are explicitly turned off.
pub fn resolve_auth(file: &FileConfig, flags: AuthFlags) -> anyhow::Result<AuthConfig> {
    let defaults = AuthConfig::default();
    let public_origin = flags.public_origin.or_else(|| file.public_origin.clone());
    let mut public_origins = Vec::new();
    if let Some(o) = public_origin
        .as_deref()
        .map(str::trim)
        .filter(|o| !o.is_empty())
    {
        let url = url::Url::parse(o)
            .map_err(|e| anyhow::anyhow!("public_origin '{o}' is not a URL: {e}"))?;
        if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
            anyhow::bail!("public_origin '{o}' must be like https://stories.example.org");
        }
        public_origins.push(url.origin().ascii_serialization());
    }
    let https = public_origins.iter().any(|o| o.starts_with("https://"));
    let minutes = |m: u32| chrono::Duration::minutes(i64::from(m));
    Ok(AuthConfig {
        secure_cookie: flags
            .secure_cookies
            .or(file.secure_cookies)
            .unwrap_or(https),
        public_origins,
        session_idle: flags
            .session_idle_minutes
            .or(file.session_idle_minutes)
            .map(minutes)
            .unwrap_or(defaults.session_idle),
        session_absolute: flags
            .session_max_hours
            .or(file.session_max_hours)
            .map(|h| minutes(h.saturating_mul(60)))
            .unwrap_or(defaults.session_absolute),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_https_public_origin_turns_on_secure_cookies() {
        let cfg = resolve_auth(
            &FileConfig::default(),
            AuthFlags {
                public_origin: Some("https://Stories.Example.org/".into()),
                ..Default::default()
            },
        )
        .expect("config");
        assert!(cfg.secure_cookie);
        assert_eq!(cfg.cookie_name(), "__Host-ps_session");
        assert_eq!(cfg.public_origins, ["https://stories.example.org"]);
        let cookie = cfg.cookie(Some("t")).to_string();
        assert!(
            cookie.contains("Secure") && cookie.contains("HttpOnly"),
            "{cookie}"
        );
    }

    #[test]
    fn plain_defaults_and_overrides() {
        let file = FileConfig {
            secure_cookies: Some(true),
            session_idle_minutes: Some(30),
            ..Default::default()
        };
        let cfg = resolve_auth(
            &file,
            AuthFlags {
                session_max_hours: Some(1),
                ..Default::default()
            },
        )
        .expect("config");
        assert!(cfg.secure_cookie);
        assert_eq!(cfg.session_idle, chrono::Duration::minutes(30));
        assert_eq!(cfg.session_absolute, chrono::Duration::hours(1));
        assert!(resolve_auth(
            &FileConfig::default(),
            AuthFlags {
                public_origin: Some("stories.example.org".into()),
                ..Default::default()
            }
        )
        .is_err());
        let plain = resolve_auth(&FileConfig::default(), AuthFlags::default()).expect("config");
        assert!(!plain.secure_cookie);
        assert_eq!(plain.cookie_name(), "ps_session");
    }

    #[test]
    fn the_shutdown_grace_comes_from_the_flag_then_the_file_then_30_s() {
        let resolve = |file: FileConfig, flag: Option<u64>| {
            Settings::resolve(
                file,
                None,
                ServeFlags {
                    shutdown_grace_secs: flag,
                    ..Default::default()
                },
                None,
                ContributionFlags::default(),
            )
            .shutdown_grace
        };
        let secs = std::time::Duration::from_secs;
        assert_eq!(resolve(FileConfig::default(), None), secs(30));
        let file = || FileConfig {
            shutdown_grace_secs: Some(5),
            ..Default::default()
        };
        assert_eq!(resolve(file(), None), secs(5));
        assert_eq!(resolve(file(), Some(2)), secs(2));
        let parsed: FileConfig = toml::from_str("shutdown_grace_secs = 7").expect("toml");
        assert_eq!(resolve(parsed, None), secs(7));
    }

    #[test]
    fn the_sitemap_page_size_comes_from_the_flag_then_the_file_then_50000() {
        let resolve = |file: Option<u64>, flag: Option<u64>| {
            Settings::resolve(
                FileConfig {
                    sitemap_page_size: file,
                    ..Default::default()
                },
                None,
                ServeFlags {
                    sitemap_page_size: flag,
                    ..Default::default()
                },
                None,
                ContributionFlags::default(),
            )
            .sitemap_page_size
        };
        assert_eq!(resolve(None, None), 50_000);
        assert_eq!(resolve(Some(1000), None), 1000);
        assert_eq!(resolve(Some(1000), Some(3)), 3);
        // Never past the sitemaps' limit, never 0.
        assert_eq!(resolve(Some(80_000), None), 50_000);
        assert_eq!(resolve(Some(0), None), 1);
    }

    #[test]
    fn the_metrics_listener_is_on_by_default_and_off_turns_it_off() {
        let resolve = |file: Option<&str>, flag: Option<&str>| {
            Settings::resolve(
                FileConfig {
                    metrics_bind: file.map(str::to_string),
                    ..Default::default()
                },
                None,
                ServeFlags {
                    metrics_bind: flag.map(str::to_string),
                    ..Default::default()
                },
                None,
                ContributionFlags::default(),
            )
            .metrics_bind
        };
        assert_eq!(resolve(None, None).as_deref(), Some(DEFAULT_METRICS_BIND));
        assert_eq!(resolve(Some("off"), None), None);
        assert_eq!(resolve(None, Some("OFF")), None);
        assert_eq!(
            resolve(Some("off"), Some("10.0.0.5:9464")).as_deref(),
            Some("10.0.0.5:9464")
        );
        assert_eq!(
            resolve(Some("0.0.0.0:9100"), None).as_deref(),
            Some("0.0.0.0:9100")
        );
    }
}
