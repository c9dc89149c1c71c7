//! What every handler can reach.

use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

use crate::auth::password::Gate;
use crate::auth::AuthConfig;
use crate::cache::{ResponseCache, DEFAULT_BUDGET_BYTES};
use crate::client_key::ClientKey;
use crate::config::ContributionSettings;
use crate::db::{self, Backend, Pool};
use crate::guard::Refusals;
use crate::metrics::Metrics;
use crate::search::SearchIndex;
use crate::shutdown::Stop;

/// Shared, cheap to clone (everything inside is reference-counted).
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    pub search: Arc<SearchIndex>,
    /// Sessions: cookie flags, the site's origins, expiry.
    pub auth: Arc<AuthConfig>,
    pub contributions: Arc<ContributionSettings>,
    /// The key of client hashes, shared by every node through copies of one file, turned
    /// over daily (see `client_key.rs`).
    pub client_key: Arc<ClientKey>,
    /// Finished public responses (see `cache.rs`).
    pub cache: Arc<ResponseCache>,
    /// The turns of password checks (see `auth::password::Gate`).
    pub passwords: Arc<Gate>,
    /// Refused form requests per client (see `guard::Refusals`).
    pub refusals: Arc<Refusals>,
    /// This node's request counts and durations (see `metrics.rs`).
    pub metrics: Arc<Metrics>,
    /// Set when `serve` was told to stop: `/readyz` answers 503 and every answer closes its
    /// connection, so the proxy sends what is left to the other nodes.
    pub draining: Arc<AtomicBool>,
    /// The most stories one sitemap file lists (`--sitemap-page-size`, default 50,000).
    pub sitemap_page_size: u64,
    /// The exports running on this node (see `guard::ExportGate`).
    pub exports: Arc<crate::guard::ExportGate>,
}

impl AppState {
    /// The state of a node; reads the data versions that key the response cache.
    pub fn new(
        pool: Pool,
        backend: Backend,
        search: Arc<SearchIndex>,
        contributions: ContributionSettings,
        auth: AuthConfig,
        client_key: ClientKey,
    ) -> anyhow::Result<AppState> {
        let cache = ResponseCache::new(DEFAULT_BUDGET_BYTES);
        let (guestbook, sources) = db::versions::read(&mut *pool.get()?)?;
        cache.set_data_versions(guestbook, sources);
        Ok(AppState {
            cache: Arc::new(cache),
            pool,
            backend,
            search,
            contributions: Arc::new(contributions.clone()),
            client_key: Arc::new(client_key),
            auth: Arc::new(auth),
            passwords: Arc::new(Gate::for_this_machine()),
            refusals: Arc::new(Refusals::new(&contributions)),
            metrics: Arc::new(Metrics::new()),
            draining: Arc::default(),
            sitemap_page_size: crate::syndication::sitemap::MAX_URLS,
            exports: Arc::new(crate::guard::ExportGate::new(
                crate::guard::EXPORTS_PER_CLIENT,
                crate::guard::EXPORTS_PER_NODE,
            )),
        })
    }

    /// The same state with sitemap files of at most `size` stories (1 to 50,000).
    pub fn with_sitemap_page_size(mut self, size: u64) -> AppState {
        self.sitemap_page_size = size.clamp(1, crate::syndication::sitemap::MAX_URLS);
        self
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
        self.follow_until(every, Stop::new()).map(|_| ())
    }

    /// As `follow`, until `stop` is requested; returns the threads, to be joined.
    pub fn follow_until(
        &self,
        every: Duration,
        stop: Stop,
    ) -> std::io::Result<Vec<JoinHandle<()>>> {
        Ok(vec![
            self.search.follow(self.pool.clone(), every, stop.clone())?,
            self.cache.follow(self.pool.clone(), every, stop)?,
        ])
    }
}
