//! One error type for the whole API, turned into RFC 9457 problem+json in one place.

use actix_web::http::{header, StatusCode};
use actix_web::{HttpResponse, ResponseError};
use peoples_stories_shared::problem::ERRORS_MAX;
use peoples_stories_shared::{FieldError, Problem};

/// Everything a handler can fail with.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// Query parameters or body fields that are wrong; each named with what is allowed.
    #[error("invalid input")]
    Invalid {
        /// 400 for query parameters and headers, 422 for body fields.
        status: StatusCode,
        detail: String,
        errors: Vec<FieldError>,
    },
    /// No valid session or API token.
    #[error("unauthorized: {0}")]
    Unauthorized(String),
    /// Authenticated, but not allowed: the role, or a change without CSRF proof.
    #[error("forbidden: {0}")]
    Forbidden(String),
    #[error("not found: {0}")]
    NotFound(String),
    #[error("conflict: {0}")]
    Conflict(String),
    /// A request the server cannot read: malformed JSON, wrong media type, too large.
    #[error("{title}: {detail}")]
    Request {
        status: StatusCode,
        title: &'static str,
        detail: String,
    },
    /// Too many requests from one client; try again after this many seconds.
    #[error("rate limited")]
    RateLimited {
        retry_after_secs: u64,
        detail: String,
    },
    #[error("service unavailable: {0}")]
    Unavailable(String),
    /// The path exists, but not with this method; `allow` lists those it has.
    #[error("method not allowed")]
    MethodNotAllowed {
        method: String,
        allow: Vec<&'static str>,
    },
    /// Anything unexpected: logged with its cause, shown without it.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl AppError {
    /// A 400 naming the bad query parameters or headers.
    pub fn invalid(errors: Vec<FieldError>) -> Self {
        Self::invalid_with(StatusCode::BAD_REQUEST, "parameters", errors)
    }

    /// A 422 naming the bad fields of a request body.
    pub fn invalid_body(errors: Vec<FieldError>) -> Self {
        Self::invalid_with(StatusCode::UNPROCESSABLE_ENTITY, "fields", errors)
    }

    fn invalid_with(status: StatusCode, what: &str, mut errors: Vec<FieldError>) -> Self {
        // A flood of bad items is answered with the first few, not an echo of the flood.
        let more = errors.len().saturating_sub(ERRORS_MAX);
        errors.truncate(ERRORS_MAX);
        let names: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        let mut detail = match errors.as_slice() {
            [one] => format!("{}: {}", one.field, one.message),
            _ => format!("these {what} are invalid: {}", names.join(", ")),
        };
        if more > 0 {
            detail.push_str(&format!(" (and {more} more)"));
        }
        AppError::Invalid {
            status,
            detail,
            errors,
        }
    }

    /// A request the server cannot read (400, 413, 415, ...).
    pub fn request(status: StatusCode, title: &'static str, detail: impl Into<String>) -> Self {
        AppError::Request {
            status,
            title,
            detail: detail.into(),
        }
    }

    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self::invalid(vec![FieldError::new(field, message)])
    }

    pub fn problem(&self) -> Problem {
        let status = self.status_code().as_u16();
        let (kind, title, detail, errors) = match self {
            AppError::Invalid { detail, errors, .. } => (
                "invalid-input",
                "Invalid input",
                detail.clone(),
                errors.clone(),
            ),
            AppError::Unauthorized(what) => {
                ("unauthorized", "Unauthorized", what.clone(), Vec::new())
            }
            AppError::Forbidden(what) => ("forbidden", "Forbidden", what.clone(), Vec::new()),
            AppError::NotFound(what) => ("not-found", "Not found", what.clone(), Vec::new()),
            AppError::Conflict(what) => ("conflict", "Conflict", what.clone(), Vec::new()),
            AppError::Request { title, detail, .. } => {
                ("bad-request", *title, detail.clone(), Vec::new())
            }
            AppError::RateLimited { detail, .. } => (
                "rate-limited",
                "Too many requests",
                detail.clone(),
                Vec::new(),
            ),
            AppError::Unavailable(what) => (
                "unavailable",
                "Service unavailable",
                what.clone(),
                Vec::new(),
            ),
            AppError::MethodNotAllowed { method, allow } => (
                "method-not-allowed",
                "Method not allowed",
                format!("{method} is not allowed here; use {}", allow.join(", ")),
                Vec::new(),
            ),
            AppError::Internal(_) => (
                "internal",
                "Internal error",
                "Something went wrong on our side; it has been logged.".to_string(),
                Vec::new(),
            ),
        };
        Problem {
            type_: format!("/problems/{kind}"),
            title: title.to_string(),
            status,
            detail,
            errors,
        }
    }
}

impl From<diesel::result::Error> for AppError {
    fn from(e: diesel::result::Error) -> Self {
        use diesel::result::{DatabaseErrorKind, Error};
        match e {
            Error::NotFound => AppError::NotFound("no such record".into()),
            Error::DatabaseError(DatabaseErrorKind::UniqueViolation, info) => {
                AppError::Conflict(format!("already exists ({})", info.message()))
            }
            // The database went away under an open connection (PostgreSQL stopped or
            // restarted, the network cut): the pool drops the connection on its next
            // check-out, and the caller may retry.
            Error::DatabaseError(
                DatabaseErrorKind::ClosedConnection | DatabaseErrorKind::UnableToSendCommand,
                _,
            ) => AppError::Unavailable(
                "the database is not reachable right now; try again shortly".into(),
            ),
            Error::DatabaseError(_, info) if lost_connection(info.message()) => {
                AppError::Unavailable(
                    "the database is not reachable right now; try again shortly".into(),
                )
            }
            // SQLite's disk is full (SQLITE_FULL): the write was rolled back, the database is
            // intact, and reads go on; writes work again once there is room.
            Error::DatabaseError(_, info)
                if info.message().contains("database or disk is full") =>
            {
                tracing::error!(
                    "the database's disk is full: writes are refused until there is room"
                );
                AppError::Unavailable(
                    "the server cannot store anything right now; try again later".into(),
                )
            }
            // SQLite's busy timeout ran out: another process held the write lock too long.
            Error::DatabaseError(_, info) if info.message().contains("database is locked") => {
                tracing::warn!("the database stayed locked past the busy timeout");
                AppError::Unavailable("the database is busy; try again in a moment".into())
            }
            other => AppError::Internal(other.into()),
        }
    }
}

/// Whether a database error says the connection itself was lost (libpq's words).
fn lost_connection(message: &str) -> bool {
    [
        "server closed the connection",
        "terminating connection",
        "connection to server",
        "no connection to the server",
        "could not receive data from server",
        "could not send data to server",
    ]
    .iter()
    .any(|m| message.contains(m))
}

impl From<diesel::r2d2::PoolError> for AppError {
    fn from(e: diesel::r2d2::PoolError) -> Self {
        tracing::error!(error = %e, "database pool exhausted or unreachable");
        AppError::Unavailable("the database is not reachable right now; try again shortly".into())
    }
}

impl From<actix_web::error::BlockingError> for AppError {
    fn from(e: actix_web::error::BlockingError) -> Self {
        AppError::Internal(anyhow::anyhow!("blocking task failed: {e}"))
    }
}

impl ResponseError for AppError {
    fn status_code(&self) -> StatusCode {
        match self {
            AppError::Invalid { status, .. } => *status,
            AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
            AppError::Unauthorized(_) => StatusCode::UNAUTHORIZED,
            AppError::Forbidden(_) => StatusCode::FORBIDDEN,
            AppError::NotFound(_) => StatusCode::NOT_FOUND,
            AppError::Conflict(_) => StatusCode::CONFLICT,
            AppError::Request { status, .. } => *status,
            AppError::Unavailable(_) => StatusCode::SERVICE_UNAVAILABLE,
            AppError::MethodNotAllowed { .. } => StatusCode::METHOD_NOT_ALLOWED,
            AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn error_response(&self) -> HttpResponse {
        if let AppError::Internal(cause) = self {
            tracing::error!(error = ?cause, "internal error");
        }
        let mut res = problem_response(&self.problem());
        match self {
            AppError::Unauthorized(_) => {
                res.headers_mut().insert(
                    header::WWW_AUTHENTICATE,
                    header::HeaderValue::from_static("Bearer"),
                );
            }
            AppError::RateLimited {
                retry_after_secs, ..
            } => {
                res.headers_mut().insert(
                    header::RETRY_AFTER,
                    header::HeaderValue::from(*retry_after_secs),
                );
            }
            AppError::Unavailable(_) => {
                res.headers_mut()
                    .insert(header::RETRY_AFTER, header::HeaderValue::from(1u64));
            }
            AppError::MethodNotAllowed { allow, .. } => {
                if let Ok(v) = header::HeaderValue::from_str(&allow.join(", ")) {
                    res.headers_mut().insert(header::ALLOW, v);
                }
            }
            _ => {}
        }
        res
    }
}

/// Serialises a problem with its media type.
pub fn problem_response(p: &Problem) -> HttpResponse {
    let status = StatusCode::from_u16(p.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    HttpResponse::build(status)
        .insert_header((header::CONTENT_TYPE, "application/problem+json"))
        .json(p)
}

pub type AppResult<T> = Result<T, AppError>;
