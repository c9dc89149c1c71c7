//! Importing an archive: stories in the API's own shape, one JSON object a line (JSON
//! Lines; what `GET /api/v1/stories/{slug}` answers, or a list's `stories[]`, one a line).
//!
//! Upserts by slug: a story whose slug is new is created with that slug (and its
//! `created_at`, when given); one whose slug exists is rewritten when anything differs and
//! left alone (its `updated_at` unchanged) when nothing does, so running an import twice
//! changes nothing the second time. Each line is checked by the same rules, with the same
//! messages, as `POST /api/v1/stories`; a bad line is reported with its number and fields and
//! skipped, the others go on. Lines are written in batches, one transaction each, with one
//! audit entry per batch. A dry run checks every line and counts what would change, writing
//! nothing.

use std::io::BufRead;

use chrono::{DateTime, Utc};
use peoples_stories_shared::{
    FieldError, ImportReport as Report, LinkInput, PartialDate, RefusedLine, StoryInput,
    StoryStatus, UpdateInput,
};
use serde::Deserialize;

use super::stories::{as_input, attach_sources, check_input, load, status_changed, Checked};
use super::Actor;
use crate::db::{audit, stories, DbConn};
use crate::error::{AppError, AppResult};

/// Lines written per transaction.
pub const BATCH: usize = 500;

/// Longest slug, in characters.
const SLUG_MAX: usize = 200;

/// One line of the file: a story in the API's shape. Fields the API adds (`id`,
/// `date_precision`, `updated_at`, ...) are read past.
#[derive(Debug, Deserialize)]
struct ImportedStory {
    slug: String,
    title: String,
    theme: String,
    #[serde(default)]
    byline: Option<String>,
    #[serde(default)]
    date: Option<PartialDate>,
    #[serde(default)]
    summary: Option<String>,
    body: String,
    #[serde(default)]
    updates: Vec<ImportedUpdate>,
    #[serde(default)]
    countries: Vec<ImportedCountry>,
    #[serde(default)]
    links: Vec<ImportedLink>,
    #[serde(default)]
    related_url: Option<String>,
    /// `published` unless it says `draft`.
    #[serde(default)]
    status: Option<StoryStatus>,
    #[serde(default)]
    created_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Deserialize)]
struct ImportedUpdate {
    #[serde(default)]
    date: Option<PartialDate>,
    body: String,
}

/// A country as the API writes it (`{"code": "KH", "name": "Cambodia"}`) or as a person
/// would (`"KH"`, `"Cambodia"`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum ImportedCountry {
    Named(String),
    Ref { code: String },
}

#[derive(Debug, Deserialize)]
struct ImportedLink {
    url: String,
    #[serde(default)]
    title: Option<String>,
    /// The publisher, as the API names it: made with this name (and slug, when free) when
    /// the database has no source of its domain yet.
    #[serde(default)]
    source: Option<ImportedSource>,
}

#[derive(Debug, Deserialize)]
struct ImportedSource {
    name: String,
    slug: String,
    domain: String,
}

impl ImportedStory {
    fn into_input(
        mut self,
    ) -> (
        String,
        Option<DateTime<Utc>>,
        Vec<ImportedSource>,
        StoryInput,
    ) {
        let sources = self
            .links
            .iter_mut()
            .filter_map(|l| l.source.take())
            .collect();
        let input = StoryInput {
            title: self.title,
            theme: self.theme,
            byline: self.byline,
            date: self.date,
            summary: self.summary,
            body: self.body,
            updates: self
                .updates
                .into_iter()
                .map(|u| UpdateInput {
                    date: u.date,
                    body: u.body,
                })
                .collect(),
            countries: self
                .countries
                .into_iter()
                .map(|c| match c {
                    ImportedCountry::Named(s) | ImportedCountry::Ref { code: s } => s,
                })
                .collect(),
            links: self
                .links
                .into_iter()
                .map(|l| LinkInput {
                    url: l.url,
                    title: l.title,
                })
                .collect(),
            related_url: self.related_url,
            status: self.status,
        };
        (self.slug, self.created_at, sources, input)
    }
}

/// A line checked and ready to write.
struct Ready {
    slug: String,
    checked: Checked,
    sources: Vec<ImportedSource>,
}

/// Imports the JSON Lines `input` reads. `progress` hears the bytes read so far.
pub fn import(
    conn: &mut DbConn,
    actor: Actor,
    input: impl BufRead,
    dry_run: bool,
    progress: &dyn Fn(u64),
) -> AppResult<Report> {
    let mut report = Report {
        dry_run,
        ..Report::default()
    };
    let mut batch: Vec<(usize, ImportedStory)> = Vec::with_capacity(BATCH);
    let mut read = 0u64;
    // Lines as bytes: one that is not UTF-8 is refused like any bad line (by `parse_json`),
    // not an error of the whole import.
    for (i, line) in input.split(b'\n').enumerate() {
        let line_no = i + 1;
        let line =
            line.map_err(|e| AppError::Internal(anyhow::anyhow!("reading line {line_no}: {e}")))?;
        read += line.len() as u64 + 1;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        report.lines += 1;
        match crate::extract::parse_json::<ImportedStory>(&line) {
            Ok(story) => batch.push((line_no, story)),
            Err(e) => report.refused.push(RefusedLine {
                line: line_no,
                errors: field_errors(e),
            }),
        }
        if batch.len() >= BATCH {
            write_batch(
                conn,
                actor,
                std::mem::take(&mut batch),
                dry_run,
                &mut report,
            )?;
            progress(read);
        }
    }
    write_batch(conn, actor, batch, dry_run, &mut report)?;
    progress(read);
    report.refused.sort_by_key(|r| r.line);
    Ok(report)
}

/// The fields an error names (a JSON error names the line as a whole).
fn field_errors(e: AppError) -> Vec<FieldError> {
    match e {
        AppError::Invalid { errors, .. } => errors,
        other => vec![FieldError::new("line", other.problem().detail)],
    }
}

/// A slug as the site writes them: lower-case letters, digits and single hyphens; never only
/// digits (a number in a URL is an id).
fn check_slug(slug: &str) -> Option<FieldError> {
    let ok = !slug.is_empty()
        && slug.len() <= SLUG_MAX
        && slug
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !slug.starts_with('-')
        && !slug.ends_with('-')
        && !slug.contains("--")
        && !slug.bytes().all(|b| b.is_ascii_digit())
        && !stories::RESERVED_SLUGS.contains(&slug);
    (!ok).then(|| {
        FieldError::new(
            "slug",
            format!(
                "must be lower-case letters, digits and single hyphens (at most {SLUG_MAX}), \
                 not only digits nor a word the API keeps (export, tombstones), like \
                 land-defenders-detained"
            ),
        )
    })
}

/// Checks a batch, then (unless a dry run) writes it in one transaction.
fn write_batch(
    conn: &mut DbConn,
    actor: Actor,
    batch: Vec<(usize, ImportedStory)>,
    dry_run: bool,
    report: &mut Report,
) -> AppResult<()> {
    if batch.is_empty() {
        return Ok(());
    }
    let first = batch[0].0;
    let last = batch[batch.len() - 1].0;
    let mut ready = Vec::with_capacity(batch.len());
    for (line, story) in batch {
        let (slug, created_at, sources, input) = story.into_input();
        let slug_error = check_slug(&slug);
        match check_input(conn, input) {
            Ok(mut checked) if slug_error.is_none() => {
                checked.story.created_at = created_at.map(|t| t.naive_utc());
                ready.push(Ready {
                    slug,
                    checked,
                    sources,
                });
            }
            Ok(_) => report.refused.push(RefusedLine {
                line,
                errors: slug_error.into_iter().collect(),
            }),
            Err(e) => {
                let mut errors: Vec<FieldError> = slug_error.into_iter().collect();
                errors.extend(field_errors(e));
                report.refused.push(RefusedLine { line, errors });
            }
        }
    }
    let counts = if dry_run {
        apply(conn, ready, false)?
    } else {
        crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
            let counts = apply(conn, ready, true)?;
            if counts.0 + counts.1 > 0 {
                audit::record(
                    conn,
                    &audit::NewEntry {
                        actor,
                        action: "story.import",
                        target_type: "story",
                        target_id: None,
                        details: serde_json::json!({
                            "lines": [first, last],
                            "created": counts.0,
                            "updated": counts.1,
                        }),
                    },
                    Utc::now().naive_utc(),
                )?;
            }
            Ok(counts)
        })?
    };
    report.created += counts.0;
    report.updated += counts.1;
    report.unchanged += counts.2;
    Ok(())
}

/// Creates, rewrites or leaves each story (only counting when `write` is false); returns
/// (created, updated, unchanged).
fn apply(conn: &mut DbConn, ready: Vec<Ready>, write: bool) -> AppResult<(usize, usize, usize)> {
    let mut counts = (0, 0, 0);
    for Ready {
        slug,
        mut checked,
        sources,
    } in ready
    {
        if write {
            // Only for the domains the links really have (the file could say otherwise).
            for s in sources.iter().filter(|s| checked.has_domain(&s.domain)) {
                let base = match slug::slugify(&s.slug) {
                    b if b.is_empty() => slug::slugify(&s.domain),
                    b => b,
                };
                let name = match s.name.trim() {
                    "" => s.domain.as_str(),
                    n => n,
                };
                let free = crate::db::sources::unique_slug(conn, &base)?;
                crate::db::sources::find_or_create(conn, &s.domain, name, &free)?;
            }
        }
        match stories::find_id(conn, &slug)? {
            None => {
                counts.0 += 1;
                if write {
                    checked.story.slug = slug;
                    attach_sources(conn, &mut checked)?;
                    stories::insert(conn, &checked.story)?;
                }
            }
            Some(id) => {
                let existing = load(conn, id)?;
                let status = stories::status_of(conn, id)?;
                let same = check_input(conn, as_input(&existing, &status))
                    .is_ok_and(|now| now.same_as(&checked));
                if same {
                    counts.2 += 1;
                } else {
                    counts.1 += 1;
                    if write {
                        attach_sources(conn, &mut checked)?;
                        stories::replace(conn, id, &checked.story)?;
                        status_changed(conn, id, &slug, &status, checked.story.status)?;
                    }
                }
            }
        }
    }
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_the_sites_own_shape() {
        for ok in ["land-defenders-detained", "a", "2023-report", "x1"] {
            assert!(check_slug(ok).is_none(), "{ok}");
        }
        for bad in [
            "",
            "Land",
            "a b",
            "-a",
            "a-",
            "a--b",
            "12345",
            "é",
            &"a".repeat(201),
        ] {
            assert!(check_slug(bad).is_some(), "{bad:?}");
        }
    }
}
