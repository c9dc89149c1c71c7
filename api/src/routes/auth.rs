//! `POST /api/v1/auth/login`, `POST /api/v1/auth/logout`, `GET /api/v1/auth/me`.

use actix_web::{get, post, web, HttpRequest, HttpResponse};
use peoples_stories_shared::{Login, LoginResponse, Me, Problem};

use super::json_body;
use crate::auth::{self, same_origin, Moderator, Via};
use crate::error::{AppError, AppResult};
use crate::extract::BodyBytes;
use crate::extract::ClientHash;
use crate::routes::MODERATION_LIMIT;
use crate::state::AppState;

/// Log in with a username and password. Answers with who you are and the CSRF token, and
/// sets the session cookie (HttpOnly, SameSite=Strict). A wrong password and an unknown
/// username get the same answer; repeated failures lock the username and the client out
/// for a while (429).
#[utoipa::path(
    tag = "auth",
    request_body = Login,
    responses(
        (status = 200, description = "Logged in; the session cookie is set", body = LoginResponse),
        (status = 422, description = "The body is not a login", body = Problem,
            content_type = "application/problem+json"),
        (status = 401, description = "The username or password is wrong", body = Problem,
            content_type = "application/problem+json"),
        (status = 403, description = "Sent from another site", body = Problem,
            content_type = "application/problem+json"),
        (status = 429, description = "Too many failed logins; see Retry-After", body = Problem,
            content_type = "application/problem+json"),
        (status = 503, description = "Too many logins at once; see Retry-After", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/auth/login")]
pub async fn login(
    state: web::Data<AppState>,
    req: HttpRequest,
    client: ClientHash,
    body: BodyBytes<MODERATION_LIMIT>,
) -> AppResult<HttpResponse> {
    // The answer holds the CSRF token, and its errors say whether the account is locked.
    auth::guard::mark_private(&req);
    // A login form posted from another site would log the browser into our account.
    if auth::guard::names_origin(&req) && !same_origin(&req, &state.auth) {
        return Err(AppError::Forbidden(
            "log in from this site's own pages".into(),
        ));
    }
    let creds: Login = json_body(&req, &body.0)?;
    let old = req
        .cookie(state.auth.cookie_name())
        .map(|c| c.value().to_string());
    let pool = state.pool.clone();
    let cfg = state.auth.clone();
    let key = state.client_key.current();
    // A turn among the password checks first: a burst is refused before it costs anything.
    let turn = state.passwords.enter().await?;
    let outcome = crate::app::block(move || {
        auth::login::attempt(&pool, &cfg, &key, &creds, &client.0, old.as_deref())
    })
    .await??;
    // The turn ends with the check, not after the failure's delay.
    drop(turn);
    let session = match outcome {
        auth::login::Outcome::LoggedIn(s) => s,
        auth::login::Outcome::Failed(delay) => {
            actix_web::rt::time::sleep(delay).await;
            return Err(auth::login::wrong_credentials());
        }
    };
    Ok(HttpResponse::Ok()
        .cookie(state.auth.cookie(Some(&session.token)))
        .json(session.me))
}

/// Log out: ends this session on every node and clears the cookie.
#[utoipa::path(
    tag = "auth",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses(
        (status = 204, description = "Logged out"),
        (status = 401, description = "Not logged in", body = Problem,
            content_type = "application/problem+json"),
        (status = 403, description = "Missing CSRF token or foreign origin", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[post("/auth/logout")]
pub async fn logout(who: Moderator, state: web::Data<AppState>) -> AppResult<HttpResponse> {
    let caller = who.0;
    if let Via::Session { id, .. } = caller.via {
        let pool = state.pool.clone();
        crate::app::block(move || auth::login::end_session(&pool, caller.user_id, id)).await??;
    }
    Ok(HttpResponse::NoContent()
        .cookie(state.auth.cookie(None))
        .finish())
}

/// Who is logged in, with the session's CSRF token (null for API tokens).
#[utoipa::path(
    tag = "auth",
    security(("session" = ["moderator"]), ("bearer" = ["moderator"])),
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "Not logged in", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/auth/me")]
pub async fn me(who: Moderator) -> web::Json<Me> {
    let c = who.0;
    web::Json(Me {
        username: c.username,
        role: c.role,
        csrf_token: match c.via {
            Via::Session { csrf_token, .. } => Some(csrf_token),
            Via::Token { .. } => None,
        },
    })
}
