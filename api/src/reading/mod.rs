//! The read layer: everything the site shows, read from the database and the search index,
//! the twin of `moderation/` (which writes). Handlers, the CLI and later the server-rendered
//! pages and feeds read through it; it never reaches up into `routes/` or HTTP.
//!
//! Each function takes a `Reader` (a pool and this node's index), plans its read (index or
//! database, whether the index is exact), resolves names to ids, and returns `shared` types
//! whole: `stories` (lists and searches with facets, highlights and page links; one story),
//! `taxonomy` (themes, countries, sources with their counts), `guestbook`, `manage` (the
//! moderators' lists). Functions block: call them on a blocking thread (`app::block`), as
//! `cache::Planned` does.

pub mod export;
pub mod guestbook;
pub mod harvest;
pub mod manage;
pub mod stories;
pub mod syndication;
pub mod taxonomy;

use std::sync::Arc;

use chrono::{DateTime, Utc};

use crate::db::{Pool, PooledConn};
use crate::error::AppResult;
use crate::search::SearchIndex;
use crate::state::AppState;

/// What a read needs: the database and this node's search index. Cheap to clone.
#[derive(Clone)]
pub struct Reader {
    pub pool: Pool,
    pub search: Arc<SearchIndex>,
}

impl Reader {
    pub fn new(state: &AppState) -> Reader {
        Reader {
            pool: state.pool.clone(),
            search: state.search.clone(),
        }
    }

    /// A pooled connection.
    pub fn conn(&self) -> AppResult<PooledConn> {
        Ok(self.pool.get()?)
    }
}

/// The time a response's data last changed, for `Last-Modified`; None when unknown.
pub trait LastModified {
    fn last_modified(&self) -> Option<DateTime<Utc>> {
        None
    }
}
