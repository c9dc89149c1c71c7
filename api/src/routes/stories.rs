//! `GET /api/v1/stories` and `GET /api/v1/stories/{id_or_slug}`.

use actix_web::{get, web, HttpRequest, HttpResponse};
use std::collections::{BTreeMap, HashMap};

use peoples_stories_shared::{
    Facet, FieldError, ListStoriesQuery, Problem, SortOrder, Story, StoryPage,
};
use utoipa::IntoParams;

use crate::countries::Catalog;
use crate::db::stories::{self, StoryFilter};
use crate::db::{changes, sources, taxonomy};
use crate::error::{AppError, AppResult};
use crate::search::{SearchRequest, SearchSort};
use crate::state::AppState;

/// The query parameters of `GET /api/v1/stories`, described for OpenAPI. Parsing happens in
/// `ListStoriesQuery::parse` (shared), so repeated parameters and unknown names are handled.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListStoriesParams {
    /// Keywords, at most 500 characters: every word must match (English stems and accents
    /// folded: `trafficked` finds `trafficking`, `Turk` finds `Türk`); `"exact phrase"`;
    /// `-excluded`; `OR` between alternatives. Results then carry `highlight`.
    #[param(example = "\"universal jurisdiction\"")]
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
    /// How many matching stories to skip; default 0.
    #[param(minimum = 0, example = 0)]
    offset: Option<u64>,
    /// Facets to count over all matches, comma-separated: `country`, `theme`, `source`, `year`.
    #[param(example = "country,theme,year")]
    facets: Option<String>,
}

/// Resolves the names in a parsed query to database ids, naming every unknown value.
fn resolve_filter(
    conn: &mut crate::db::DbConn,
    themes: &[taxonomy::ThemeRow],
    q: &ListStoriesQuery,
) -> AppResult<StoryFilter> {
    let mut errors = Vec::new();
    let mut filter = StoryFilter {
        from_key: q.from.map(|d| d.first_day_key()),
        to_key: q.to.map(|d| d.last_day_key()),
        ..Default::default()
    };

    if !q.theme.is_empty() {
        for slug in &q.theme {
            if let Some(id) = taxonomy::resolve_theme(themes, slug, &mut errors) {
                filter.theme_ids.push(id);
            }
        }
    }

    filter.country_codes =
        Catalog::get().resolve_all(&q.country, |_| "country".to_string(), &mut errors);

    if !q.source.is_empty() {
        for (key, row) in q.source.iter().zip(sources::find_rows(conn, &q.source)?) {
            match row {
                Some(r) => filter.source_ids.push(r.id),
                None => errors.push(FieldError::new(
                    "source",
                    format!(
                        "unknown source '{key}': use a source's id or slug from /api/v1/sources"
                    ),
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

/// List and search published stories: keywords, country, theme, source and date filters,
/// facet counts, newest first or by relevance.
#[utoipa::path(
    tag = "stories",
    params(ListStoriesParams),
    responses(
        (status = 200, description = "A page of stories", body = StoryPage),
        (status = 400, description = "A parameter is invalid or unknown; `errors` names it",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search index is still being built (only with `q` or `facets`)",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stories")]
pub async fn list_stories(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let q = ListStoriesQuery::parse(req.query_string()).map_err(AppError::invalid)?;
    if let Some(text) = &q.q {
        if !text.chars().any(char::is_alphanumeric) {
            return Err(AppError::field(
                "q",
                format!(
                    "'{text}' has no words to search for: use words, \"a phrase\", -excluded or OR"
                ),
            ));
        }
    }
    let use_index = q.q.is_some() || !q.facets.is_empty();
    if use_index && !state.search.is_ready() {
        return Err(AppError::Unavailable(
            "the search index is being built; try again in a minute".into(),
        ));
    }
    let pool = state.pool.clone();
    let search = state.search.clone();
    let query = q.clone();
    let (items, total, facets) = web::block(move || -> AppResult<_> {
        let mut conn = pool.get()?;
        let themes = taxonomy::theme_rows(&mut conn)?;
        let filter = resolve_filter(&mut conn, &themes, &query)?;
        let request = SearchRequest {
            q: query.q.clone(),
            country_codes: filter.country_codes.clone(),
            themes: themes
                .iter()
                .filter(|t| filter.theme_ids.contains(&t.id))
                .map(|t| t.slug.clone())
                .collect(),
            source_ids: filter.source_ids.clone(),
            from_key: filter.from_key,
            to_key: filter.to_key,
            sort: match query.effective_sort() {
                SortOrder::Newest => SearchSort::Newest,
                SortOrder::Oldest => SearchSort::Oldest,
                SortOrder::Relevance => SearchSort::Relevance,
            },
            limit: query.limit as usize,
            offset: query.offset as usize,
            facets: query.facets.clone(),
        };
        if !use_index {
            // Counting in the database walks every match; the index counts in a millisecond,
            // and its count is exact when it has applied every change the database holds.
            let exact = match search.exact_seq() {
                Some(seq) => seq == changes::latest(&mut conn)?,
                None => false,
            };
            if exact && stories::index_pages_faster(&filter) {
                // Stories citing a source, or of several countries: the database would sort
                // every match (a second at a million stories); the index, in the database's
                // order, takes milliseconds. Only while it reflects every change.
                let found = search.search(&request)?;
                let items = stories::whole_in_order(&mut conn, &found.ids)?;
                return Ok((items, found.total as i64, BTreeMap::new()));
            }
            let known_total = if exact {
                Some(search.count(&request)? as i64)
            } else {
                None
            };
            let (items, total) = stories::list(
                &mut conn,
                &filter,
                query.effective_sort(),
                query.limit,
                query.offset,
                known_total,
            )?;
            return Ok((items, total, BTreeMap::new()));
        }
        let found = search.search(&request)?;
        let mut whole: HashMap<i64, Story> = stories::load_whole(&mut conn, &found.ids)?
            .into_iter()
            .map(|s| (s.id, s))
            .collect();
        // A story deleted since the index last caught up is left out rather than failing.
        let items: Vec<Story> = found
            .ids
            .iter()
            .filter_map(|id| whole.remove(id))
            .map(|mut s| {
                s.highlight = found.highlighter.as_ref().map(|h| h.highlight(&s));
                s
            })
            .collect();
        let facets = label_facets(&mut conn, &themes, found.facets)?;
        Ok((items, found.total as i64, facets))
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
        facets,
    }))
}

/// Gives facet values the labels people read: country and theme names, source names.
fn label_facets(
    conn: &mut crate::db::DbConn,
    themes: &[taxonomy::ThemeRow],
    raw: BTreeMap<String, Vec<(String, u64)>>,
) -> AppResult<BTreeMap<String, Vec<Facet>>> {
    let mut out = BTreeMap::new();
    for (name, values) in raw {
        let source_names: HashMap<String, String> = if name == "source" {
            let keys: Vec<String> = values.iter().map(|(v, _)| v.clone()).collect();
            sources::find_rows(conn, &keys)?
                .into_iter()
                .flatten()
                .map(|r| (r.id.to_string(), r.name))
                .collect()
        } else {
            HashMap::new()
        };
        let facets = values
            .into_iter()
            .map(|(value, count)| {
                let label = match name.as_str() {
                    "country" => Catalog::get()
                        .by_code(&value)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| value.clone()),
                    "theme" => themes
                        .iter()
                        .find(|t| t.slug == value)
                        .map(|t| t.name.clone())
                        .unwrap_or_else(|| value.clone()),
                    "source" => source_names
                        .get(&value)
                        .cloned()
                        .unwrap_or_else(|| value.clone()),
                    _ => value.clone(),
                };
                Facet {
                    value,
                    label,
                    count: count as i64,
                }
            })
            .collect();
        out.insert(name, facets);
    }
    Ok(out)
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
