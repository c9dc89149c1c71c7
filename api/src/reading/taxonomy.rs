//! Themes, countries and sources, each with its published story count.
//!
//! The counts come from the search index whenever it is ready (`published_counts`), which
//! follows the database within a second; while the index is first built, the database
//! counts, which takes seconds at a million stories. Counts shown beside names may lag
//! another node's write by a second; falling back to the database whenever they do would
//! make them take seconds instead.

use peoples_stories_shared::{Country, Source, Theme};

use super::{LastModified, Reader};
use crate::countries::fold;
use crate::db::{sources, taxonomy};
use crate::error::{AppError, AppResult};
use crate::search::Facet;

/// The five themes, in display order, with their fact files and story counts.
pub fn themes(reader: &Reader) -> AppResult<Vec<Theme>> {
    // The connection first, then the index (the order the follower keeps too).
    let mut conn = reader.conn()?;
    let counts = reader.search.published_counts(Facet::Theme)?;
    Ok(taxonomy::list_themes(&mut conn, counts.as_ref())?)
}

/// The `q` of `GET /api/v1/countries`, folded (case and accents) for matching; None when
/// absent or empty.
pub fn countries_query(query: &str) -> AppResult<Option<String>> {
    let mut reader = peoples_stories_shared::QueryReader::new(&["q"], &[]);
    let pairs = reader.pairs(query);
    let q = reader.finish(pairs).map_err(AppError::invalid)?;
    Ok(q.into_iter().map(|(_, v)| fold(&v)).find(|v| !v.is_empty()))
}

/// Every ISO 3166-1 country, by name, with its region, aliases and story count; with `q`
/// (folded), those whose name or an alias starts with it or contains it, best first: the
/// name starts with it, an alias starts with it, a word starts with it, it is inside.
pub fn countries(reader: &Reader, q: Option<&str>) -> AppResult<Vec<Country>> {
    let mut conn = reader.conn()?;
    let counts = reader.search.published_counts(Facet::Country)?;
    let countries = taxonomy::list_countries(&mut conn, counts.as_ref())?;
    let Some(q) = q else {
        return Ok(countries);
    };
    let rank = |c: &Country| -> Option<u8> {
        let names = std::iter::once(&c.name)
            .chain(c.aliases.iter())
            .map(|n| fold(n));
        let mut best: Option<u8> = None;
        for (i, n) in names.enumerate() {
            let r = if n.starts_with(q) {
                u8::from(i != 0)
            } else if n.split(' ').any(|w| w.starts_with(q)) {
                2
            } else if n.contains(q) {
                3
            } else {
                continue;
            };
            best = Some(best.map_or(r, |b| b.min(r)));
        }
        if c.code.eq_ignore_ascii_case(q) {
            best = Some(0);
        }
        best
    };
    let mut matched: Vec<(u8, Country)> = countries
        .into_iter()
        .filter_map(|c| rank(&c).map(|r| (r, c)))
        .collect();
    matched.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.name.cmp(&b.1.name)));
    Ok(matched.into_iter().map(|(_, c)| c).collect())
}

/// Every source (publisher), by name, with its story count.
pub fn sources(reader: &Reader) -> AppResult<Vec<Source>> {
    let mut conn = reader.conn()?;
    let counts = reader.search.published_counts(Facet::Source)?;
    Ok(sources::list(&mut conn, counts.as_ref())?)
}

/// One source by numeric id or slug.
pub fn source(reader: &Reader, key: &str) -> AppResult<Source> {
    let mut conn = reader.conn()?;
    let counts = reader.search.published_counts(Facet::Source)?;
    sources::find(&mut conn, key, counts.as_ref())?
        .ok_or_else(|| AppError::NotFound(format!("no source has the id or slug '{key}'")))
}

impl LastModified for Vec<Theme> {}
impl LastModified for Vec<Country> {}
impl LastModified for Vec<Source> {}
impl LastModified for Source {}
