//! The contract's shared parts: the error answers every operation can give, documented once
//! and referenced from each operation (`document_errors`), the limits the server enforces on
//! bodies, from `shared`'s constants (`document_limits`), and which methods a path has
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

/// The limits the server enforces on request bodies, from the same constants in `shared`
/// (schema, property, kind, limit): a string's most characters, a list's most items, or the
/// most characters of each item of a list of strings. Only upper bounds: the server counts a
/// text once trimmed, so a lower bound in the schema would promise more than it accepts.
const LIMITS: &[(&str, &str, Limit, usize)] = {
    use peoples_stories_shared::contribution::{
        BODY_MAX, COUNTRIES_MAX, COUNTRY_NAME_MAX, EMAIL_MAX, LINKS_MAX, MESSAGE_MAX, NAME_MAX,
        REASON_MAX, TITLE_MAX, URL_MAX,
    };
    use peoples_stories_shared::moderation::{
        PASSWORD_MAX, STORY_COUNTRIES_MAX, STORY_LINKS_MAX, STORY_UPDATES_MAX, SUMMARY_MAX,
    };
    use Limit::{Chars, EachChars, Items};
    &[
        ("CreateSubmission", "title", Chars, TITLE_MAX),
        ("CreateSubmission", "body", Chars, BODY_MAX),
        ("CreateSubmission", "byline", Chars, NAME_MAX),
        ("CreateSubmission", "email", Chars, EMAIL_MAX),
        ("CreateSubmission", "related_url", Chars, URL_MAX),
        ("CreateSubmission", "countries", Items, COUNTRIES_MAX),
        ("CreateSubmission", "countries", EachChars, COUNTRY_NAME_MAX),
        ("CreateSubmission", "links", Items, LINKS_MAX),
        ("SubmittedLink", "url", Chars, URL_MAX),
        ("SubmittedLink", "title", Chars, TITLE_MAX),
        ("SignGuestbook", "name", Chars, NAME_MAX),
        ("SignGuestbook", "message", Chars, MESSAGE_MAX),
        ("SignGuestbook", "country", Chars, COUNTRY_NAME_MAX),
        ("StoryInput", "title", Chars, TITLE_MAX),
        ("StoryInput", "byline", Chars, NAME_MAX),
        ("StoryInput", "summary", Chars, SUMMARY_MAX),
        ("StoryInput", "body", Chars, BODY_MAX),
        ("StoryInput", "related_url", Chars, URL_MAX),
        ("StoryInput", "countries", Items, STORY_COUNTRIES_MAX),
        ("StoryInput", "countries", EachChars, COUNTRY_NAME_MAX),
        ("StoryInput", "links", Items, STORY_LINKS_MAX),
        ("StoryInput", "updates", Items, STORY_UPDATES_MAX),
        ("StoryPatch", "title", Chars, TITLE_MAX),
        ("StoryPatch", "byline", Chars, NAME_MAX),
        ("StoryPatch", "summary", Chars, SUMMARY_MAX),
        ("StoryPatch", "body", Chars, BODY_MAX),
        ("StoryPatch", "related_url", Chars, URL_MAX),
        ("StoryPatch", "countries", Items, STORY_COUNTRIES_MAX),
        ("StoryPatch", "countries", EachChars, COUNTRY_NAME_MAX),
        ("StoryPatch", "links", Items, STORY_LINKS_MAX),
        ("StoryPatch", "updates", Items, STORY_UPDATES_MAX),
        ("UpdateInput", "body", Chars, BODY_MAX),
        ("LinkInput", "url", Chars, URL_MAX),
        ("LinkInput", "title", Chars, TITLE_MAX),
        ("RejectSubmission", "reason", Chars, REASON_MAX),
        ("CreateModerator", "password", Chars, PASSWORD_MAX),
    ]
};

#[derive(Clone, Copy)]
enum Limit {
    Chars,
    Items,
    EachChars,
}

/// Writes `LIMITS` into the document's schemas; returns the entries it found no place for
/// (a renamed field: the unit test fails on any).
pub fn document_limits(api: &mut OpenApi) -> Vec<String> {
    use utoipa::openapi::schema::{ArrayItems, Schema};
    let mut missed = Vec::new();
    let Some(components) = api.components.as_mut() else {
        return vec!["components".into()];
    };
    for (schema, property, kind, limit) in LIMITS {
        let prop = match components.schemas.get_mut(*schema) {
            Some(RefOr::T(Schema::Object(o))) => o.properties.get_mut(*property),
            _ => None,
        };
        let done = match (prop, kind) {
            (Some(RefOr::T(Schema::Object(o))), Limit::Chars) => {
                o.max_length = Some(*limit);
                true
            }
            (Some(RefOr::T(Schema::Array(a))), Limit::Items) => {
                a.max_items = Some(*limit);
                true
            }
            (Some(RefOr::T(Schema::Array(a))), Limit::EachChars) => match &mut a.items {
                ArrayItems::RefOrSchema(item) => match item.as_mut() {
                    RefOr::T(Schema::Object(o)) => {
                        o.max_length = Some(*limit);
                        true
                    }
                    _ => false,
                },
                _ => false,
            },
            _ => false,
        };
        if !done {
            missed.push(format!("{schema}.{property}"));
        }
    }
    missed
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
    fn every_limit_finds_its_field() {
        // `openapi()` has applied them; applying again reports what has no place.
        let mut api = crate::app::openapi();
        assert_eq!(document_limits(&mut api), Vec::<String>::new());
        let json = serde_json::to_value(&api).expect("json");
        let title = &json["components"]["schemas"]["CreateSubmission"]["properties"]["title"];
        assert_eq!(
            title["maxLength"],
            peoples_stories_shared::contribution::TITLE_MAX
        );
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
