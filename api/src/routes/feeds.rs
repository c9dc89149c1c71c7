//! `GET /feeds/stories.atom` and `GET /feeds/stories.rss`: the newest stories, of the whole
//! site or of any filter the story list takes, for feed readers.

use actix_web::{get, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{FieldError, ListStoriesQuery, Problem};
use utoipa::IntoParams;

use crate::cache::{public_read_entry, Depends, Entry};
use crate::error::{AppError, AppResult};
use crate::reading::syndication::{self, FEED_ENTRIES};
use crate::routes::site::public_origin;
use crate::state::AppState;
use crate::syndication::feed::{self, FeedMeta, SITE_NAME};

pub const ATOM_TYPE: &str = "application/atom+xml; charset=utf-8";
pub const RSS_TYPE: &str = "application/rss+xml; charset=utf-8";

/// The filters of a feed: those of `GET /api/v1/stories`, without its paging, order and
/// facets (a feed is always the 30 newest).
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct FeedParams {
    /// Keywords, as `GET /api/v1/stories` reads them (at most 256 characters, 32 words).
    #[param(max_length = 256, example = "scam")]
    q: Option<String>,
    /// ISO alpha-2 code or a country's name or alias; repeatable, any of them.
    #[param(example = "KH")]
    country: Option<Vec<String>>,
    /// Theme slug (`justice`, `freedom`, `peace`, `democracy`, `well-being`); repeatable.
    #[param(example = "justice")]
    theme: Option<Vec<String>>,
    /// Source id or slug; repeatable.
    source: Option<Vec<String>>,
    /// Stories dated on or after: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    from: Option<String>,
    /// Stories dated on or before: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    to: Option<String>,
}

/// The feed's filters: the story list's parameters, refusing (by name) the ones a feed
/// decides itself. The result keeps the list's defaults for those, so its query string holds
/// the filters alone.
fn feed_query(query: &str) -> AppResult<ListStoriesQuery> {
    let mut errors: Vec<FieldError> = Vec::new();
    for (key, _) in form_urlencoded::parse(query.as_bytes()) {
        let key = key.as_ref();
        if matches!(key, "sort" | "limit" | "offset" | "facets")
            && !errors.iter().any(|e| e.field == key)
        {
            errors.push(FieldError::new(
                key,
                format!(
                    "a feed holds the {FEED_ENTRIES} newest stories: `{key}` is not one of its \
                     parameters (q, country, theme, source, from, to)"
                ),
            ));
        }
    }
    match ListStoriesQuery::parse(query) {
        Ok(q) if errors.is_empty() => Ok(q),
        Ok(_) => Err(AppError::invalid(errors)),
        Err(more) => {
            errors.extend(
                more.into_iter().filter(|e| {
                    !matches!(e.field.as_str(), "sort" | "limit" | "offset" | "facets")
                }),
            );
            Err(AppError::invalid(errors))
        }
    }
}

#[derive(Clone, Copy)]
enum Format {
    Atom,
    Rss,
}

async fn serve(
    state: web::Data<AppState>,
    req: HttpRequest,
    format: Format,
) -> AppResult<HttpResponse> {
    let q = feed_query(req.query_string())?;
    let origin = public_origin(&req, &state)?;
    // The filters alone, as the app's Follow links write them (`ListStoriesQuery::feed_href`).
    let filters = q.filters_only().to_query_string();
    let with = |path: &str| {
        if filters.is_empty() {
            format!("{origin}{path}")
        } else {
            format!("{origin}{path}?{filters}")
        }
    };
    let atom_url = with("/feeds/stories.atom");
    let rss_url = with("/feeds/stories.rss");
    // The reader's page of the same stories: a theme's page, the home page, else a search.
    let page_url = match (
        &q.theme[..],
        q.q.is_none()
            && q.country.is_empty()
            && q.source.is_empty()
            && q.from.is_none()
            && q.to.is_none(),
    ) {
        ([], true) => format!("{origin}/"),
        ([theme], true) => format!(
            "{origin}/{}",
            crate::syndication::segment(&theme.trim().to_lowercase())
        ),
        _ => with("/search"),
    };
    let (route, content_type) = match format {
        Format::Atom => ("feed-atom", ATOM_TYPE),
        Format::Rss => ("feed-rss", RSS_TYPE),
    };
    // The origin is part of the key: with none configured it is the request's host. Keyed by
    // the sources too, as their names are in titles and entries.
    let key = format!("{origin} {filters}");
    public_read_entry(&req, &state, route, key, Depends::Sources, move |r| {
        let found = syndication::feed(r, &q)?;
        let title = if found.labels.is_empty() {
            SITE_NAME.to_string()
        } else {
            format!("{SITE_NAME} — {}", found.labels.join(", "))
        };
        let meta = FeedMeta {
            title,
            origin,
            atom_url,
            rss_url,
            page_url,
            theme_names: found.theme_names,
        };
        let body = match format {
            Format::Atom => feed::atom(&meta, &found.stories)?,
            Format::Rss => feed::rss(&meta, &found.stories)?,
        };
        let last = found.stories.iter().map(|s| s.updated_at).max();
        Entry::bytes(body, content_type, last)
    })
    .await
}

/// An Atom 1.0 feed of the 30 newest published stories, of the whole site or of the
/// filters given (as `GET /api/v1/stories` takes them): each entry the story whole as HTML,
/// its id a URL built from the story's id, so it never changes.
#[utoipa::path(
    tag = "feeds",
    params(FeedParams),
    responses(
        (status = 200, description = "The feed", body = String,
            content_type = "application/atom+xml; charset=utf-8"),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 400, description = "A parameter is invalid or unknown; `errors` names it",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search index is still being built (only with `q`)",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/stories.atom")]
pub async fn atom_feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    serve(state, req, Format::Atom).await
}

/// An RSS 2.0 feed of the 30 newest published stories, of the whole site or of the filters
/// given; each item's `content:encoded` is the story whole as HTML, its byline `dc:creator`.
#[utoipa::path(
    tag = "feeds",
    params(FeedParams),
    responses(
        (status = 200, description = "The feed", body = String,
            content_type = "application/rss+xml; charset=utf-8"),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 400, description = "A parameter is invalid or unknown; `errors` names it",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search index is still being built (only with `q`)",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/feeds/stories.rss")]
pub async fn rss_feed(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    serve(state, req, Format::Rss).await
}
