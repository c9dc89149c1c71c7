//! Who is calling: passwords, sessions, CSRF, API tokens, login throttling and the role
//! guards handlers take as extractors.
//!
//! Secrets never rest in the clear: passwords as argon2id hashes, session and API tokens as
//! SHA-256 hashes, client addresses and typed usernames (for throttling) as HMAC-SHA-256
//! under a key the nodes share through the database.

pub mod guard;
pub mod login;
pub mod password;
pub mod secret;
pub mod throttle;

pub use guard::{same_origin, Admin, Caller, Moderator, Via};

use chrono::Duration;

/// How sessions behave; from the configuration.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    /// Mark the cookie `Secure` and name it `__Host-ps_session` (the site is on https).
    pub secure_cookie: bool,
    /// The site's own origins (`https://stories.example.org`); cookie-authenticated changes
    /// must come from one of them. Empty: the origin must match the request's `Host`.
    pub public_origins: Vec<String>,
    /// A session unused this long ends.
    pub session_idle: Duration,
    /// A session ends this long after login, however used.
    pub session_absolute: Duration,
}

impl Default for AuthConfig {
    fn default() -> Self {
        AuthConfig {
            secure_cookie: false,
            public_origins: Vec::new(),
            session_idle: Duration::hours(2),
            session_absolute: Duration::hours(12),
        }
    }
}

/// The cookie's name without Secure.
pub const COOKIE: &str = "ps_session";
/// The cookie's name with Secure: browsers then also insist on Path=/ and no Domain.
pub const SECURE_COOKIE: &str = "__Host-ps_session";

impl AuthConfig {
    /// Whether the site is served over https: a configured public origin is `https://`.
    pub fn on_https(&self) -> bool {
        self.public_origins
            .iter()
            .any(|o| o.starts_with("https://"))
    }

    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookie {
            SECURE_COOKIE
        } else {
            COOKIE
        }
    }

    /// The session cookie carrying `token`, or (with None) one that deletes it.
    pub fn cookie(&self, token: Option<&str>) -> actix_web::cookie::Cookie<'static> {
        use actix_web::cookie::{time, Cookie, SameSite};
        let mut c = Cookie::build(self.cookie_name(), token.unwrap_or("").to_string())
            .path("/")
            .http_only(true)
            .same_site(SameSite::Strict)
            .secure(self.secure_cookie)
            .finish();
        match token {
            Some(_) => c.set_max_age(time::Duration::seconds(self.session_absolute.num_seconds())),
            None => c.set_max_age(time::Duration::ZERO),
        }
        c
    }
}
