//! HTTP handlers, one file per area, each with its `#[utoipa::path]`. Handlers are thin:
//! parse, call `db` or `moderation`, map to `shared` types; they never build SQL or format
//! errors by hand.
//!
//! Handlers that need a role take the `Moderator` or `Admin` guard as their first argument
//! and declare `security(...)` with that role as scope; a test walks the OpenAPI document
//! and checks every such route refuses callers without the role or without CSRF proof.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod contributions;
pub mod export;
pub mod feeds;
pub mod health;
pub mod manage;
pub mod pages;
pub mod queue;
pub mod site;
pub mod stories;
pub mod taxonomy;
pub mod writes;

use actix_web::HttpRequest;
use serde::de::DeserializeOwned;
use utoipa_actix_web::service_config::ServiceConfig;

use crate::error::AppResult;

/// Everything under `/api/v1`. Registered with `.service()` so utoipa collects each route.
pub fn api_v1(cfg: &mut ServiceConfig) {
    cfg.service(stories::list_stories)
        // Before `/stories/{id_or_slug}`, which would take their names as slugs.
        .service(export::export_stories)
        .service(export::list_tombstones)
        .service(stories::get_story)
        .service(writes::create_story)
        .service(writes::import_stories)
        .service(writes::update_story)
        .service(writes::delete_story)
        .service(writes::add_story_update)
        .service(manage::list_managed_stories)
        .service(manage::get_managed_story)
        .service(taxonomy::list_themes)
        .service(taxonomy::list_countries)
        .service(taxonomy::list_sources)
        .service(taxonomy::get_source)
        .service(writes::create_source)
        .service(writes::update_source)
        .service(auth::login)
        .service(auth::logout)
        .service(auth::me)
        .service(accounts::list_users)
        .service(accounts::create_user)
        .service(accounts::disable_user)
        .service(accounts::list_tokens)
        .service(accounts::create_token)
        .service(accounts::revoke_token)
        .service(audit::list_audit)
        .service(contributions::create_submission)
        .service(contributions::sign_guestbook)
        .service(contributions::list_guestbook)
        .service(queue::list_submissions)
        .service(queue::get_submission)
        .service(queue::update_submission)
        .service(queue::approve_submission)
        .service(queue::reject_submission)
        .service(queue::list_guestbook_by_status)
        .service(queue::bulk_guestbook)
        .service(queue::update_guestbook_entry)
        .service(queue::delete_guestbook_entry);
}

/// Largest body a moderator's request may carry: a story at its longest (20,000 characters),
/// with its updates and links, fits many times over. Larger bodies get a 413 problem.
pub const MODERATION_LIMIT: usize = 512 * 1024;

/// Reads a JSON request body. Handlers take the body as bytes (`BodyBytes`) and read it after
/// their role guard, so callers without the right are refused before their body is looked at.
pub fn json_body<T: DeserializeOwned>(req: &HttpRequest, body: &[u8]) -> AppResult<T> {
    crate::extract::check_media_type(req)?;
    crate::extract::parse_json(body)
}
