//! Harvesting: walking published stories in the order of change, `(updated_at, id)`, with an
//! opaque cursor, and the tombstones of stories that left the archive.
//!
//! A walk never skips nor repeats a story that does not change under it: each page starts
//! strictly after the last one's end. Writes still committing when a page is read could
//! carry an `updated_at` just before its end (clocks are read before the commit, and commits
//! of several nodes land in any order), so a page only reaches stories changed more than
//! `SETTLE` ago; later changes come on a later call with the same cursor. A story changed
//! while a walk is under way moves to the end of the order and comes again, as it is now.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use chrono::{DateTime, NaiveDate, NaiveDateTime, NaiveTime, SubsecRound, Utc};
use peoples_stories_shared::{
    ListStoriesQuery, RemovalReason, StoryPage, Tombstone, TombstonePage, TombstoneQuery,
};

use super::Reader;
use crate::db::stories::{self as db_stories, ChangePos};
use crate::db::{taxonomy, tombstones};
use crate::error::{AppError, AppResult};

/// How long ago a change must be for a harvest page to reach it.
pub const SETTLE: chrono::TimeDelta = chrono::TimeDelta::seconds(2);

/// The end of what a page or an export reaches now: changes made more than `SETTLE` ago,
/// to the microsecond (what PostgreSQL keeps), so that a cursor at it means the same to both
/// databases.
pub fn horizon() -> NaiveDateTime {
    (Utc::now() - SETTLE).naive_utc().trunc_subsecs(6)
}

/// The cursor of everything changed at or after `until`: what comes after an export.
pub fn cursor_at(until: NaiveDateTime) -> String {
    encode_cursor(
        CursorKind::Stories,
        ChangePos {
            updated_at: until,
            id: i64::MIN,
        },
        0,
    )
}

/// What a cursor points into: the stories' order of change, or the tombstones'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CursorKind {
    Stories,
    Tombstones,
}

impl CursorKind {
    fn tag(self) -> &'static str {
        match self {
            CursorKind::Stories => "s1",
            CursorKind::Tombstones => "t1",
        }
    }
}

/// The cursor after `pos`: base64url of `<kind><version>.<nanoseconds>.<id>.<left>`, where
/// `left` is how many stories the walk had left after `pos` (its `total` from then on).
pub fn encode_cursor(kind: CursorKind, pos: ChangePos, left: i64) -> String {
    let nanos = pos
        .updated_at
        .and_utc()
        .timestamp_nanos_opt()
        .unwrap_or(i64::MAX);
    URL_SAFE_NO_PAD.encode(format!("{}.{nanos}.{}.{left}", kind.tag(), pos.id))
}

/// Reads a cursor this API gave out (its place and what was left), else a 400 naming `cursor`.
pub fn decode_cursor(kind: CursorKind, cursor: &str) -> AppResult<(ChangePos, i64)> {
    let bad = || {
        AppError::field(
            "cursor",
            "not a cursor of this list: pass back the `cursor` an earlier answer gave, \
             or start again with a time",
        )
    };
    let raw = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(raw).map_err(|_| bad())?;
    let parts: Vec<&str> = text.split('.').collect();
    let [tag, nanos, id, left] = parts.as_slice() else {
        return Err(bad());
    };
    if *tag != kind.tag() {
        return Err(bad());
    }
    let nanos: i64 = nanos.parse().map_err(|_| bad())?;
    let id: i64 = id.parse().map_err(|_| bad())?;
    let left: i64 = left.parse().map_err(|_| bad())?;
    let pos = ChangePos {
        updated_at: DateTime::from_timestamp_nanos(nanos).naive_utc(),
        id,
    };
    Ok((pos, left))
}

/// Where a walk starts: after the cursor, or at `since` (inclusive), or at the beginning.
pub fn start(
    kind: CursorKind,
    cursor: Option<&str>,
    since: Option<DateTime<Utc>>,
) -> AppResult<ChangePos> {
    Ok(resume(kind, cursor, since)?.0)
}

/// As `start`, with what the cursor says was left (None without a cursor).
fn resume(
    kind: CursorKind,
    cursor: Option<&str>,
    since: Option<DateTime<Utc>>,
) -> AppResult<(ChangePos, Option<i64>)> {
    match (cursor, since) {
        (Some(c), _) => decode_cursor(kind, c).map(|(pos, left)| (pos, Some(left))),
        (None, Some(t)) => Ok((
            ChangePos {
                updated_at: t.naive_utc(),
                id: i64::MIN,
            },
            None,
        )),
        // Year 1, which both databases hold (and SQLite's text compares correctly).
        (None, None) => Ok((
            ChangePos {
                updated_at: NaiveDate::from_ymd_opt(1, 1, 1)
                    .unwrap_or_default()
                    .and_time(NaiveTime::MIN),
                id: i64::MIN,
            },
            None,
        )),
    }
}

/// A page of the list in the order of change (`updated_since` or `cursor` given): the
/// filters as in `list`, no keywords, facets, sort or offset (400 naming each).
pub fn list(reader: &Reader, q: &ListStoriesQuery) -> AppResult<StoryPage> {
    let mut errors = Vec::new();
    let refuse = |errors: &mut Vec<_>, field: &str, message: &str| {
        errors.push(peoples_stories_shared::FieldError::new(field, message));
    };
    if q.q.is_some() {
        refuse(
            &mut errors,
            "q",
            "keywords do not combine with harvesting by change: use /api/v1/stories/export",
        );
    }
    if !q.facets.is_empty() {
        refuse(
            &mut errors,
            "facets",
            "facets do not combine with harvesting by change",
        );
    }
    if q.sort.is_some() {
        refuse(
            &mut errors,
            "sort",
            "a harvest is ordered by change (updated_at, id); leave out 'sort'",
        );
    }
    if q.offset != 0 {
        refuse(
            &mut errors,
            "offset",
            "a harvest pages by 'cursor' (from an answer's 'cursor'), not by offset",
        );
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let (from, carried) = resume(CursorKind::Stories, q.cursor.as_deref(), q.updated_since)?;
    let mut conn = reader.conn()?;
    let themes = taxonomy::theme_rows(&mut conn)?;
    let filter = super::stories::resolve_filter(&mut conn, &themes, q)?;
    let until = horizon();
    let positions =
        db_stories::ids_by_change(&mut conn, &filter, from, Some(until), i64::from(q.limit))?;
    // Counted once, at the start of a walk (counting from every cursor would walk the rest of
    // the index on each page); then carried in the cursor, less the stories passed.
    let passed = positions.len() as i64;
    let total = match carried {
        Some(left) => left.max(passed),
        None => db_stories::count_by_change(&mut conn, &filter, from, Some(until))?,
    };
    let ids: Vec<i64> = positions.iter().map(|p| p.id).collect();
    let items = db_stories::whole_in_order(&mut conn, &ids)?;
    let last = positions.last().copied().unwrap_or(from);
    let next_cursor = encode_cursor(CursorKind::Stories, last, (total - passed).max(0));
    let next = (positions.len() == q.limit as usize).then(|| {
        let mut n = q.clone();
        n.updated_since = None;
        n.cursor = Some(next_cursor.clone());
        format!("/api/v1/stories?{}", n.to_query_string())
    });
    Ok(StoryPage {
        items,
        total,
        limit: q.limit,
        offset: 0,
        next,
        prev: None,
        facets: Default::default(),
        cursor: Some(next_cursor),
    })
}

/// Stories that left the archive after the cursor (or since a time), oldest removal first.
pub fn tombstones(reader: &Reader, q: &TombstoneQuery) -> AppResult<TombstonePage> {
    let from = start(CursorKind::Tombstones, q.cursor.as_deref(), q.since)?;
    let until = horizon();
    let rows = tombstones::after(
        &mut *reader.conn()?,
        from.updated_at,
        from.id,
        until,
        i64::from(q.limit),
    )?;
    let last = rows
        .last()
        .map(|r| ChangePos {
            updated_at: r.removed_at,
            id: r.story_id,
        })
        .unwrap_or(from);
    let next_cursor = encode_cursor(CursorKind::Tombstones, last, 0);
    let next = (rows.len() == q.limit as usize).then(|| {
        let n = TombstoneQuery {
            since: None,
            cursor: Some(next_cursor.clone()),
            limit: q.limit,
        };
        format!("/api/v1/stories/tombstones?{}", n.to_query_string())
    });
    let items = rows
        .into_iter()
        .map(|r| Tombstone {
            id: r.story_id,
            slug: r.slug,
            reason: if r.reason == tombstones::DELETED {
                RemovalReason::Deleted
            } else {
                RemovalReason::Unpublished
            },
            removed_at: r.removed_at.and_utc(),
        })
        .collect();
    Ok(TombstonePage {
        items,
        cursor: next_cursor,
        next,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_refuse_strangers() {
        let pos = ChangePos {
            updated_at: DateTime::from_timestamp_nanos(1_764_532_800_123_456_789).naive_utc(),
            id: 42,
        };
        let c = encode_cursor(CursorKind::Stories, pos, 7);
        assert_eq!(decode_cursor(CursorKind::Stories, &c).ok(), Some((pos, 7)));
        assert!(decode_cursor(CursorKind::Tombstones, &c).is_err());
        for bad in [
            "",
            "!!!",
            "czEuMS4y.x",
            &URL_SAFE_NO_PAD.encode("s1.x.2.0"),
            &URL_SAFE_NO_PAD.encode("s1.1.2"),
            &URL_SAFE_NO_PAD.encode("s1.1.2.3.4"),
        ] {
            assert!(decode_cursor(CursorKind::Stories, bad).is_err(), "{bad}");
        }
    }
}
