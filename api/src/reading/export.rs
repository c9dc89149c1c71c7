//! Exports: every published story a list's filters match, read in batches so that an export
//! of any size holds one batch in memory at a time.
//!
//! Without keywords the stories come in the order of change, `(updated_at, id)`, by keyset
//! on the `(status, updated_at, id)` index; with keywords the set of matching ids comes from
//! the search index (eight bytes a match) and the stories in id order. Each batch takes a
//! pool connection of its own and gives it back, so a long export never holds one while its
//! client reads.
//!
//! An export holds every story changed from its `cursor` or `updated_since` on, up to the
//! moment each batch is read (a story changed while it runs may come twice, its latest
//! version last). Its `cursor` (the `X-Cursor` header) is the horizon two seconds before it
//! began (`harvest::horizon`): an export or walk from it brings every later change, so exports
//! chained by cursor never skip a story; one changed within those two seconds or during the
//! export may come again.

use chrono::DateTime;
use peoples_stories_shared::{ListStoriesQuery, Story, StoryPage, STORY_FIELDS};
use serde::Serialize;

use super::harvest::{self, CursorKind};
use super::{LastModified, Reader};
use crate::db::stories::{self as db_stories, ChangePos, StoryFilter};
use crate::db::taxonomy;
use crate::error::{AppError, AppResult};
use crate::search::{syntax, SearchSort};

/// Stories read from the database at a time.
pub const BATCH: usize = 500;

/// An export under way: what it reads and how far it has come.
pub struct Export {
    filter: StoryFilter,
    /// With keywords: the matching ids not read yet, in id order.
    ids: Option<std::vec::IntoIter<i64>>,
    /// Where the export starts (with keywords), or the last story read (without), in the
    /// order of change.
    after: ChangePos,
    /// Where the next export from this one's cursor starts (`harvest::horizon` at the start).
    until: chrono::NaiveDateTime,
    done: bool,
}

/// Checks an export's query and plans it: filters resolved (400 naming unknown values),
/// keywords read and looked up in the search index (503 while it is first built).
pub fn plan(reader: &Reader, q: &ListStoriesQuery) -> AppResult<Export> {
    if q.fields.iter().any(|f| f == "highlight") {
        return Err(AppError::field(
            "fields",
            "an export has no highlights: choose among the other fields",
        ));
    }
    let mut conn = reader.conn()?;
    let themes = taxonomy::theme_rows(&mut conn)?;
    let filter = super::stories::resolve_filter(&mut conn, &themes, q)?;
    let after = harvest::start(CursorKind::Stories, q.cursor.as_deref(), q.updated_since)?;
    let until = harvest::horizon();
    let ids = match &q.q {
        None => None,
        Some(text) => {
            if let Err(e) = syntax::parse(text) {
                return Err(AppError::field("q", e.to_string()));
            }
            if !reader.search.is_ready() {
                return Err(AppError::Unavailable(
                    "the search index is being built; try again in a minute".into(),
                ));
            }
            let request = super::stories::search_request(
                &filter,
                &themes,
                Some(text.clone()),
                SearchSort::Relevance,
            );
            Some(reader.search.matching_ids(&request)?.into_iter())
        }
    };
    Ok(Export {
        filter,
        ids,
        after,
        until,
        done: false,
    })
}

impl Export {
    /// The cursor to continue from once this export is read: its horizon.
    pub fn cursor(&self) -> String {
        harvest::cursor_at(self.until)
    }

    /// The next batch of stories, whole; None at the end.
    pub fn next_batch(&mut self, reader: &Reader) -> AppResult<Option<Vec<Story>>> {
        if self.done {
            return Ok(None);
        }
        let mut conn = reader.conn()?;
        match &mut self.ids {
            Some(ids) => {
                // Index matches may lag the database: each batch is checked against it.
                loop {
                    let chunk: Vec<i64> = ids.by_ref().take(BATCH).collect();
                    if chunk.is_empty() {
                        self.done = true;
                        return Ok(None);
                    }
                    let found = db_stories::matching_among(
                        &mut conn,
                        &self.filter,
                        &chunk,
                        self.after,
                        None,
                    )?;
                    if !found.is_empty() {
                        return Ok(Some(db_stories::whole_in_order(&mut conn, &found)?));
                    }
                }
            }
            None => {
                let positions = db_stories::ids_by_change(
                    &mut conn,
                    &self.filter,
                    self.after,
                    None,
                    BATCH as i64,
                )?;
                let Some(last) = positions.last() else {
                    self.done = true;
                    return Ok(None);
                };
                self.after = *last;
                if positions.len() < BATCH {
                    self.done = true;
                }
                let ids: Vec<i64> = positions.iter().map(|p| p.id).collect();
                Ok(Some(db_stories::whole_in_order(&mut conn, &ids)?))
            }
        }
    }
}

/// The fields a client chose, in the order of `STORY_FIELDS`, `id` first; all but
/// `highlight` when it chose none.
pub fn chosen_fields(fields: &[String]) -> Vec<&'static str> {
    STORY_FIELDS
        .iter()
        .copied()
        .filter(|f| {
            *f == "id"
                || if fields.is_empty() {
                    *f != "highlight"
                } else {
                    fields.iter().any(|c| c == f)
                }
        })
        .collect()
}

/// A story as JSON with only the chosen fields (all of them when `fields` is empty).
pub fn project(story: &Story, fields: &[String]) -> AppResult<serde_json::Value> {
    let value = serde_json::to_value(story).map_err(anyhow::Error::from)?;
    if fields.is_empty() {
        return Ok(value);
    }
    let serde_json::Value::Object(mut all) = value else {
        return Ok(value);
    };
    let mut out = serde_json::Map::new();
    for name in chosen_fields(fields) {
        if let Some(v) = all.remove(name) {
            out.insert(name.to_string(), v);
        }
    }
    Ok(serde_json::Value::Object(out))
}

/// A page of the list with only the chosen fields of each story (`fields`).
pub struct FieldsPage {
    pub page: StoryPage,
    pub fields: Vec<String>,
}

impl Serialize for FieldsPage {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::Error;
        if self.fields.is_empty() {
            return self.page.serialize(serializer);
        }
        let mut value = serde_json::to_value(&self.page).map_err(S::Error::custom)?;
        if let Some(items) = value.get_mut("items").and_then(|v| v.as_array_mut()) {
            for (item, story) in items.iter_mut().zip(&self.page.items) {
                *item = project(story, &self.fields).map_err(S::Error::custom)?;
            }
        }
        value.serialize(serializer)
    }
}

impl LastModified for FieldsPage {
    fn last_modified(&self) -> Option<DateTime<chrono::Utc>> {
        self.page.last_modified()
    }
}
