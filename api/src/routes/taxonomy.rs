//! Themes, countries and sources.

use actix_web::{get, web};
use peoples_stories_shared::{Country, Problem, Source, Theme};

use crate::db::{sources, taxonomy};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// The five themes, in display order, with their fact files and published story counts.
#[utoipa::path(
    tag = "taxonomy",
    responses((status = 200, description = "The themes", body = Vec<Theme>))
)]
#[get("/themes")]
pub async fn list_themes(state: web::Data<AppState>) -> AppResult<web::Json<Vec<Theme>>> {
    let pool = state.pool.clone();
    let themes = web::block(move || -> AppResult<_> {
        Ok(taxonomy::list_themes(&mut *pool.get()?)?)
    })
    .await??;
    Ok(web::Json(themes))
}

/// Every ISO 3166-1 country, by name, with its UN region, aliases and published story count.
#[utoipa::path(
    tag = "taxonomy",
    responses((status = 200, description = "The countries", body = Vec<Country>))
)]
#[get("/countries")]
pub async fn list_countries(state: web::Data<AppState>) -> AppResult<web::Json<Vec<Country>>> {
    let pool = state.pool.clone();
    let countries = web::block(move || -> AppResult<_> {
        Ok(taxonomy::list_countries(&mut *pool.get()?)?)
    })
    .await??;
    Ok(web::Json(countries))
}

/// Every source (publisher), by name, with its published story count.
#[utoipa::path(
    tag = "taxonomy",
    responses((status = 200, description = "The sources", body = Vec<Source>))
)]
#[get("/sources")]
pub async fn list_sources(state: web::Data<AppState>) -> AppResult<web::Json<Vec<Source>>> {
    let pool = state.pool.clone();
    let list = web::block(move || -> AppResult<_> { Ok(sources::list(&mut *pool.get()?)?) })
        .await??;
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
    let pool = state.pool.clone();
    let lookup = key.clone();
    let found = web::block(move || -> AppResult<_> {
        Ok(sources::find(&mut *pool.get()?, &lookup)?)
    })
    .await??;
    found
        .map(web::Json)
        .ok_or_else(|| AppError::NotFound(format!("no source has the id or slug '{key}'")))
}
