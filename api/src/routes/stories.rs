//! `GET /api/v1/stories` and `GET /api/v1/stories/{id_or_slug}`.

use actix_web::{get, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{ListStoriesQuery, Problem, Story, StoryPage};
use utoipa::IntoParams;

use crate::cache::{Depends, Planned};
use crate::error::{AppError, AppResult};
use crate::reading;
use crate::state::AppState;

// The `q` parameter's description and `max_length` below spell out these bounds.
const _: () = assert!(
    peoples_stories_shared::MAX_QUERY_CHARS == 256 && peoples_stories_shared::MAX_QUERY_TERMS == 32
);

/// The query parameters of `GET /api/v1/stories`, described for OpenAPI. Parsing happens in
/// `ListStoriesQuery::parse` (shared), so repeated parameters and unknown names are handled.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListStoriesParams {
    /// Keywords, at most 256 characters and 32 words (each word of a phrase counts; `OR`
    /// does not): every word must match (English stems and accents folded: `trafficked`
    /// finds `trafficking`, `Turk` finds `Türk`); `"exact phrase"`; `-excluded` (a word or a
    /// `-"phrase"`); `OR` between alternatives. Nothing else is syntax: `title:`, `*`, `[a TO
    /// z]`, `^`, `~`, `+`, parentheses, `AND` and `NOT` are read as text. Results then carry
    /// `highlight`.
    #[param(max_length = 256, example = "\"universal jurisdiction\"")]
    q: Option<String>,
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
    /// `newest` (default without `q`), `oldest` or `relevance` (default with `q`, which it
    /// needs). Undated stories count as the oldest.
    #[param(example = "newest")]
    sort: Option<String>,
    /// Page size, 1 to 100; default 20.
    #[param(minimum = 1, maximum = 100, example = 20)]
    limit: Option<u32>,
    /// How many matching stories to skip, 0 to 10,000,000; default 0.
    #[param(minimum = 0, maximum = 10_000_000, example = 0)]
    offset: Option<u64>,
    /// Facets to count over all matches: `country`, `theme`, `source`, `year`, comma-separated
    /// (`facets=country,year`) or repeated (`facets=country&facets=year`).
    #[param(example = "country,theme,year")]
    facets: Option<String>,
    /// Harvesting: stories changed at or after this RFC 3339 time, ordered by change
    /// (`updated_at`, then `id`), oldest first; the answer carries `cursor`. Not with
    /// `q`, `facets`, `sort` or `offset`. Pages reach changes made more than 2 seconds ago.
    /// `total` is how many stories were left when the walk began here, less those passed
    /// since (counted once, not on every page).
    #[param(example = "2026-11-30T00:00:00Z")]
    updated_since: Option<String>,
    /// Harvesting: the `cursor` of the last answer (opaque), to go on from there without
    /// skipping or repeating a story, while stories are added; give the same filters again.
    /// An empty page's `cursor` is where to ask again later.
    cursor: Option<String>,
    /// The story fields to return, comma-separated (`fields=title,slug,date`) or repeated;
    /// `id` always comes. The fields are the keys of a story: `id`, `slug`, `title`, `theme`,
    /// `byline`, `date`, `date_precision`, `summary`, `body`, `updates`, `countries`,
    /// `links`, `related_url`, `created_at`, `updated_at`, `highlight`. Items then hold
    /// only those keys (`StoryFields`).
    #[param(example = "title,slug,date,countries")]
    fields: Option<Vec<String>>,
}

/// List and search published stories: keywords, country, theme, source and date filters,
/// facet counts, newest first or by relevance.
#[utoipa::path(
    tag = "stories",
    params(ListStoriesParams),
    responses(
        (status = 200, description = "A page of stories: whole, or with `fields` only the keys chosen",
            body = StoryPage),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 400, description = "A parameter is invalid or unknown; `errors` names it",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search index is still being built (only with `q` or `facets`)",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stories")]
pub async fn list_stories(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let q = ListStoriesQuery::parse(req.query_string()).map_err(AppError::invalid)?;
    if q.harvesting() {
        // A harvest page depends on the clock (it reaches changes 2 s old): never cached.
        let reader = reading::Reader::new(&state);
        let page = crate::app::block(move || reading::stories::list_fields(&reader, &q)).await??;
        return Ok(HttpResponse::Ok().json(page));
    }
    list_plan(q).respond(&req, &state).await
}

/// The read of a page of stories (not a harvest page: those depend on the clock).
pub fn list_plan(q: ListStoriesQuery) -> Planned {
    Planned::json("stories", q.to_query_string(), Depends::Stories, move |r| {
        reading::stories::list_fields(r, &q)
    })
}

/// One published story, whole, by numeric id or slug.
#[utoipa::path(
    tag = "stories",
    params(("id_or_slug" = String, Path, description = "The story's id or slug",
        example = "hundreds-of-thousands-trafficked-to-work-as-online-scammers-in-south-east-asia")),
    responses(
        (status = 200, description = "The story", body = Story),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 404, description = "No published story has this id or slug",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stories/{id_or_slug}")]
pub async fn get_story(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    story_plan(path.into_inner()).respond(&req, &state).await
}

/// The read of one published story by id or slug.
pub fn story_plan(id_or_slug: String) -> Planned {
    Planned::json("story", id_or_slug.clone(), Depends::Stories, move |r| {
        reading::stories::get(r, &id_or_slug)
    })
}
