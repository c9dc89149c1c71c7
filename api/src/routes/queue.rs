//! The moderators' queue: `GET /api/v1/submissions`, `GET`/`PATCH /api/v1/submissions/{id}`,
//! `POST .../approve`, `POST .../reject`; `GET /api/v1/manage/guestbook`,
//! `PATCH`/`DELETE /api/v1/guestbook/{id}`, `POST /api/v1/guestbook/bulk`.

use actix_web::{delete, get, patch, post, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{
    BulkResult, GuestbookBulk, GuestbookEntry, GuestbookPage, GuestbookPatch, GuestbookStatus,
    Paging, Problem, RejectSubmission, Story, Submission, SubmissionPage, SubmissionPatch,
    SubmissionStatus,
};
use utoipa::IntoParams;

use super::json_body;
use crate::auth::Moderator;
use crate::error::AppResult;
use crate::extract::BodyBytes;
use crate::moderation::queue;
use crate::reading::{self, Reader};
use crate::routes::MODERATION_LIMIT;
use crate::state::AppState;

/// The query parameters of the moderators' lists.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct QueueParams {
    /// Submissions: `pending`, `approved`, `rejected` (all when absent). Guestbook:
    /// `pending` (the default), `visible`, `hidden`.
    #[param(example = "pending")]
    status: Option<String>,
}

/// The submission queue, oldest first, private contact details included.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(QueueParams, Paging),
    responses(
        (status = 200, description = "A page of submissions", body = SubmissionPage),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/submissions")]
pub async fn list_submissions(
    _who: Moderator,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<web::Json<SubmissionPage>> {
    let (status, paging) = reading::manage::status_query(
        req.query_string(),
        SubmissionStatus::parse,
        "pending, approved or rejected",
    )?;
    let reader = Reader::new(&state);
    let page =
        crate::app::block(move || reading::manage::submissions(&reader, status, paging)).await??;
    Ok(web::Json(page))
}

/// One submission, with the submitter's private e-mail.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id" = i64, Path, description = "The submission's id")),
    responses(
        (status = 200, description = "The submission", body = Submission),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/submissions/{id}")]
pub async fn get_submission(
    _who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<web::Json<Submission>> {
    let id = path.into_inner();
    let reader = Reader::new(&state);
    let s = crate::app::block(move || reading::manage::submission(&reader, id)).await??;
    Ok(web::Json(s))
}

/// Edit a pending submission before approving it.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id" = i64, Path, description = "The submission's id")),
    request_body = SubmissionPatch,
    responses(
        (status = 200, description = "The submission as it is now", body = Submission),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already approved or rejected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "Fields are invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/submissions/{id}")]
pub async fn update_submission(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<web::Json<Submission>> {
    let patch: SubmissionPatch = json_body(&req, &body.0)?;
    let (id, actor) = (path.into_inner(), who.0.actor());
    let pool = state.pool.clone();
    let s = crate::app::block(move || queue::edit(&mut *pool.get()?, actor, id, patch)).await??;
    Ok(web::Json(s))
}

/// Approve a pending submission: it becomes a published story (found by search at once),
/// which this returns.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id" = i64, Path, description = "The submission's id")),
    responses(
        (status = 201, description = "The published story", body = Story),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already approved or rejected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The submission does not make a valid story; edit it first", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/approve")]
pub async fn approve_submission(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (id, actor) = (path.into_inner(), who.0.actor());
    let st = state.clone();
    let story = crate::app::block(move || -> AppResult<Story> {
        let story = queue::approve(&mut *st.pool.get()?, actor, id)?;
        super::writes::refresh_search(&st);
        Ok(story)
    })
    .await??;
    Ok(HttpResponse::Created().json(story))
}

/// Reject a pending submission with a reason (kept for moderators; never public).
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id" = i64, Path, description = "The submission's id")),
    request_body = RejectSubmission,
    responses(
        (status = 200, description = "The rejected submission", body = Submission),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such submission", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already approved or rejected", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The reason is missing or too long", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/submissions/{id}/reject")]
pub async fn reject_submission(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<web::Json<Submission>> {
    let input: RejectSubmission = json_body(&req, &body.0)?;
    let (id, actor) = (path.into_inner(), who.0.actor());
    let pool = state.pool.clone();
    let s = crate::app::block(move || queue::reject(&mut *pool.get()?, actor, id, &input.reason))
        .await??;
    Ok(web::Json(s))
}

/// Guestbook entries by status (pending by default), newest first, with their status.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(QueueParams, Paging),
    responses(
        (status = 200, description = "A page of entries", body = GuestbookPage),
        (status = 400, description = "A parameter is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/manage/guestbook")]
pub async fn list_guestbook_by_status(
    _who: Moderator,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<web::Json<GuestbookPage>> {
    let (status, paging) = reading::manage::status_query(
        req.query_string(),
        GuestbookStatus::parse,
        "pending, visible or hidden",
    )?;
    let status = status.unwrap_or(GuestbookStatus::Pending);
    let reader = Reader::new(&state);
    let page =
        crate::app::block(move || reading::manage::guestbook(&reader, status, paging)).await??;
    Ok(web::Json(page))
}

/// Show, hold or hide a guestbook entry.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id" = i64, Path, description = "The entry's id")),
    request_body = GuestbookPatch,
    responses(
        (status = 200, description = "The entry with its status", body = GuestbookEntry),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "The status is not one of visible, pending, hidden", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/guestbook/{id}")]
pub async fn update_guestbook_entry(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<web::Json<GuestbookEntry>> {
    let input: GuestbookPatch = json_body(&req, &body.0)?;
    let (id, actor) = (path.into_inner(), who.0.actor());
    let pool = state.pool.clone();
    let e = crate::app::block(move || {
        queue::set_guestbook_status(&mut *pool.get()?, actor, id, input.status)
    })
    .await??;
    Ok(web::Json(e))
}

/// Delete a guestbook entry for good.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id" = i64, Path, description = "The entry's id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such entry", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/guestbook/{id}")]
pub async fn delete_guestbook_entry(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<HttpResponse> {
    let (id, actor) = (path.into_inner(), who.0.actor());
    let pool = state.pool.clone();
    crate::app::block(move || queue::delete_guestbook(&mut *pool.get()?, actor, id)).await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Show, hide or delete many guestbook entries at once (ids that do not exist are skipped).
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    request_body = GuestbookBulk,
    responses(
        (status = 200, description = "How many entries changed", body = BulkResult),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "No ids, too many, or an unknown action", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/guestbook/bulk")]
pub async fn bulk_guestbook(
    who: Moderator,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<web::Json<BulkResult>> {
    let input: GuestbookBulk = json_body(&req, &body.0)?;
    let actor = who.0.actor();
    let pool = state.pool.clone();
    let affected = crate::app::block(move || {
        queue::bulk_guestbook(&mut *pool.get()?, actor, &input.ids, input.action)
    })
    .await??;
    Ok(web::Json(BulkResult { affected }))
}
