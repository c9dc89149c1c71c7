//! Extractors for what the public forms send: a JSON body read with a size limit and strict
//! media type, the `Idempotency-Key` header, and the client's address as a keyed hash.
//!
//! Each failure is an `AppError`, so a bad request gets problem+json naming what is wrong:
//! 415 for a body that is not JSON, 413 for one over the limit, 400 for malformed JSON or
//! invalid UTF-8, 422 naming the field for JSON of the wrong shape.

use std::net::IpAddr;

use actix_web::dev::Payload;
use actix_web::http::{header, StatusCode};
use actix_web::{FromRequest, HttpMessage, HttpRequest};
use futures_util::future::LocalBoxFuture;
use futures_util::StreamExt;
use hmac::{Hmac, Mac};
use peoples_stories_shared::FieldError;
use serde::de::DeserializeOwned;
use sha2::Sha256;

use crate::error::AppError;
use crate::state::AppState;

/// A JSON request body of at most `LIMIT` bytes, deserialised strictly.
pub struct JsonBody<T, const LIMIT: usize>(pub T);

impl<T: DeserializeOwned + 'static, const LIMIT: usize> FromRequest for JsonBody<T, LIMIT> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let checked = check_media_type(req);
        let body = read_limited(req, payload, LIMIT);
        Box::pin(async move {
            checked?;
            parse_json(&body.await?).map(JsonBody)
        })
    }
}

/// A request body of at most `LIMIT` bytes, unparsed: a 413 problem past the limit. Reading
/// bytes fails only on size, so handlers that check the caller first (`Moderator`, then
/// this) answer 401/403 before anything about the body.
pub struct BodyBytes<const LIMIT: usize>(pub Vec<u8>);

impl<const LIMIT: usize> FromRequest for BodyBytes<LIMIT> {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let body = read_limited(req, payload, LIMIT);
        Box::pin(async move { body.await.map(BodyBytes) })
    }
}

/// Reads the whole body, refusing (413) a declared or actual length over `limit`.
/// How long a request body may take to arrive, whole.
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

fn read_limited(
    req: &HttpRequest,
    payload: &mut Payload,
    limit: usize,
) -> LocalBoxFuture<'static, Result<Vec<u8>, AppError>> {
    let declared = check_declared_length(req, limit);
    let mut payload = payload.take();
    Box::pin(async move {
        declared?;
        let read = async {
            let mut body = Vec::new();
            while let Some(chunk) = payload.next().await {
                let chunk = chunk.map_err(|e| {
                    AppError::request(
                        StatusCode::BAD_REQUEST,
                        "Unreadable body",
                        format!("the request body could not be read: {e}"),
                    )
                })?;
                if body.len() + chunk.len() > limit {
                    return Err(too_large(limit));
                }
                body.extend_from_slice(&chunk);
            }
            Ok(body)
        };
        // A body that trickles in (or never comes) must not hold a connection open.
        tokio::time::timeout(BODY_TIMEOUT, read)
            .await
            .unwrap_or_else(|_| {
                Err(AppError::request(
                    StatusCode::REQUEST_TIMEOUT,
                    "Request body too slow",
                    format!(
                        "the body did not arrive within {} seconds",
                        BODY_TIMEOUT.as_secs()
                    ),
                ))
            })
    })
}

/// JSON (`application/json` or `application/*+json`) in UTF-8, or a 415 saying what to send.
pub fn check_media_type(req: &HttpRequest) -> Result<(), AppError> {
    check_body_type(
        req,
        |essence| {
            (essence == "application/json"
                || essence.starts_with("application/") && essence.ends_with("+json"))
            .then_some(())
        },
        "JSON with Content-Type: application/json",
    )
}

/// A body whose media type's essence (lower-cased) `accepts` reads as a `T` (which kind of
/// body it is), in UTF-8, or a 415 asking for `what`.
pub fn check_body_type<T>(
    req: &HttpRequest,
    accepts: impl Fn(&str) -> Option<T>,
    what: &str,
) -> Result<T, AppError> {
    let unsupported = |detail: String| {
        AppError::request(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported media type",
            detail,
        )
    };
    let Some(value) = req.headers().get(header::CONTENT_TYPE) else {
        return Err(unsupported(format!("send the body as {what}")));
    };
    let value = value.to_str().unwrap_or_default().to_ascii_lowercase();
    let mut parts = value.split(';').map(str::trim);
    let essence = parts.next().unwrap_or_default();
    let Some(kind) = accepts(essence) else {
        return Err(unsupported(format!(
            "send the body as {what}, not {essence}"
        )));
    };
    for param in parts {
        if let Some(charset) = param.strip_prefix("charset=") {
            let charset = charset.trim_matches('"');
            if charset != "utf-8" && charset != "utf8" {
                return Err(unsupported(format!(
                    "the body must be UTF-8, not {charset}"
                )));
            }
        }
    }
    Ok(kind)
}

fn check_declared_length(req: &HttpRequest, limit: usize) -> Result<(), AppError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    match declared {
        Some(n) if n > limit as u64 => Err(too_large(limit)),
        _ => Ok(()),
    }
}

fn too_large(limit: usize) -> AppError {
    AppError::request(
        StatusCode::PAYLOAD_TOO_LARGE,
        "Request body too large",
        format!("the body may be at most {} KiB", limit / 1024),
    )
}

/// Parses a JSON object, telling malformed input (400) from well-formed JSON of the wrong
/// shape (422, naming the field by its path, such as `links[0].url`, or `body` when it is
/// not an object).
pub fn parse_json<T: DeserializeOwned>(body: &[u8]) -> Result<T, AppError> {
    let text = std::str::from_utf8(body).map_err(|e| {
        AppError::request(
            StatusCode::BAD_REQUEST,
            "Malformed request body",
            format!("the body is not valid UTF-8 (at byte {})", e.valid_up_to()),
        )
    })?;
    // Every body the API takes is a JSON object; serde would also read a struct from an
    // array of its fields in order (`[]` as an empty patch), which no client means.
    if !text.trim_start().starts_with('{') {
        return Err(match serde_json::from_str::<serde::de::IgnoredAny>(text) {
            Ok(_) => AppError::invalid_body(vec![FieldError::new(
                "body",
                "must be a JSON object ({...}) with the documented fields",
            )]),
            Err(e) => malformed(&e),
        });
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        let inner = e.into_inner();
        match inner.classify() {
            serde_json::error::Category::Data => {
                AppError::invalid_body(vec![shape_error(&path, &inner)])
            }
            _ => malformed(&inner),
        }
    })
}

fn malformed(e: &serde_json::Error) -> AppError {
    AppError::request(
        StatusCode::BAD_REQUEST,
        "Malformed request body",
        format!("the body is not valid JSON: {e}"),
    )
}

/// Names the field serde complained about: missing and unknown fields are named in the
/// message, type errors by their path.
fn shape_error(path: &str, e: &serde_json::Error) -> FieldError {
    let message = e.to_string();
    let message = message
        .split(" at line ")
        .next()
        .unwrap_or(&message)
        .to_string();
    let quoted = message.split('`').nth(1).map(str::to_string);
    let parent = if path == "." {
        String::new()
    } else {
        format!("{path}.")
    };
    if let (true, Some(name)) = (message.starts_with("missing field"), &quoted) {
        return FieldError::new(format!("{parent}{name}"), "is required");
    }
    if let (true, Some(name)) = (message.starts_with("unknown field"), &quoted) {
        // The path already ends with the unknown field's name.
        let field = if path.ends_with(name.as_str()) {
            path.to_string()
        } else {
            format!("{parent}{name}")
        };
        return FieldError::new(field, "is not a field of this request");
    }
    let field = if path == "." {
        "body".to_string()
    } else {
        path.to_string()
    };
    FieldError::new(field, message)
}

/// The `Idempotency-Key` header, if sent: 1 to 255 visible ASCII characters.
pub struct IdempotencyKey(pub Option<String>);

impl FromRequest for IdempotencyKey {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(idempotency_key(req).map(IdempotencyKey))
    }
}

fn idempotency_key(req: &HttpRequest) -> Result<Option<String>, AppError> {
    let Some(value) = req.headers().get("idempotency-key") else {
        return Ok(None);
    };
    let ok = value
        .to_str()
        .ok()
        .filter(|v| (1..=255).contains(&v.len()) && v.bytes().all(|b| b.is_ascii_graphic()));
    match ok {
        Some(v) => Ok(Some(v.to_string())),
        None => Err(AppError::field(
            "Idempotency-Key",
            "must be 1 to 255 visible ASCII characters, such as a UUID",
        )),
    }
}

/// The client, as a keyed hash of its network address: enough to rate-limit, useless to
/// anyone without the site's secret, and never the address itself.
pub struct ClientHash(pub String);

impl FromRequest for ClientHash {
    type Error = AppError;
    type Future = std::future::Ready<Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        std::future::ready(client_hash(req).map(ClientHash))
    }
}

/// A request's client hash, once computed: the refusals middleware and the handler's
/// extractor both need it.
#[derive(Clone)]
struct ComputedClientHash(String);

fn client_hash(req: &HttpRequest) -> Result<String, AppError> {
    if let Some(known) = req.extensions().get::<ComputedClientHash>() {
        return Ok(known.0.clone());
    }
    let hash = compute_client_hash(req)?;
    req.extensions_mut()
        .insert(ComputedClientHash(hash.clone()));
    Ok(hash)
}

fn compute_client_hash(req: &HttpRequest) -> Result<String, AppError> {
    let state = req
        .app_data::<actix_web::web::Data<AppState>>()
        .ok_or_else(|| AppError::Internal(anyhow::anyhow!("no AppState")))?;
    let peer = req.peer_addr().map(|a| a.ip());
    let settings = &state.contributions;
    let addr = if settings.reads_forwarded_for() {
        let forwarded = req
            .headers()
            .get_all("x-forwarded-for")
            .filter_map(|v| v.to_str().ok());
        client_addr(peer, forwarded, settings)
    } else {
        peer
    };
    // No address (a Unix socket, a test harness): all such clients share one bucket.
    let network = addr.map(network_of).unwrap_or_default();
    Ok(keyed_hash(&state.client_key.current(), network.as_bytes()))
}

/// The client's address as the trusted proxies saw it. `X-Forwarded-For` is read from the
/// right, where each proxy appended the address it was reached from: the first entry that is
/// not a trusted proxy is the client (with `trust_forwarded_for` alone, the peer is the one
/// proxy and the rightmost entry the client). Entries left of it were written by the client
/// and are never believed. A request straight from an untrusted peer is that peer.
pub fn client_addr<'a>(
    peer: Option<IpAddr>,
    forwarded_for: impl Iterator<Item = &'a str>,
    settings: &crate::config::ContributionSettings,
) -> Option<IpAddr> {
    let trusted = |ip: &IpAddr| settings.trusted_proxies.iter().any(|n| n.0.contains(ip));
    let peer_is_proxy = settings.trust_forwarded_for || peer.as_ref().is_some_and(trusted);
    if !peer_is_proxy {
        return peer;
    }
    let hops: Vec<&str> = forwarded_for.flat_map(|v| v.split(',')).collect();
    let mut client = peer;
    for hop in hops.iter().rev() {
        // Garbage where a proxy should have written an address: the last proxy is all we know.
        let Some(ip) = parse_addr(hop.trim()) else {
            break;
        };
        client = Some(ip);
        if !trusted(&ip) {
            break;
        }
    }
    client
}

fn parse_addr(s: &str) -> Option<IpAddr> {
    s.parse::<IpAddr>()
        .ok()
        .or_else(|| s.parse::<std::net::SocketAddr>().ok().map(|a| a.ip()))
}

/// IPv4 addresses stand alone; an IPv6 client is its /64, which one household or phone
/// usually holds whole.
fn network_of(ip: IpAddr) -> String {
    match ip {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

/// HMAC-SHA-256 of `data` under `key`, as 32 hex digits.
pub fn keyed_hash(key: &[u8], data: &[u8]) -> String {
    // HMAC takes keys of any length, so this cannot fail.
    let mut mac = match <Hmac<Sha256> as Mac>::new_from_slice(key) {
        Ok(m) => m,
        Err(_) => return String::new(),
    };
    mac.update(data);
    hex::encode(&mac.finalize().into_bytes()[..16])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ipv6_clients_are_their_slash_64() {
        let a: IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(network_of(a), network_of(b));
        let v4: IpAddr = "::ffff:203.0.113.7".parse().unwrap();
        assert_eq!(network_of(v4), "203.0.113.7");
    }

    #[test]
    fn the_client_is_the_rightmost_hop_no_trusted_proxy_wrote() {
        use crate::config::{ContributionSettings, ProxyNet};
        let proxies = |list: &[&str]| ContributionSettings {
            trusted_proxies: list
                .iter()
                .map(|s| s.parse::<ProxyNet>().unwrap())
                .collect(),
            ..ContributionSettings::default()
        };
        let one_hop = ContributionSettings {
            trust_forwarded_for: true,
            ..ContributionSettings::default()
        };
        let none = ContributionSettings::default();
        let nginx = proxies(&["127.0.0.1", "10.0.0.0/24"]);
        // (settings, peer, X-Forwarded-For headers, the client)
        let table: Vec<(&ContributionSettings, &str, Vec<&str>, &str)> = vec![
            // Nothing trusted: the header is the client's own words.
            (&none, "198.51.100.7", vec!["203.0.113.1"], "198.51.100.7"),
            // From a trusted proxy: what it appended.
            (&nginx, "127.0.0.1", vec!["203.0.113.9"], "203.0.113.9"),
            // The client's own forged entries stand left of what the proxy appended.
            (
                &nginx,
                "127.0.0.1",
                vec!["1.2.3.4, 203.0.113.9"],
                "203.0.113.9",
            ),
            (
                &nginx,
                "127.0.0.1",
                vec!["1.2.3.4", "203.0.113.9"],
                "203.0.113.9",
            ),
            // Two trusted proxies in a row are both skipped.
            (
                &nginx,
                "127.0.0.1",
                vec!["6.6.6.6, 203.0.113.9, 10.0.0.4"],
                "203.0.113.9",
            ),
            // A peer that is not a trusted proxy is the client, whatever it claims.
            (&nginx, "198.51.100.7", vec!["203.0.113.9"], "198.51.100.7"),
            // Garbage where the proxy's entry should be: the last proxy seen.
            (
                &nginx,
                "127.0.0.1",
                vec!["203.0.113.9, nonsense"],
                "127.0.0.1",
            ),
            // No header from a proxy: the proxy.
            (&nginx, "127.0.0.1", vec![], "127.0.0.1"),
            // Ports and IPv6.
            (
                &nginx,
                "127.0.0.1",
                vec!["[2001:db8::1]:4711"],
                "2001:db8::1",
            ),
            // One proxy of any address: the rightmost entry.
            (
                &one_hop,
                "192.0.2.1",
                vec!["1.2.3.4, 203.0.113.9"],
                "203.0.113.9",
            ),
        ];
        for (settings, peer, headers, want) in table {
            let got = client_addr(peer.parse().ok(), headers.iter().copied(), settings);
            assert_eq!(got, want.parse().ok(), "{peer} {headers:?}");
        }
        assert!("not an address".parse::<ProxyNet>().is_err());
    }

    #[test]
    fn names_the_field_of_a_shape_error() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct T {
            a: bool,
            links: Vec<L>,
        }
        #[derive(serde::Deserialize, Debug)]
        #[allow(dead_code)]
        struct L {
            url: String,
        }
        let field = |json: &str| match parse_json::<T>(json.as_bytes()) {
            Err(AppError::Invalid { errors, .. }) => errors[0].field.clone(),
            other => panic!("{json}: {other:?}"),
        };
        assert_eq!(field(r#"{"links": []}"#), "a");
        assert_eq!(field(r#"{"a": "yes", "links": []}"#), "a");
        assert_eq!(field(r#"{"a": true, "links": [{}]}"#), "links[0].url");
        assert_eq!(field(r#"{"a": true, "links": [], "x": 1}"#), "x");
        assert!(matches!(
            parse_json::<T>(b"{\"a\": tru"),
            Err(AppError::Request { .. })
        ));
        assert!(matches!(
            parse_json::<T>(b"{\"a\": \"\xff\"}"),
            Err(AppError::Request { .. })
        ));
    }
}
