//! Being found, shared and followed: Atom and RSS feeds of stories (`feed.rs`, with the
//! story as HTML in `html.rs`), sitemaps and robots.txt (`sitemap.rs`). Pure functions from
//! `shared` types to finished bodies, written with XML crates (atom_syndication, rss,
//! quick-xml), never by gluing strings; the handlers in `routes/feeds.rs` and
//! `routes/site.rs` read the data through `reading::syndication` and serve the bodies
//! through the response cache.
//!
//! Every link is absolute, on the site's public origin (`--public-origin`, else the host
//! the request was sent to).

pub mod feed;
pub mod html;
pub mod sitemap;

use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

use crate::error::AppError;

/// What a path segment keeps as is (RFC 3986 unreserved characters).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// `text` as one URL path segment.
pub fn segment(text: &str) -> String {
    utf8_percent_encode(text, SEGMENT).to_string()
}

/// The reader's page of a story: `{origin}/stories/{slug}`.
pub fn story_url(origin: &str, slug: &str) -> String {
    format!("{origin}/stories/{}", segment(slug))
}

/// A story's lasting identifier, a URL that leads to it (the app's story page takes an id
/// as well as a slug), built from its id alone, so a new title (and slug) never makes it
/// a new entry for feed readers.
pub fn story_id_url(origin: &str, id: i64) -> String {
    format!("{origin}/stories/{id}")
}

fn xml_error(e: impl std::fmt::Display) -> AppError {
    AppError::Internal(anyhow::anyhow!("writing XML: {e}"))
}
