//! The response cache: public reads answered from memory, bodies already serialised and
//! already compressed, at close to the speed of a static file server.
//!
//! An entry is keyed by the route, the canonical query (what the parser made of it, so
//! `?limit=20` and `?` are one entry) and the version of the data it was read from:
//!
//! - stories: this node's search index generation (`SearchIndex::generation`), which moves
//!   each time the node takes in changes from the `story_changes` log, its own writes first;
//! - the guestbook and the sources: their `data_versions` numbers, which triggers move in
//!   every transaction that changes them (migration 000006), read every half second;
//! - and a count of the writes this node has answered, moved before the writer's 2xx leaves.
//!
//! So a write is never hidden on the node that made it, and another node serves it once its
//! follower has read it (within a second). The version is read before the data, so an entry
//! is never older than its key. Entries are built only while the index is ready (a fresh
//! node building its index serves stories from the database, uncached).
//!
//! Bodies are kept as identity bytes; gzip and brotli copies are made the first time a client
//! asks for them and kept beside. The strong `ETag` is a hash of the identity body (the same
//! data gives the same tag on every node), with `-gz` or `-br` for the compressed
//! representations; `If-None-Match` is answered 304 from the entry alone. The cache is
//! bounded by a memory budget (moka, weighed in bytes: moka settles its accounts in the
//! background, so a burst of inserts may overshoot the budget briefly by what it inserted);
//! hits and misses are counted, logged at debug level and shown by `/readyz`.

use std::io::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::web::Bytes;
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::db::{self, Pool};
use crate::error::{AppError, AppResult};
use crate::reading::{LastModified, Reader};
use crate::search::SearchIndex;
use crate::state::AppState;

/// The default memory budget of the cache: 32 MiB.
pub const DEFAULT_BUDGET_BYTES: u64 = 32 * 1024 * 1024;

/// What browsers and proxies may do with a public read: keep it half a minute, then serve it
/// for another minute while they ask again in the background. Short enough for news.
pub const PUBLIC_CACHE_CONTROL: &str = "public, max-age=30, stale-while-revalidate=60";

/// Which data a response is read from, and so which versions key it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Depends {
    /// Stories and what is counted from them (themes, countries).
    Stories,
    /// Sources with their story counts.
    Sources,
    /// The visible guestbook.
    Guestbook,
    /// Any of them: a server-rendered page, which may show stories, sources and the guestbook.
    Everything,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    route: &'static str,
    query: String,
    version: [u64; 4],
}

/// The content codings the cache keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Coding {
    Identity,
    Gzip,
    Brotli,
}

impl Coding {
    /// The best coding `req` accepts: brotli, else gzip, else none.
    pub fn negotiate(req: &HttpRequest) -> Coding {
        let (mut br, mut gzip) = (false, false);
        for part in req
            .headers()
            .get_all(header::ACCEPT_ENCODING)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
        {
            let mut bits = part.split(';').map(str::trim);
            let name = bits.next().unwrap_or("");
            let refused = bits.any(|b| {
                b.strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    == Some(0.0)
            });
            if refused {
                continue;
            }
            br |= name.eq_ignore_ascii_case("br") || name == "*";
            gzip |= name.eq_ignore_ascii_case("gzip") || name == "*";
        }
        if br {
            Coding::Brotli
        } else if gzip {
            Coding::Gzip
        } else {
            Coding::Identity
        }
    }

    fn index(self) -> usize {
        match self {
            Coding::Identity => 0,
            Coding::Gzip => 1,
            Coding::Brotli => 2,
        }
    }

    fn header(self) -> Option<&'static str> {
        match self {
            Coding::Identity => None,
            Coding::Gzip => Some("gzip"),
            Coding::Brotli => Some("br"),
        }
    }
}

/// A finished response body and what describes it.
pub struct Entry {
    identity: Bytes,
    gzip: OnceLock<Bytes>,
    brotli: OnceLock<Bytes>,
    /// The hash of `identity`, the base of every representation's ETag.
    tag: String,
    /// The ETag of each coding (`Coding::index`), made once.
    etags: [HeaderValue; 3],
    last_modified: Option<HeaderValue>,
    /// The body's media type (`application/json` for the API's reads).
    content_type: &'static str,
    /// The body's own Content-Security-Policy (a server-rendered page's, which allows its
    /// inline scripts by their hashes), sent instead of the route's.
    csp: Option<HeaderValue>,
}

impl Entry {
    /// An entry holding `value` as JSON.
    pub fn json<T: Serialize>(value: &T, last_modified: Option<DateTime<Utc>>) -> AppResult<Entry> {
        let identity = serde_json::to_vec(value).map_err(|e| AppError::Internal(e.into()))?;
        Entry::bytes(identity, "application/json", last_modified)
    }

    /// An entry holding a finished body of another media type (a feed, a sitemap).
    pub fn bytes(
        identity: Vec<u8>,
        content_type: &'static str,
        last_modified: Option<DateTime<Utc>>,
    ) -> AppResult<Entry> {
        let tag = hex::encode(&Sha256::digest(&identity)[..12]);
        let etag = |suffix: &str| {
            HeaderValue::from_str(&format!("\"{tag}{suffix}\""))
                .map_err(|e| AppError::Internal(e.into()))
        };
        Ok(Entry {
            etags: [etag("")?, etag("-gz")?, etag("-br")?],
            tag,
            content_type,
            identity: Bytes::from(identity),
            gzip: OnceLock::new(),
            brotli: OnceLock::new(),
            csp: None,
            last_modified: last_modified.and_then(|t| {
                let date = header::HttpDate::from(SystemTime::from(t)).to_string();
                HeaderValue::from_str(&date).ok()
            }),
        })
    }

    /// The entry with its own Content-Security-Policy.
    pub fn with_csp(mut self, csp: HeaderValue) -> Entry {
        self.csp = Some(csp);
        self
    }

    /// The body, uncompressed.
    pub fn identity(&self) -> &Bytes {
        &self.identity
    }

    /// The body in `coding`, compressing it the first time it is asked for.
    fn body(&self, coding: Coding) -> AppResult<Bytes> {
        let made = match coding {
            Coding::Identity => return Ok(self.identity.clone()),
            Coding::Gzip => &self.gzip,
            Coding::Brotli => &self.brotli,
        };
        if let Some(b) = made.get() {
            return Ok(b.clone());
        }
        let bytes = Bytes::from(compress(&self.identity, coding)?);
        Ok(made.get_or_init(|| bytes).clone())
    }

    /// Whether the body in `coding` is ready without compressing.
    fn has(&self, coding: Coding) -> bool {
        match coding {
            Coding::Identity => true,
            Coding::Gzip => self.gzip.get().is_some(),
            Coding::Brotli => self.brotli.get().is_some(),
        }
    }

    fn etag(&self, coding: Coding) -> HeaderValue {
        self.etags[coding.index()].clone()
    }

    /// Whether `If-None-Match` names this entry in any coding (weak comparison, as RFC 9110
    /// asks for this header).
    fn matches(&self, req: &HttpRequest) -> bool {
        req.headers()
            .get_all(header::IF_NONE_MATCH)
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .any(|t| {
                if t == "*" {
                    return true;
                }
                let t = t.strip_prefix("W/").unwrap_or(t).trim_matches('"');
                let base = t
                    .strip_suffix("-gz")
                    .or_else(|| t.strip_suffix("-br"))
                    .unwrap_or(t);
                base == self.tag
            })
    }

    /// Bytes the entry holds or will hold: the identity body and an allowance for the
    /// compressed copies (JSON compresses to a fifth or less).
    fn weight(&self, key: &Key) -> u32 {
        let n = self.identity.len() + self.identity.len() / 2 + key.query.len() + 256;
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

fn compress(data: &[u8], coding: Coding) -> AppResult<Vec<u8>> {
    let io = |e: std::io::Error| AppError::Internal(e.into());
    match coding {
        Coding::Identity => Ok(data.to_vec()),
        Coding::Gzip => {
            let mut enc = flate2::write::GzEncoder::new(
                Vec::with_capacity(data.len() / 4),
                flate2::Compression::new(6),
            );
            enc.write_all(data).map_err(io)?;
            enc.finish().map_err(io)
        }
        Coding::Brotli => {
            let mut out = Vec::with_capacity(data.len() / 5);
            {
                // Quality 5: about gzip's speed, a smaller body.
                let mut enc = brotli::CompressorWriter::new(&mut out, 4096, 5, 22);
                enc.write_all(data).map_err(io)?;
                enc.flush().map_err(io)?;
            }
            Ok(out)
        }
    }
}

/// How often the cache answered, for logs and benchmarks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheStats {
    pub hits: u64,
    pub misses: u64,
    pub entries: u64,
    /// Bytes held by the weigher's count.
    pub weighted_bytes: u64,
    pub budget_bytes: u64,
}

/// The cache of finished public responses of one node.
pub struct ResponseCache {
    entries: Option<moka::sync::Cache<Key, Arc<Entry>>>,
    budget: u64,
    hits: AtomicU64,
    misses: AtomicU64,
    /// Writes this node has answered (see `note_write`).
    local_writes: AtomicU64,
    guestbook: AtomicI64,
    sources: AtomicI64,
}

impl ResponseCache {
    /// A cache holding at most `budget` bytes of responses; 0 turns it off.
    pub fn new(budget: u64) -> ResponseCache {
        let entries = (budget > 0).then(|| {
            moka::sync::Cache::builder()
                .max_capacity(budget)
                .weigher(|k: &Key, v: &Arc<Entry>| v.weight(k))
                .build()
        });
        ResponseCache {
            entries,
            budget,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            local_writes: AtomicU64::new(0),
            guestbook: AtomicI64::new(0),
            sources: AtomicI64::new(0),
        }
    }

    /// A write was answered by this node: every entry read before it is out of date here.
    /// Called before the writer's response leaves (a middleware on the API's changes).
    pub fn note_write(&self) {
        self.local_writes.fetch_add(1, Ordering::AcqRel);
    }

    /// The guestbook's and the sources' versions as the database holds them now.
    pub fn set_data_versions(&self, guestbook: i64, sources: i64) {
        self.guestbook.store(guestbook, Ordering::Release);
        self.sources.store(sources, Ordering::Release);
    }

    /// Reads `data_versions` every `every` on a thread of its own, until `stop` is
    /// requested, so changes made through other nodes (or the CLI) reach this node's keys.
    pub fn follow(
        self: &Arc<Self>,
        pool: Pool,
        every: Duration,
        stop: crate::shutdown::Stop,
    ) -> std::io::Result<std::thread::JoinHandle<()>> {
        let cache = Arc::clone(self);
        crate::shutdown::every("cache-versions", every, stop, move || {
            match pool
                .get()
                .map_err(anyhow::Error::from)
                .and_then(|mut c| Ok(db::versions::read(&mut c)?))
            {
                Ok((g, s)) => cache.set_data_versions(g, s),
                Err(e) => tracing::warn!(error = %e, "could not read the data versions"),
            }
        })
    }

    /// The guestbook's and the sources' versions as last read.
    pub fn data_versions(&self) -> (i64, i64) {
        (
            self.guestbook.load(Ordering::Acquire),
            self.sources.load(Ordering::Acquire),
        )
    }

    fn version(&self, depends: Depends, search: &SearchIndex) -> [u64; 4] {
        let local = self.local_writes.load(Ordering::Acquire);
        let v = |a: &AtomicI64| a.load(Ordering::Acquire) as u64;
        match depends {
            Depends::Stories => [search.generation(), 0, 0, local],
            Depends::Sources => [search.generation(), v(&self.sources), 0, local],
            Depends::Guestbook => [0, 0, v(&self.guestbook), local],
            Depends::Everything => [
                search.generation(),
                v(&self.sources),
                v(&self.guestbook),
                local,
            ],
        }
    }

    pub fn stats(&self) -> CacheStats {
        let (entries, weighted_bytes) = match &self.entries {
            Some(c) => {
                c.run_pending_tasks();
                (c.entry_count(), c.weighted_size())
            }
            None => (0, 0),
        };
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            entries,
            weighted_bytes,
            budget_bytes: self.budget,
        }
    }
}

/// Whether a response is a hit, a miss or not kept at all.
#[derive(Clone, Copy)]
enum Outcome {
    Hit,
    Miss,
    Bypass,
}

/// A public read, planned from its request: which entry answers it and how to read that entry
/// on a miss. Each public read route makes its plan with one function, which its handler and
/// the server-rendered pages (`routes::pages`) both use, so a page reads exactly what the
/// API answers, from the same cache entries.
pub struct Planned {
    route: &'static str,
    query: String,
    depends: Depends,
    read: ReadEntry,
}

/// How a planned read makes its entry on a miss.
type ReadEntry = Box<dyn FnOnce(&Reader) -> AppResult<Entry> + Send>;

impl Planned {
    /// A read answered as JSON. `query` must be canonical (the parsed query written back),
    /// so equal reads share an entry.
    pub fn json<T, F>(route: &'static str, query: String, depends: Depends, read: F) -> Planned
    where
        T: Serialize + LastModified + 'static,
        F: FnOnce(&Reader) -> AppResult<T> + Send + 'static,
    {
        Planned {
            route,
            query,
            depends,
            read: Box::new(move |r| {
                let value = read(r)?;
                Entry::json(&value, value.last_modified())
            }),
        }
    }

    /// Answers the request with the planned read.
    pub async fn respond(self, req: &HttpRequest, state: &AppState) -> AppResult<HttpResponse> {
        public_read_entry(req, state, self.route, self.query, self.depends, self.read).await
    }

    /// The planned read's entry, for a reader in this process.
    pub async fn entry(self, state: &AppState) -> AppResult<Arc<Entry>> {
        read_entry(state, self.route, self.query, self.depends, self.read).await
    }
}

/// Answers a public read: from the cache when it holds this route and query at the data's
/// current version, else by running `read` on a blocking thread and keeping its answer: JSON
/// reads through `Planned`, reads that make their own body (`Entry::bytes`: feeds, sitemaps)
/// directly. `query` must be canonical (the parsed query written back).
pub async fn public_read_entry<F>(
    req: &HttpRequest,
    state: &AppState,
    route: &'static str,
    query: String,
    depends: Depends,
    read: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce(&Reader) -> AppResult<Entry> + Send + 'static,
{
    let coding = Coding::negotiate(req);
    let (entry, outcome) = cached(state, route, query, depends, || {
        // A hit needs no reader: made only for a miss.
        let reader = Reader::new(state);
        async move {
            let entry = crate::app::block(move || -> AppResult<Arc<Entry>> {
                let entry = read(&reader)?;
                // Compressed here, off the request's thread, in the coding this client takes.
                entry.body(coding)?;
                Ok(Arc::new(entry))
            })
            .await??;
            Ok((entry, true))
        }
    })
    .await?;
    respond(req, entry, coding, outcome).await
}

/// A public read's entry, from the cache or read and kept, for a reader in this process (the
/// server-rendered pages read the API's answers through it, without HTTP).
pub async fn read_entry<F>(
    state: &AppState,
    route: &'static str,
    query: String,
    depends: Depends,
    read: F,
) -> AppResult<Arc<Entry>>
where
    F: FnOnce(&Reader) -> AppResult<Entry> + Send + 'static,
{
    let reader = Reader::new(state);
    let made = cached(state, route, query, depends, || async move {
        let entry = crate::app::block(move || read(&reader)).await??;
        Ok((Arc::new(entry), true))
    });
    Ok(made.await?.0)
}

/// A page rendered on the server (`render` answers its entry and whether it is the page that
/// was asked for, 200): from the cache when kept, else rendered, and kept when it is.
pub async fn public_page<F, Fut>(
    req: &HttpRequest,
    state: &AppState,
    query: String,
    render: F,
) -> AppResult<HttpResponse>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = AppResult<(Entry, StatusCode)>>,
{
    let coding = Coding::negotiate(req);
    let mut status = StatusCode::OK;
    let (entry, outcome) = cached(state, "page", query, Depends::Everything, || async {
        let (entry, s) = render().await?;
        status = s;
        Ok((Arc::new(entry), s == StatusCode::OK))
    })
    .await?;
    if status != StatusCode::OK {
        // Not the page asked for (404): said with its status, never kept or revalidated.
        let mut res = HttpResponse::build(status);
        if let Some(csp) = &entry.csp {
            res.insert_header((header::CONTENT_SECURITY_POLICY, csp.clone()));
        }
        res.insert_header((header::CACHE_CONTROL, HeaderValue::from_static("no-cache")));
        return Ok(res
            .content_type(entry.content_type)
            .body(entry.identity.clone()));
    }
    respond(req, entry, coding, outcome).await
}

/// The entry of `route` and `query` at the data's current version: from the cache, else made
/// by `make` (which says whether it may be kept) and kept.
async fn cached<F, Fut>(
    state: &AppState,
    route: &'static str,
    query: String,
    depends: Depends,
    make: F,
) -> AppResult<(Arc<Entry>, Outcome)>
where
    F: FnOnce() -> Fut,
    Fut: std::future::Future<Output = AppResult<(Arc<Entry>, bool)>>,
{
    let cache = &state.cache;
    // The version first, then the data: an entry is never older than its key.
    let key = Key {
        route,
        query,
        version: cache.version(depends, &state.search),
    };
    let keep =
        cache.entries.is_some() && (depends == Depends::Guestbook || state.search.is_ready());
    if let Some(entry) = cache.entries.as_ref().and_then(|c| c.get(&key)) {
        cache.hits.fetch_add(1, Ordering::Relaxed);
        tracing::debug!(route, "response cache hit");
        return Ok((entry, Outcome::Hit));
    }
    cache.misses.fetch_add(1, Ordering::Relaxed);
    tracing::debug!(route, "response cache miss");
    let (entry, keepable) = make().await?;
    let keep = keep && keepable;
    if keep {
        if let Some(c) = &cache.entries {
            c.insert(key, entry.clone());
        }
    }
    let outcome = if keep { Outcome::Miss } else { Outcome::Bypass };
    Ok((entry, outcome))
}

async fn respond(
    req: &HttpRequest,
    entry: Arc<Entry>,
    coding: Coding,
    outcome: Outcome,
) -> AppResult<HttpResponse> {
    let status = if entry.matches(req) {
        StatusCode::NOT_MODIFIED
    } else {
        StatusCode::OK
    };
    let mut res = HttpResponse::build(status);
    res.insert_header((header::ETAG, entry.etag(coding)))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(PUBLIC_CACHE_CONTROL),
        ))
        .insert_header((header::VARY, HeaderValue::from_static("accept-encoding")))
        .insert_header((
            "x-cache",
            match outcome {
                Outcome::Hit => "hit",
                Outcome::Miss => "miss",
                Outcome::Bypass => "bypass",
            },
        ));
    if let Some(lm) = &entry.last_modified {
        res.insert_header((header::LAST_MODIFIED, lm.clone()));
    }
    if let Some(csp) = &entry.csp {
        res.insert_header((header::CONTENT_SECURITY_POLICY, csp.clone()));
    }
    if status == StatusCode::NOT_MODIFIED {
        return Ok(res.finish());
    }
    let body = if entry.has(coding) {
        entry.body(coding)?
    } else {
        let e = entry.clone();
        crate::app::block(move || e.body(coding)).await??
    };
    if let Some(name) = coding.header() {
        res.insert_header((header::CONTENT_ENCODING, name));
    }
    Ok(res.content_type(entry.content_type).body(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    fn key(i: usize) -> Key {
        Key {
            route: "test",
            query: format!("offset={i}"),
            version: [1, 0, 0, 0],
        }
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let budget = 64 * 1024;
        let cache = ResponseCache::new(budget);
        let entries = cache.entries.as_ref().expect("on");
        let body: Vec<String> = (0..200).map(|i| format!("story {i}")).collect();
        for i in 0..200 {
            let entry = Entry::json(&body, None).expect("entry");
            entries.insert(key(i), Arc::new(entry));
        }
        let stats = cache.stats();
        assert!(stats.weighted_bytes <= budget, "{stats:?}");
        assert!(stats.entries < 200, "nothing was evicted: {stats:?}");
        assert!(stats.entries > 0, "{stats:?}");
    }

    #[test]
    fn codings_decode_to_the_same_body() {
        let value: Vec<String> = (0..500)
            .map(|i| format!("a story about court {i}"))
            .collect();
        let entry = Entry::json(&value, None).expect("entry");
        let identity = entry.body(Coding::Identity).expect("identity");
        let mut gunzipped = Vec::new();
        flate2::read::GzDecoder::new(&entry.body(Coding::Gzip).expect("gzip")[..])
            .read_to_end(&mut gunzipped)
            .expect("gunzip");
        let mut unbrotlied = Vec::new();
        brotli::Decompressor::new(&entry.body(Coding::Brotli).expect("br")[..], 4096)
            .read_to_end(&mut unbrotlied)
            .expect("unbrotli");
        assert_eq!(gunzipped, identity);
        assert_eq!(unbrotlied, identity);
        assert!(entry.body(Coding::Brotli).expect("br").len() < identity.len() / 4);
    }

    #[test]
    fn a_cache_of_no_budget_keeps_nothing() {
        let cache = ResponseCache::new(0);
        assert!(cache.entries.is_none());
        assert_eq!(cache.stats().entries, 0);
    }
}
