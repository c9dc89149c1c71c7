//! What every handler can reach.

use std::sync::Arc;
use std::time::Duration;

use crate::auth::AuthConfig;
use crate::cache::{ResponseCache, DEFAULT_BUDGET_BYTES};
use crate::config::ContributionSettings;
use crate::db::{self, Backend, Pool};
use crate::search::SearchIndex;

/// The site secret that keys client hashes; see `extract::ClientHash`.
const CLIENT_KEY: &str = "client_hash_key";

/// Shared, cheap to clone (everything inside is reference-counted).
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    pub search: Arc<SearchIndex>,
    /// Sessions: cookie flags, the site's origins, expiry.
    pub auth: Arc<AuthConfig>,
    pub contributions: Arc<ContributionSettings>,
    /// The key of client hashes, shared by every node through the database.
    pub client_key: Arc<Vec<u8>>,
    /// Finished public responses (see `cache.rs`).
    pub cache: Arc<ResponseCache>,
}

impl AppState {
    /// Reads (or, on a new database, creates) the site secrets the handlers need.
    pub fn new(
        pool: Pool,
        backend: Backend,
        search: Arc<SearchIndex>,
        contributions: ContributionSettings,
        auth: AuthConfig,
    ) -> anyhow::Result<AppState> {
        let key = db::contributions::site_secret(&mut *pool.get()?, CLIENT_KEY, || {
            hex::encode(rand::random::<[u8; 32]>())
        })?;
        let client_key = hex::decode(key.trim())
            .map_err(|e| anyhow::anyhow!("the stored {CLIENT_KEY} is not hex: {e}"))?;
        let cache = ResponseCache::new(DEFAULT_BUDGET_BYTES);
        let (guestbook, sources) = db::versions::read(&mut *pool.get()?)?;
        cache.set_data_versions(guestbook, sources);
        Ok(AppState {
            cache: Arc::new(cache),
            pool,
            backend,
            search,
            contributions: Arc::new(contributions),
            client_key: Arc::new(client_key),
            auth: Arc::new(auth),
        })
    }

    /// The same state with a response cache of `budget` bytes (0: no cache).
    pub fn with_cache_budget(mut self, budget: u64) -> AppState {
        let cache = ResponseCache::new(budget);
        let (guestbook, sources) = self.cache.data_versions();
        cache.set_data_versions(guestbook, sources);
        self.cache = Arc::new(cache);
        self
    }

    /// Starts the threads that keep this node current with the database, for the process's
    /// life: the search index follower (which also builds the index when it is new) and the
    /// reader of the data versions that key the response cache. Both look every `every`.
    pub fn follow(&self, every: Duration) -> std::io::Result<()> {
        self.search.follow(self.pool.clone(), every)?;
        self.cache.follow(self.pool.clone(), every)
    }
}
