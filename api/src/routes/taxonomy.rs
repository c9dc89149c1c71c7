//! Themes, countries and sources, answered through the response cache.

use actix_web::{get, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{Country, Problem, Source, Theme};
use utoipa::IntoParams;

use crate::cache::{Depends, Planned};
use crate::error::{AppError, AppResult};
use crate::reading::taxonomy;
use crate::state::AppState;

/// The five themes, in display order, with their fact files and published story counts.
#[utoipa::path(
    tag = "taxonomy",
    responses(
        (status = 200, description = "The themes", body = Vec<Theme>),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 400, description = "A parameter was given: this list takes none",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/themes")]
pub async fn list_themes(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    no_parameters(req.query_string())?;
    themes_plan().respond(&req, &state).await
}

/// The read of the themes with their counts.
pub fn themes_plan() -> Planned {
    Planned::json("themes", String::new(), Depends::Stories, taxonomy::themes)
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
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 400, description = "An unknown parameter",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/countries")]
pub async fn list_countries(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    countries_plan(req.query_string())?
        .respond(&req, &state)
        .await
}

/// The read of the countries (type-ahead) a query string asks for.
pub fn countries_plan(query_string: &str) -> AppResult<Planned> {
    let q = taxonomy::countries_query(query_string)?;
    let key = q.clone().unwrap_or_default();
    Ok(Planned::json(
        "countries",
        key,
        Depends::Stories,
        move |r| taxonomy::countries(r, q.as_deref()),
    ))
}

/// Every source (publisher), by name, with its published story count.
#[utoipa::path(
    tag = "taxonomy",
    responses(
        (status = 200, description = "The sources", body = Vec<Source>),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 400, description = "A parameter was given: this list takes none",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sources")]
pub async fn list_sources(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    no_parameters(req.query_string())?;
    sources_plan().respond(&req, &state).await
}

/// The read of every source with its story count.
pub fn sources_plan() -> Planned {
    Planned::json(
        "sources",
        String::new(),
        Depends::Sources,
        taxonomy::sources,
    )
}

/// One source by numeric id or slug.
#[utoipa::path(
    tag = "taxonomy",
    params(("id_or_slug" = String, Path, description = "The source's id or slug", example = "amnesty")),
    responses(
        (status = 200, description = "The source", body = Source),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 404, description = "No source has this id or slug",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/sources/{id_or_slug}")]
pub async fn get_source(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    source_plan(path.into_inner()).respond(&req, &state).await
}

/// The read of one source by id or slug.
pub fn source_plan(id_or_slug: String) -> Planned {
    Planned::json("source", id_or_slug.clone(), Depends::Sources, move |r| {
        taxonomy::source(r, &id_or_slug)
    })
}

/// Refuses any query parameter, naming it, for lists that take none.
/// Refuses any parameter (a read that takes none).
pub fn no_parameters(query_string: &str) -> AppResult<()> {
    let mut reader = peoples_stories_shared::QueryReader::new(&[], &[]);
    reader.pairs(query_string);
    reader.finish(()).map_err(AppError::invalid)
}
