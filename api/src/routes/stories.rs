//! `GET /api/v1/stories` and `GET /api/v1/stories/{id_or_slug}`.

use actix_web::{get, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{FieldError, ListStoriesQuery, Problem, Story, StoryPage};
use utoipa::IntoParams;

use crate::countries::Catalog;
use crate::db::stories::{self, StoryFilter};
use crate::db::{sources, taxonomy};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The query parameters of `GET /api/v1/stories`, described for OpenAPI. Parsing happens in
/// `ListStoriesQuery::parse` (shared), so repeated parameters and unknown names are handled.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListStoriesParams {
    /// ISO alpha-2 code or a country's name or alias (`KH`, `Cambodia`, `Laos`, `Burma`);
    /// repeatable, any of them.
    #[param(example = "KH")]
    country: Option<Vec<String>>,
    /// Theme slug (`justice`, `freedom`, `peace`, `democracy`, `well-being`); repeatable.
    #[param(example = "justice")]
    theme: Option<Vec<String>>,
    /// Source id or slug; repeatable.
    #[param(example = "amnesty")]
    source: Option<Vec<String>>,
    /// Stories dated on or after: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`. A story dated only to a
    /// month or year matches when its period overlaps the range; undated stories never do.
    #[param(example = "2023-01")]
    from: Option<String>,
    /// Stories dated on or before: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, inclusive.
    #[param(example = "2023-12")]
    to: Option<String>,
    /// `newest` (default) or `oldest`. Undated stories count as the oldest.
    #[param(example = "newest")]
    sort: Option<String>,
    /// Page size, 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100, example = 20)]
    limit: Option<u32>,
    /// How many matching stories to skip; default 0.
    #[param(minimum = 0, example = 0)]
    offset: Option<u64>,
}

/// Resolves the names in a parsed query to database ids, naming every unknown value.
fn resolve_filter(
    conn: &mut crate::db::DbConn,
    q: &ListStoriesQuery,
) -> AppResult<StoryFilter> {
    let mut errors = Vec::new();
    let mut filter = StoryFilter {
        from_key: q.from.map(|d| d.first_day_key()),
        to_key: q.to.map(|d| d.last_day_key()),
        ..Default::default()
    };

    if !q.theme.is_empty() {
        let themes = taxonomy::theme_rows(conn)?;
        for slug in &q.theme {
            match themes.iter().find(|t| t.slug == slug.to_lowercase()) {
                Some(t) => filter.theme_ids.push(t.id),
                None => errors.push(FieldError::new(
                    "theme",
                    format!(
                        "unknown theme '{slug}': the themes are {}",
                        themes.iter().map(|t| t.slug.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                )),
            }
        }
    }

    let catalog = Catalog::get();
    for name in &q.country {
        match catalog.resolve(name) {
            Some(c) => {
                if !filter.country_codes.contains(&c.code) {
                    filter.country_codes.push(c.code.clone());
                }
            }
            None => {
                let near = catalog.suggest(name, 3);
                let hint = if near.is_empty() {
                    "use an ISO 3166-1 alpha-2 code or a country's name".to_string()
                } else {
                    format!("did you mean {}?", near.join(", "))
                };
                errors.push(FieldError::new(
                    "country",
                    format!("unknown country '{name}': {hint}"),
                ));
            }
        }
    }

    if !q.source.is_empty() {
        for (key, row) in q.source.iter().zip(sources::find_rows(conn, &q.source)?) {
            match row {
                Some(r) => filter.source_ids.push(r.id),
                None => errors.push(FieldError::new(
                    "source",
                    format!("unknown source '{key}': use a source's id or slug from /api/v1/sources"),
                )),
            }
        }
    }

    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(AppError::invalid(errors))
    }
}

fn page_url(q: &ListStoriesQuery, offset: u64) -> String {
    let mut q = q.clone();
    q.offset = offset;
    let qs = q.to_query_string();
    if qs.is_empty() {
        "/api/v1/stories".to_string()
    } else {
        format!("/api/v1/stories?{qs}")
    }
}

/// List published stories, newest first, filtered by country, theme, source and date.
#[utoipa::path(
    tag = "stories",
    params(ListStoriesParams),
    responses(
        (status = 200, description = "A page of stories", body = StoryPage),
        (status = 400, description = "A parameter is invalid or unknown; `errors` names it",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stories")]
pub async fn list_stories(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let q = ListStoriesQuery::parse(req.query_string()).map_err(AppError::invalid)?;
    let pool = state.pool.clone();
    let query = q.clone();
    let (items, total) = web::block(move || -> AppResult<_> {
        let mut conn = pool.get()?;
        let filter = resolve_filter(&mut conn, &query)?;
        Ok(stories::list(&mut conn, &filter, query.sort, query.limit, query.offset)?)
    })
    .await??;
    let limit = q.limit as u64;
    let next = (q.offset + limit < total as u64).then(|| page_url(&q, q.offset + limit));
    let prev = (q.offset > 0).then(|| page_url(&q, q.offset.saturating_sub(limit)));
    Ok(HttpResponse::Ok().json(StoryPage {
        items,
        total,
        limit: q.limit,
        offset: q.offset,
        next,
        prev,
        facets: Default::default(),
    }))
}

/// One published story, whole, by numeric id or slug.
#[utoipa::path(
    tag = "stories",
    params(("id_or_slug" = String, Path, description = "The story's id or slug",
        example = "hundreds-of-thousands-trafficked-to-work-as-online-scammers-in-south-east-asia")),
    responses(
        (status = 200, description = "The story", body = Story),
        (status = 404, description = "No published story has this id or slug",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stories/{id_or_slug}")]
pub async fn get_story(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<web::Json<Story>> {
    let key = path.into_inner();
    let pool = state.pool.clone();
    let lookup = key.clone();
    let story = web::block(move || -> AppResult<_> {
        let mut conn = pool.get()?;
        Ok(stories::find_published(&mut conn, &lookup)?)
    })
    .await??;
    story
        .map(web::Json)
        .ok_or_else(|| AppError::NotFound(format!("no published story has the id or slug '{key}'")))
}
