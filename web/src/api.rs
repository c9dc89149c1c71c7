//! The one client of the REST API: every request the app makes goes through here.
//!
//! Errors come back as [`Problem`], the same RFC 9457 shape the server sends, so pages show
//! one kind of error whether the server refused the request or the network failed.

use gloo_net::http::Request;
use peoples_stories_shared::Problem;
use serde::de::DeserializeOwned;

/// `GET`s `path` (e.g. `/api/v1/stories?limit=20`) and reads the JSON answer as `T`.
///
/// A non-2xx answer becomes the server's problem+json body, or a Problem describing the
/// status when the body is not one; a network failure becomes a Problem with status 0.
pub async fn get<T: DeserializeOwned>(path: &str) -> Result<T, Problem> {
    let response =
        Request::get(path)
            .header("Accept", "application/json")
            .send()
            .await
            .map_err(|e| {
                problem(
            "/problems/network",
            "Network error",
            0,
            format!("The server could not be reached. Check your connection and try again. ({e})"),
        )
            })?;
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
