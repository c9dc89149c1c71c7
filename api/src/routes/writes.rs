//! Moderators writing stories and sources: `POST /api/v1/stories`,
//! `PATCH`/`DELETE /api/v1/stories/{id_or_slug}`, `POST .../updates`, `POST /api/v1/sources`,
//! `PATCH /api/v1/sources/{id_or_slug}`.
//!
//! Each answers only after this node's search index has the change, so the story is found
//! (or no longer found) by the very next search.

use actix_web::{delete, patch, post, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{
    ImportReport, Problem, QueryReader, Source, SourceInput, SourcePatch, Story, StoryInput,
    StoryPatch, UpdateInput,
};

use super::json_body;
use crate::auth::{Admin, Moderator};
use crate::error::{AppError, AppResult};
use crate::extract::BodyBytes;
use crate::moderation::{import, sources, stories};
use crate::routes::MODERATION_LIMIT;
use crate::state::AppState;

/// Brings this node's search index up to date after a committed write. A failure is logged,
/// not returned: the write stands, and the follower retries within a second.
pub(crate) fn refresh_search(state: &AppState) {
    if let Err(e) = state.search.catch_up(&state.pool) {
        tracing::warn!(error = %e, "search index did not catch up after a write");
    }
}

/// Write a story; it is published (and found by search) at once unless `status` is `draft`.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    request_body = StoryInput,
    responses(
        (status = 201, description = "The story", body = Story),
        (status = 422, description = "Fields are invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stories")]
pub async fn create_story(
    who: Moderator,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<HttpResponse> {
    let input: StoryInput = json_body(&req, &body.0)?;
    let actor = who.0.actor();
    let st = state.clone();
    let story = crate::app::block(move || -> AppResult<Story> {
        let story = stories::create(&mut *st.pool.get()?, actor, input)?;
        refresh_search(&st);
        Ok(story)
    })
    .await??;
    Ok(HttpResponse::Created().json(story))
}

/// Edit a story: absent fields stay, `null` clears, lists replace. `status: "draft"`
/// unpublishes it, `"published"` publishes it.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id_or_slug" = String, Path, description = "The story's id or slug")),
    request_body = StoryPatch,
    responses(
        (status = 200, description = "The story as it is now", body = Story),
        (status = 422, description = "Fields are invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such story", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/stories/{id_or_slug}")]
pub async fn update_story(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<web::Json<Story>> {
    let patch: StoryPatch = json_body(&req, &body.0)?;
    let actor = who.0.actor();
    let key = path.into_inner();
    let st = state.clone();
    let story = crate::app::block(move || -> AppResult<Story> {
        let story = stories::update(&mut *st.pool.get()?, actor, &key, patch)?;
        refresh_search(&st);
        Ok(story)
    })
    .await??;
    Ok(web::Json(story))
}

/// Add a dated follow-up to a story.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id_or_slug" = String, Path, description = "The story's id or slug")),
    request_body = UpdateInput,
    responses(
        (status = 200, description = "The story with its new update", body = Story),
        (status = 422, description = "Fields are invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such story", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stories/{id_or_slug}/updates")]
pub async fn add_story_update(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<web::Json<Story>> {
    let update: UpdateInput = json_body(&req, &body.0)?;
    let actor = who.0.actor();
    let key = path.into_inner();
    let st = state.clone();
    let story = crate::app::block(move || -> AppResult<Story> {
        let story = stories::add_update(&mut *st.pool.get()?, actor, &key, update)?;
        refresh_search(&st);
        Ok(story)
    })
    .await??;
    Ok(web::Json(story))
}

/// Delete a story for good (to hide it, unpublish it instead). The audit log keeps a copy.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id_or_slug" = String, Path, description = "The story's id or slug")),
    responses(
        (status = 204, description = "Deleted"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such story", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/stories/{id_or_slug}")]
pub async fn delete_story(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<HttpResponse> {
    let actor = who.0.actor();
    let key = path.into_inner();
    let st = state.clone();
    crate::app::block(move || -> AppResult<()> {
        stories::delete(&mut *st.pool.get()?, actor, &key)?;
        refresh_search(&st);
        Ok(())
    })
    .await??;
    Ok(HttpResponse::NoContent().finish())
}

/// Add a source (publisher).
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    request_body = SourceInput,
    responses(
        (status = 201, description = "The source", body = Source),
        (status = 422, description = "Fields are invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug or domain is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/sources")]
pub async fn create_source(
    who: Moderator,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<HttpResponse> {
    let input: SourceInput = json_body(&req, &body.0)?;
    let actor = who.0.actor();
    let pool = state.pool.clone();
    let source =
        crate::app::block(move || sources::create(&mut *pool.get()?, actor, input)).await??;
    Ok(HttpResponse::Created().json(source))
}

/// Edit a source: absent fields stay. Stories citing it are re-indexed.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id_or_slug" = String, Path, description = "The source's id or slug")),
    request_body = SourcePatch,
    responses(
        (status = 200, description = "The source as it is now", body = Source),
        (status = 422, description = "Fields are invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such source", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The slug or domain is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[patch("/sources/{id_or_slug}")]
pub async fn update_source(
    who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<web::Json<Source>> {
    let patch: SourcePatch = json_body(&req, &body.0)?;
    let actor = who.0.actor();
    let key = path.into_inner();
    let st = state.clone();
    let source = crate::app::block(move || -> AppResult<Source> {
        let source = sources::update(&mut *st.pool.get()?, actor, &key, patch)?;
        refresh_search(&st);
        Ok(source)
    })
    .await??;
    Ok(web::Json(source))
}

/// Largest archive `POST /api/v1/stories/import` takes; a larger one is a 413 (use
/// `peoples-stories import` on the server).
pub const IMPORT_LIMIT: usize = 32 * 1024 * 1024;

/// Import stories (admins): JSON Lines, one story a line in the API's own shape, or CSV as
/// the export writes it (`Content-Type: text/csv`), upserted by slug, exactly as
/// `peoples-stories import` does (see README, "Importing an archive"). Bad lines are
/// reported by number and field and skipped; `dry_run=true` writes nothing.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    params(("dry_run" = Option<bool>, Query, description = "Check and count; write nothing")),
    request_body(
        content(
            (String = "application/x-ndjson"),
            (String = "text/csv"),
        ),
        description = "JSON Lines: one story a line, as `GET /api/v1/stories/{id_or_slug}` \
            answers (`id`, `updated_at` and the like are read past). CSV: as \
            `GET /api/v1/stories/export?format=csv` writes it, with its header row"
    ),
    responses(
        (status = 200, description = "What was (or would be) done, with every refused line", body = ImportReport),
        (status = 400, description = "A bad query parameter", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 413, description = "Larger than 32 MiB", body = Problem, content_type = "application/problem+json"),
        (status = 415, description = "Not sent as application/x-ndjson or text/csv", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/stories/import")]
pub async fn import_stories(
    who: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: BodyBytes<IMPORT_LIMIT>,
) -> AppResult<HttpResponse> {
    let mut reader = QueryReader::new(&["dry_run"], &[]);
    let mut dry_run = false;
    for (k, v) in reader.pairs(req.query_string()) {
        if k == "dry_run" {
            match v.as_str() {
                "true" => dry_run = true,
                "false" => dry_run = false,
                _ => reader.error("dry_run", "use true or false"),
            }
        }
    }
    reader.finish(()).map_err(AppError::invalid)?;
    let format = crate::extract::check_body_type(
        &req,
        |essence| match essence {
            "application/x-ndjson" | "application/jsonl" | "application/jsonlines" => {
                Some(import::Format::JsonLines)
            }
            "text/csv" => Some(import::Format::Csv),
            _ => None,
        },
        "JSON Lines with Content-Type: application/x-ndjson, or CSV with Content-Type: text/csv",
    )?;
    let actor = who.0.actor();
    let st = state.clone();
    let report = crate::app::block(move || -> AppResult<ImportReport> {
        let report = import::import(
            &mut *st.pool.get()?,
            actor,
            &body.0[..],
            format,
            dry_run,
            &|_| {},
        )?;
        if !dry_run && report.created + report.updated > 0 {
            refresh_search(&st);
        }
        Ok(report)
    })
    .await??;
    Ok(HttpResponse::Ok().json(report))
}
