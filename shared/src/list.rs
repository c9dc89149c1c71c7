//! Listing stories: the query (parsed by the API, built by the app) and the page it answers.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::date::PartialDate;
use crate::params::{Paging, QueryReader};
use crate::problem::FieldError;
use crate::story::Story;

pub use crate::params::{DEFAULT_LIMIT, MAX_LIMIT, MAX_OFFSET};
/// The longest keyword query, in characters.
pub const MAX_QUERY_CHARS: usize = 256;
/// The most words a keyword query may hold, counting each word of a phrase (and excluded
/// words) but not `OR`. Checked by the API, which reads the query's syntax.
pub const MAX_QUERY_TERMS: usize = 32;
/// The facets a list can count.
pub const FACETS: [&str; 4] = ["country", "theme", "source", "year"];

/// The fields of a story a client may choose with `fields` (`id` is always included):
/// the keys of `Story` as the API writes it.
pub const STORY_FIELDS: [&str; 16] = [
    "id",
    "slug",
    "title",
    "theme",
    "byline",
    "date",
    "date_precision",
    "summary",
    "body",
    "updates",
    "countries",
    "links",
    "related_url",
    "created_at",
    "updated_at",
    "highlight",
];

/// Most values one filter (`country`, `theme`, `source`) may repeat.
pub const FILTER_VALUES_MAX: usize = 30;

/// The order of a story list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SortOrder {
    /// Latest story date first; undated stories last.
    #[default]
    Newest,
    /// Earliest story date first; undated stories first, as the oldest.
    Oldest,
    /// Best match first; only with `q`, where it is the default.
    Relevance,
}

impl SortOrder {
    pub fn as_str(self) -> &'static str {
        match self {
            SortOrder::Newest => "newest",
            SortOrder::Oldest => "oldest",
            SortOrder::Relevance => "relevance",
        }
    }
}

/// The parameters of `GET /api/v1/stories`.
///
/// `country`, `theme` and `source` are repeatable and match any of their values; different
/// parameters must all match. Country names are resolved to codes by the API.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListStoriesQuery {
    /// Keywords: all must match; `"exact phrase"`, `-excluded`, `OR`. At most
    /// `MAX_QUERY_CHARS` characters and `MAX_QUERY_TERMS` words.
    pub q: Option<String>,
    pub country: Vec<String>,
    pub theme: Vec<String>,
    pub source: Vec<String>,
    pub from: Option<PartialDate>,
    pub to: Option<PartialDate>,
    /// None: `relevance` with `q`, else `newest`.
    pub sort: Option<SortOrder>,
    pub limit: u32,
    pub offset: u64,
    /// Facets to count over all matches.
    pub facets: Vec<String>,
    /// Harvesting: stories changed at or after this time, ordered by change.
    pub updated_since: Option<DateTime<Utc>>,
    /// Harvesting: where the last page ended (opaque, from the last answer's `cursor`); read by the API.
    pub cursor: Option<String>,
    /// The story fields to return (`id` always comes); empty: all of them.
    pub fields: Vec<String>,
}

impl ListStoriesQuery {
    pub const PARAMETERS: [&'static str; 13] = [
        "q",
        "country",
        "theme",
        "source",
        "from",
        "to",
        "sort",
        "limit",
        "offset",
        "facets",
        "updated_since",
        "cursor",
        "fields",
    ];

    /// Whether the list walks stories by change (`updated_since` or `cursor`).
    pub fn harvesting(&self) -> bool {
        self.updated_since.is_some() || self.cursor.is_some()
    }

    /// The order in force: the one asked for, else relevance with keywords, else newest.
    pub fn effective_sort(&self) -> SortOrder {
        self.sort.unwrap_or(if self.q.is_some() {
            SortOrder::Relevance
        } else {
            SortOrder::Newest
        })
    }

    pub fn new() -> Self {
        ListStoriesQuery {
            limit: DEFAULT_LIMIT,
            ..Default::default()
        }
    }

    /// Reads a query string (without the `?`). Every bad parameter is reported, each by name,
    /// with what is allowed; unknown parameters are refused rather than silently ignored.
    /// `country`, `theme`, `source` and `facets` may repeat (`facets=country&facets=year`
    /// equals `facets=country,year`); paging follows the rules of every list (`Paging`).
    pub fn parse(query: &str) -> Result<Self, Vec<FieldError>> {
        let mut out = ListStoriesQuery::new();
        let mut reader = QueryReader::new(
            &Self::PARAMETERS,
            &["country", "theme", "source", "facets", "fields"],
        );
        let mut paging = Paging::default();
        // The filters that reached their cap, each refused once.
        let mut crowded: Vec<String> = Vec::new();
        for (key, value) in reader.pairs(query) {
            if paging.read(&key, &value, &mut reader.errors) {
                continue;
            }
            match key.as_str() {
                "q" => {
                    if value.chars().count() > MAX_QUERY_CHARS {
                        reader.error(
                            "q",
                            format!(
                                "the query is too long: at most {MAX_QUERY_CHARS} characters, \
                                 this has {}",
                                value.chars().count()
                            ),
                        );
                    } else if !value.is_empty() {
                        out.q = Some(value);
                    }
                }
                "facets" => {
                    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                        if !FACETS.contains(&name) {
                            reader.error(
                                "facets",
                                format!(
                                    "unknown facet '{name}': the facets are {}",
                                    FACETS.join(", ")
                                ),
                            );
                        } else if !out.facets.iter().any(|f| f == name) {
                            out.facets.push(name.to_string());
                        }
                    }
                }
                "fields" => {
                    for name in value.split(',').map(str::trim).filter(|n| !n.is_empty()) {
                        if !STORY_FIELDS.contains(&name) {
                            reader.error(
                                "fields",
                                format!(
                                    "unknown field '{name}': the fields are {}",
                                    STORY_FIELDS.join(", ")
                                ),
                            );
                        } else if !out.fields.iter().any(|f| f == name) {
                            out.fields.push(name.to_string());
                        }
                    }
                }
                "updated_since" => match DateTime::parse_from_rfc3339(&value) {
                    Ok(t) => out.updated_since = Some(t.with_timezone(&Utc)),
                    Err(_) => reader.error(
                        "updated_since",
                        format!("'{value}' is not an RFC 3339 time: use e.g. 2026-11-30T20:00:00Z"),
                    ),
                },
                "cursor" => {
                    if value.is_empty() {
                        reader.error("cursor", "'cursor' must not be empty");
                    } else {
                        out.cursor = Some(value);
                    }
                }
                "country" | "theme" | "source" => {
                    if value.is_empty() {
                        reader.error(&key, format!("'{key}' must not be empty"));
                        continue;
                    }
                    let list = match key.as_str() {
                        "country" => &mut out.country,
                        "theme" => &mut out.theme,
                        _ => &mut out.source,
                    };
                    if list.len() >= FILTER_VALUES_MAX {
                        if !crowded.contains(&key) {
                            reader.error(
                                &key,
                                format!("give at most {FILTER_VALUES_MAX} values of '{key}'"),
                            );
                            crowded.push(key);
                        }
                    } else if !list.contains(&value) {
                        list.push(value);
                    }
                }
                "from" | "to" => match value.parse::<PartialDate>() {
                    Ok(d) => {
                        if key == "from" {
                            out.from = Some(d)
                        } else {
                            out.to = Some(d)
                        }
                    }
                    Err(e) => reader.error(&key, e.0),
                },
                _ => match value.as_str() {
                    "newest" => out.sort = Some(SortOrder::Newest),
                    "oldest" => out.sort = Some(SortOrder::Oldest),
                    "relevance" => out.sort = Some(SortOrder::Relevance),
                    other => reader.error(
                        "sort",
                        format!(
                            "'{other}' is not a sort order: use 'newest', 'oldest' or 'relevance'"
                        ),
                    ),
                },
            }
        }
        out.limit = paging.limit;
        out.offset = paging.offset;
        let mut errors = reader.errors;
        if out.sort == Some(SortOrder::Relevance) && out.q.is_none() {
            errors.push(FieldError::new(
                "sort",
                "'relevance' needs keywords in 'q'; without them use 'newest' or 'oldest'",
            ));
        }
        if out.cursor.is_some() && out.updated_since.is_some() {
            errors.push(FieldError::new(
                "cursor",
                "give 'cursor' or 'updated_since', not both: the cursor already holds the position",
            ));
        }
        if let (Some(from), Some(to)) = (out.from, out.to) {
            if from.first_day_key() > to.last_day_key() {
                errors.push(FieldError::new(
                    "to",
                    format!("'to' ({to}) is before 'from' ({from})"),
                ));
            }
        }
        if errors.is_empty() {
            Ok(out)
        } else {
            Err(errors)
        }
    }

    /// The query string for these parameters (without the `?`), leaving out defaults.
    /// The filters alone (keywords, countries, themes, sources, dates), without order,
    /// paging or facets: what a feed of this list takes.
    pub fn filters_only(&self) -> ListStoriesQuery {
        ListStoriesQuery {
            q: self.q.clone(),
            country: self.country.clone(),
            theme: self.theme.clone(),
            source: self.source.clone(),
            from: self.from,
            to: self.to,
            ..ListStoriesQuery::new()
        }
    }

    /// The path of the feed of this list's filters: `/feeds/stories.atom?theme=justice`
    /// (`format` is `atom` or `rss`).
    pub fn feed_href(&self, format: &str) -> String {
        let qs = self.filters_only().to_query_string();
        if qs.is_empty() {
            format!("/feeds/stories.{format}")
        } else {
            format!("/feeds/stories.{format}?{qs}")
        }
    }

    pub fn to_query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if let Some(q) = &self.q {
            s.append_pair("q", q);
        }
        for c in &self.country {
            s.append_pair("country", c);
        }
        for t in &self.theme {
            s.append_pair("theme", t);
        }
        for src in &self.source {
            s.append_pair("source", src);
        }
        if let Some(from) = self.from {
            s.append_pair("from", &from.to_string());
        }
        if let Some(to) = self.to {
            s.append_pair("to", &to.to_string());
        }
        if let Some(sort) = self.sort {
            s.append_pair("sort", sort.as_str());
        }
        if self.limit != DEFAULT_LIMIT {
            s.append_pair("limit", &self.limit.to_string());
        }
        if self.offset != 0 {
            s.append_pair("offset", &self.offset.to_string());
        }
        if !self.facets.is_empty() {
            s.append_pair("facets", &self.facets.join(","));
        }
        if let Some(t) = self.updated_since {
            s.append_pair(
                "updated_since",
                &t.to_rfc3339_opts(SecondsFormat::AutoSi, true),
            );
        }
        if let Some(c) = &self.cursor {
            s.append_pair("cursor", c);
        }
        if !self.fields.is_empty() {
            s.append_pair("fields", &self.fields.join(","));
        }
        s.finish()
    }
}

/// One value of a facet with the number of matching stories.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Facet {
    /// What to pass back as the filter (`KH`, `justice`, `2023`).
    pub value: String,
    /// What to show people (`Cambodia`, `Justice`, `2023`).
    pub label: String,
    pub count: i64,
}

/// A page of stories.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryPage {
    pub items: Vec<Story>,
    /// How many stories match, over all pages.
    pub total: i64,
    pub limit: u32,
    pub offset: u64,
    /// The next page's URL (path and query), or null on the last page.
    pub next: Option<String>,
    /// The previous page's URL (path and query), or null on the first page.
    pub prev: Option<String>,
    /// Facet counts by facet name, when asked for with `facets`.
    #[serde(default)]
    pub facets: BTreeMap<String, Vec<Facet>>,
    /// When harvesting (`updated_since` or `cursor`): the cursor to ask for the next page
    /// with, also when this page is empty (keep it and ask again later). Absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_feed_takes_the_filters_alone() {
        let q = ListStoriesQuery::parse(
            "q=court&theme=justice&country=KH&sort=oldest&offset=20&limit=5&facets=year",
        )
        .expect("parses");
        assert_eq!(
            q.feed_href("atom"),
            "/feeds/stories.atom?q=court&country=KH&theme=justice"
        );
        assert_eq!(
            ListStoriesQuery::new().feed_href("rss"),
            "/feeds/stories.rss"
        );
    }

    #[test]
    fn round_trips_through_the_query_string() {
        let q = ListStoriesQuery::parse(
            "country=KH&country=Laos&theme=justice&from=2023-08&sort=oldest&limit=5&offset=10",
        )
        .unwrap();
        assert_eq!(q.country, vec!["KH", "Laos"]);
        assert_eq!(q.effective_sort(), SortOrder::Oldest);
        let q = ListStoriesQuery::parse(
            "q=%22universal+jurisdiction%22+-war&facets=country,year&sort=relevance",
        )
        .unwrap();
        assert_eq!(q.q.as_deref(), Some("\"universal jurisdiction\" -war"));
        assert_eq!(q.facets, ["country", "year"]);
        assert_eq!(ListStoriesQuery::parse(&q.to_query_string()).unwrap(), q);
        assert_eq!(ListStoriesQuery::parse(&q.to_query_string()).unwrap(), q);
    }

    #[test]
    fn names_every_bad_parameter() {
        let errs =
            ListStoriesQuery::parse("limit=0&from=2023-13&sort=sideways&colour=red").unwrap_err();
        let fields: Vec<_> = errs.iter().map(|e| e.field.as_str()).collect();
        // Names the list does not take first, then bad values in the order given.
        assert_eq!(fields, ["colour", "limit", "from", "sort"]);
        assert!(ListStoriesQuery::parse("limit=1000").is_err());
        assert!(ListStoriesQuery::parse("offset=-1").is_err());
        assert!(ListStoriesQuery::parse("from=2024&to=2023").is_err());
        assert!(ListStoriesQuery::parse("sort=relevance").is_err());
        assert!(ListStoriesQuery::parse("facets=colour").is_err());
        let long = format!("q={}", "a".repeat(MAX_QUERY_CHARS + 1));
        assert_eq!(ListStoriesQuery::parse(&long).unwrap_err()[0].field, "q");
        assert!(ListStoriesQuery::parse(&format!("q={}", "a".repeat(MAX_QUERY_CHARS))).is_ok());
        assert_eq!(ListStoriesQuery::parse("q=").unwrap().q, None);
        assert!(ListStoriesQuery::parse("sort=newest&sort=oldest").is_err());
    }

    #[test]
    fn harvest_and_fields() {
        let q = ListStoriesQuery::parse(
            "updated_since=2026-11-30T20:00:00%2B01:00&fields=title,slug&fields=date",
        )
        .unwrap();
        assert_eq!(
            q.updated_since.map(|t| t.to_rfc3339()),
            Some("2026-11-30T19:00:00+00:00".to_string())
        );
        assert_eq!(q.fields, ["title", "slug", "date"]);
        assert!(q.harvesting());
        assert_eq!(ListStoriesQuery::parse(&q.to_query_string()).unwrap(), q);
        let field = |s: &str| ListStoriesQuery::parse(s).unwrap_err()[0].field.clone();
        assert_eq!(field("updated_since=yesterday"), "updated_since");
        assert_eq!(field("fields=title,email"), "fields");
        assert_eq!(field("cursor="), "cursor");
        assert_eq!(
            field("cursor=abc&updated_since=2026-01-01T00:00:00Z"),
            "cursor"
        );
        let c = ListStoriesQuery::parse("cursor=abc").unwrap();
        assert_eq!(c.cursor.as_deref(), Some("abc"));
        assert_eq!(ListStoriesQuery::parse(&c.to_query_string()).unwrap(), c);
    }

    #[test]
    fn facets_repeat_or_join() {
        let joined = ListStoriesQuery::parse("facets=country,year").unwrap();
        let repeated = ListStoriesQuery::parse("facets=country&facets=year").unwrap();
        assert_eq!(joined.facets, ["country", "year"]);
        assert_eq!(repeated, joined);
    }
}
