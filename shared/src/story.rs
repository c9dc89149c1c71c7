//! A story, whole, as the API returns it.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::date::{DatePrecision, PartialDate};

/// A published human-rights news story with its follow-ups, countries and sources.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Story {
    /// Stable numeric identifier.
    pub id: i64,
    /// URL-safe name, unique across stories (`hundreds-of-thousands-trafficked-...`).
    pub slug: String,
    pub title: String,
    /// The theme's slug: `justice`, `freedom`, `peace`, `democracy` or `well-being`.
    pub theme: String,
    /// Authors and/or organisations, as printed ("by OHCHR, news agencies"); null when anonymous.
    pub byline: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; null when unknown.
    pub date: Option<PartialDate>,
    /// How much of `date` is known; null exactly when `date` is.
    pub date_precision: Option<DatePrecision>,
    /// A short standfirst; null when the story has none.
    pub summary: Option<String>,
    /// The text, paragraphs separated by blank lines.
    pub body: String,
    /// Dated follow-ups, oldest first.
    pub updates: Vec<StoryUpdate>,
    /// The countries the story concerns.
    pub countries: Vec<CountryRef>,
    /// Source links, in the order the story cites them.
    pub links: Vec<StoryLink>,
    /// "Visit the related web page": the one primary link.
    pub related_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// In keyword searches only: the best matching passage, HTML-escaped, with the matches
    /// wrapped in `<mark>`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub highlight: Option<String>,
}

impl Story {
    /// The date as people write it ("Aug. 2023"), if known.
    pub fn human_date(&self) -> Option<String> {
        self.date.map(|d| d.human())
    }
}

/// A dated follow-up to a story ("12 May 2023 ...").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryUpdate {
    pub date: Option<PartialDate>,
    pub date_precision: Option<DatePrecision>,
    pub body: String,
}

/// A country as a story names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CountryRef {
    /// ISO 3166-1 alpha-2 code.
    #[cfg_attr(feature = "openapi", schema(example = "KH"))]
    pub code: String,
    #[cfg_attr(feature = "openapi", schema(example = "Cambodia"))]
    pub name: String,
}

/// A source link of a story.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StoryLink {
    pub url: String,
    pub title: Option<String>,
    /// The publisher the link belongs to.
    pub source: SourceRef,
}

/// A publisher, as a link names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SourceRef {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "ohchr"))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(example = "OHCHR"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "ohchr.org"))]
    pub domain: String,
}
