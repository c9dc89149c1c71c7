//! What readers send without an account: story submissions and guestbook entries.
//!
//! Each form is checked field by field (every bad field in one problem), then passes the
//! guard (idempotency key, rate limit, duplicates) in the transaction that stores it. The
//! sender's e-mail and network address are never echoed, logged or shown publicly.

use actix_web::http::{header, StatusCode};
use actix_web::{get, post, web, HttpRequest, HttpResponse};
use peoples_stories_shared::contribution::{non_blank, COUNTRIES_MAX};
use peoples_stories_shared::params::parse_paging;
use peoples_stories_shared::{
    CreateSubmission, FieldError, GuestbookEntry, GuestbookPage, GuestbookStatus, Paging, Problem,
    SignGuestbook, SubmissionReceipt, SubmissionStatus, SubmittedLink,
};

use crate::cache::{Depends, Planned};
use crate::countries::Catalog;
use crate::db::contributions::{self as q, Form, NewGuestbookEntry, NewSubmission};
use crate::db::{taxonomy, DbConn};
use crate::error::{AppError, AppResult};
use crate::extract::{ClientHash, IdempotencyKey, JsonBody};
use crate::guard::{self, Answer, Attempt};
use crate::links;
use crate::reading::guestbook;
use crate::state::AppState;

/// Largest submission body accepted, in bytes (a 20,000-character story in any script fits).
pub const SUBMISSION_LIMIT: usize = 128 * 1024;
/// Largest guestbook body accepted, in bytes.
pub const GUESTBOOK_LIMIT: usize = 16 * 1024;

/// Submit a story. It waits for a moderator; nothing is published without review.
///
/// The body may be at most 128 KiB. Send an `Idempotency-Key` header (a UUID, say) to make
/// retries safe: the same key with the same body gets the first answer again, without a
/// second submission; the same key with another body is a 422. The optional `email` is seen
/// by moderators only. `website` is a trap for robots: leave it out or empty.
#[utoipa::path(
    tag = "contributions",
    request_body(content = CreateSubmission, content_type = "application/json"),
    params(
        ("Idempotency-Key" = Option<String>, Header,
            description = "Makes retries safe: 1 to 255 visible ASCII characters, e.g. a UUID"),
    ),
    responses(
        (status = 202, description = "Stored; waiting for a moderator", body = SubmissionReceipt),
        (status = 400, description = "Malformed JSON, invalid UTF-8 or a bad Idempotency-Key",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The same text was submitted a short while ago",
            body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over 128 KiB",
            body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields, each named; or a reused Idempotency-Key",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many submissions from one place; see Retry-After",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions")]
pub async fn create_submission(
    state: web::Data<AppState>,
    body: JsonBody<CreateSubmission, SUBMISSION_LIMIT>,
    key: IdempotencyKey,
    client: ClientHash,
) -> AppResult<HttpResponse> {
    let JsonBody(sub) = body;
    let mut errors = sub.validate();
    honeypot(&mut errors, sub.website.as_deref());
    let answer = crate::app::block(move || -> AppResult<Answer> {
        let mut conn = state.pool.get()?;
        let conn: &mut DbConn = &mut conn;
        let theme_id =
            taxonomy::resolve_theme(&taxonomy::theme_rows(conn)?, &sub.theme, &mut errors);
        // A list past its cap was refused whole by `validate`: its items are not looked up.
        let codes = if sub.countries.len() > COUNTRIES_MAX {
            Vec::new()
        } else {
            Catalog::get().resolve_all(&sub.countries, |i| format!("countries[{i}]"), &mut errors)
        };
        let (Some(theme_id), true) = (theme_id, errors.is_empty()) else {
            return Err(AppError::invalid_body(errors));
        };
        let links: Vec<SubmittedLink> = sub
            .links
            .iter()
            .map(|l| SubmittedLink {
                url: l.url.trim().to_string(),
                title: non_blank(l.title.as_deref()).map(str::to_string),
            })
            .collect();
        let countries_json = to_json(&codes)?;
        let links_json = to_json(&links)?;
        let attempt = Attempt::new(
            Form::Submission,
            &client.0,
            key.0.as_deref(),
            &sub,
            &[sub.title.as_str(), sub.body.as_str()],
        )?;
        guard::admit(conn, &state.contributions, &attempt, |conn| {
            let id = q::insert_submission(
                conn,
                &NewSubmission {
                    title: sub.title.trim(),
                    body: sub.body.trim(),
                    theme_id,
                    countries: countries_json.clone(),
                    byline: non_blank(sub.byline.as_deref()),
                    email: non_blank(sub.email.as_deref()),
                    links: links_json.clone(),
                    related_url: non_blank(sub.related_url.as_deref()),
                    content_hash: &attempt.content_hash,
                    client_hash: &client.0,
                },
            )?;
            Ok((
                StatusCode::ACCEPTED,
                SubmissionReceipt {
                    id,
                    status: SubmissionStatus::Pending,
                },
            ))
        })
    })
    .await??;
    Ok(respond(answer))
}

/// Sign the guestbook. The entry shows at once (201) unless the site holds every entry for
/// moderation or it contains a link (202: it waits for a moderator).
///
/// The body may be at most 16 KiB. `Idempotency-Key` works as for submissions; `website` is
/// a trap for robots: leave it out or empty.
#[utoipa::path(
    tag = "contributions",
    request_body(content = SignGuestbook, content_type = "application/json"),
    params(
        ("Idempotency-Key" = Option<String>, Header,
            description = "Makes retries safe: 1 to 255 visible ASCII characters, e.g. a UUID"),
    ),
    responses(
        (status = 201, description = "Signed; the entry shows now", body = GuestbookEntry),
        (status = 202, description = "Signed; the entry waits for a moderator", body = GuestbookEntry),
        (status = 400, description = "Malformed JSON, invalid UTF-8 or a bad Idempotency-Key",
            body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The same message was signed a short while ago",
            body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "The body is over 16 KiB",
            body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "The body is not application/json",
            body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Bad fields, each named; or a reused Idempotency-Key",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many entries from one place; see Retry-After",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/guestbook")]
pub async fn sign_guestbook(
    state: web::Data<AppState>,
    body: JsonBody<SignGuestbook, GUESTBOOK_LIMIT>,
    key: IdempotencyKey,
    client: ClientHash,
) -> AppResult<HttpResponse> {
    let JsonBody(entry) = body;
    let mut errors = entry.validate();
    honeypot(&mut errors, entry.website.as_deref());
    let country = match non_blank(entry.country.as_deref()) {
        None => None,
        Some(c) => Catalog::get()
            .resolve_all(&[c.to_string()], |_| "country".to_string(), &mut errors)
            .pop(),
    };
    if !errors.is_empty() {
        return Err(AppError::invalid_body(errors));
    }
    // A link in any field, however it is spelled, waits for a moderator.
    let has_link = [
        Some(entry.name.as_str()),
        Some(entry.message.as_str()),
        entry.country.as_deref(),
    ]
    .into_iter()
    .flatten()
    .any(links::has_link);
    let held = state.contributions.guestbook_hold_all || has_link;
    let (status, http) = if held {
        (GuestbookStatus::Pending, StatusCode::ACCEPTED)
    } else {
        (GuestbookStatus::Visible, StatusCode::CREATED)
    };
    let answer = crate::app::block(move || -> AppResult<Answer> {
        let mut conn = state.pool.get()?;
        let attempt = Attempt::new(
            Form::Guestbook,
            &client.0,
            key.0.as_deref(),
            &entry,
            &[entry.name.as_str(), entry.message.as_str()],
        )?;
        guard::admit(&mut conn, &state.contributions, &attempt, |conn| {
            let row = q::insert_guestbook_entry(
                conn,
                &NewGuestbookEntry {
                    status: status.as_str(),
                    name: entry.name.trim(),
                    country_code: country.as_deref(),
                    message: entry.message.trim(),
                    content_hash: &attempt.content_hash,
                    client_hash: &client.0,
                },
            )?;
            Ok((http, guestbook::entry_with_status(row)))
        })
    })
    .await??;
    Ok(respond(answer))
}

/// The visible guestbook entries, newest first. Entries waiting for a moderator or hidden
/// by one are never listed here.
#[utoipa::path(
    tag = "contributions",
    params(Paging),
    responses(
        (status = 200, description = "A page of entries", body = GuestbookPage),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 400, description = "A bad or unknown parameter",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/guestbook")]
pub async fn list_guestbook(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    guestbook_plan(req.query_string())?
        .respond(&req, &state)
        .await
}

/// The read of a page of the visible guestbook a query string asks for.
pub fn guestbook_plan(query_string: &str) -> AppResult<Planned> {
    let paging = parse_paging(query_string).map_err(AppError::invalid)?;
    let key = format!("{}/{}", paging.limit, paging.offset);
    Ok(Planned::json(
        "guestbook",
        key,
        Depends::Guestbook,
        move |r| guestbook::list(r, paging),
    ))
}

/// A robot filled in the field people never see.
fn honeypot(errors: &mut Vec<FieldError>, website: Option<&str>) {
    if non_blank(website).is_some() {
        errors.push(FieldError::new(
            "website",
            "must be left empty (it is a trap for automated spam)",
        ));
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> AppResult<String> {
    serde_json::to_string(value).map_err(|e| AppError::Internal(e.into()))
}

fn respond(answer: Answer) -> HttpResponse {
    let mut res = HttpResponse::build(answer.status);
    res.insert_header((header::CONTENT_TYPE, "application/json"))
        .insert_header((header::CACHE_CONTROL, "no-store"));
    if answer.replayed {
        res.insert_header(("Idempotent-Replayed", "true"));
    }
    res.body(answer.body)
}
