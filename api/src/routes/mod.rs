//! HTTP handlers, one file per area, each with its `#[utoipa::path]`. Handlers are thin:
//! parse, call `db`, map to `shared` types; they never build SQL or format errors by hand.

pub mod contributions;
pub mod health;
pub mod stories;
pub mod taxonomy;

use utoipa_actix_web::service_config::ServiceConfig;

/// Everything under `/api/v1`. Registered with `.service()` so utoipa collects each route.
pub fn api_v1(cfg: &mut ServiceConfig) {
    cfg.service(stories::list_stories)
        .service(stories::get_story)
        .service(taxonomy::list_themes)
        .service(taxonomy::list_countries)
        .service(taxonomy::list_sources)
        .service(taxonomy::get_source)
        .service(contributions::create_submission)
        .service(contributions::sign_guestbook)
        .service(contributions::list_guestbook);
}
