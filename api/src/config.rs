//! Configuration: command-line flags, then environment variables, then a TOML config file,
//! then defaults. The defaults need nothing: an embedded SQLite database under `data/`.

use std::path::{Path, PathBuf};

use serde::Deserialize;

pub const DEFAULT_DATABASE_URL: &str = "data/peoples-stories.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
pub const DEFAULT_WEB_DIST: &str = "web/dist";
pub const DEFAULT_CONFIG_FILE: &str = "peoples-stories.toml";

/// What a config file may hold; every key is optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FileConfig {
    pub database_url: Option<String>,
    pub bind: Option<String>,
    pub web_dist: Option<PathBuf>,
    pub pool_size: Option<u32>,
    pub index_dir: Option<PathBuf>,
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
    /// Where this node keeps its search index.
    pub index_dir: PathBuf,
}

impl Settings {
    pub fn resolve(
        file: FileConfig,
        database_url: Option<String>,
        bind: Option<String>,
        web_dist: Option<PathBuf>,
        pool_size: Option<u32>,
        index_dir: Option<PathBuf>,
    ) -> Settings {
        let database_url = database_url
            .or(file.database_url)
            .unwrap_or_else(|| DEFAULT_DATABASE_URL.to_string());
        let index_dir = index_dir
            .or(file.index_dir)
            .unwrap_or_else(|| default_index_dir(&database_url));
        Settings {
            index_dir,
            database_url,
            bind: bind
                .or(file.bind)
                .unwrap_or_else(|| DEFAULT_BIND.to_string()),
            web_dist: web_dist
                .or(file.web_dist)
                .unwrap_or_else(|| PathBuf::from(DEFAULT_WEB_DIST)),
            pool_size: pool_size.or(file.pool_size).unwrap_or(16),
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
