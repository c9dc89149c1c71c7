//! `GET /api/v1/audit`: the audit log, for admins.

use actix_web::{get, web, HttpRequest};
use chrono::{NaiveDate, NaiveDateTime};
use peoples_stories_shared::{AuditPage, FieldError, Problem};
use utoipa::IntoParams;

use crate::auth::Admin;
use crate::db::{accounts, audit};
use crate::error::{AppError, AppResult};
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
    /// Page size, 1 to 100; default 50.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    #[param(minimum = 0)]
    offset: Option<u64>,
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

struct Parsed {
    actor: Option<String>,
    filter: audit::AuditFilter,
    limit: u32,
    offset: u64,
}

fn parse(query: &str) -> Result<Parsed, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut p = Parsed {
        actor: None,
        filter: audit::AuditFilter::default(),
        limit: 50,
        offset: 0,
    };
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        let v = v.trim().to_string();
        match k.as_ref() {
            "actor" => p.actor = Some(v.to_lowercase()),
            "action" => p.filter.action = Some(v),
            "target_type" => p.filter.target_type = Some(v),
            "target_id" => p.filter.target_id = Some(v),
            "from" => match parse_time(&v, false) {
                Some(t) => p.filter.from = Some(t),
                None => errors.push(FieldError::new("from", "use YYYY-MM-DD or an RFC 3339 time")),
            },
            "to" => match parse_time(&v, true) {
                Some(t) => p.filter.until = Some(t),
                None => errors.push(FieldError::new("to", "use YYYY-MM-DD or an RFC 3339 time")),
            },
            "limit" => match v.parse::<u32>() {
                Ok(n) if (1..=100).contains(&n) => p.limit = n,
                _ => errors.push(FieldError::new("limit", "must be a whole number from 1 to 100")),
            },
            "offset" => match v.parse::<u64>() {
                Ok(n) => p.offset = n,
                Err(_) => errors.push(FieldError::new("offset", "must be a whole number, 0 or more")),
            },
            other => errors.push(FieldError::new(
                other,
                "unknown parameter: use actor, action, target_type, target_id, from, to, limit, offset",
            )),
        }
    }
    if errors.is_empty() {
        Ok(p)
    } else {
        Err(errors)
    }
}

/// The audit log, newest first: who did what to which record, when, and what changed.
#[utoipa::path(
    tag = "accounts",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    params(AuditParams),
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
    let mut p = parse(req.query_string()).map_err(AppError::invalid)?;
    let pool = state.pool.clone();
    let page = web::block(move || -> AppResult<AuditPage> {
        let mut conn = pool.get()?;
        if let Some(name) = &p.actor {
            let user = accounts::user_by_name(&mut conn, name)?
                .ok_or_else(|| AppError::field("actor", format!("no account is named '{name}'")))?;
            p.filter.actor_id = Some(user.id);
        }
        let (items, total) = audit::list(&mut conn, &p.filter, p.limit, p.offset)?;
        Ok(AuditPage {
            items,
            total,
            limit: p.limit,
            offset: p.offset,
        })
    })
    .await??;
    Ok(web::Json(page))
}
