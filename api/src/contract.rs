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

/// `blank!()` as a constant.
macro_rules! blank {
    () => {
        r"\t\n\x0B\f\r \x85\xA0\u1680\u2000-\u200A\u2028\u2029\u202F\u205F\u3000"
    };
}

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
/// most characters of each item of a list of strings. The server counts a text's most
/// characters as sent, as `maxLength` does, but its least once trimmed (blanks are not text),
/// so texts get no lower bound here; lower bounds where nothing is trimmed (a password, a
/// list of ids).
const LIMITS: &[(&str, &str, Limit, usize)] = {
    use crate::moderation::queue::BULK_MAX;
    use peoples_stories_shared::contribution::{
        BODY_MAX, COUNTRIES_MAX, COUNTRY_NAME_MAX, EMAIL_MAX, LINKS_MAX, MESSAGE_MAX, NAME_MAX,
        REASON_MAX, TITLE_MAX, URL_MAX,
    };
    use peoples_stories_shared::moderation::{
        PASSWORD_MAX, PASSWORD_MIN, SOURCE_SLUG_MAX, STORY_COUNTRIES_MAX, STORY_LINKS_MAX,
        STORY_UPDATES_MAX, SUMMARY_MAX,
    };
    use Limit::{Chars, EachChars, Items, MinChars, MinItems};
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
        ("CreateModerator", "password", MinChars, PASSWORD_MIN),
        ("GuestbookBulk", "ids", Items, BULK_MAX),
        ("SourceInput", "slug", Chars, SOURCE_SLUG_MAX),
        ("SourcePatch", "slug", Chars, SOURCE_SLUG_MAX),
        ("GuestbookBulk", "ids", MinItems, 1),
    ]
};

/// The patterns a body's string must match (schema, property, pattern): a source's slug
/// (`SourceInput::validate`: 1 to 80 of a-z, 0-9 and '-', not only digits), a new account's
/// username, a rejection's reason (not blank).
const PATTERNS: &[(&str, &str, &str)] = &[
    ("SourceInput", "slug", SLUG_PATTERN),
    ("SourcePatch", "slug", SLUG_PATTERN),
    ("CreateModerator", "username", USERNAME_PATTERN),
    ("RejectSubmission", "reason", NOT_BLANK_PATTERN),
];

/// A text that holds something besides blanks (unanchored: one such character anywhere).
const NOT_BLANK_PATTERN: &str = concat!("[^", blank!(), "]");

/// A new account's username (`accounts::create_user`): blanks around it are trimmed, letters
/// lower-cased, then `shared::moderation::check_username`'s 3 to 64 of a-z, 0-9, '.', '_'
/// and '-'.
const USERNAME_PATTERN: &str = concat!("^[", blank!(), "]*[A-Za-z0-9._-]{3,64}[", blank!(), "]*$");

const SLUG_PATTERN: &str = "^[a-z0-9-]*[a-z-][a-z0-9-]*$";

#[derive(Clone, Copy)]
enum Limit {
    Chars,
    Items,
    EachChars,
    MinChars,
    MinItems,
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
            (Some(RefOr::T(Schema::Object(o))), Limit::MinChars) => {
                o.min_length = Some(*limit);
                true
            }
            (Some(RefOr::T(Schema::Array(a))), Limit::MinItems) => {
                a.min_items = Some(*limit);
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
    for (schema, property, pattern) in PATTERNS {
        match components.schemas.get_mut(*schema) {
            Some(RefOr::T(Schema::Object(o))) => match o.properties.get_mut(*property) {
                Some(RefOr::T(Schema::Object(p))) => p.pattern = Some(pattern.to_string()),
                _ => missed.push(format!("{schema}.{property}")),
            },
            _ => missed.push(format!("{schema}.{property}")),
        }
    }
    missed
}

/// `GET /api/v1/stories?fields=title,slug` answers items holding only `id` and those keys:
/// the list's items are documented as `anyOf` a whole `Story` or a `StoryFields`, the same
/// properties with only `id` required, so that a client (a generated one too) can read a
/// projected page. Returns what it found no place for.
pub fn document_projection(api: &mut OpenApi) -> Vec<String> {
    use utoipa::openapi::schema::{AnyOfBuilder, ArrayItems, Schema};
    let Some(components) = api.components.as_mut() else {
        return vec!["components".into()];
    };
    let mut partial = match components.schemas.get("Story") {
        Some(RefOr::T(Schema::Object(o))) => o.clone(),
        _ => return vec!["Story".into()],
    };
    partial.required = vec!["id".to_string()];
    partial.description = Some(
        "A story as `fields` chose it: `id` and the keys asked for (`fields=title,slug`), \
         each as in `Story`."
            .to_string(),
    );
    components
        .schemas
        .insert("StoryFields".to_string(), RefOr::T(Schema::Object(partial)));
    let items = match components.schemas.get_mut("StoryPage") {
        Some(RefOr::T(Schema::Object(o))) => o.properties.get_mut("items"),
        _ => None,
    };
    let Some(RefOr::T(Schema::Array(items))) = items else {
        return vec!["StoryPage.items".into()];
    };
    items.items = ArrayItems::RefOrSchema(Box::new(RefOr::T(Schema::AnyOf(
        AnyOfBuilder::new()
            .item(Ref::from_schema_name("Story"))
            .item(Ref::from_schema_name("StoryFields"))
            .description(Some(
                "A whole story; with `fields`, only `id` and the fields chosen (`StoryFields`)",
            ))
            .build(),
    ))));
    Vec::new()
}

/// The operations whose query `shared::ListStoriesQuery::parse` reads: the same rules hold
/// for each parameter they share.
const STORY_FILTERS: &[&str] = &[
    "/api/v1/stories",
    "/api/v1/stories/export",
    "/feeds/stories.atom",
    "/feeds/stories.rss",
];

/// What the server's parsers require of a query parameter's value, beyond its type.
#[derive(Clone, Copy)]
enum Rule {
    /// Not empty (`country=` is refused rather than read as no filter).
    NonEmpty,
    /// A date as `shared::PartialDate` reads it.
    Date,
    /// An RFC 3339 time.
    DateTime,
    /// One of these values, exactly.
    OneOf(&'static [&'static str]),
    /// A comma-separated list of these names less the second list's (blanks around and
    /// between them are read past).
    ListOf(&'static [&'static str], &'static [&'static str]),
    /// At most this many characters.
    MaxChars(usize),
}

/// The query parameters' rules: the operations (paths) they apply to, the parameter, the
/// rule. Repeatable parameters (arrays) get the rule on each item.
const QUERY_RULES: &[(&[&str], &str, Rule)] = {
    use peoples_stories_shared::list::FACETS;
    use peoples_stories_shared::{MAX_QUERY_CHARS, STORY_FIELDS};
    use Rule::{Date, DateTime, ListOf, MaxChars, NonEmpty, OneOf};
    const EXPORT: &[&str] = &["/api/v1/stories/export"];
    const LIST: &[&str] = &["/api/v1/stories"];
    const TOMBSTONES: &[&str] = &["/api/v1/stories/tombstones"];
    const HARVESTS: &[&str] = &["/api/v1/stories", "/api/v1/stories/export"];
    &[
        (STORY_FILTERS, "country", NonEmpty),
        (STORY_FILTERS, "theme", NonEmpty),
        (STORY_FILTERS, "source", NonEmpty),
        (STORY_FILTERS, "from", Date),
        (STORY_FILTERS, "to", Date),
        (HARVESTS, "cursor", NonEmpty),
        (HARVESTS, "updated_since", DateTime),
        (EXPORT, "q", MaxChars(MAX_QUERY_CHARS)),
        (EXPORT, "format", OneOf(&["csv", "jsonl"])),
        // An export has no highlights (`reading::export::plan` refuses the name).
        (EXPORT, "fields", ListOf(&STORY_FIELDS, &["highlight"])),
        (LIST, "fields", ListOf(&STORY_FIELDS, &[])),
        (LIST, "facets", ListOf(&FACETS, &[])),
        (LIST, "sort", OneOf(&["newest", "oldest", "relevance"])),
        (TOMBSTONES, "since", DateTime),
        (TOMBSTONES, "cursor", NonEmpty),
        (
            &["/api/v1/submissions"],
            "status",
            OneOf(&["pending", "approved", "rejected"]),
        ),
        (
            &["/api/v1/manage/guestbook"],
            "status",
            OneOf(&["pending", "visible", "hidden"]),
        ),
        (
            &["/api/v1/manage/stories"],
            "status",
            OneOf(&["draft", "published"]),
        ),
    ]
};

/// The characters Rust's `str::trim` reads past (Unicode White_Space), as a regex class body.
const BLANK: &str = blank!();

/// Writes `QUERY_RULES` into the operations' query parameters; returns the entries it found
/// no place for (the unit test fails on any).
pub fn document_query_rules(api: &mut OpenApi) -> Vec<String> {
    use utoipa::openapi::schema::{ArrayItems, Schema, SchemaFormat};
    let mut missed = Vec::new();
    for (paths, name, rule) in QUERY_RULES {
        for path in *paths {
            let parameter = api
                .paths
                .paths
                .get_mut(*path)
                .and_then(|item| item.get.as_mut())
                .and_then(|op| op.parameters.as_mut())
                .and_then(|ps| {
                    ps.iter_mut()
                        .find(|p| p.name == *name && matches!(p.parameter_in, ParameterIn::Query))
                });
            let schema = match parameter.and_then(|p| p.schema.as_mut()) {
                Some(RefOr::T(Schema::Object(o))) => Some(o),
                Some(RefOr::T(Schema::Array(a))) => match &mut a.items {
                    ArrayItems::RefOrSchema(item) => match item.as_mut() {
                        RefOr::T(Schema::Object(o)) => Some(o),
                        _ => None,
                    },
                    _ => None,
                },
                _ => None,
            };
            let Some(o) = schema else {
                missed.push(format!("{path} {name}"));
                continue;
            };
            match rule {
                Rule::NonEmpty => o.min_length = Some(1),
                Rule::Date => o.pattern = Some(peoples_stories_shared::date::PATTERN.to_string()),
                Rule::DateTime => {
                    o.format = Some(SchemaFormat::KnownFormat(
                        utoipa::openapi::KnownFormat::DateTime,
                    ))
                }
                Rule::OneOf(values) => {
                    o.enum_values = Some(values.iter().map(|v| (*v).into()).collect())
                }
                Rule::ListOf(names, except) => {
                    let names: Vec<&str> = names
                        .iter()
                        .copied()
                        .filter(|n| !except.contains(n))
                        .collect();
                    let name = format!("(?:{})", names.join("|"));
                    let item = format!("[{BLANK}]*(?:{name}[{BLANK}]*)?");
                    o.pattern = Some(format!("^{item}(?:,{item})*$"));
                }
                Rule::MaxChars(n) => o.max_length = Some(*n),
            }
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
        "/icon-192.png",
        "/icon-512.png",
        "/apple-touch-icon.png",
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

    /// The methods the documented paths matching `path` answer (none: no such path). A path
    /// that a literal template names (`/api/v1/stories/import`) is that resource alone, not
    /// also a `{id_or_slug}` of its parent: only the templates with the most literal
    /// segments count.
    pub fn allowed(&self, path: &str) -> Vec<&'static str> {
        let parts: Vec<&str> = path.split('/').collect();
        let matching: Vec<(usize, &Vec<&'static str>)> = self
            .0
            .iter()
            .filter(|(segments, _)| {
                segments.len() == parts.len()
                    && segments.iter().zip(&parts).all(|(s, p)| match s {
                        Segment::Literal(l) => l == p,
                        Segment::Any => !p.is_empty(),
                    })
            })
            .map(|(segments, methods)| {
                let literals = segments
                    .iter()
                    .filter(|s| matches!(s, Segment::Literal(_)))
                    .count();
                (literals, methods)
            })
            .collect();
        let most = matching.iter().map(|(n, _)| *n).max().unwrap_or(0);
        let mut allowed: Vec<&'static str> = Vec::new();
        for (_, methods) in matching.into_iter().filter(|(n, _)| *n == most) {
            for m in methods {
                if !allowed.contains(m) {
                    allowed.push(m);
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
        // A literal path is its own resource, not also an `{id_or_slug}`.
        assert_eq!(methods.allowed("/api/v1/stories/import"), ["POST"]);
        assert_eq!(methods.allowed("/api/v1/guestbook/bulk"), ["POST"]);
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
    fn the_date_pattern_accepts_exactly_what_partial_date_reads() {
        use peoples_stories_shared::PartialDate;
        let pattern = regex::Regex::new(peoples_stories_shared::date::PATTERN).expect("regex");
        let mut tried = 0;
        for year in [
            "0000", "0001", "0004", "0100", "0400", "1900", "2000", "2023", "2024",
        ] {
            let mut texts = vec![year.to_string(), format!("{year}-1"), format!("{year}-")];
            for month in 0..=13 {
                texts.push(format!("{year}-{month:02}"));
                for day in 0..=32 {
                    texts.push(format!("{year}-{month:02}-{day:02}"));
                }
            }
            for text in texts {
                assert_eq!(
                    pattern.is_match(&text),
                    text.parse::<PartialDate>().is_ok(),
                    "{text}"
                );
                tried += 1;
            }
        }
        for other in [
            "",
            "9999",
            "99999",
            "2024-02-29x",
            " 2024",
            "2024-1-01",
            "abcd",
        ] {
            assert_eq!(
                pattern.is_match(other),
                other.parse::<PartialDate>().is_ok(),
                "{other:?}"
            );
        }
        assert!(tried > 2000);
    }

    #[test]
    fn body_patterns_accept_what_the_checks_accept() {
        use peoples_stories_shared::moderation::check_username;
        let username = regex::Regex::new(USERNAME_PATTERN).expect("regex");
        for name in [
            "maria",
            "Maria",
            " ada ",
            "ab",
            "a.b_c-d",
            "a b",
            "\u{212A}im",
            "ma\u{fc}ller",
            "x\u{3000}",
            "\u{85}abc",
            "\u{feff}abc",
            &"a".repeat(64),
            &"a".repeat(65),
        ] {
            let lowered = name.trim().to_ascii_lowercase();
            assert_eq!(
                username.is_match(name),
                check_username(&lowered).is_ok(),
                "{name:?}"
            );
        }
        let reason = regex::Regex::new(NOT_BLANK_PATTERN).expect("regex");
        for (text, ok) in [
            ("no", true),
            (" \u{3000}\t\n", false),
            ("", false),
            (" x ", true),
        ] {
            assert_eq!(reason.is_match(text), ok, "{text:?}");
            assert_eq!(!text.trim().is_empty(), ok, "{text:?}");
        }
        let slug = regex::Regex::new(SLUG_PATTERN).expect("regex");
        for (text, ok) in [
            ("amnesty", true),
            ("a-1", true),
            ("123", false),
            ("", false),
        ] {
            assert_eq!(slug.is_match(text), ok, "{text:?}");
        }
    }

    #[test]
    fn every_query_rule_finds_its_parameter() {
        let mut api = crate::app::openapi();
        assert_eq!(document_query_rules(&mut api), Vec::<String>::new());
    }

    #[test]
    fn a_list_documents_projected_stories() {
        let json = serde_json::to_value(crate::app::openapi()).expect("json");
        let schemas = &json["components"]["schemas"];
        assert_eq!(
            schemas["StoryFields"]["required"],
            serde_json::json!(["id"])
        );
        assert_eq!(
            schemas["StoryFields"]["properties"],
            schemas["Story"]["properties"]
        );
        let any_of = &schemas["StoryPage"]["properties"]["items"]["items"]["anyOf"];
        assert_eq!(any_of[0]["$ref"], "#/components/schemas/Story");
        assert_eq!(any_of[1]["$ref"], "#/components/schemas/StoryFields");
    }

    #[test]
    fn literal_list_patterns_accept_what_the_list_parser_reads() {
        let api = crate::app::openapi();
        let json = serde_json::to_value(&api).expect("json");
        let params = json["paths"]["/api/v1/stories"]["get"]["parameters"]
            .as_array()
            .expect("parameters");
        let facets = params
            .iter()
            .find(|p| p["name"] == "facets")
            .and_then(|p| p["schema"]["pattern"].as_str())
            .expect("facets pattern");
        let facets = regex::Regex::new(facets).expect("regex");
        for ok in [
            "",
            "country",
            "country,year",
            " theme , source ",
            ",,",
            "year,\u{3000}",
        ] {
            assert!(facets.is_match(ok), "{ok:?}");
            assert!(
                peoples_stories_shared::ListStoriesQuery::parse(&format!("facets={ok}")).is_ok(),
                "{ok:?}"
            );
        }
        for bad in ["countries", "country;year", "x", "country,x"] {
            assert!(!facets.is_match(bad), "{bad:?}");
            assert!(
                peoples_stories_shared::ListStoriesQuery::parse(&format!("facets={bad}")).is_err(),
                "{bad:?}"
            );
        }
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
