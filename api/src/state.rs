//! What every handler can reach.

use crate::db::{Backend, Pool};

/// Shared, cheap to clone (the pool is reference-counted).
#[derive(Clone)]
pub struct AppState {
    pub pool: Pool,
    pub backend: Backend,
}
