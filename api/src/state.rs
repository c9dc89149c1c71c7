//! What every handler can reach.

use std::sync::Arc;

use crate::auth::AuthConfig;
use crate::db::{Backend, Pool};
use crate::search::SearchIndex;

/// Shared, cheap to clone (the pool and the index are reference-counted).
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
    pub search: Arc<SearchIndex>,
    /// Sessions: cookie flags, the site's origins, expiry.
    pub auth: Arc<AuthConfig>,
}
