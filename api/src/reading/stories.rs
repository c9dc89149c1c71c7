//! Published stories: lists and keyword searches (`list`), one story (`get`).

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use peoples_stories_shared::{Facet, FieldError, ListStoriesQuery, SortOrder, Story, StoryPage};

use super::{LastModified, Reader};
use crate::countries::Catalog;
use crate::db::stories::{self as db_stories, StoryFilter};
use crate::db::{changes, sources, taxonomy, DbConn};
use crate::error::{AppError, AppResult};
use crate::search::{syntax, SearchRequest, SearchSort};

/// A page of published stories matching `q`, with facet counts when asked for, highlights
/// with keywords, and the links to the pages beside it.
///
/// The plan: keywords and facets are answered by the search index (503 while it is first
/// built); plain lists by the database, except lists of a source or of several countries,
/// which the index pages in the database's order while it has applied every change. Totals
/// come from the index whenever it is exact, as counting in the database walks every match.
pub fn list(reader: &Reader, q: &ListStoriesQuery) -> AppResult<StoryPage> {
    if q.harvesting() {
        return super::harvest::list(reader, q);
    }
    if let Some(text) = &q.q {
        // Bounded and with a word to search for, or a 400 naming `q`.
        if let Err(e) = syntax::parse(text) {
            return Err(AppError::field("q", e.to_string()));
        }
    }
    let search = &reader.search;
    let use_index = q.q.is_some() || !q.facets.is_empty();
    if use_index && !search.is_ready() {
        return Err(AppError::Unavailable(
            "the search index is being built; try again in a minute".into(),
        ));
    }
    let mut conn = reader.conn()?;
    let themes = taxonomy::theme_rows(&mut conn)?;
    let filter = resolve_filter(&mut conn, &themes, q)?;
    let sort = match q.effective_sort() {
        SortOrder::Newest => SearchSort::Newest,
        SortOrder::Oldest => SearchSort::Oldest,
        SortOrder::Relevance => SearchSort::Relevance,
    };
    let request = SearchRequest {
        limit: q.limit as usize,
        offset: q.offset as usize,
        facets: q.facets.clone(),
        ..search_request(&filter, &themes, q.q.clone(), sort)
    };
    let (items, total, facets) = if use_index {
        let found = search.search(&request)?;
        let items: Vec<Story> = published_in_order(&mut conn, &found.ids)?
            .into_iter()
            .map(|mut s| {
                s.highlight = found.highlighter.as_ref().map(|h| h.highlight(&s));
                s
            })
            .collect();
        let facets = label_facets(&mut conn, &themes, found.facets)?;
        (items, found.total as i64, facets)
    } else {
        // Counting in the database walks every match; the index counts in a millisecond,
        // and its count is exact when it has applied every change the database holds.
        let exact = match search.exact_seq() {
            Some(seq) => seq == changes::latest(&mut conn)?,
            None => false,
        };
        if exact && db_stories::index_pages_faster(&filter) {
            // Stories citing a source, or of several countries: the database would sort
            // every match (a second at a million stories); the index, in the database's
            // order, takes milliseconds. Only while it reflects every change.
            let found = search.search(&request)?;
            let items = published_in_order(&mut conn, &found.ids)?;
            (items, found.total as i64, BTreeMap::new())
        } else {
            let known_total = if exact {
                Some(search.count(&request)? as i64)
            } else {
                None
            };
            let (items, total) = db_stories::list(
                &mut conn,
                &filter,
                q.effective_sort(),
                q.limit,
                q.offset,
                known_total,
            )?;
            (items, total, BTreeMap::new())
        }
    };
    let limit = u64::from(q.limit);
    let total_u = u64::try_from(total).unwrap_or(0);
    let next = (q.offset + limit < total_u).then(|| page_url(q, q.offset + limit));
    let prev = (q.offset > 0).then(|| page_url(q, q.offset.saturating_sub(limit)));
    Ok(StoryPage {
        items,
        total,
        limit: q.limit,
        offset: q.offset,
        next,
        prev,
        facets,
        cursor: None,
    })
}

/// `list` with only the fields the query chose (`fields`) of each story.
pub fn list_fields(reader: &Reader, q: &ListStoriesQuery) -> AppResult<super::export::FieldsPage> {
    Ok(super::export::FieldsPage {
        page: list(reader, q)?,
        fields: q.fields.clone(),
    })
}

/// One published story by numeric id or slug.
pub fn get(reader: &Reader, key: &str) -> AppResult<Story> {
    db_stories::find_published(&mut *reader.conn()?, key)?
        .ok_or_else(|| AppError::NotFound(format!("no published story has the id or slug '{key}'")))
}

impl LastModified for Story {
    fn last_modified(&self) -> Option<DateTime<Utc>> {
        Some(self.updated_at)
    }
}

impl LastModified for StoryPage {
    /// The latest change among the page's stories.
    fn last_modified(&self) -> Option<DateTime<Utc>> {
        self.items.iter().map(|s| s.updated_at).max()
    }
}

/// The stories of `ids` that are published now, whole, in the order of `ids`. The index of
/// this node may lag a write made on another: a story unpublished or deleted since is left
/// out, never shown.
fn published_in_order(conn: &mut DbConn, ids: &[i64]) -> AppResult<Vec<Story>> {
    let published: HashSet<i64> = changes::published_among(conn, ids)?.into_iter().collect();
    let ids: Vec<i64> = ids
        .iter()
        .copied()
        .filter(|id| published.contains(id))
        .collect();
    Ok(db_stories::whole_in_order(conn, &ids)?)
}

/// Resolves the names in a parsed query to database ids, naming every unknown value.
/// The index's request for keywords `q` within a resolved filter (its countries, themes,
/// sources and dates), sorted by `sort`: the first match alone and no facets, for the caller
/// to widen.
pub(crate) fn search_request(
    filter: &StoryFilter,
    themes: &[taxonomy::ThemeRow],
    q: Option<String>,
    sort: SearchSort,
) -> SearchRequest {
    SearchRequest {
        q,
        country_codes: filter.country_codes.clone(),
        themes: themes
            .iter()
            .filter(|t| filter.theme_ids.contains(&t.id))
            .map(|t| t.slug.clone())
            .collect(),
        source_ids: filter.source_ids.clone(),
        from_key: filter.from_key,
        to_key: filter.to_key,
        sort,
        limit: 1,
        offset: 0,
        facets: Vec::new(),
    }
}

pub(crate) fn resolve_filter(
    conn: &mut DbConn,
    themes: &[taxonomy::ThemeRow],
    q: &ListStoriesQuery,
) -> AppResult<StoryFilter> {
    let mut errors = Vec::new();
    let mut filter = StoryFilter {
        from_key: q.from.map(|d| d.first_day_key()),
        to_key: q.to.map(|d| d.last_day_key()),
        ..Default::default()
    };
    for slug in &q.theme {
        if let Some(id) = taxonomy::resolve_theme(themes, slug, &mut errors) {
            filter.theme_ids.push(id);
        }
    }
    filter.country_codes =
        Catalog::get().resolve_all(&q.country, |_| "country".to_string(), &mut errors);
    if !q.source.is_empty() {
        for (key, row) in q.source.iter().zip(sources::find_rows(conn, &q.source)?) {
            match row {
                Some(r) => filter.source_ids.push(r.id),
                None => errors.push(FieldError::new(
                    "source",
                    format!(
                        "unknown source '{key}': use a source's id or slug from /api/v1/sources"
                    ),
                )),
            }
        }
    }
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(AppError::invalid(errors))
    }
}

fn page_url(q: &ListStoriesQuery, offset: u64) -> String {
    let mut q = q.clone();
    q.offset = offset;
    let qs = q.to_query_string();
    if qs.is_empty() {
        "/api/v1/stories".to_string()
    } else {
        format!("/api/v1/stories?{qs}")
    }
}

/// Gives facet values the labels people read: country and theme names, source names.
fn label_facets(
    conn: &mut DbConn,
    themes: &[taxonomy::ThemeRow],
    raw: BTreeMap<String, Vec<(String, u64)>>,
) -> AppResult<BTreeMap<String, Vec<Facet>>> {
    let mut out = BTreeMap::new();
    for (name, values) in raw {
        let source_names: HashMap<String, String> = if name == "source" {
            let keys: Vec<String> = values.iter().map(|(v, _)| v.clone()).collect();
            sources::find_rows(conn, &keys)?
                .into_iter()
                .flatten()
                .map(|r| (r.id.to_string(), r.name))
                .collect()
        } else {
            HashMap::new()
        };
        let facets = values
            .into_iter()
            .map(|(value, count)| {
                let label = match name.as_str() {
                    "country" => Catalog::get()
                        .by_code(&value)
                        .map(|c| c.name.clone())
                        .unwrap_or_else(|| value.clone()),
                    "theme" => themes
                        .iter()
                        .find(|t| t.slug == value)
                        .map(|t| t.name.clone())
                        .unwrap_or_else(|| value.clone()),
                    "source" => source_names
                        .get(&value)
                        .cloned()
                        .unwrap_or_else(|| value.clone()),
                    _ => value.clone(),
                };
                Facet {
                    value,
                    label,
                    count: count as i64,
                }
            })
            .collect();
        out.insert(name, facets);
    }
    Ok(out)
}
