//! Moderators reading stories of any status: `GET /api/v1/manage/stories` and
//! `GET /api/v1/manage/stories/{id_or_slug}`, for the admin view's lists and edit forms.

use actix_web::{get, web, HttpRequest};
use peoples_stories_shared::{ManagedStory, ManagedStoryPage, Paging, Problem, StoryStatus};
use utoipa::IntoParams;

use crate::auth::Moderator;
use crate::error::AppResult;
use crate::reading::{self, Reader};
use crate::state::AppState;

/// The query parameters of `GET /api/v1/manage/stories`, besides paging.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ManageParams {
    /// `draft`, `published`, or absent for both.
    #[param(example = "draft")]
    status: Option<String>,
}

/// Stories of any status, newest first.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(ManageParams, Paging),
    responses(
        (status = 200, description = "A page of stories with their status", body = ManagedStoryPage),
        (status = 400, description = "A parameter is invalid; `errors` names it", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/manage/stories")]
pub async fn list_managed_stories(
    _who: Moderator,
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<web::Json<ManagedStoryPage>> {
    let (status, paging) = reading::manage::status_query(
        req.query_string(),
        StoryStatus::parse,
        "draft or published",
    )?;
    let reader = Reader::new(&state);
    let page =
        crate::app::block(move || reading::manage::stories(&reader, status, paging)).await??;
    Ok(web::Json(page))
}

/// One story of any status, whole, by id or slug.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(("id_or_slug" = String, Path, description = "The story's id or slug")),
    responses(
        (status = 200, description = "The story with its status", body = ManagedStory),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such story", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/manage/stories/{id_or_slug}")]
pub async fn get_managed_story(
    _who: Moderator,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<web::Json<ManagedStory>> {
    let key = path.into_inner();
    let reader = Reader::new(&state);
    let story = crate::app::block(move || reading::manage::story(&reader, &key)).await??;
    Ok(web::Json(story))
}
