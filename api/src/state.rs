//! What every handler can reach.

use std::sync::Arc;

use crate::auth::AuthConfig;
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
        Ok(AppState {
            pool,
            backend,
            search,
            contributions: Arc::new(contributions),
            client_key: Arc::new(client_key),
            auth: Arc::new(auth),
        })
    }
}
