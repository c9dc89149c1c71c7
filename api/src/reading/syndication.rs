//! What feeds and sitemaps show: the newest stories of a filter with the filter's names
//! (`feed`), and the site's URLs for sitemaps, stories by ranges of ids (`sitemap_files`,
//! `sitemap_stories`) so no file, and no index, ever reads every story at once.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDateTime, Utc};
use peoples_stories_shared::{ListStoriesQuery, SortOrder, Story};

use super::Reader;
use crate::countries::Catalog;
use crate::db::{sitemap, sources, taxonomy};
use crate::error::AppResult;

/// How many stories a feed holds: the newest.
pub const FEED_ENTRIES: u32 = 30;

/// A feed's stories, newest first, and the names of what it is filtered by.
pub struct FeedStories {
    pub stories: Vec<Story>,
    /// The filter as people read it: theme, country and source names, the keywords, the
    /// dates ("Justice", "Cambodia", "“scam”", "from 2023-01").
    pub labels: Vec<String>,
    /// Theme names by slug.
    pub theme_names: HashMap<String, String>,
}

/// The `FEED_ENTRIES` newest stories matching the filters of `q` (its paging and order are
/// the feed's own), read as `GET /api/v1/stories` reads them, so a bad filter is the same
/// 400 naming it.
pub fn feed(reader: &Reader, q: &ListStoriesQuery) -> AppResult<FeedStories> {
    let mut q = q.clone();
    q.limit = FEED_ENTRIES;
    q.offset = 0;
    q.sort = Some(SortOrder::Newest);
    q.facets.clear();
    let page = super::stories::list(reader, &q)?;
    let mut conn = reader.conn()?;
    let themes = taxonomy::theme_rows(&mut conn)?;
    let mut labels = Vec::new();
    for slug in &q.theme {
        let slug = slug.trim().to_lowercase();
        if let Some(t) = themes.iter().find(|t| t.slug == slug) {
            labels.push(t.name.clone());
        }
    }
    let catalog = Catalog::get();
    for c in &q.country {
        if let Some(c) = catalog.resolve(c) {
            labels.push(c.name.clone());
        }
    }
    labels.extend(
        sources::find_rows(&mut conn, &q.source)?
            .into_iter()
            .flatten()
            .map(|r| r.name),
    );
    if let Some(text) = &q.q {
        labels.push(format!("“{text}”"));
    }
    if let Some(from) = q.from {
        labels.push(format!("from {from}"));
    }
    if let Some(to) = q.to {
        labels.push(format!("to {to}"));
    }
    Ok(FeedStories {
        stories: page.items,
        labels,
        theme_names: themes.into_iter().map(|t| (t.slug, t.name)).collect(),
    })
}

/// The numbers (from 1) of the sitemap files of stories that hold at least one published
/// story: file `n` lists the published stories with ids `(n-1)·size+1 ..= n·size`, so it
/// never holds more than `size` URLs and a story stays in its file. Reads the largest id and
/// one row per file, whatever the number of stories.
pub fn sitemap_files(reader: &Reader, size: u64) -> AppResult<Vec<u64>> {
    let size = size.max(1);
    let mut conn = reader.conn()?;
    let max = u64::try_from(sitemap::max_story_id(&mut conn)?).unwrap_or(0);
    let mut files = Vec::new();
    for n in 1..=max.div_ceil(size) {
        let (lo, hi) = range(n, size);
        if sitemap::first_published_between(&mut conn, lo, hi)?.is_some() {
            files.push(n);
        }
    }
    Ok(files)
}

/// A slug and when what it names last changed.
pub type Dated = (String, DateTime<Utc>);

/// The slugs and last changes of the published stories of sitemap file `n` (see
/// `sitemap_files`), by id; None when `n` is past the last story.
pub fn sitemap_stories(reader: &Reader, n: u64, size: u64) -> AppResult<Option<Vec<Dated>>> {
    let size = size.max(1);
    let mut conn = reader.conn()?;
    let max = u64::try_from(sitemap::max_story_id(&mut conn)?).unwrap_or(0);
    if n == 0 || n > max.div_ceil(size) {
        return Ok(None);
    }
    let (lo, hi) = range(n, size);
    Ok(Some(
        sitemap::published_between(&mut conn, lo, hi)?
            .into_iter()
            .map(|(slug, t)| (slug, utc(t)))
            .collect(),
    ))
}

/// The ids of sitemap file `n`, as the database's `BIGINT` (saturating: ids are far
/// smaller).
fn range(n: u64, size: u64) -> (i64, i64) {
    let lo = (n - 1).saturating_mul(size).saturating_add(1);
    let hi = n.saturating_mul(size);
    (
        i64::try_from(lo).unwrap_or(i64::MAX),
        i64::try_from(hi).unwrap_or(i64::MAX),
    )
}

/// The pages besides stories: the themes' slugs, and every source's slug with its last
/// change.
pub struct SitePages {
    pub themes: Vec<String>,
    pub sources: Vec<Dated>,
}

pub fn site_pages(reader: &Reader) -> AppResult<SitePages> {
    let mut conn = reader.conn()?;
    Ok(SitePages {
        themes: taxonomy::theme_rows(&mut conn)?
            .into_iter()
            .map(|t| t.slug)
            .collect(),
        sources: sitemap::sources(&mut conn)?
            .into_iter()
            .map(|(slug, t)| (slug, utc(t)))
            .collect(),
    })
}

fn utc(t: NaiveDateTime) -> DateTime<Utc> {
    DateTime::from_naive_utc_and_offset(t, Utc)
}
