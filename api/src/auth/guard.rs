//! The role guards: `Moderator` and `Admin` extractors. A handler that takes one can only run
//! for a caller with that role, authenticated by an API token (`Authorization: Bearer`) or
//! by the session cookie; cookie-authenticated changes (any method but GET, HEAD, OPTIONS)
//! must also carry the session's CSRF token in `X-CSRF-Token` and come from the site's own
//! origin.
//!
//! Put the guard first among a handler's arguments and read the body as `web::Bytes`, so a
//! caller without the right is refused before the body is looked at.

use actix_web::dev::Payload;
use actix_web::http::{header, Method};
use actix_web::{web, FromRequest, HttpMessage, HttpRequest};
use chrono::{Duration, Utc};
use futures_util::future::LocalBoxFuture;
use peoples_stories_shared::moderation::CSRF_HEADER;
use peoples_stories_shared::Role;

use super::{secret, AuthConfig};
use crate::db::accounts;
use crate::db::audit::{Actor, TokenUse};
use crate::error::{AppError, AppResult};
use crate::state::AppState;

/// How the caller proved who they are.
#[derive(Debug, Clone)]
pub enum Via {
    /// The session cookie; the session's id and CSRF token.
    Session { id: i64, csrf_token: String },
    /// An API token: its id and the account that made it (None: the command line), which
    /// may not be the account it acts as.
    Token { id: i64, maker_id: Option<i64> },
}

/// An authenticated caller.
#[derive(Debug, Clone)]
pub struct Caller {
    pub user_id: i64,
    pub username: String,
    pub role: Role,
    pub via: Via,
}

impl Caller {
    /// The caller as the audit log records it: the account, and the API token it used with
    /// that token's maker.
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            token: match self.via {
                Via::Token { id, maker_id } => Some(TokenUse { id, maker_id }),
                Via::Session { .. } => None,
            },
        }
    }
}

/// A moderator or an admin.
#[derive(Debug, Clone)]
pub struct Moderator(pub Caller);

/// An admin.
#[derive(Debug, Clone)]
pub struct Admin(pub Caller);

/// The mark of a request whose answer is private (it may hold e-mails, secrets, who is
/// signed in): the guards set it before they look at the caller, the login handler sets it,
/// and `app.rs` then answers `Cache-Control: no-store` whatever the handler said.
#[derive(Debug, Clone, Copy)]
struct Private;

/// Marks this request's answer private (see [`is_private`]).
pub fn mark_private(req: &HttpRequest) {
    req.extensions_mut().insert(Private);
}

/// Whether the answer to this request is private: it took a role guard, or was marked.
pub fn is_private(req: &HttpRequest) -> bool {
    req.extensions().contains::<Private>()
}

impl FromRequest for Moderator {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        mark_private(req);
        let req = req.clone();
        Box::pin(async move { authenticate(&req).await.map(Moderator) })
    }
}

impl FromRequest for Admin {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        mark_private(req);
        let req = req.clone();
        Box::pin(async move {
            let caller = authenticate(&req).await?;
            if !caller.role.is_admin() {
                return Err(AppError::Forbidden("only admins may do this".into()));
            }
            Ok(Admin(caller))
        })
    }
}

/// Uses of a session or token closer together than this do not update `last_seen`.
const TOUCH_EVERY: Duration = Duration::minutes(1);

fn unsafe_method(m: &Method) -> bool {
    !matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

async fn authenticate(req: &HttpRequest) -> AppResult<Caller> {
    let state = req
        .app_data::<web::Data<AppState>>()
        .ok_or_else(|| anyhow::anyhow!("the app state is missing"))?
        .clone();
    if let Some(value) = req.headers().get(header::AUTHORIZATION) {
        let token = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .ok_or_else(|| {
                AppError::Unauthorized("use `Authorization: Bearer <api token>`".into())
            })?;
        let hash = secret::token_hash(token);
        let pool = state.pool.clone();
        return crate::app::block(move || -> AppResult<Caller> {
            let mut conn = pool.get()?;
            let (tok, user) = accounts::token_by_hash(&mut conn, &hash)?
                .filter(|(_, u)| u.disabled_at.is_none())
                .ok_or_else(|| AppError::Unauthorized("the API token is not valid".into()))?;
            let now = Utc::now().naive_utc();
            if tok.last_used_at.is_none_or(|t| now - t > TOUCH_EVERY) {
                accounts::touch_token(&mut conn, tok.id, now)?;
            }
            Ok(Caller {
                user_id: user.id,
                role: role_of(&user.role)?,
                username: user.username,
                via: Via::Token {
                    id: tok.id,
                    maker_id: tok.created_by,
                },
            })
        })
        .await?;
    }
    let cookie = req
        .cookie(state.auth.cookie_name())
        .map(|c| c.value().to_string())
        .filter(|v| !v.is_empty())
        .ok_or_else(|| AppError::Unauthorized("log in first".into()))?;
    let hash = secret::token_hash(&cookie);
    let pool = state.pool.clone();
    let idle = state.auth.session_idle;
    let caller = crate::app::block(move || -> AppResult<Caller> {
        let mut conn = pool.get()?;
        let (session, user) = accounts::session_by_hash(&mut conn, &hash)?
            .ok_or_else(|| AppError::Unauthorized("the session has ended; log in again".into()))?;
        let now = Utc::now().naive_utc();
        if session.expires_at <= now || now - session.last_seen_at > idle {
            accounts::delete_session(&mut conn, session.id)?;
            return Err(AppError::Unauthorized(
                "the session has ended; log in again".into(),
            ));
        }
        if user.disabled_at.is_some() {
            return Err(AppError::Unauthorized(
                "the session has ended; log in again".into(),
            ));
        }
        if now - session.last_seen_at > TOUCH_EVERY {
            accounts::touch_session(&mut conn, session.id, now)?;
        }
        Ok(Caller {
            user_id: user.id,
            role: role_of(&user.role)?,
            username: user.username,
            via: Via::Session {
                id: session.id,
                csrf_token: session.csrf_token,
            },
        })
    })
    .await??;
    if unsafe_method(req.method()) {
        if !same_origin(req, &state.auth) {
            return Err(AppError::Forbidden(
                "changes made with the session cookie must come from this site's own pages".into(),
            ));
        }
        let sent = req
            .headers()
            .get(CSRF_HEADER)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let Via::Session { csrf_token, .. } = &caller.via else {
            return Err(anyhow::anyhow!("a cookie session without a CSRF token").into());
        };
        if sent.is_empty() || !secret::same_secret(sent, csrf_token) {
            return Err(AppError::Forbidden(format!(
                "send the session's CSRF token (from login or /api/v1/auth/me) in the {CSRF_HEADER} header"
            )));
        }
    }
    Ok(caller)
}

fn role_of(s: &str) -> AppResult<Role> {
    Role::parse(s).ok_or_else(|| anyhow::anyhow!("an account has the unknown role '{s}'").into())
}

/// Whether the request comes from the site's own pages: its `Origin` (or, when absent, its
/// `Referer`) names one of the configured public origins, or, with none configured, the host
/// the request was sent to. A request naming neither does not.
pub fn same_origin(req: &HttpRequest, cfg: &AuthConfig) -> bool {
    let Some(origin) = request_origin(req) else {
        return false;
    };
    if !cfg.public_origins.is_empty() {
        return cfg
            .public_origins
            .iter()
            .filter_map(|o| url::Url::parse(o).ok())
            .any(|o| o.origin() == origin.origin());
    }
    let Some(host) = origin.host_str() else {
        return false;
    };
    let authority = match origin.port() {
        Some(p) => format!("{host}:{p}"),
        None => host.to_string(),
    };
    let target = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()));
    target.is_some_and(|t| t.eq_ignore_ascii_case(&authority))
}

/// Whether the request names where it comes from at all.
pub fn names_origin(req: &HttpRequest) -> bool {
    req.headers().contains_key(header::ORIGIN) || req.headers().contains_key(header::REFERER)
}

fn request_origin(req: &HttpRequest) -> Option<url::Url> {
    let h = req.headers();
    let value = match h.get(header::ORIGIN) {
        Some(o) => o.to_str().ok()?,
        None => h.get(header::REFERER)?.to_str().ok()?,
    };
    // "null" (sandboxed frames, opaque origins) parses as no URL and so never matches.
    url::Url::parse(value)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"))
}
