//! Prometheus metrics: the registry, the middleware that counts and times every request, and
//! the scrape handler served on a listener of its own (`--metrics-bind`, see `start`), never
//! through the public one.
//!
//! What is recorded is chosen so that no series can name a person: a request is counted
//! under its route's *pattern* (`/api/v1/stories/{id_or_slug}`, `unmatched` when no route
//! matched; never the path itself), its method (one of a fixed list) and its status. The
//! gauges read at scrape time are counts and sizes.
//!
//! Exposition: the OpenMetrics text format (prometheus-client's encoder), which Prometheus
//! reads like its classic text format.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::{Duration, Instant};

use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::http::{header, Method};
use actix_web::{web, App, HttpResponse, HttpServer};
use prometheus_client::encoding::text::{encode_eof, encode_registry};
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

use crate::db::{self, Pool};
use crate::search::SearchIndex;
use crate::state::AppState;

/// The media type of the exposition.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// How long a scrape waits for the database's counts before answering without them.
const SCRAPE_DB_TIMEOUT: Duration = Duration::from_secs(2);

/// A pool checkout that took longer than this counts as a wait.
const POOL_WAIT_THRESHOLD: Duration = Duration::from_millis(1);

/// Request durations' bucket bounds, in seconds: from a cached read (well under a
/// millisecond) to a slow password check or a request queued behind a busy database.
const DURATION_BUCKETS: [f64; 14] = [
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct PoolStateLabels {
    state: &'static str,
}

/// Pool checkouts, counted by `db::Pool::get_timeout` for every pool of the
/// process: one place, whoever calls `pool.get()` (see `record_checkout`).
struct PoolWaits {
    /// Checkouts that took longer than `POOL_WAIT_THRESHOLD`.
    waits: Counter,
    /// The time those checkouts took, in all.
    wait_seconds: Counter<f64, std::sync::atomic::AtomicU64>,
    /// Checkouts that gave up (the pool's connection timeout, or the database unreachable).
    timeouts: Counter,
}

static POOL_WAITS: LazyLock<PoolWaits> = LazyLock::new(|| PoolWaits {
    waits: Counter::default(),
    wait_seconds: Counter::default(),
    timeouts: Counter::default(),
});

/// Counts one checkout from the pool (`db::Pool::get_timeout`, whoever calls it): one that
/// waited longer than `POOL_WAIT_THRESHOLD`, or gave up.
pub fn record_checkout(took: Duration, got: bool) {
    if !got {
        POOL_WAITS.timeouts.inc();
        POOL_WAITS.wait_seconds.inc_by(took.as_secs_f64());
    } else if took > POOL_WAIT_THRESHOLD {
        POOL_WAITS.waits.inc();
        POOL_WAITS.wait_seconds.inc_by(took.as_secs_f64());
    }
}

/// This node's metrics: what the middleware records, and the registry they are kept in.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    requests: Family<RequestLabels, Counter>,
    durations: Family<RouteLabels, Histogram, fn() -> Histogram>,
    /// Set while a scrape's database counts run, so slow ones never pile up.
    counting: Arc<AtomicBool>,
}

fn duration_histogram() -> Histogram {
    Histogram::new(DURATION_BUCKETS)
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let requests = Family::<RequestLabels, Counter>::default();
        registry.register(
            "http_requests",
            "HTTP requests answered, by route pattern, method and status",
            requests.clone(),
        );
        let durations: Family<RouteLabels, Histogram, fn() -> Histogram> =
            Family::new_with_constructor(duration_histogram);
        registry.register(
            "http_request_duration_seconds",
            "Time from a request's arrival to its response, by route pattern and method",
            durations.clone(),
        );
        registry.register(
            "db_pool_waits",
            "Database pool checkouts that waited longer than 1 ms (process-wide)",
            POOL_WAITS.waits.clone(),
        );
        registry.register(
            "db_pool_wait_seconds",
            "Time spent in those checkouts and in timed-out ones (process-wide)",
            POOL_WAITS.wait_seconds.clone(),
        );
        registry.register(
            "db_pool_timeouts",
            "Database pool checkouts that gave up waiting (process-wide)",
            POOL_WAITS.timeouts.clone(),
        );
        Metrics {
            registry,
            requests,
            durations,
            counting: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Counts and times one answered request.
    fn observe(&self, route: String, method: &'static str, status: u16, took: Duration) {
        self.durations
            .get_or_create(&RouteLabels {
                route: route.clone(),
                method,
            })
            .observe(took.as_secs_f64());
        self.requests
            .get_or_create(&RequestLabels {
                route,
                method,
                status,
            })
            .inc();
    }
}

/// A method as a label: one of the standard ones, else `other`, so a client inventing
/// methods cannot grow the series without bound.
fn method_label(m: &Method) -> &'static str {
    match *m {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The middleware (wrapped around the whole public app in `app.rs`): counts and times every
/// request under its route pattern. The pattern is read before the request is handled (the
/// app's resource map matched against the path: the same answer the router gives), so an
/// answer that ends in an error is counted too.
pub async fn record(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let Some(metrics) = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.metrics.clone())
    else {
        return next.call(req).await;
    };
    let start = Instant::now();
    let method = method_label(req.method());
    let route = req
        .match_pattern()
        .unwrap_or_else(|| "unmatched".to_string());
    let result = next.call(req).await;
    let status = match &result {
        Ok(res) => res.status().as_u16(),
        Err(e) => e.as_response_error().status_code().as_u16(),
    };
    metrics.observe(route, method, status, start.elapsed());
    result
}

/// What a scrape reads from the database and the index's folder, on a blocking thread.
struct Counts {
    latest_change: i64,
    pending_submissions: i64,
    held_guestbook: i64,
}

fn read_counts(pool: &Pool) -> anyhow::Result<Counts> {
    let mut conn = pool.get_timeout(SCRAPE_DB_TIMEOUT)?;
    let latest_change = db::changes::latest(&mut conn)?;
    let (pending_submissions, held_guestbook) = db::queue::pending_counts(&mut conn)?;
    Ok(Counts {
        latest_change,
        pending_submissions,
        held_guestbook,
    })
}

/// Clears the `counting` flag when the blocking count ends, however it ends.
struct Counting(Arc<AtomicBool>);

impl Drop for Counting {
    fn drop(&mut self) {
        self.0.store(false, Ordering::Release);
    }
}

/// The database's counts and the index's size, within `SCRAPE_DB_TIMEOUT`; None when they
/// did not come in time, failed, or a previous scrape's are still running.
async fn counts_in_time(state: &AppState) -> (Option<Counts>, Option<u64>) {
    let flag = state.metrics.counting.clone();
    if flag.swap(true, Ordering::AcqRel) {
        return (None, None);
    }
    let guard = Counting(flag);
    let pool = state.pool.clone();
    let search: Arc<SearchIndex> = state.search.clone();
    let work = web::block(move || {
        let _guard = guard;
        let bytes = search.disk_bytes().ok();
        let counts = read_counts(&pool);
        if let Err(e) = &counts {
            tracing::warn!(error = %e, "metrics: the database counts failed");
        }
        (counts.ok(), bytes)
    });
    match actix_web::rt::time::timeout(SCRAPE_DB_TIMEOUT, work).await {
        Ok(Ok(found)) => found,
        Ok(Err(_)) => (None, None),
        Err(_) => {
            tracing::warn!("metrics: the database counts took too long; answered without them");
            (None, None)
        }
    }
}

/// The gauges read at scrape time, in a registry made for this scrape: a value that could
/// not be read is left out rather than shown stale.
async fn scrape_time_registry(state: &AppState) -> Registry {
    let mut registry = Registry::default();
    let pool_state = state.pool.state();
    let connections = Family::<PoolStateLabels, Gauge>::default();
    let in_use = pool_state
        .connections
        .saturating_sub(pool_state.idle_connections);
    connections
        .get_or_create(&PoolStateLabels { state: "in_use" })
        .set(i64::from(in_use));
    connections
        .get_or_create(&PoolStateLabels { state: "idle" })
        .set(i64::from(pool_state.idle_connections));
    registry.register(
        "db_pool_connections",
        "Database connections open in this node's pool, in use or idle",
        connections,
    );
    let gauge = |v: i64| {
        let g = Gauge::<i64>::default();
        g.set(v);
        g
    };
    registry.register(
        "db_pool_max",
        "The most connections this node's pool opens",
        gauge(i64::from(state.pool.max_size())),
    );
    registry.register(
        "db_reachable",
        "1 when the pool's last attempt to open a database connection succeeded, else 0 \
         (requests that need a new connection are then answered 503 at once)",
        gauge(i64::from(state.pool.reachable())),
    );
    let docs = i64::try_from(state.search.num_docs()).unwrap_or(i64::MAX);
    registry.register(
        "search_index_documents",
        "Stories in this node's search index",
        gauge(docs),
    );
    let (counts, bytes) = counts_in_time(state).await;
    registry.register(
        "metrics_database_ok",
        "1 when this scrape's database counts answered in time, else 0 (and they are left out)",
        gauge(i64::from(counts.is_some())),
    );
    if let Some(bytes) = bytes {
        registry.register(
            "search_index_bytes",
            "Size on disk of this node's search index folder",
            gauge(i64::try_from(bytes).unwrap_or(i64::MAX)),
        );
    }
    if let Some(c) = counts {
        let lag = c
            .latest_change
            .saturating_sub(state.search.applied_seq())
            .max(0);
        registry.register(
            "search_index_lag_changes",
            "Changes in the database's story_changes log this node's index has not applied",
            gauge(lag),
        );
        registry.register(
            "queue_pending_submissions",
            "Readers' submissions waiting for a moderator",
            gauge(c.pending_submissions),
        );
        registry.register(
            "queue_held_guestbook_entries",
            "Guestbook entries held for a moderator",
            gauge(c.held_guestbook),
        );
    }
    registry
}

/// `GET /metrics` on the metrics listener.
async fn scrape(state: web::Data<AppState>) -> HttpResponse {
    let now = scrape_time_registry(&state).await;
    let mut text = String::with_capacity(8 * 1024);
    let encoded = encode_registry(&mut text, &state.metrics.registry)
        .and_then(|()| encode_registry(&mut text, &now))
        .and_then(|()| encode_eof(&mut text));
    match encoded {
        Ok(()) => HttpResponse::Ok()
            .insert_header((header::CONTENT_TYPE, CONTENT_TYPE))
            .insert_header((header::CACHE_CONTROL, "no-store"))
            .body(text),
        Err(e) => {
            tracing::error!(error = %e, "metrics: encoding failed");
            HttpResponse::InternalServerError().finish()
        }
    }
}

/// Starts the metrics listener: `GET /metrics`, nothing else, on one worker. It runs in the
/// caller's actix System beside the public server; run the returned server (await or spawn).
pub fn start(listener: std::net::TcpListener, state: AppState) -> std::io::Result<Server> {
    let server = HttpServer::new(move || {
        App::new()
            .app_data(web::Data::new(state.clone()))
            .route("/metrics", web::get().to(scrape))
    })
    .workers(1)
    .worker_max_blocking_threads(2)
    // `serve` stops it after the public server (see main.rs), not on a signal of its own.
    .disable_signals()
    .shutdown_timeout(1)
    .client_request_timeout(Duration::from_secs(5))
    .keep_alive(Duration::from_secs(15))
    .listen(listener)?
    .run();
    Ok(server)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_are_counted_by_pattern_method_and_status() {
        let m = Metrics::new();
        let route = "/api/v1/stories/{id_or_slug}".to_string();
        m.observe(route.clone(), "GET", 200, Duration::from_millis(3));
        m.observe(route, "GET", 200, Duration::from_millis(30));
        let mut text = String::new();
        encode_registry(&mut text, &m.registry).expect("encode");
        assert!(
            text.contains(
                "http_requests_total{route=\"/api/v1/stories/{id_or_slug}\",method=\"GET\",status=\"200\"} 2"
            ),
            "{text}"
        );
        assert!(
            text.contains(
                "http_request_duration_seconds_count{route=\"/api/v1/stories/{id_or_slug}\",method=\"GET\"} 2"
            ),
            "{text}"
        );
    }

    #[test]
    fn invented_methods_share_one_label() {
        let custom = Method::from_bytes(b"BREW").expect("method");
        assert_eq!(method_label(&custom), "other");
        assert_eq!(method_label(&Method::PATCH), "PATCH");
    }
}
