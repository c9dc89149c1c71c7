//! Sources: the publishers stories link to.

use std::collections::HashMap;

use chrono::Utc;
use diesel::prelude::*;
use peoples_stories_shared::Source;

use super::schema::{sources, stories, story_links};
use super::stories::PUBLISHED;
use super::DbConn;

#[derive(Debug, Clone, Queryable)]
pub struct SourceRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub domain: String,
}

/// Published stories per source: `known` (by source id, from the search index) or counted
/// here, for `ids` or every source.
fn counts(
    conn: &mut DbConn,
    ids: Option<&[i64]>,
    known: Option<&HashMap<String, u64>>,
) -> QueryResult<HashMap<i64, i64>> {
    if let Some(known) = known {
        return Ok(known
            .iter()
            .filter_map(|(id, n)| Some((id.parse::<i64>().ok()?, *n as i64)))
            .collect());
    }
    // Count distinct stories: one story may cite a publisher several times.
    let mut q = story_links::table
        .inner_join(stories::table)
        .filter(stories::status.eq(PUBLISHED))
        .group_by(story_links::source_id)
        .select((
            story_links::source_id,
            diesel::dsl::count(story_links::story_id).aggregate_distinct(),
        ))
        .into_boxed();
    if let Some(ids) = ids {
        q = q.filter(story_links::source_id.eq_any(ids));
    }
    Ok(q.load::<(i64, i64)>(conn)?.into_iter().collect())
}

fn to_source(r: SourceRow, counts: &HashMap<i64, i64>) -> Source {
    Source {
        story_count: counts.get(&r.id).copied().unwrap_or(0),
        id: r.id,
        slug: r.slug,
        name: r.name,
        domain: r.domain,
    }
}

/// Every source, by name, with its published story count (see `counts`).
pub fn list(conn: &mut DbConn, known: Option<&HashMap<String, u64>>) -> QueryResult<Vec<Source>> {
    let rows: Vec<SourceRow> = sources::table
        .order(sources::name)
        .select((sources::id, sources::slug, sources::name, sources::domain))
        .load(conn)?;
    let counts = counts(conn, None, known)?;
    Ok(rows.into_iter().map(|r| to_source(r, &counts)).collect())
}

/// Finds sources by id (all digits) or slug; returns them in the order asked.
pub fn find_rows(conn: &mut DbConn, keys: &[String]) -> QueryResult<Vec<Option<SourceRow>>> {
    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let mut q = sources::table
            .select((sources::id, sources::slug, sources::name, sources::domain))
            .into_boxed();
        q = match key.parse::<i64>() {
            Ok(id) => q.filter(sources::id.eq(id)),
            Err(_) => q.filter(sources::slug.eq(key.to_lowercase())),
        };
        out.push(q.first::<SourceRow>(conn).optional()?);
    }
    Ok(out)
}

/// One source with its published story count (see `counts`).
pub fn find(
    conn: &mut DbConn,
    id_or_slug: &str,
    known: Option<&HashMap<String, u64>>,
) -> QueryResult<Option<Source>> {
    let Some(Some(row)) = find_rows(conn, &[id_or_slug.to_string()])?.pop() else {
        return Ok(None);
    };
    let counts = counts(conn, Some(&[row.id]), known)?;
    Ok(Some(to_source(row, &counts)))
}

/// The source for a domain, created with the given name and slug when new.
pub fn find_or_create(conn: &mut DbConn, domain: &str, name: &str, slug: &str) -> QueryResult<i64> {
    if let Some(id) = sources::table
        .filter(sources::domain.eq(domain))
        .select(sources::id)
        .first::<i64>(conn)
        .optional()?
    {
        return Ok(id);
    }
    let now = Utc::now().naive_utc();
    diesel::insert_into(sources::table)
        .values((
            sources::slug.eq(slug),
            sources::name.eq(name),
            sources::domain.eq(domain),
            sources::created_at.eq(now),
            sources::updated_at.eq(now),
        ))
        .execute(conn)?;
    sources::table
        .filter(sources::domain.eq(domain))
        .select(sources::id)
        .first(conn)
}

/// A source's row by id (all digits) or slug.
pub fn row(conn: &mut DbConn, id_or_slug: &str) -> QueryResult<Option<SourceRow>> {
    Ok(find_rows(conn, &[id_or_slug.to_string()])?.pop().flatten())
}

/// Whether a slug is taken by a source other than `except`.
pub fn slug_taken(conn: &mut DbConn, slug: &str, except: Option<i64>) -> QueryResult<bool> {
    let mut q = sources::table
        .filter(sources::slug.eq(slug))
        .select(sources::id)
        .into_boxed();
    if let Some(id) = except {
        q = q.filter(sources::id.ne(id));
    }
    Ok(q.first::<i64>(conn).optional()?.is_some())
}

/// A free slug starting with `base`: `base`, then `base-2`, `base-3`, ...
pub fn unique_slug(conn: &mut DbConn, base: &str) -> QueryResult<String> {
    if !slug_taken(conn, base, None)? {
        return Ok(base.to_string());
    }
    let mut n = 2;
    loop {
        let candidate = format!("{base}-{n}");
        if !slug_taken(conn, &candidate, None)? {
            return Ok(candidate);
        }
        n += 1;
    }
}

/// Makes a source; a taken slug or domain is a unique violation. Returns its id.
pub fn insert(conn: &mut DbConn, slug: &str, name: &str, domain: &str) -> QueryResult<i64> {
    let now = Utc::now().naive_utc();
    diesel::insert_into(sources::table)
        .values((
            sources::slug.eq(slug),
            sources::name.eq(name),
            sources::domain.eq(domain),
            sources::created_at.eq(now),
            sources::updated_at.eq(now),
        ))
        .execute(conn)?;
    sources::table
        .filter(sources::slug.eq(slug))
        .select(sources::id)
        .first(conn)
}

/// Rewrites a source's name, slug and domain. Records a change for every story that links
/// to it, since search documents carry the source's name; call inside a transaction.
pub fn update(
    conn: &mut DbConn,
    id: i64,
    slug: &str,
    name: &str,
    domain: &str,
) -> QueryResult<Vec<i64>> {
    diesel::update(sources::table.filter(sources::id.eq(id)))
        .set((
            sources::slug.eq(slug),
            sources::name.eq(name),
            sources::domain.eq(domain),
            sources::updated_at.eq(Utc::now().naive_utc()),
        ))
        .execute(conn)?;
    let mut story_ids: Vec<i64> = story_links::table
        .filter(story_links::source_id.eq(id))
        .select(story_links::story_id)
        .load(conn)?;
    story_ids.sort_unstable();
    story_ids.dedup();
    for story_id in &story_ids {
        super::changes::record(conn, *story_id)?;
    }
    Ok(story_ids)
}
