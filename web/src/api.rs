//! The one client of the REST API: every request the app makes goes through here.
//!
//! Errors come back as [`Problem`], the same RFC 9457 shape the server sends, so pages show
//! one kind of error whether the server refused the request or the network failed.

use gloo_net::http::{Request, Response};
use peoples_stories_shared::Problem;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// `GET`s `path` (e.g. `/api/v1/stories?limit=20`) and reads the JSON answer as `T`.
///
/// A non-2xx answer becomes the server's problem+json body, or a Problem describing the
/// status when the body is not one; a network failure becomes a Problem with status 0.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Problem> {
    let response = Request::get(path)
        .header("Accept", "application/json")
        .send()
        .await
        .map_err(network_problem)?;
    read(response).await.map(|(_, body)| body)
}

/// `POST`s `body` as JSON to `path` with an `Idempotency-Key`, so that sending the same form
/// fill again (a retry after a network failure) never stores it twice. Answers the status
/// (e.g. 201 or 202) with the JSON body read as `T`.
pub async fn post<B: Serialize, T: DeserializeOwned>(
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
    read(response).await
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<(u16, T), Problem> {
    let status = response.status();
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map(|t| (status, t))
            .map_err(|e| {
                problem(
                    "/problems/unreadable-response",
                    "Unreadable response",
                    status,
                    format!("The server's answer could not be read: {e}"),
                )
            });
    }
    let text = response.text().await.unwrap_or_default();
    Err(serde_json::from_str::<Problem>(&text).unwrap_or_else(|_| {
        let reason = response.status_text();
        problem(
            "about:blank",
            if reason.is_empty() { "Error" } else { &reason },
            status,
            format!("The server answered {status} {reason}. Please try again later."),
        )
    }))
}

fn network_problem(e: gloo_net::Error) -> Problem {
    problem(
        "/problems/network",
        "Network error",
        0,
        format!("The server could not be reached. Check your connection and try again. ({e})"),
    )
}

/// A fresh key for one form fill: 128 random bits as hex. Not a secret, only unique enough
/// that two different fills never share one.
pub fn idempotency_key() -> String {
    let mut key = String::with_capacity(32);
    for _ in 0..4 {
        // Math.random gives 52 random bits; 32 of them per round.
        let n = (js_sys::Math::random() * 4_294_967_296.0) as u32;
        key.push_str(&format!("{n:08x}"));
    }
    key
}

/// Encodes one path segment (a slug or an id) for a URL.
pub fn segment(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

/// Encodes one query-string value.
pub fn query_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
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
