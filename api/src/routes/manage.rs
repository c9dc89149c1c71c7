//! Moderators reading stories of any status: `GET /api/v1/manage/stories` and
//! `GET /api/v1/manage/stories/{id_or_slug}`, for the admin view's lists and edit forms.

use actix_web::{get, web, HttpRequest};
use peoples_stories_shared::{
    FieldError, ManagedStory, ManagedStoryPage, Problem, SortOrder, StoryStatus,
};
use utoipa::IntoParams;

use crate::auth::Moderator;
use crate::db::stories::{self, StoryFilter};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The query parameters of `GET /api/v1/manage/stories`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ManageParams {
    /// `draft`, `published`, or absent for both.
    #[param(example = "draft")]
    status: Option<String>,
    /// Page size, 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100)]
    limit: Option<u32>,
    #[param(minimum = 0)]
    offset: Option<u64>,
}

fn with_status(
    conn: &mut crate::db::DbConn,
    list: Vec<peoples_stories_shared::Story>,
) -> AppResult<Vec<ManagedStory>> {
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let statuses = stories::statuses(conn, &ids)?;
    Ok(list
        .into_iter()
        .map(|story| ManagedStory {
            status: statuses
                .get(&story.id)
                .and_then(|s| StoryStatus::parse(s))
                .unwrap_or(StoryStatus::Draft),
            story,
        })
        .collect())
}

/// Stories of any status, newest first.
#[utoipa::path(
    tag = "moderation",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    params(ManageParams),
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
    let mut filter = StoryFilter {
        include_drafts: true,
        ..Default::default()
    };
    let (mut limit, mut offset) = (20u32, 0u64);
    let mut errors = Vec::new();
    for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
        match (k.as_ref(), StoryStatus::parse(&v)) {
            ("status", Some(StoryStatus::Draft)) => filter.drafts_only = true,
            ("status", Some(StoryStatus::Published)) => filter.include_drafts = false,
            ("status", None) => errors.push(FieldError::new("status", "use draft or published")),
            ("limit", _) => match v.parse::<u32>() {
                Ok(n) if (1..=100).contains(&n) => limit = n,
                _ => errors.push(FieldError::new(
                    "limit",
                    "must be a whole number from 1 to 100",
                )),
            },
            ("offset", _) => match v.parse::<u64>() {
                Ok(n) => offset = n,
                Err(_) => errors.push(FieldError::new(
                    "offset",
                    "must be a whole number, 0 or more",
                )),
            },
            (other, _) => errors.push(FieldError::new(
                other,
                "unknown parameter: use status, limit, offset",
            )),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let pool = state.pool.clone();
    let page = web::block(move || -> AppResult<ManagedStoryPage> {
        let mut conn = pool.get()?;
        let (items, total) =
            stories::list(&mut conn, &filter, SortOrder::Newest, limit, offset, None)?;
        Ok(ManagedStoryPage {
            items: with_status(&mut conn, items)?,
            total,
            limit,
            offset,
        })
    })
    .await??;
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
    let pool = state.pool.clone();
    let story = web::block(move || -> AppResult<ManagedStory> {
        let mut conn = pool.get()?;
        let id = stories::find_id(&mut conn, &key)?
            .ok_or_else(|| AppError::NotFound(format!("no story has the id or slug '{key}'")))?;
        let list = stories::load_whole(&mut conn, &[id])?;
        with_status(&mut conn, list)?
            .pop()
            .ok_or_else(|| AppError::NotFound(format!("no story has the id or slug '{key}'")))
    })
    .await??;
    Ok(web::Json(story))
}
