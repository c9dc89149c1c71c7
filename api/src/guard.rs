//! The defences of the public forms, shared by submissions and the guestbook: idempotency
//! keys, per-client rate limits, and refusing the same text twice.
//!
//! Everything happens in one write transaction with the insert itself, so the checks and the
//! entry they admit cannot drift apart, and several API nodes on one PostgreSQL agree (each
//! check takes an advisory lock there; SQLite serialises writers anyway). The answer to an
//! idempotent request is stored in the same transaction: once a client has heard 2xx, both
//! the entry and the answer survive a crash.

use actix_web::http::StatusCode;
use chrono::{Duration, NaiveDateTime, Utc};
use diesel::result::{DatabaseErrorKind, Error as DieselError};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::ContributionSettings;
use crate::db::contributions::{self as q, Form, StoredAnswer};
use crate::db::{self, DbConn};
use crate::error::{AppError, AppResult};

/// Marks the conflict of two requests with one idempotency key racing to commit.
const KEY_TAKEN: &str = "idempotency key taken";

/// How long an idempotency key is remembered.
pub const IDEMPOTENCY_TTL_SECS: i64 = 86_400;

/// One request to a public form, as the guard sees it.
pub struct Attempt<'a> {
    pub form: Form,
    pub client_hash: &'a str,
    pub idempotency_key: Option<&'a str>,
    /// Hash of the request as parsed: the same key must come with the same request.
    pub request_hash: String,
    /// Hash of the text as a person wrote it: the same text twice is a duplicate.
    pub content_hash: String,
}

/// What to send back: a status and a JSON body, and whether it repeats an earlier answer.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub body: String,
    pub replayed: bool,
}

impl<'a> Attempt<'a> {
    pub fn new(
        form: Form,
        client_hash: &'a str,
        idempotency_key: Option<&'a str>,
        request: &impl Serialize,
        content: &[&str],
    ) -> AppResult<Self> {
        let request = serde_json::to_vec(request).map_err(|e| AppError::Internal(e.into()))?;
        Ok(Attempt {
            form,
            client_hash,
            idempotency_key,
            request_hash: sha256_hex(&request),
            content_hash: content_hash(content),
        })
    }
}

/// Runs `create` (which inserts the entry and returns the answer) if the attempt passes
/// every check, in one transaction with them.
pub fn admit<T: Serialize>(
    conn: &mut DbConn,
    settings: &ContributionSettings,
    attempt: &Attempt,
    create: impl Fn(&mut DbConn) -> AppResult<(StatusCode, T)>,
) -> AppResult<Answer> {
    match db::write_transaction(conn, |conn| {
        admit_in_transaction(conn, settings, attempt, &create)
    }) {
        // Another request with the same key committed between our check and our insert
        // (PostgreSQL): ours rolled back whole; answer as it was answered.
        Err(AppError::Conflict(m)) if m == KEY_TAKEN => db::write_transaction(conn, |conn| {
            replay(conn, attempt)?.ok_or_else(|| {
                AppError::Conflict("a request with this Idempotency-Key is in progress".into())
            })
        }),
        other => other,
    }
}

fn admit_in_transaction<T: Serialize>(
    conn: &mut DbConn,
    settings: &ContributionSettings,
    attempt: &Attempt,
    create: &impl Fn(&mut DbConn) -> AppResult<(StatusCode, T)>,
) -> AppResult<Answer> {
    if let Some(answer) = replay(conn, attempt)? {
        return Ok(answer);
    }
    let now = Utc::now().naive_utc();
    let limit = match attempt.form {
        Form::Submission => settings.submissions_per_window,
        Form::Guestbook => settings.guestbook_per_window,
    };
    let window = seconds(settings.rate_window_secs);
    if limit > 0 {
        q::lock_for_transaction(conn, lock_key("client", attempt.form, attempt.client_hash))?;
        let (count, oldest) =
            q::recent_from_client(conn, attempt.form, attempt.client_hash, now - window)?;
        if count >= i64::from(limit) {
            return Err(rate_limited(
                oldest,
                window,
                now,
                limit,
                settings.rate_window_secs,
            ));
        }
    }
    q::lock_for_transaction(
        conn,
        lock_key("content", attempt.form, &attempt.content_hash),
    )?;
    let since = now - seconds(settings.duplicate_window_secs);
    if q::duplicate_of(conn, attempt.form, &attempt.content_hash, since)?.is_some() {
        return Err(AppError::Conflict(
            "the same text was received a short while ago and is already with us; \
             it is not stored twice"
                .into(),
        ));
    }
    let (status, body) = create(conn)?;
    let body = serde_json::to_string(&body).map_err(|e| AppError::Internal(e.into()))?;
    if let Some(key) = attempt.idempotency_key {
        let answer = StoredAnswer {
            request_hash: attempt.request_hash.clone(),
            status: i32::from(status.as_u16()),
            response: body.clone(),
        };
        q::store_answer(conn, scope(attempt.form), key, &answer).map_err(|e| match e {
            DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _) => {
                AppError::Conflict(KEY_TAKEN.into())
            }
            other => other.into(),
        })?;
    }
    Ok(Answer {
        status,
        body,
        replayed: false,
    })
}

/// How often `serve` runs `housekeeping`.
pub const HOUSEKEEPING_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// What one round of `housekeeping` forgot.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Forgotten {
    /// Client hashes of submissions and guestbook entries past the rate window.
    pub client_hashes: usize,
    /// Stored idempotency answers older than a day.
    pub answers: usize,
    /// Login throttling keys whose window and lock are over.
    pub login_keys: usize,
    /// Senders' e-mails of submissions decided longer ago than the retention period.
    pub emails: usize,
}

/// Keeps the privacy promises, on a timer rather than in each write: client hashes live only
/// as long as the rate window needs them (plus at most `HOUSEKEEPING_EVERY`), idempotency
/// answers a day, login throttling keys their window or lock, and a sender's e-mail the
/// retention period after a moderator decided on the submission.
pub fn housekeeping(conn: &mut DbConn, settings: &ContributionSettings) -> AppResult<Forgotten> {
    let now = Utc::now().naive_utc();
    let retention = Duration::days(i64::from(settings.email_retention_days));
    db::write_transaction(conn, |conn| {
        Ok(Forgotten {
            client_hashes: q::forget_client_hashes(conn, now - seconds(settings.rate_window_secs))?,
            answers: q::expire_answers(conn, now - Duration::seconds(IDEMPOTENCY_TTL_SECS))?,
            login_keys: crate::auth::throttle::forget_stale(conn, now)?,
            emails: q::forget_emails(conn, now - retention)?,
        })
    })
}

/// Runs `housekeeping` now and then every `HOUSEKEEPING_EVERY` on a thread of its own, until
/// `stop` is requested; a failure is logged and tried again next time.
pub fn keep_house(
    pool: db::Pool,
    settings: ContributionSettings,
    stop: crate::shutdown::Stop,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    crate::shutdown::every("housekeeping", HOUSEKEEPING_EVERY, stop, move || {
        let done = pool
            .get()
            .map_err(AppError::from)
            .and_then(|mut conn| housekeeping(&mut conn, &settings));
        match done {
            Ok(f) if f != Forgotten::default() => tracing::info!(
                client_hashes = f.client_hashes,
                answers = f.answers,
                login_keys = f.login_keys,
                emails = f.emails,
                "housekeeping forgot what it no longer needs"
            ),
            Ok(_) => {}
            Err(e) => tracing::error!(error = %e, "housekeeping failed"),
        }
    })
}

/// The stored answer for this key, if the same request was answered before; a 422 if the
/// key came with a different request.
fn replay(conn: &mut DbConn, attempt: &Attempt) -> AppResult<Option<Answer>> {
    let Some(key) = attempt.idempotency_key else {
        return Ok(None);
    };
    let Some(stored) = q::find_answer(conn, scope(attempt.form), key)? else {
        return Ok(None);
    };
    if stored.request_hash != attempt.request_hash {
        return Err(AppError::invalid_body(vec![
            peoples_stories_shared::FieldError::new(
                "Idempotency-Key",
                "was already used for a different request; use a new key for new content",
            ),
        ]));
    }
    let status = u16::try_from(stored.status)
        .ok()
        .and_then(|s| StatusCode::from_u16(s).ok())
        .unwrap_or(StatusCode::OK);
    Ok(Some(Answer {
        status,
        body: stored.response,
        replayed: true,
    }))
}

fn rate_limited(
    oldest: Option<NaiveDateTime>,
    window: Duration,
    now: NaiveDateTime,
    limit: u32,
    window_secs: u64,
) -> AppError {
    // Room opens when the oldest entry in the window leaves it.
    let wait = oldest
        .map(|t| (t + window - now).num_milliseconds())
        .unwrap_or(0);
    let retry_after_secs = u64::try_from((wait + 999) / 1000).unwrap_or(0).max(1);
    AppError::RateLimited {
        retry_after_secs,
        detail: format!(
            "at most {limit} per {} from one place; try again in {retry_after_secs} s",
            human_span(window_secs)
        ),
    }
}

fn human_span(secs: u64) -> String {
    match secs {
        3600 => "hour".into(),
        86_400 => "day".into(),
        s if s % 3600 == 0 => format!("{} hours", s / 3600),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        s => format!("{s} seconds"),
    }
}

fn seconds(s: u64) -> Duration {
    Duration::seconds(i64::try_from(s).unwrap_or(i64::MAX / 1000))
}

fn scope(form: Form) -> &'static str {
    match form {
        Form::Submission => "submissions",
        Form::Guestbook => "guestbook",
    }
}

/// A PostgreSQL advisory lock number for one client or one text of one form.
fn lock_key(kind: &str, form: Form, value: &str) -> i64 {
    let digest = Sha256::digest(format!("{kind}:{}:{value}", scope(form)).as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    i64::from_be_bytes(first)
}

/// The text as a person wrote it, folded so that case and spacing do not make it new.
fn content_hash(parts: &[&str]) -> String {
    let folded: Vec<String> = parts
        .iter()
        .map(|p| {
            p.split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .collect();
    sha256_hex(folded.join("\n").as_bytes())
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// Refused contributions per client, counted on this node: a client that keeps sending what
/// is refused (bad JSON, bad fields, bodies too large) is turned away before its requests are
/// read, so garbage cannot be retried for free. Kept in memory, per node (a database write
/// for every refusal would let garbage cost the one writer); the window is the rate window.
pub struct Refusals {
    counts: moka::sync::Cache<String, std::sync::Arc<std::sync::atomic::AtomicU32>>,
    limit: u32,
    window_secs: u64,
}

impl Refusals {
    pub fn new(settings: &ContributionSettings) -> Refusals {
        let window_secs = settings.rate_window_secs.max(1);
        Refusals {
            counts: moka::sync::Cache::builder()
                .max_capacity(100_000)
                .time_to_live(std::time::Duration::from_secs(window_secs))
                .build(),
            limit: settings.refusals_per_window,
            window_secs,
        }
    }

    fn count(&self, client: &str) -> u32 {
        self.counts
            .get(client)
            .map_or(0, |n| n.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn note(&self, client: &str) {
        self.counts
            .get_with(client.to_string(), Default::default)
            .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    }
}

/// The public forms' paths, whose refusals count.
const FORMS: [&str; 2] = ["/api/v1/submissions", "/api/v1/guestbook"];

/// Middleware over the API: a POST to a public form from a client with too many refusals in
/// the window is answered 429 unread; a form's 400, 413, 415 or 422 counts as a refusal.
pub async fn refusals_count(
    req: actix_web::dev::ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<
    actix_web::dev::ServiceResponse<actix_web::body::EitherBody<impl actix_web::body::MessageBody>>,
    actix_web::Error,
> {
    use actix_web::FromRequest;
    let form = req.method() == actix_web::http::Method::POST && FORMS.contains(&req.path());
    let state = req
        .app_data::<actix_web::web::Data<crate::state::AppState>>()
        .cloned();
    let (Some(state), true) = (state, form) else {
        return next.call(req).await.map(|r| r.map_into_left_body());
    };
    let refusals = &state.refusals;
    let client = if refusals.limit > 0 {
        crate::extract::ClientHash::extract(req.request())
            .await
            .ok()
    } else {
        None
    };
    if let Some(client) = &client {
        if refusals.count(&client.0) >= refusals.limit {
            let err = AppError::RateLimited {
                detail: "too many refused requests from one place; fix the request and try \
                         again later"
                    .into(),
                retry_after_secs: refusals.window_secs,
            };
            let res = actix_web::ResponseError::error_response(&err);
            return Ok(req.into_response(res).map_into_right_body());
        }
    }
    let res = next.call(req).await?;
    let refused = matches!(res.status().as_u16(), 400 | 413 | 415 | 422);
    if let (true, Some(client)) = (refused, &client) {
        refusals.note(&client.0);
    }
    Ok(res.map_into_left_body())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spacing_and_case_do_not_make_new_text() {
        assert_eq!(
            content_hash(&["Hello  World", "x"]),
            content_hash(&["hello world ", "X"])
        );
        assert_ne!(content_hash(&["a", "bc"]), content_hash(&["ab", "c"]));
    }

    #[test]
    fn retry_after_counts_up_to_the_oldest_leaving() {
        let now = Utc::now().naive_utc();
        let e = rate_limited(
            Some(now - Duration::seconds(50)),
            Duration::seconds(60),
            now,
            3,
            60,
        );
        match e {
            AppError::RateLimited {
                retry_after_secs, ..
            } => assert_eq!(retry_after_secs, 10),
            other => panic!("{other:?}"),
        }
    }
}

/// Exports one client may run at once, on each node.
pub const EXPORTS_PER_CLIENT: usize = 2;
/// Exports a node runs at once, over all clients: each reads the database a batch at a time
/// on a blocking thread, so a few scrapers cannot take every connection from readers.
pub const EXPORTS_PER_NODE: usize = 4;
/// What a refused export is told to wait, in seconds.
pub const EXPORT_RETRY_SECS: u64 = 10;

/// The exports running on this node, by client hash: a new one is refused (429 with
/// `Retry-After`) past `EXPORTS_PER_CLIENT` for its client or `EXPORTS_PER_NODE` in all.
/// In memory, per node; a running export holds an `ExportPermit` until its stream ends.
pub struct ExportGate {
    per_client: usize,
    per_node: usize,
    running: std::sync::Mutex<std::collections::HashMap<String, usize>>,
}

/// One running export's place at the gate, given back when dropped.
pub struct ExportPermit {
    gate: std::sync::Arc<ExportGate>,
    client: String,
}

impl ExportGate {
    pub fn new(per_client: usize, per_node: usize) -> ExportGate {
        ExportGate {
            per_client,
            per_node,
            running: Default::default(),
        }
    }

    /// A place for one more export of `client`, or a 429.
    pub fn admit(self: &std::sync::Arc<Self>, client: &str) -> AppResult<ExportPermit> {
        let mut running = self
            .running
            .lock()
            .map_err(|_| AppError::Internal(anyhow::anyhow!("export gate poisoned")))?;
        let total: usize = running.values().sum();
        let mine = running.get(client).copied().unwrap_or(0);
        let refused = if mine >= self.per_client {
            Some(format!(
                "you are running {mine} exports already, the most one client may; \
                 try again when one has finished"
            ))
        } else if total >= self.per_node {
            Some("this server is running as many exports as it takes; try again soon".into())
        } else {
            None
        };
        if let Some(detail) = refused {
            return Err(AppError::RateLimited {
                retry_after_secs: EXPORT_RETRY_SECS,
                detail,
            });
        }
        *running.entry(client.to_string()).or_default() += 1;
        Ok(ExportPermit {
            gate: self.clone(),
            client: client.to_string(),
        })
    }

    /// Exports running now.
    pub fn running(&self) -> usize {
        self.running.lock().map(|r| r.values().sum()).unwrap_or(0)
    }
}

impl Drop for ExportPermit {
    fn drop(&mut self) {
        if let Ok(mut running) = self.gate.running.lock() {
            if let Some(n) = running.get_mut(&self.client) {
                *n = n.saturating_sub(1);
                if *n == 0 {
                    running.remove(&self.client);
                }
            }
        }
    }
}

#[cfg(test)]
mod export_gate_tests {
    use super::*;

    #[test]
    fn admits_per_client_and_per_node() {
        let gate = std::sync::Arc::new(ExportGate::new(2, 3));
        let a1 = gate.admit("a").ok();
        let a2 = gate.admit("a").ok();
        assert!(a1.is_some() && a2.is_some());
        assert!(matches!(gate.admit("a"), Err(AppError::RateLimited { .. })));
        let b1 = gate.admit("b").ok();
        assert!(b1.is_some());
        assert!(gate.admit("c").is_err(), "the node is full");
        drop(a1);
        assert_eq!(gate.running(), 2);
        assert!(gate.admit("c").is_ok(), "a finished export frees its place");
        drop((a2, b1));
        assert_eq!(gate.running(), 0);
    }
}
