//! The contract's shared parts: the error answers every operation can give, documented once
//! and referenced from each operation (`document_errors`), and which methods a path has
//! (`Methods`, for 405 with `Allow`). Both read the OpenAPI document the routes make, so
//! they cannot drift from the routes.
//!
//! A handler's own `#[utoipa::path]` names what is particular to it (a 404 for an unknown
//! story, a 409 for a duplicate, a 429 for a rate-limited form); what follows from the
//! operation's shape is added here:
//!
//! - every operation that reads the database: 503 (it is unreachable or busy);
//! - parameters in the query: 400 (a bad value, named);
//! - a JSON body: 400 (not JSON), 413 (too large), 415 (not `application/json`), 422 (a
//!   field's value, named; or a body that is not a JSON object);
//! - a caller who must sign in: 401, and 403 (a role that may not, or a cookie session
//!   without its CSRF header or from another origin).

use utoipa::openapi::header::HeaderBuilder;
use utoipa::openapi::path::{Operation, ParameterIn};
use utoipa::openapi::response::ResponseBuilder;
use utoipa::openapi::{Components, ContentBuilder, ObjectBuilder, OpenApi, Ref, RefOr, Type};

/// The shared error answers: status, component name, description.
const ERRORS: &[(&str, &str, &str)] = &[
    (
        "400",
        "BadRequest",
        "The request cannot be read: a query parameter's value (named in `errors`), or a \
         body that is not JSON",
    ),
    (
        "401",
        "Unauthorized",
        "Sign in first: no session cookie or bearer token, or one that has expired or \
         been revoked",
    ),
    (
        "403",
        "Forbidden",
        "Not allowed: the account's role may not do this, or a cookie session's request \
         lacks its CSRF header or comes from another site",
    ),
    (
        "413",
        "PayloadTooLarge",
        "The body is larger than this operation takes",
    ),
    (
        "415",
        "UnsupportedMediaType",
        "The body must be sent as `application/json`",
    ),
    (
        "422",
        "UnprocessableContent",
        "The body is JSON but not what this operation takes: a JSON object whose fields \
         (each named in `errors`) have the documented types, lengths and formats",
    ),
    (
        "503",
        "Unavailable",
        "The database is unreachable or busy for a moment; try again after `Retry-After` \
         seconds",
    ),
];

/// Adds the shared error answers to the document's components and references them from each
/// operation that can give them (and does not already document that status its own way).
pub fn document_errors(api: &mut OpenApi) {
    let components = api.components.get_or_insert_with(Components::new);
    for (status, name, description) in ERRORS {
        let problem = ContentBuilder::new()
            .schema(Some(Ref::from_schema_name("Problem")))
            .build();
        let mut response = ResponseBuilder::new()
            .description(*description)
            .content("application/problem+json", problem);
        if *status == "503" {
            response = response.header(
                "Retry-After",
                HeaderBuilder::new()
                    .schema(ObjectBuilder::new().schema_type(Type::Integer))
                    .description(Some("Seconds to wait before trying again"))
                    .build(),
            );
        }
        components
            .responses
            .insert(name.to_string(), RefOr::T(response.build()));
    }
    for (path, item) in api.paths.paths.iter_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.delete,
            &mut item.patch,
        ];
        for operation in operations.into_iter().flatten() {
            for status in statuses(path, operation) {
                let Some((_, name, _)) = ERRORS.iter().find(|(s, _, _)| *s == status) else {
                    continue;
                };
                operation
                    .responses
                    .responses
                    .entry(status.to_string())
                    .or_insert_with(|| RefOr::Ref(Ref::from_response_name(*name)));
            }
        }
    }
}

/// The shared statuses `operation` at `path` can answer.
fn statuses(path: &str, operation: &Operation) -> Vec<&'static str> {
    let mut out = Vec::new();
    // What never reads the database: the probe of the process and the site's fixed files.
    const WITHOUT_DATABASE: &[&str] = &[
        "/healthz",
        "/robots.txt",
        "/favicon.svg",
        "/favicon.ico",
        "/manifest.webmanifest",
    ];
    if !WITHOUT_DATABASE.contains(&path) {
        out.push("503");
    }
    let query = operation
        .parameters
        .iter()
        .flatten()
        .any(|p| matches!(p.parameter_in, ParameterIn::Query));
    let json_body = operation
        .request_body
        .as_ref()
        .is_some_and(|b| b.content.contains_key("application/json"));
    if query || json_body {
        out.push("400");
    }
    if json_body {
        out.extend(["413", "415", "422"]);
    }
    if operation.security.as_ref().is_some_and(|s| !s.is_empty()) {
        out.extend(["401", "403"]);
    }
    out
}

/// Which methods each documented path answers, for a 405's `Allow`.
pub struct Methods(Vec<(Vec<Segment>, Vec<&'static str>)>);

enum Segment {
    Literal(String),
    /// `{name}`: any one non-empty segment.
    Any,
}

impl Methods {
    pub fn of(api: &OpenApi) -> Methods {
        let table = api
            .paths
            .paths
            .iter()
            .map(|(path, item)| {
                let segments = path
                    .split('/')
                    .map(|s| {
                        if s.starts_with('{') && s.ends_with('}') {
                            Segment::Any
                        } else {
                            Segment::Literal(s.to_string())
                        }
                    })
                    .collect();
                let methods = [
                    ("GET", item.get.is_some()),
                    ("POST", item.post.is_some()),
                    ("PUT", item.put.is_some()),
                    ("PATCH", item.patch.is_some()),
                    ("DELETE", item.delete.is_some()),
                ]
                .into_iter()
                .filter_map(|(m, has)| has.then_some(m))
                .collect();
                (segments, methods)
            })
            .collect();
        Methods(table)
    }

    /// The methods the documented paths matching `path` answer (none: no such path).
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let parts: Vec<&str> = path.split('/').collect();
        let mut allowed: Vec<&'static str> = Vec::new();
        for (segments, methods) in &self.0 {
            let matches = segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| match s {
                    Segment::Literal(l) => l == p,
                    Segment::Any => !p.is_empty(),
                });
            if matches {
                for m in methods {
                    if !allowed.contains(m) {
                        allowed.push(m);
                    }
                }
            }
        }
        allowed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn methods_match_templates_segment_by_segment() {
        let api = crate::app::openapi();
        let methods = Methods::of(&api);
        assert_eq!(methods.allowed("/api/v1/themes"), ["GET"]);
        let mut story = methods.allowed("/api/v1/stories/some-slug");
        story.sort_unstable();
        assert_eq!(story, ["DELETE", "GET", "PATCH"]);
        assert!(methods.allowed("/api/v1/stories/a/b/c").is_empty());
        assert!(methods.allowed("/api/v1/stories/").is_empty());
        assert!(methods.allowed("/api/v1/nothing").is_empty());
    }

    #[test]
    fn every_json_body_documents_its_errors_once() {
        let api = crate::app::openapi();
        let shared = &api.components.as_ref().expect("components").responses;
        assert!(shared.contains_key("UnsupportedMediaType"));
        for (path, item) in &api.paths.paths {
            for op in [&item.post, &item.patch].into_iter().flatten() {
                let json = op
                    .request_body
                    .as_ref()
                    .is_some_and(|b| b.content.contains_key("application/json"));
                if !json {
                    continue;
                }
                for status in ["400", "413", "415", "422", "503"] {
                    assert!(
                        op.responses.responses.contains_key(status),
                        "{path} lacks {status}"
                    );
                }
            }
        }
    }
}
