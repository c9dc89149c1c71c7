//! What stories are grouped by: themes, countries and sources.

use serde::{Deserialize, Serialize};

/// A theme of the site, with its fact-file introduction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Theme {
    #[cfg_attr(feature = "openapi", schema(example = "justice"))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(example = "Justice"))]
    pub name: String,
    /// The theme's fact file: a short introduction shown above its stories.
    pub description: String,
    /// Published stories in this theme.
    pub story_count: i64,
}

/// An ISO 3166-1 country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    #[cfg_attr(feature = "openapi", schema(example = "LA"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Lao People's Democratic Republic")
    )]
    pub name: String,
    /// UN geoscheme region: Africa, Americas, Asia, Europe, Oceania (null for Antarctica).
    #[cfg_attr(feature = "openapi", schema(example = "Asia"))]
    pub region: Option<String>,
    /// Other names readers use for it ("Laos", "Lao PDR").
    pub aliases: Vec<String>,
    /// Published stories that concern it.
    pub story_count: i64,
}

/// A publisher whose pages stories link to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Source {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "amnesty"))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(example = "Amnesty International"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "amnesty.org"))]
    pub domain: String,
    /// Published stories that link to it.
    pub story_count: i64,
}
