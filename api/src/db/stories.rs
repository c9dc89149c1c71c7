//! Stories: listing with filters, reading one whole, and writing.

use std::collections::HashMap;

use chrono::{NaiveDateTime, Utc};
use diesel::prelude::*;
use peoples_stories_shared::{
    CountryRef, PartialDate, SortOrder, SourceRef, Story, StoryLink, StoryUpdate,
};

use super::schema::{
    countries, sources, stories, story_countries, story_links, story_updates, themes,
};
use super::{DbConn, MultiBackend};

/// Story status as stored.
pub const PUBLISHED: &str = "published";
pub const DRAFT: &str = "draft";

#[derive(Debug, Clone, Queryable, Selectable)]
#[diesel(table_name = stories)]
pub struct StoryRow {
    pub id: i64,
    pub slug: String,
    pub title: String,
    pub theme_id: i64,
    pub byline: Option<String>,
    pub date_year: Option<i32>,
    pub date_month: Option<i32>,
    pub date_day: Option<i32>,
    pub summary: Option<String>,
    pub body: String,
    pub related_url: Option<String>,
    pub status: String,
    pub created_at: NaiveDateTime,
    pub updated_at: NaiveDateTime,
}

/// What a story list is narrowed by; every list is any-of within, all-of across.
#[derive(Debug, Clone, Default)]
pub struct StoryFilter {
    pub theme_ids: Vec<i64>,
    pub country_codes: Vec<String>,
    pub source_ids: Vec<i64>,
    /// Keep stories whose date ends on or after this day (yyyymmdd).
    pub from_key: Option<i32>,
    /// Keep stories whose date starts on or before this day (yyyymmdd).
    pub to_key: Option<i32>,
    /// Moderators may list drafts too; the public never does.
    pub include_drafts: bool,
    /// Drafts alone (moderators).
    pub drafts_only: bool,
}

type BoxedStories<'a> = stories::BoxedQuery<'a, MultiBackend>;

fn filtered(f: &StoryFilter) -> BoxedStories<'_> {
    let mut q = stories::table.into_boxed();
    if f.drafts_only {
        q = q.filter(stories::status.eq(DRAFT));
    } else if !f.include_drafts {
        q = q.filter(stories::status.eq(PUBLISHED));
    }
    if !f.theme_ids.is_empty() {
        q = q.filter(stories::theme_id.eq_any(&f.theme_ids));
    }
    if !f.country_codes.is_empty() {
        q = q.filter(
            stories::id.eq_any(
                story_countries::table
                    .filter(story_countries::country_code.eq_any(&f.country_codes))
                    .select(story_countries::story_id),
            ),
        );
    }
    if !f.source_ids.is_empty() {
        q = q.filter(
            stories::id.eq_any(
                story_links::table
                    .filter(story_links::source_id.eq_any(&f.source_ids))
                    .select(story_links::story_id),
            ),
        );
    }
    // `sort_key` is the first day of a dated story (`date_start`), so each date bound implies
    // one on `sort_key`, which the (status, sort_key, id) index can seek to: without it, the
    // newest stories before `to` were found by walking every newer one (1.1 s at a million).
    // A date lies within one year (a year-precision date spans 0101 to 1231), so a story
    // ending on or after `from` starts on or after January 1 of `from`'s year.
    if let Some(from) = f.from_key {
        q = q
            .filter(stories::date_end.ge(from))
            .filter(stories::sort_key.ge(from / 10_000 * 10_000 + 101));
    }
    if let Some(to) = f.to_key {
        q = q
            .filter(stories::date_start.le(to))
            .filter(stories::sort_key.le(to));
    }
    q
}

/// How many stories match a filter. A full count walks every matching index entry, which
/// grows with the archive: callers with an exact total from elsewhere pass it to `list`.
pub fn count(conn: &mut DbConn, f: &StoryFilter) -> QueryResult<i64> {
    filtered(f).count().get_result(conn)
}

/// One page of stories, whole, and how many match in all (`known_total`, or counted here).
pub fn list(
    conn: &mut DbConn,
    f: &StoryFilter,
    sort: SortOrder,
    limit: u32,
    offset: u64,
    known_total: Option<i64>,
) -> QueryResult<(Vec<Story>, i64)> {
    let total: i64 = match known_total {
        Some(t) => t,
        None => count(conn, f)?,
    };
    if total == 0 || offset >= total as u64 {
        return Ok((Vec::new(), total));
    }
    if let Some(ids) = one_country_page(conn, f, sort, limit, offset)? {
        return Ok((whole_in_order(conn, &ids)?, total));
    }
    // Page through ids alone, which the (status, sort_key, id) indexes cover, then fetch the
    // page's rows: deep offsets then skip index entries, not whole rows.
    let q = filtered(f).select(stories::id);
    let q = match sort {
        // Relevance needs keywords, which the search index serves; here it means newest.
        SortOrder::Newest | SortOrder::Relevance => {
            q.order((stories::sort_key.desc(), stories::id.desc()))
        }
        SortOrder::Oldest => q.order((stories::sort_key.asc(), stories::id.asc())),
    };
    let ids: Vec<i64> = q.limit(limit as i64).offset(offset as i64).load(conn)?;
    Ok((whole_in_order(conn, &ids)?, total))
}

/// A place in the order of change, `(updated_at, id)`: a harvest's or an export's keyset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChangePos {
    pub updated_at: NaiveDateTime,
    pub id: i64,
}

/// The filter's stories after `after` in the order of change, `(updated_at, id)`, changed
/// before `until` (when given), at most `limit`: ids and where each stands. Reads the
/// `(status, updated_at, id)` index from `after` on, so each page costs its own length.
pub fn ids_by_change(
    conn: &mut DbConn,
    f: &StoryFilter,
    after: ChangePos,
    until: Option<NaiveDateTime>,
    limit: i64,
) -> QueryResult<Vec<ChangePos>> {
    let rows: Vec<(i64, NaiveDateTime)> = after_in_change_order(f, after, until)
        .select((stories::id, stories::updated_at))
        .order((stories::updated_at.asc(), stories::id.asc()))
        .limit(limit)
        .load(conn)?;
    Ok(rows
        .into_iter()
        .map(|(id, updated_at)| ChangePos { updated_at, id })
        .collect())
}

/// How many of the filter's stories stand after `after` in the order of change (and before
/// `until`).
pub fn count_by_change(
    conn: &mut DbConn,
    f: &StoryFilter,
    after: ChangePos,
    until: Option<NaiveDateTime>,
) -> QueryResult<i64> {
    after_in_change_order(f, after, until)
        .count()
        .get_result(conn)
}

fn after_in_change_order(
    f: &StoryFilter,
    after: ChangePos,
    until: Option<NaiveDateTime>,
) -> BoxedStories<'_> {
    // `updated_at >= t` first, which both databases seek to on the index; then the strict
    // keyset, `(updated_at, id) > (t, id)`.
    let mut q = filtered(f)
        .filter(stories::updated_at.ge(after.updated_at))
        .filter(
            stories::updated_at
                .gt(after.updated_at)
                .or(stories::updated_at
                    .eq(after.updated_at)
                    .and(stories::id.gt(after.id))),
        );
    if let Some(until) = until {
        q = q.filter(stories::updated_at.lt(until));
    }
    q
}

/// Which of `ids` match the filter and stand after `after` (and before `until`) in the
/// order of change, in id order.
pub fn matching_among(
    conn: &mut DbConn,
    f: &StoryFilter,
    ids: &[i64],
    after: ChangePos,
    until: Option<NaiveDateTime>,
) -> QueryResult<Vec<i64>> {
    after_in_change_order(f, after, until)
        .filter(stories::id.eq_any(ids))
        .select(stories::id)
        .order(stories::id.asc())
        .load(conn)
}

/// Whether the search index should page this published-only filter: `list` walks an index in
/// order for no filter, themes, dates and one country, but sorts every match for sources and
/// for several countries.
pub fn index_pages_faster(f: &StoryFilter) -> bool {
    !f.include_drafts && !f.drafts_only && (!f.source_ids.is_empty() || f.country_codes.len() > 1)
}

/// The stories of `ids`, whole, in that order (ids not found are left out).
pub fn whole_in_order(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Story>> {
    let mut by_id: HashMap<i64, Story> = load_whole(conn, ids)?
        .into_iter()
        .map(|s| (s.id, s))
        .collect();
    Ok(ids.iter().filter_map(|id| by_id.remove(id)).collect())
}

/// The page for one country, optionally one theme, and no other filter, read in order from
/// the `story_countries_by_country[_theme]_date` indexes; None for other filters.
fn one_country_page(
    conn: &mut DbConn,
    f: &StoryFilter,
    sort: SortOrder,
    limit: u32,
    offset: u64,
) -> QueryResult<Option<Vec<i64>>> {
    let [code] = f.country_codes.as_slice() else {
        return Ok(None);
    };
    if f.theme_ids.len() > 1
        || !f.source_ids.is_empty()
        || f.from_key.is_some()
        || f.to_key.is_some()
        || f.include_drafts
        || f.drafts_only
    {
        return Ok(None);
    }
    let mut q = story_countries::table
        .filter(story_countries::country_code.eq(code))
        .filter(story_countries::status.eq(PUBLISHED))
        .select(story_countries::story_id)
        .into_boxed();
    if let [theme] = f.theme_ids.as_slice() {
        q = q.filter(story_countries::theme_id.eq(theme));
    }
    q = match sort {
        SortOrder::Newest | SortOrder::Relevance => q.order((
            story_countries::sort_key.desc(),
            story_countries::story_id.desc(),
        )),
        SortOrder::Oldest => q.order((
            story_countries::sort_key.asc(),
            story_countries::story_id.asc(),
        )),
    };
    q.limit(limit as i64)
        .offset(offset as i64)
        .load(conn)
        .map(Some)
}

/// Finds a published story by id (all digits) or slug.
pub fn find_published(conn: &mut DbConn, id_or_slug: &str) -> QueryResult<Option<Story>> {
    let mut q = stories::table
        .filter(stories::status.eq(PUBLISHED))
        .select(stories::id)
        .into_boxed();
    q = match id_or_slug.parse::<i64>() {
        Ok(id) => q.filter(stories::id.eq(id)),
        Err(_) => q.filter(stories::slug.eq(id_or_slug)),
    };
    let Some(id) = q.first::<i64>(conn).optional()? else {
        return Ok(None);
    };
    Ok(load_whole(conn, &[id])?.pop())
}

/// (story id, year, month, day, body)
type UpdateRow = (i64, Option<i32>, Option<i32>, Option<i32>, String);
/// (story id, url, title, source id, slug, name, domain)
type LinkRow = (i64, String, Option<String>, i64, String, String, String);

/// Loads stories with their updates, countries and links, in no particular order.
pub fn load_whole(conn: &mut DbConn, ids: &[i64]) -> QueryResult<Vec<Story>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows: Vec<(StoryRow, String)> = stories::table
        .inner_join(themes::table)
        .filter(stories::id.eq_any(ids))
        .select((StoryRow::as_select(), themes::slug))
        .load(conn)?;

    let mut updates: HashMap<i64, Vec<StoryUpdate>> = HashMap::new();
    let update_rows: Vec<UpdateRow> = story_updates::table
        .filter(story_updates::story_id.eq_any(ids))
        .order((story_updates::story_id, story_updates::position))
        .select((
            story_updates::story_id,
            story_updates::date_year,
            story_updates::date_month,
            story_updates::date_day,
            story_updates::body,
        ))
        .load(conn)?;
    for (story_id, y, m, d, body) in update_rows {
        let date = partial_date(y, m, d);
        updates.entry(story_id).or_default().push(StoryUpdate {
            date,
            date_precision: date.map(|d| d.precision()),
            body,
        });
    }

    let mut country_map: HashMap<i64, Vec<CountryRef>> = HashMap::new();
    let country_rows: Vec<(i64, String, String)> = story_countries::table
        .inner_join(countries::table)
        .filter(story_countries::story_id.eq_any(ids))
        .order((story_countries::story_id, story_countries::position))
        .select((story_countries::story_id, countries::code, countries::name))
        .load(conn)?;
    for (story_id, code, name) in country_rows {
        country_map
            .entry(story_id)
            .or_default()
            .push(CountryRef { code, name });
    }

    let mut link_map: HashMap<i64, Vec<StoryLink>> = HashMap::new();
    let link_rows: Vec<LinkRow> = story_links::table
        .inner_join(sources::table)
        .filter(story_links::story_id.eq_any(ids))
        .order((story_links::story_id, story_links::position))
        .select((
            story_links::story_id,
            story_links::url,
            story_links::title,
            sources::id,
            sources::slug,
            sources::name,
            sources::domain,
        ))
        .load(conn)?;
    for (story_id, url, title, id, slug, name, domain) in link_rows {
        link_map.entry(story_id).or_default().push(StoryLink {
            url,
            title,
            source: SourceRef {
                id,
                slug,
                name,
                domain,
            },
        });
    }

    Ok(rows
        .into_iter()
        .map(|(r, theme)| {
            let date = partial_date(r.date_year, r.date_month, r.date_day);
            Story {
                id: r.id,
                updates: updates.remove(&r.id).unwrap_or_default(),
                countries: country_map.remove(&r.id).unwrap_or_default(),
                links: link_map.remove(&r.id).unwrap_or_default(),
                slug: r.slug,
                title: r.title,
                theme,
                byline: r.byline,
                date,
                date_precision: date.map(|d| d.precision()),
                summary: r.summary,
                body: r.body,
                related_url: r.related_url,
                created_at: r.created_at.and_utc(),
                updated_at: r.updated_at.and_utc(),
                highlight: None,
            }
        })
        .collect())
}

/// Rebuilds a date from its stored parts; parts that do not make a date read as undated.
fn partial_date(y: Option<i32>, m: Option<i32>, d: Option<i32>) -> Option<PartialDate> {
    let y = y?;
    PartialDate::new(y, m.map(|m| m as u32), d.map(|d| d as u32)).ok()
}

/// A story to write, with its parts. Countries are alpha-2 codes; links name their source.
#[derive(Debug, Clone)]
pub struct NewStory {
    pub slug: String,
    pub title: String,
    pub theme_id: i64,
    pub byline: Option<String>,
    pub date: Option<PartialDate>,
    pub summary: Option<String>,
    pub body: String,
    pub related_url: Option<String>,
    pub status: &'static str,
    pub updates: Vec<(Option<PartialDate>, String)>,
    pub country_codes: Vec<String>,
    /// (url, title, source id)
    pub links: Vec<(String, Option<String>, i64)>,
    /// When the story was created; now when None.
    pub created_at: Option<NaiveDateTime>,
}

/// A date's stored parts: (year, month, day).
pub fn date_parts(d: Option<PartialDate>) -> (Option<i32>, Option<i32>, Option<i32>) {
    match d {
        Some(d) => (
            Some(d.get_year()),
            d.get_month().map(|m| m as i32),
            d.get_day().map(|d| d as i32),
        ),
        None => (None, None, None),
    }
}

/// Writes a story and its parts; call inside a transaction. Returns the new id.
pub fn insert(conn: &mut DbConn, s: &NewStory) -> QueryResult<i64> {
    let now = Utc::now().naive_utc();
    let created = s.created_at.unwrap_or(now);
    let (y, m, d) = date_parts(s.date);
    let row = (
        stories::slug.eq(&s.slug),
        stories::title.eq(&s.title),
        stories::theme_id.eq(s.theme_id),
        stories::byline.eq(&s.byline),
        stories::date_year.eq(y),
        stories::date_month.eq(m),
        stories::date_day.eq(d),
        stories::date_start.eq(s.date.map(|d| d.first_day_key())),
        stories::date_end.eq(s.date.map(|d| d.last_day_key())),
        stories::sort_key.eq(s.date.map(|d| d.first_day_key()).unwrap_or(0)),
        stories::summary.eq(&s.summary),
        stories::body.eq(&s.body),
        stories::related_url.eq(&s.related_url),
        stories::status.eq(s.status),
        stories::created_at.eq(created),
        stories::updated_at.eq(created),
    );
    if matches!(conn, DbConn::Sqlite(_)) {
        // BACKEND-SPECIFIC: SQLite gives a new row the largest id + 1, so the id of the newest
        // story would come back once it is deleted; harvesters hold it, and its tombstone
        // names it. Ids are given past every story and tombstone. PostgreSQL's identity
        // never hands out an id twice.
        let stories_max: Option<i64> = stories::table
            .select(diesel::dsl::max(stories::id))
            .first(conn)?;
        let stones_max: Option<i64> = super::schema::story_tombstones::table
            .select(diesel::dsl::max(super::schema::story_tombstones::story_id))
            .first(conn)?;
        let next = stories_max.unwrap_or(0).max(stones_max.unwrap_or(0)) + 1;
        diesel::insert_into(stories::table)
            .values((stories::id.eq(next), row))
            .execute(conn)?;
    } else {
        diesel::insert_into(stories::table)
            .values(row)
            .execute(conn)?;
    }
    let id: i64 = stories::table
        .filter(stories::slug.eq(&s.slug))
        .select(stories::id)
        .first(conn)?;
    insert_parts(conn, id, s)?;
    super::changes::record(conn, id)?;
    Ok(id)
}

fn insert_parts(conn: &mut DbConn, id: i64, s: &NewStory) -> QueryResult<()> {
    for (position, (date, body)) in s.updates.iter().enumerate() {
        let (y, m, d) = date_parts(*date);
        diesel::insert_into(story_updates::table)
            .values((
                story_updates::story_id.eq(id),
                story_updates::position.eq(position as i32),
                story_updates::date_year.eq(y),
                story_updates::date_month.eq(m),
                story_updates::date_day.eq(d),
                story_updates::body.eq(body),
            ))
            .execute(conn)?;
    }
    for (position, code) in s.country_codes.iter().enumerate() {
        diesel::insert_into(story_countries::table)
            .values((
                story_countries::story_id.eq(id),
                story_countries::country_code.eq(code),
                story_countries::position.eq(position as i32),
            ))
            .execute(conn)?;
    }
    for (position, (url, title, source_id)) in s.links.iter().enumerate() {
        diesel::insert_into(story_links::table)
            .values((
                story_links::story_id.eq(id),
                story_links::position.eq(position as i32),
                story_links::url.eq(url),
                story_links::title.eq(title),
                story_links::source_id.eq(source_id),
            ))
            .execute(conn)?;
    }
    Ok(())
}

/// Whether a slug is taken.
pub fn slug_exists(conn: &mut DbConn, slug: &str) -> QueryResult<bool> {
    diesel::select(diesel::dsl::exists(
        stories::table.filter(stories::slug.eq(slug)),
    ))
    .get_result(conn)
}

/// Slugs no story may take: the names of routes beside `/api/v1/stories/{id_or_slug}`.
pub const RESERVED_SLUGS: [&str; 2] = ["export", "tombstones"];

/// A slug for a title that no story has yet: the title's slug, then `-2`, `-3`, ...
pub fn unique_slug(conn: &mut DbConn, title: &str) -> QueryResult<String> {
    let mut base = slug::slugify(title);
    if base.len() > 80 {
        let cut = base[..80].rfind('-').unwrap_or(80);
        base.truncate(cut);
    }
    if base.is_empty() {
        base = "story".into();
    }
    if !RESERVED_SLUGS.contains(&base.as_str()) && !slug_exists(conn, &base)? {
        return Ok(base);
    }
    for n in 2.. {
        let candidate = format!("{base}-{n}");
        if !slug_exists(conn, &candidate)? {
            return Ok(candidate);
        }
    }
    unreachable!("slug numbering is unbounded")
}

/// Finds a story of any status by id (all digits) or slug.
pub fn find_id(conn: &mut DbConn, id_or_slug: &str) -> QueryResult<Option<i64>> {
    let q = stories::table.select(stories::id).into_boxed();
    let q = match id_or_slug.parse::<i64>() {
        Ok(id) => q.filter(stories::id.eq(id)),
        Err(_) => q.filter(stories::slug.eq(id_or_slug)),
    };
    q.first(conn).optional()
}

/// Rewrites a story and its parts (the slug and `created_at` stay); call inside a
/// transaction. Records the change for the search index.
pub fn replace(conn: &mut DbConn, id: i64, s: &NewStory) -> QueryResult<()> {
    let now = Utc::now().naive_utc();
    let (y, m, d) = date_parts(s.date);
    diesel::update(stories::table.filter(stories::id.eq(id)))
        .set((
            stories::title.eq(&s.title),
            stories::theme_id.eq(s.theme_id),
            stories::byline.eq(&s.byline),
            stories::date_year.eq(y),
            stories::date_month.eq(m),
            stories::date_day.eq(d),
            stories::date_start.eq(s.date.map(|d| d.first_day_key())),
            stories::date_end.eq(s.date.map(|d| d.last_day_key())),
            stories::sort_key.eq(s.date.map(|d| d.first_day_key()).unwrap_or(0)),
            stories::summary.eq(&s.summary),
            stories::body.eq(&s.body),
            stories::related_url.eq(&s.related_url),
            stories::status.eq(s.status),
            stories::updated_at.eq(now),
        ))
        .execute(conn)?;
    diesel::delete(story_updates::table.filter(story_updates::story_id.eq(id))).execute(conn)?;
    diesel::delete(story_countries::table.filter(story_countries::story_id.eq(id)))
        .execute(conn)?;
    diesel::delete(story_links::table.filter(story_links::story_id.eq(id))).execute(conn)?;
    insert_parts(conn, id, s)?;
    super::changes::record(conn, id)
}

/// Deletes a story with its parts; call inside a transaction. Records the change.
pub fn delete(conn: &mut DbConn, id: i64) -> QueryResult<usize> {
    let n = diesel::delete(stories::table.filter(stories::id.eq(id))).execute(conn)?;
    super::changes::record(conn, id)?;
    Ok(n)
}

/// A story's status, of any story.
pub fn status_of(conn: &mut DbConn, id: i64) -> QueryResult<String> {
    stories::table
        .filter(stories::id.eq(id))
        .select(stories::status)
        .first(conn)
}

/// The statuses of these stories.
pub fn statuses(conn: &mut DbConn, ids: &[i64]) -> QueryResult<HashMap<i64, String>> {
    Ok(stories::table
        .filter(stories::id.eq_any(ids))
        .select((stories::id, stories::status))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect())
}
