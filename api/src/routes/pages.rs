//! The reader's pages as HTML: every path outside `/api`, `/admin` and the app's files is a
//! reader's page, rendered here by the web crate's Leptos components
//! (`peoples_stories_web::ssr::render`); its islands (the forms) are hydrated in the browser
//! by the same components.
//!
//! A page reads its data the way the app does in the browser, by API path
//! (`/api/v1/stories?theme=justice`), but in process: [`ApiReads`] answers each path with the
//! entry the API's handler would send, through the same plans (`routes::stories::list_plan`,
//! …) and the same response cache. The finished page is cached too, keyed by its address and
//! the data's versions; a page that does not exist answers 404 and is not kept.

use std::sync::Arc;

use actix_web::http::header::HeaderValue;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use peoples_stories_shared::ListStoriesQuery;
use peoples_stories_web::ssr::{self, PageRequest, ReadFuture, Reads};

use crate::cache::{public_page, Entry, Planned};
use crate::error::{AppError, AppResult};
use crate::routes::site::public_origin;
use crate::routes::{contributions, stories, taxonomy};
use crate::state::AppState;

/// The app build's version (the `v=` of its asset URLs), for the pages' links to it.
#[derive(Clone)]
pub struct AssetVersion(pub Option<String>);

/// Renders the reader's page at the request's path.
pub async fn page(
    req: HttpRequest,
    state: web::Data<AppState>,
    version: web::Data<AssetVersion>,
) -> AppResult<HttpResponse> {
    let origin = public_origin(&req, &state)?;
    let path_and_query = match req.query_string() {
        "" => req.path().to_string(),
        q => format!("{}?{q}", req.path()),
    };
    // The origin is in the page (canonical and Open Graph URLs): part of the key.
    let key = format!("{origin}{path_and_query}");
    // What a render needs is made only on a miss: a hit answers from the key alone.
    let reads_state = state.clone();
    public_page(&req, &state, key, || async move {
        let reads: Arc<dyn Reads> = Arc::new(ApiReads { state: reads_state });
        let request = PageRequest {
            path_and_query,
            origin,
            asset_version: version.0.clone(),
        };
        let rendered = ssr::render(request, reads).await;
        let csp = HeaderValue::from_str(&crate::app::page_csp(&rendered.inline_scripts))
            .map_err(|e| AppError::Internal(e.into()))?;
        let status = StatusCode::from_u16(rendered.status).unwrap_or(StatusCode::OK);
        let entry = Entry::bytes(rendered.html.into_bytes(), "text/html; charset=utf-8", None)?
            .with_csp(csp);
        Ok((entry, status))
    })
    .await
}

/// The API's public reads, in process, for the pages.
struct ApiReads {
    state: web::Data<AppState>,
}

impl Reads for ApiReads {
    fn get(&self, path_and_query: &str) -> ReadFuture {
        let (path, query) = path_and_query
            .split_once('?')
            .unwrap_or((path_and_query, ""));
        let planned = plan(path, query);
        let state = self.state.clone();
        Box::pin(async move {
            let entry = planned
                .map_err(|e| e.problem())?
                .entry(&state)
                .await
                .map_err(|e| e.problem())?;
            String::from_utf8(entry.identity().to_vec())
                .map_err(|e| AppError::Internal(e.into()).problem())
        })
    }
}

/// The plan of the public read at an API path: the same function its handler uses. Only the
/// reads the pages make are here; any other path is a 404 problem.
fn plan(path: &str, query: &str) -> AppResult<Planned> {
    let segments: Vec<String> = path
        .strip_prefix("/api/v1/")
        .unwrap_or("")
        .split('/')
        .map(|s| {
            percent_encoding::percent_decode_str(s)
                .decode_utf8_lossy()
                .into_owned()
        })
        .collect();
    match segments.iter().map(String::as_str).collect::<Vec<_>>()[..] {
        ["stories"] => {
            let q = ListStoriesQuery::parse(query).map_err(AppError::invalid)?;
            if q.harvesting() {
                return Err(AppError::field(
                    "updated_since",
                    "pages do not harvest (use the API)",
                ));
            }
            Ok(stories::list_plan(q))
        }
        ["stories", id_or_slug] => Ok(stories::story_plan(id_or_slug.to_string())),
        ["themes"] => taxonomy::no_parameters(query).map(|()| taxonomy::themes_plan()),
        ["countries"] => taxonomy::countries_plan(query),
        ["sources"] => taxonomy::no_parameters(query).map(|()| taxonomy::sources_plan()),
        ["sources", id_or_slug] => Ok(taxonomy::source_plan(id_or_slug.to_string())),
        ["guestbook"] => contributions::guestbook_plan(query),
        _ => Err(AppError::NotFound(format!(
            "no public read at {path} for a page"
        ))),
    }
}
