//! Themes, countries and sources.

use std::collections::HashMap;

use actix_web::{get, web, HttpRequest};
use peoples_stories_shared::{Country, FieldError, Problem, Source, Theme};
use utoipa::IntoParams;

use crate::countries::fold;

use crate::db::{sources, taxonomy, DbConn};
use crate::error::{AppError, AppResult};
use crate::search::Facet;
use crate::state::AppState;

/// Runs `read` on a pooled connection with the published story counts per value of `facet`
/// from the search index, which follows the database within a second (`None` while the index
/// is first being built: `read` counts in the database, which takes seconds at a million
/// stories). Counts shown beside names may lag a second; falling back to the database
/// whenever another node had just written would make them take seconds instead.
async fn with_counts<T, F>(state: &AppState, facet: Facet, read: F) -> AppResult<T>
where
    T: Send + 'static,
    F: FnOnce(&mut DbConn, Option<&HashMap<String, u64>>) -> diesel::QueryResult<T>
        + Send
        + 'static,
{
    let pool = state.pool.clone();
    let search = state.search.clone();
    web::block(move || -> AppResult<T> {
        let mut conn = pool.get()?;
        let counts = search.published_counts(facet)?;
        Ok(read(&mut conn, counts.as_ref())?)
    })
    .await?
}

/// The five themes, in display order, with their fact files and published story counts.
#[utoipa::path(
    tag = "taxonomy",
    responses((status = 200, description = "The themes", body = Vec<Theme>))
)]
#[get("/themes")]
pub async fn list_themes(state: web::Data<AppState>) -> AppResult<web::Json<Vec<Theme>>> {
    let themes = with_counts(&state, Facet::Theme, |conn, counts| {
        taxonomy::list_themes(conn, counts)
    })
    .await?;
    Ok(web::Json(themes))
}

/// The query parameters of `GET /api/v1/countries`.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ListCountriesParams {
    /// Type-ahead: countries whose name or an alias starts with (or contains) this text,
    /// ignoring case and accents; names that start with it come first.
    #[param(example = "cam")]
    q: Option<String>,
}

/// Every ISO 3166-1 country, by name, with its UN region, aliases and published story count;
/// with `q`, those matching it, for a country picker.
#[utoipa::path(
    tag = "taxonomy",
    params(ListCountriesParams),
    responses(
        (status = 200, description = "The countries", body = Vec<Country>),
        (status = 400, description = "An unknown parameter",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/countries")]
pub async fn list_countries(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<web::Json<Vec<Country>>> {
    let mut q: Option<String> = None;
    for (key, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        match key.as_ref() {
            "q" => q = Some(fold(&value)),
            other => {
                return Err(AppError::invalid(vec![FieldError::new(
                    other,
                    format!("unknown parameter '{other}': the only parameter is q"),
                )]))
            }
        }
    }
    let countries = with_counts(&state, Facet::Country, |conn, counts| {
        taxonomy::list_countries(conn, counts)
    })
    .await?;
    let Some(q) = q.filter(|q| !q.is_empty()) else {
        return Ok(web::Json(countries));
    };
    // Rank: the name starts with it, an alias starts with it, a word starts with it, contains.
    let rank = |c: &Country| -> Option<u8> {
        let names = std::iter::once(&c.name)
            .chain(c.aliases.iter())
            .map(|n| fold(n));
        let mut best: Option<u8> = None;
        for (i, n) in names.enumerate() {
            let r = if n.starts_with(&q) {
                if i == 0 {
                    0
                } else {
                    1
                }
            } else if n.split(' ').any(|w| w.starts_with(&q)) {
                2
            } else if n.contains(&q) {
                3
            } else {
                continue;
            };
            best = Some(best.map_or(r, |b| b.min(r)));
        }
        if c.code.eq_ignore_ascii_case(&q) {
            best = Some(0);
        }
        best
    };
    let mut matched: Vec<(u8, Country)> = countries
        .into_iter()
        .filter_map(|c| rank(&c).map(|r| (r, c)))
        .collect();
    matched.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(web::Json(matched.into_iter().map(|(_, c)| c).collect()))
}

/// Every source (publisher), by name, with its published story count.
#[utoipa::path(
    tag = "taxonomy",
    responses((status = 200, description = "The sources", body = Vec<Source>))
)]
#[get("/sources")]
pub async fn list_sources(state: web::Data<AppState>) -> AppResult<web::Json<Vec<Source>>> {
    let list = with_counts(&state, Facet::Source, sources::list).await?;
    Ok(web::Json(list))
}

/// One source by numeric id or slug.
#[utoipa::path(
    tag = "taxonomy",
    params(("id_or_slug" = String, Path, description = "The source's id or slug", example = "amnesty")),
    responses(
        (status = 200, description = "The source", body = Source),
        (status = 404, description = "No source has this id or slug",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sources/{id_or_slug}")]
pub async fn get_source(
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<web::Json<Source>> {
    let key = path.into_inner();
    let lookup = key.clone();
    let found = with_counts(&state, Facet::Source, move |conn, counts| {
        sources::find(conn, &lookup, counts)
    })
    .await?;
    found
        .map(web::Json)
        .ok_or_else(|| AppError::NotFound(format!("no source has the id or slug '{key}'")))
}
