//! Harvesting: what a third party needs to keep a copy of the archive current. Stories come
//! from `GET /api/v1/stories?updated_since=` (then `cursor=`); stories that left the archive
//! from `GET /api/v1/stories/tombstones`.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};

use crate::params::{Paging, QueryReader};
use crate::problem::FieldError;

/// Why a story left the public archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RemovalReason {
    /// Deleted for good.
    Deleted,
    /// Made a draft again; it may be published again later.
    Unpublished,
}

/// A story that was public and no longer is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Tombstone {
    /// The story's id.
    pub id: i64,
    /// The slug it had.
    pub slug: String,
    pub reason: RemovalReason,
    /// When it left the archive.
    pub removed_at: DateTime<Utc>,
}

/// A page of tombstones, oldest removal first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TombstonePage {
    pub items: Vec<Tombstone>,
    /// Where to go on from, also when this page is empty: keep it and ask again later.
    pub cursor: String,
    /// The next page's URL while this one is full, else null (the end, for now).
    pub next: Option<String>,
}

/// The parameters of `GET /api/v1/stories/tombstones`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TombstoneQuery {
    /// Removals at or after this time.
    pub since: Option<DateTime<Utc>>,
    /// Where the last page ended (opaque, from the last answer's `cursor`); read by the API.
    pub cursor: Option<String>,
    pub limit: u32,
}

impl TombstoneQuery {
    pub const PARAMETERS: [&'static str; 3] = ["since", "cursor", "limit"];

    /// Reads a query string (without the `?`), naming every bad parameter.
    pub fn parse(query: &str) -> Result<Self, Vec<FieldError>> {
        let mut reader = QueryReader::new(&Self::PARAMETERS, &[]);
        let mut paging = Paging::default();
        let mut out = TombstoneQuery::default();
        for (key, value) in reader.pairs(query) {
            if key == "limit" {
                paging.read(&key, &value, &mut reader.errors);
            } else if key == "since" {
                match DateTime::parse_from_rfc3339(&value) {
                    Ok(t) => out.since = Some(t.with_timezone(&Utc)),
                    Err(_) => reader.error(
                        "since",
                        format!("'{value}' is not an RFC 3339 time: use e.g. 2026-11-30T20:00:00Z"),
                    ),
                }
            } else if value.is_empty() {
                reader.error("cursor", "'cursor' must not be empty");
            } else {
                out.cursor = Some(value);
            }
        }
        out.limit = paging.limit;
        if out.since.is_some() && out.cursor.is_some() {
            reader.error(
                "cursor",
                "give 'cursor' or 'since', not both: the cursor already holds the position",
            );
        }
        reader.finish(out)
    }

    /// The query string for these parameters (without the `?`).
    pub fn to_query_string(&self) -> String {
        let mut s = form_urlencoded::Serializer::new(String::new());
        if let Some(t) = self.since {
            s.append_pair("since", &t.to_rfc3339_opts(SecondsFormat::AutoSi, true));
        }
        if let Some(c) = &self.cursor {
            s.append_pair("cursor", c);
        }
        if self.limit != crate::params::DEFAULT_LIMIT {
            s.append_pair("limit", &self.limit.to_string());
        }
        s.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_and_refuses() {
        let q = TombstoneQuery::parse("since=2026-11-30T20:00:00Z&limit=50").unwrap();
        assert_eq!(q.limit, 50);
        assert!(q.since.is_some());
        assert_eq!(TombstoneQuery::parse(&q.to_query_string()).unwrap(), q);
        let field = |s: &str| TombstoneQuery::parse(s).unwrap_err()[0].field.clone();
        assert_eq!(field("since=now"), "since");
        assert_eq!(field("cursor=a&since=2026-11-30T20:00:00Z"), "cursor");
        assert_eq!(field("offset=3"), "offset");
    }
}
