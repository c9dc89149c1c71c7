//! Liveness and readiness probes.

use actix_web::{get, web, HttpResponse};
use diesel::connection::SimpleConnection;
use peoples_stories_shared::Problem;

use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// Liveness: the process answers.
#[utoipa::path(tag = "health", responses((status = 200, description = "Alive")))]
#[get("/healthz")]
pub async fn healthz() -> HttpResponse {
    HttpResponse::Ok().json(serde_json::json!({ "status": "ok" }))
}

/// Readiness: the node is not shutting down, the database answers a query and this node's
/// search index has been built (a fresh node answers keyword searches with 503 until then,
/// so a load balancer should send it nothing before). `cache` counts the response cache's hits and misses since the
/// start and what it holds against its budget.
#[utoipa::path(
    tag = "health",
    responses(
        (status = 200, description = "Ready to serve"),
        (status = 503, description = "The database is unreachable, the search index is \
            still being built, or the node is shutting down; see Retry-After",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/readyz")]
pub async fn readyz(state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let pool = state.pool.clone();
    crate::app::block(move || -> AppResult<()> {
        let mut conn = pool.get()?;
        conn.batch_execute("SELECT 1")
            .map_err(|e| AppError::Unavailable(format!("the database does not answer: {e}")))
    })
    .await??;
    if state.draining.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(AppError::Unavailable(
            "this node is shutting down; finishing the requests in flight".into(),
        ));
    }
    if !state.search.is_ready() {
        return Err(AppError::Unavailable(
            "the search index is still being built; this node is not ready yet".into(),
        ));
    }
    let search = "ready";
    let cache = state.cache.stats();
    Ok(HttpResponse::Ok().json(serde_json::json!({
        "status": "ready",
        "search": search,
        "cache": {
            "hits": cache.hits,
            "misses": cache.misses,
            "entries": cache.entries,
            "bytes": cache.weighted_bytes,
            "budget_bytes": cache.budget_bytes,
        },
    })))
}
