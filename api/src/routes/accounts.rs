//! Accounts and API tokens, for admins: `/api/v1/users`, `/api/v1/tokens`.

use actix_web::{delete, get, post, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{
    ApiToken, CreateApiToken, CreateModerator, Moderator, NewApiToken, Problem,
};

use super::json_body;
use crate::auth::Admin;
use crate::error::AppResult;
use crate::extract::BodyBytes;
use crate::moderation::accounts;
use crate::routes::MODERATION_LIMIT;
use crate::state::AppState;

/// Every moderator and admin account.
#[utoipa::path(
    tag = "accounts",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The accounts, by username", body = Vec<Moderator>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/users")]
pub async fn list_users(
    _who: Admin,
    state: web::Data<AppState>,
) -> AppResult<web::Json<Vec<Moderator>>> {
    let pool = state.pool.clone();
    let users = crate::app::block(move || accounts::list_users(&mut *pool.get()?)).await??;
    Ok(web::Json(users))
}

/// Make an account.
#[utoipa::path(
    tag = "accounts",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    request_body = CreateModerator,
    responses(
        (status = 201, description = "The account", body = Moderator),
        (status = 422, description = "A field is invalid; `errors` names each", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The username is taken", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users")]
pub async fn create_user(
    who: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<HttpResponse> {
    let input: CreateModerator = json_body(&req, &body.0)?;
    let pool = state.pool.clone();
    let actor = who.0.actor();
    let user = crate::app::block(move || {
        accounts::create_user(
            &mut *pool.get()?,
            actor,
            &input.username,
            &input.password,
            input.role,
        )
    })
    .await??;
    Ok(HttpResponse::Created().json(user))
}

/// Disable an account: it can no longer log in, and its sessions and API tokens end at once.
#[utoipa::path(
    tag = "accounts",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    params(("username" = String, Path, description = "The account's username")),
    responses(
        (status = 200, description = "The disabled account", body = Moderator),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such account", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "The last active admin: add another admin first",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/users/{username}/disable")]
pub async fn disable_user(
    who: Admin,
    state: web::Data<AppState>,
    path: web::Path<String>,
) -> AppResult<web::Json<Moderator>> {
    let pool = state.pool.clone();
    let actor = who.0.actor();
    let username = path.into_inner();
    let user =
        crate::app::block(move || accounts::disable_user(&mut *pool.get()?, actor, &username))
            .await??;
    Ok(web::Json(user))
}

/// Every API token, newest first; never their secrets.
#[utoipa::path(
    tag = "accounts",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    responses(
        (status = 200, description = "The tokens", body = Vec<ApiToken>),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin", body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/tokens")]
pub async fn list_tokens(
    _who: Admin,
    state: web::Data<AppState>,
) -> AppResult<web::Json<Vec<ApiToken>>> {
    let pool = state.pool.clone();
    let tokens = crate::app::block(move || accounts::list_tokens(&mut *pool.get()?)).await??;
    Ok(web::Json(tokens))
}

/// Make an API token for scripts. Its secret is in this answer only: store it now.
#[utoipa::path(
    tag = "accounts",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    request_body = CreateApiToken,
    responses(
        (status = 201, description = "The token with its secret", body = NewApiToken),
        (status = 422, description = "A field is invalid", body = Problem, content_type = "application/problem+json"),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or missing CSRF proof", body = Problem, content_type = "application/problem+json"),
    )
)]
#[post("/tokens")]
pub async fn create_token(
    who: Admin,
    state: web::Data<AppState>,
    req: HttpRequest,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<HttpResponse> {
    let input: CreateApiToken = json_body(&req, &body.0)?;
    let pool = state.pool.clone();
    let caller = who.0;
    let actor = caller.actor();
    let username = input.username.unwrap_or(caller.username);
    let token = crate::app::block(move || {
        accounts::create_token(&mut *pool.get()?, actor, &username, &input.name)
    })
    .await??;
    Ok(HttpResponse::Created().json(token))
}

/// Revoke an API token; it stops working at once on every node.
#[utoipa::path(
    tag = "accounts",
    security(("session" = ["admin"]), ("bearer" = ["admin"])),
    params(("id" = i64, Path, description = "The token's id")),
    responses(
        (status = 200, description = "The revoked token", body = ApiToken),
        (status = 401, description = "Not logged in", body = Problem, content_type = "application/problem+json"),
        (status = 403, description = "Not an admin, or missing CSRF proof", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such token", body = Problem, content_type = "application/problem+json"),
    )
)]
#[delete("/tokens/{id}")]
pub async fn revoke_token(
    who: Admin,
    state: web::Data<AppState>,
    path: web::Path<i64>,
) -> AppResult<web::Json<ApiToken>> {
    let pool = state.pool.clone();
    let actor = who.0.actor();
    let id = path.into_inner();
    let token =
        crate::app::block(move || accounts::revoke_token(&mut *pool.get()?, actor, id)).await??;
    Ok(web::Json(token))
}
