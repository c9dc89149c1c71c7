//! `GET /api/v1/audit`: the audit log, for admins.

use actix_web::{get, web, HttpRequest};
use chrono::{NaiveDate, NaiveDateTime};
use peoples_stories_shared::{AuditPage, Paging, Problem, QueryReader};
use utoipa::IntoParams;

use crate::auth::Admin;
use crate::db::audit;
use crate::error::{AppError, AppResult};
use crate::reading::manage::AuditQuery;
use crate::reading::{self, Reader};
use crate::state::AppState;

/// The query parameters of `GET /api/v1/audit`, all optional and combined.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct AuditParams {
    /// The acting account's username.
    #[param(example = "maria")]
    actor: Option<String>,
    /// An action, e.g. `story.update`.
    #[param(example = "story.update")]
    action: Option<String>,
    /// A target type: `story`, `source`, `user`, `token`, `session`, ...
    #[param(example = "story")]
    target_type: Option<String>,
    /// A target's id.
    target_id: Option<String>,
    /// Entries at or after: `YYYY-MM-DD` or an RFC 3339 time.
    #[param(example = "2026-11-01")]
    from: Option<String>,
    /// Entries before the end of this day (`YYYY-MM-DD`) or before this RFC 3339 time.
    #[param(example = "2026-11-30")]
    to: Option<String>,
}

/// Parses `YYYY-MM-DD` (the day's start, or with `end` the next day's start) or RFC 3339.
fn parse_time(v: &str, end: bool) -> Option<NaiveDateTime> {
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        let d = if end { d.succ_opt()? } else { d };
        return d.and_hms_opt(0, 0, 0);
    }
    chrono::DateTime::parse_from_rfc3339(v)
        .ok()
        .map(|t| t.naive_utc())
}

fn parse(query: &str) -> AppResult<AuditQuery> {
    let mut reader = QueryReader::new(
        &[
            "actor",
            "action",
            "target_type",
            "target_id",
            "from",
            "to",
            "limit",
            "offset",
        ],
        &[],
    );
    let mut q = AuditQuery {
        actor: None,
        filter: audit::AuditFilter::default(),
        paging: Paging::default(),
    };
    for (k, v) in reader.pairs(query) {
        if q.paging.read(&k, &v, &mut reader.errors) {
            continue;
        }
        match k.as_str() {
            "actor" => q.actor = Some(v.to_lowercase()),
            "action" => q.filter.action = Some(v),
            "target_type" => q.filter.target_type = Some(v),
            "target_id" => q.filter.target_id = Some(v),
            "from" => match parse_time(&v, false) {
                Some(t) => q.filter.from = Some(t),
                None => reader.error("from", "use YYYY-MM-DD or an RFC 3339 time"),
            },
            _ => match parse_time(&v, true) {
                Some(t) => q.filter.until = Some(t),
                None => reader.error("to", "use YYYY-MM-DD or an RFC 3339 time"),
            },
        }
    }
    reader.finish(q).map_err(AppError::invalid)
}

/// The audit log, newest first: who did what to which record, when, and what changed.
#[utoipa::path(
    tag = "accounts",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    params(AuditParams, Paging),
    responses(
        (status = 200, description = "A page of entries", body = AuditPage),
        (status = 400, description = "A parameter is invalid; `errors` names it", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/audit")]
pub async fn list_audit(
    _who: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<web::Json<AuditPage>> {
    let q = parse(req.query_string())?;
    let reader = Reader::new(&state);
    let page = crate::app::block(move || reading::manage::audit_log(&reader, q)).await??;
    Ok(web::Json(page))
}
