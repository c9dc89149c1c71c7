//! The one client of the REST API: every request the app makes goes through here.
//!
//! Errors come back as [`Problem`], the same RFC 9457 shape the server sends, so pages show
//! one kind of error whether the server refused the request or the network failed.

use std::cell::RefCell;

use gloo_net::http::{Method, Request, RequestBuilder, Response};
use peoples_stories_shared::moderation::{
    BulkResult, GuestbookAction, GuestbookBulk, SubmissionPatch, CSRF_HEADER,
};
use peoples_stories_shared::{
    ApiToken, AuditPage, Country, CreateApiToken, CreateModerator, GuestbookEntry, GuestbookPage,
    GuestbookStatus, Login, ManagedStory, ManagedStoryPage, Me, Moderator, NewApiToken, Problem,
    Source, SourceInput, SourcePatch, Story, StoryInput, StoryPatch, Submission, SubmissionPage,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// A JSON body read, or the problem the API would have answered.
#[cfg(feature = "ssr")]
pub type ReadFuture =
    std::pin::Pin<Box<dyn std::future::Future<Output = Result<String, Problem>> + Send>>;

/// The server's public reads, by the API path a page would `GET` in the browser
/// (`/api/v1/stories?theme=justice&limit=10`): the same answer, JSON, without the HTTP. The
/// API crate implements it; the renderer (`ssr.rs`) provides it to the pages.
#[cfg(feature = "ssr")]
pub trait Reads: Send + Sync + 'static {
    fn get(&self, path_and_query: &str) -> ReadFuture;
}

/// [`Reads`] as the pages find it (a context of the render).
#[cfg(feature = "ssr")]
#[derive(Clone)]
pub struct ServerReads(pub std::sync::Arc<dyn Reads>);

/// `GET`s `path` (e.g. `/api/v1/stories?limit=20`) and reads the JSON answer as `T`.
///
/// In the browser, over HTTP ([`fetch_json`]). On the server, rendering a page, through the
/// server's own read layer ([`Reads`], provided by the renderer): the same JSON
/// without a request. Either way the future is `Send`, as leptos's resources want.
pub fn get<T: DeserializeOwned + 'static>(
    path: &str,
) -> impl std::future::Future<Output = Result<T, Problem>> + Send + 'static {
    #[cfg(feature = "ssr")]
    {
        let reads = leptos::prelude::use_context::<ServerReads>();
        let path = path.to_string();
        async move {
            let Some(ServerReads(reads)) = reads else {
                return Err(network_problem("no server reads in this render"));
            };
            let body = reads.get(&path).await?;
            serde_json::from_str::<T>(&body).map_err(|e| {
                problem(
                    "/problems/unreadable-response",
                    "Unreadable response",
                    500,
                    format!("The server's answer could not be read: {e}"),
                )
            })
        }
    }
    #[cfg(not(feature = "ssr"))]
    {
        send_wrapper::SendWrapper::new(fetch_json::<T>(path.to_string()))
    }
}

/// `GET`s `path` over HTTP and reads the JSON answer as `T`.
///
/// The browser revalidates every answer it holds (`cache: no-cache`): public reads may be
/// kept for half a minute by others, but the app shows what the server has now (a reader's
/// own guestbook entry, a moderator's edit), at the cost of a 304 when nothing changed.
///
/// A non-2xx answer becomes the server's problem+json body, or a Problem describing the
/// status when the body is not one; a network failure becomes a Problem with status 0.
#[cfg_attr(feature = "ssr", allow(dead_code))]
async fn fetch_json<T: DeserializeOwned>(path: String) -> Result<T, Problem> {
    let response = Request::get(&path)
        .header("Accept", "application/json")
        .cache(web_sys::RequestCache::NoCache)
        .send()
        .await
        .map_err(network_problem)?;
    read_json(response).await
}

/// Reads a response's JSON as `T`, or its problem.
async fn read_json<T: DeserializeOwned>(response: Response) -> Result<T, Problem> {
    let status = response.status();
    if response.ok() {
        return response.json::<T>().await.map_err(|e| {
            problem(
                "/problems/unreadable-response",
                "Unreadable response",
                status,
                format!("The server's answer could not be read: {e}"),
            )
        });
    }
    Err(problem_of(response).await)
}

/// The problem+json body of a failed response, or a Problem describing its status.
async fn problem_of(response: Response) -> Problem {
    let status = response.status();
    let text = response.text().await.unwrap_or_default();
    serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| {
        let reason = response.status_text();
        problem(
            "about:blank",
            if reason.is_empty() { "Error" } else { &reason },
            status,
            format!("The server answered {status} {reason}. Please try again later."),
        )
    })
}

fn network_problem(e: impl std::fmt::Display) -> Problem {
    problem(
        "/problems/network",
        "Network error",
        0,
        format!("The server could not be reached. Check your connection and try again. ({e})"),
    )
}

// --- what readers send -------------------------------------------------------------------------

/// `POST`s `body` as JSON to `path` (a public form: a submission, a guestbook entry) with an
/// `Idempotency-Key`, so that sending the same form fill again (a retry after a network
/// failure) never stores it twice. Answers the status (e.g. 201 or 202) with the JSON body.
pub async fn post_public<B: Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
    idempotency_key: &str,
) -> Result<(u16, T), Problem> {
    let request = Request::post(path)
        .header("Accept", "application/json")
        .header("Idempotency-Key", idempotency_key)
        .json(body)
        .map_err(|e| {
            problem(
                "/problems/unsendable-request",
                "The form could not be sent",
                0,
                format!("The form could not be prepared for sending: {e}"),
            )
        })?;
    let response = request.send().await.map_err(network_problem)?;
    let status = response.status();
    read_json(response).await.map(|body| (status, body))
}

/// A fresh key for one form fill: 128 random bits as hex. Not a secret, only unique enough
/// that two different fills never share one.
pub fn idempotency_key() -> String {
    // A page rendered on the server sends nothing: the browser makes its own key when it
    // hydrates the form.
    if cfg!(feature = "ssr") {
        return String::new();
    }
    let mut key = String::with_capacity(32);
    for _ in 0..4 {
        // Math.random gives 52 random bits; 32 of them per round.
        let n = (js_sys::Math::random() * 4_294_967_296.0) as u32;
        key.push_str(&format!("{n:08x}"));
    }
    key
}

/// Encodes one query-string value.
pub fn query_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

// --- the moderators' session ------------------------------------------------------------------
//
// The session itself is an HttpOnly cookie the browser sends with every same-origin request;
// the app never sees it. What the app keeps is the CSRF token login answered with, in memory
// only: after a reload, `GET /api/v1/auth/me` gives it again.

thread_local! {
    static CSRF_TOKEN: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Remembers (or forgets) the session's CSRF token.
pub fn set_csrf_token(token: Option<String>) {
    CSRF_TOKEN.with(|t| *t.borrow_mut() = token);
}

fn csrf_token() -> Option<String> {
    CSRF_TOKEN.with(|t| t.borrow().clone())
}

/// Sends a change (`POST`, `PATCH`, `DELETE`) with the session's CSRF header and, when given,
/// a JSON body; the cookie rides along because the request is same-origin.
async fn send(method: Method, path: &str, body: Option<String>) -> Result<Response, Problem> {
    let mut builder = RequestBuilder::new(path)
        .method(method)
        .header("Accept", "application/json");
    if let Some(token) = csrf_token() {
        builder = builder.header(CSRF_HEADER, &token);
    }
    let request = match body {
        Some(json) => builder
            .header("Content-Type", "application/json")
            .body(json),
        None => builder.build(),
    }
    .map_err(network_problem)?;
    request.send().await.map_err(network_problem)
}

fn to_json(value: &impl Serialize) -> Result<String, Problem> {
    serde_json::to_string(value).map_err(|e| {
        problem(
            "/problems/unsendable-request",
            "Request not sent",
            0,
            format!("The request could not be written: {e}"),
        )
    })
}

/// A change that answers with JSON.
async fn change<T: DeserializeOwned>(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<T, Problem> {
    let body = body.map(to_json).transpose()?;
    read_json(send(method, path, body).await?).await
}

/// A change whose answer body the app does not need (204, or a record it re-reads anyway).
async fn change_unit(
    method: Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> Result<(), Problem> {
    let body = body.map(to_json).transpose()?;
    let response = send(method, path, body).await?;
    if response.ok() {
        Ok(())
    } else {
        Err(problem_of(response).await)
    }
}

/// No body.
const NONE: Option<&()> = None;

/// `POST /api/v1/auth/login`: on success the browser holds the session cookie and the app the
/// CSRF token.
pub async fn login(username: String, password: String) -> Result<Me, Problem> {
    let me: Me = change(
        Method::POST,
        "/api/v1/auth/login",
        Some(&Login { username, password }),
    )
    .await?;
    set_csrf_token(me.csrf_token.clone());
    Ok(me)
}

/// `POST /api/v1/auth/logout`; the token is forgotten whatever the server answers.
pub async fn logout() -> Result<(), Problem> {
    let result = change_unit(Method::POST, "/api/v1/auth/logout", NONE).await;
    set_csrf_token(None);
    result
}

/// `GET /api/v1/auth/me`: who is signed in (a 401 Problem when nobody is); keeps the token.
pub async fn me() -> Result<Me, Problem> {
    let me: Me = get("/api/v1/auth/me").await?;
    set_csrf_token(me.csrf_token.clone());
    Ok(me)
}

// --- stories ------------------------------------------------------------------------------------

/// `GET /api/v1/manage/stories`: stories of any status (`draft`, `published` or all).
pub async fn managed_stories(
    status: Option<&str>,
    limit: u32,
    offset: u64,
) -> Result<ManagedStoryPage, Problem> {
    let mut q = form_urlencoded::Serializer::new(String::new());
    if let Some(s) = status {
        q.append_pair("status", s);
    }
    q.append_pair("limit", &limit.to_string());
    q.append_pair("offset", &offset.to_string());
    get(&format!("/api/v1/manage/stories?{}", q.finish())).await
}

pub async fn managed_story(id: &str) -> Result<ManagedStory, Problem> {
    get(&format!("/api/v1/manage/stories/{}", segment(id))).await
}

pub async fn create_story(input: &StoryInput) -> Result<Story, Problem> {
    change(Method::POST, "/api/v1/stories", Some(input)).await
}

pub async fn patch_story(id: i64, patch: &StoryPatch) -> Result<Story, Problem> {
    change(Method::PATCH, &format!("/api/v1/stories/{id}"), Some(patch)).await
}

pub async fn delete_story(id: i64) -> Result<(), Problem> {
    change_unit(Method::DELETE, &format!("/api/v1/stories/{id}"), NONE).await
}

/// `GET /api/v1/countries?q=`: type-ahead over names and aliases.
pub async fn countries(q: &str) -> Result<Vec<Country>, Problem> {
    let q: String = form_urlencoded::byte_serialize(q.as_bytes()).collect();
    get(&format!("/api/v1/countries?q={q}")).await
}

// --- sources ------------------------------------------------------------------------------------

pub async fn sources() -> Result<Vec<Source>, Problem> {
    get("/api/v1/sources").await
}

pub async fn create_source(input: &SourceInput) -> Result<Source, Problem> {
    change(Method::POST, "/api/v1/sources", Some(input)).await
}

pub async fn patch_source(id: i64, patch: &SourcePatch) -> Result<Source, Problem> {
    change(Method::PATCH, &format!("/api/v1/sources/{id}"), Some(patch)).await
}

// --- the submission queue -------------------------------------------------------------------

/// `GET /api/v1/submissions?status=`: the queue, oldest waiting first as the server orders it.
pub async fn submissions(status: &str, limit: u32, offset: u64) -> Result<SubmissionPage, Problem> {
    get(&format!(
        "/api/v1/submissions?status={}&limit={limit}&offset={offset}",
        segment(status)
    ))
    .await
}

pub async fn submission(id: i64) -> Result<Submission, Problem> {
    get(&format!("/api/v1/submissions/{id}")).await
}

pub async fn patch_submission(id: i64, edit: &SubmissionPatch) -> Result<(), Problem> {
    change_unit(
        Method::PATCH,
        &format!("/api/v1/submissions/{id}"),
        Some(edit),
    )
    .await
}

/// What an approval made: the new story's address on the public site.
#[derive(Debug, Clone, PartialEq)]
pub struct Approved {
    /// The story's slug, or its id when the answer did not carry the story itself.
    pub story: String,
    pub title: Option<String>,
}

/// `POST /api/v1/submissions/{id}/approve`: the answer is the created story (api.md); an
/// answer that is the approved submission (naming `story_id`) is understood too.
pub async fn approve_submission(id: i64) -> Result<Approved, Problem> {
    let value: serde_json::Value = change(
        Method::POST,
        &format!("/api/v1/submissions/{id}/approve"),
        NONE,
    )
    .await?;
    if let Ok(story) = serde_json::from_value::<Story>(value.clone()) {
        return Ok(Approved {
            story: story.slug,
            title: Some(story.title),
        });
    }
    if let Ok(s) = serde_json::from_value::<Submission>(value) {
        if let Some(story_id) = s.story_id {
            return Ok(Approved {
                story: story_id.to_string(),
                title: Some(s.title),
            });
        }
    }
    Err(problem(
        "/problems/unreadable-response",
        "Unreadable response",
        200,
        "The submission was approved, but the answer did not name the new story.".into(),
    ))
}

#[derive(Serialize)]
struct Reject<'a> {
    reason: &'a str,
}

pub async fn reject_submission(id: i64, reason: &str) -> Result<(), Problem> {
    change_unit(
        Method::POST,
        &format!("/api/v1/submissions/{id}/reject"),
        Some(&Reject { reason }),
    )
    .await
}

// --- guestbook moderation -------------------------------------------------------------------

/// `GET /api/v1/manage/guestbook?status=`: entries of any status, for moderators.
pub async fn guestbook(
    status: GuestbookStatus,
    limit: u32,
    offset: u64,
) -> Result<GuestbookPage, Problem> {
    get(&format!(
        "/api/v1/manage/guestbook?status={}&limit={limit}&offset={offset}",
        status.as_str()
    ))
    .await
}

#[derive(Serialize)]
struct GuestbookStatusChange {
    status: GuestbookStatus,
}

pub async fn set_guestbook_status(
    id: i64,
    status: GuestbookStatus,
) -> Result<GuestbookEntry, Problem> {
    change(
        Method::PATCH,
        &format!("/api/v1/guestbook/{id}"),
        Some(&GuestbookStatusChange { status }),
    )
    .await
}

/// `POST /api/v1/guestbook/bulk`: one action on many entries; how many changed.
pub async fn bulk_guestbook(ids: Vec<i64>, action: GuestbookAction) -> Result<u64, Problem> {
    let result: BulkResult = change(
        Method::POST,
        "/api/v1/guestbook/bulk",
        Some(&GuestbookBulk { ids, action }),
    )
    .await?;
    Ok(result.affected)
}

// --- accounts, tokens, audit (admins) -----------------------------------------------------

pub async fn users() -> Result<Vec<Moderator>, Problem> {
    get("/api/v1/users").await
}

pub async fn create_user(input: &CreateModerator) -> Result<Moderator, Problem> {
    change(Method::POST, "/api/v1/users", Some(input)).await
}

pub async fn disable_user(username: &str) -> Result<Moderator, Problem> {
    change(
        Method::POST,
        &format!("/api/v1/users/{}/disable", segment(username)),
        NONE,
    )
    .await
}

pub async fn tokens() -> Result<Vec<ApiToken>, Problem> {
    get("/api/v1/tokens").await
}

pub async fn create_token(input: &CreateApiToken) -> Result<NewApiToken, Problem> {
    change(Method::POST, "/api/v1/tokens", Some(input)).await
}

pub async fn revoke_token(id: i64) -> Result<ApiToken, Problem> {
    change(Method::DELETE, &format!("/api/v1/tokens/{id}"), NONE).await
}

/// `GET /api/v1/audit?{query}`; `query` is already encoded.
pub async fn audit(query: &str) -> Result<AuditPage, Problem> {
    get(&format!("/api/v1/audit?{query}")).await
}

/// Encodes one path segment (a slug or an id) for a URL.
pub fn segment(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

fn problem(type_: &str, title: &str, status: u16, detail: String) -> Problem {
    Problem {
        type_: type_.to_string(),
        title: title.to_string(),
        status,
        detail,
        errors: Vec::new(),
    }
}
