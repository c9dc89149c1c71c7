//! Themes, countries and sources, answered through the response cache.

use actix_web::{get, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{Country, Problem, Source, Theme};
use utoipa::IntoParams;

use crate::cache::{public_read, Depends};
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
    no_parameters(&req)?;
    public_read(
        &req,
        &state,
        "themes",
        String::new(),
        Depends::Stories,
        taxonomy::themes,
    )
    .await
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
    let q = taxonomy::countries_query(req.query_string())?;
    let key = q.clone().unwrap_or_default();
    public_read(&req, &state, "countries", key, Depends::Stories, move |r| {
        taxonomy::countries(r, q.as_deref())
    })
    .await
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
    no_parameters(&req)?;
    public_read(
        &req,
        &state,
        "sources",
        String::new(),
        Depends::Sources,
        taxonomy::sources,
    )
    .await
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
    let key = path.into_inner();
    public_read(
        &req,
        &state,
        "source",
        key.clone(),
        Depends::Sources,
        move |r| taxonomy::source(r, &key),
    )
    .await
}

/// Refuses any query parameter, naming it, for lists that take none.
fn no_parameters(req: &HttpRequest) -> AppResult<()> {
    let mut reader = peoples_stories_shared::QueryReader::new(&[], &[]);
    reader.pairs(req.query_string());
    reader.finish(()).map_err(AppError::invalid)
}
