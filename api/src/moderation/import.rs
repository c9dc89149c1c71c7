//! Importing an archive: stories in the API's own shape, one JSON object a line (JSON
//! Lines; what `GET /api/v1/stories/{slug}` answers, or a list's `stories[]`, one a line),
//! or CSV in the shape `GET /api/v1/stories/export?format=csv` writes (a header row naming
//! the fields; `countries` as codes joined by `;`, `links` and `updates` as JSON arrays,
//! formula-defused cells read back), so that an export imports as it is.
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

/// What an import reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One story a line, as the API writes a story.
    JsonLines,
    /// The export's CSV.
    Csv,
}

/// Imports what `input` holds, in `format`. `progress` hears the bytes read so far.
pub fn import(
    conn: &mut DbConn,
    actor: Actor,
    input: impl BufRead,
    format: Format,
    dry_run: bool,
    progress: &dyn Fn(u64),
) -> AppResult<Report> {
    let mut importer = Importer {
        conn,
        actor,
        dry_run,
        report: Report {
            dry_run,
            ..Report::default()
        },
        batch: Vec::with_capacity(BATCH),
    };
    match format {
        Format::JsonLines => read_json_lines(input, &mut importer, progress)?,
        Format::Csv => read_csv(input, &mut importer, progress)?,
    }
    importer.flush()?;
    let mut report = importer.report;
    report.refused.sort_by_key(|r| r.line);
    Ok(report)
}

/// Lines read and not written yet, and the report so far.
struct Importer<'c> {
    conn: &'c mut DbConn,
    actor: Actor,
    dry_run: bool,
    report: Report,
    batch: Vec<(usize, ImportedStory)>,
}

impl Importer<'_> {
    /// Takes one line's story, or its errors; `Ok(true)` when a batch was written.
    fn take(&mut self, line: usize, story: AppResult<ImportedStory>) -> AppResult<bool> {
        self.report.lines += 1;
        match story {
            Ok(story) => self.batch.push((line, story)),
            Err(e) => self.report.refused.push(RefusedLine {
                line,
                errors: field_errors(e),
            }),
        }
        if self.batch.len() < BATCH {
            return Ok(false);
        }
        self.flush()?;
        Ok(true)
    }

    fn flush(&mut self) -> AppResult<()> {
        let batch = std::mem::take(&mut self.batch);
        write_batch(self.conn, self.actor, batch, self.dry_run, &mut self.report)
    }
}

fn read_json_lines(
    input: impl BufRead,
    importer: &mut Importer,
    progress: &dyn Fn(u64),
) -> AppResult<()> {
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
        if importer.take(line_no, crate::extract::parse_json::<ImportedStory>(&line))? {
            progress(read);
        }
    }
    progress(read);
    Ok(())
}

/// The export's CSV: each row becomes the JSON object of its story (cells under the header's
/// names; empty cells left out) and is then read by the same rules as a JSON line. A row's
/// number is the line it starts on (a cell may hold line breaks).
fn read_csv(input: impl BufRead, importer: &mut Importer, progress: &dyn Fn(u64)) -> AppResult<()> {
    // Records end at `\n` (the `\r` of a `\r\n` is taken off the last cell, `cell`): with
    // `\r\n` as the terminator, the reader would count a row's line before reaching the
    // `\n` of the row before it, one short.
    let mut csv = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(input);
    let mut header: Option<Vec<String>> = None;
    let mut record = csv::ByteRecord::new();
    loop {
        let line = csv.position().line() as usize;
        match csv.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e.position().map_or(line, |p| p.line() as usize);
                if matches!(e.kind(), csv::ErrorKind::Io(_)) {
                    return Err(AppError::Internal(anyhow::anyhow!(
                        "reading line {line}: {e}"
                    )));
                }
                importer.take(line, Err(csv_line_error(&e.to_string())))?;
                continue;
            }
        }
        let line = record.position().map_or(line, |p| p.line() as usize);
        let Some(names) = &header else {
            header = Some(
                read_header(&record)
                    .map_err(|e| AppError::field("header", format!("line {line}: {e}")))?,
            );
            continue;
        };
        if record
            .iter()
            .all(|cell| cell.iter().all(u8::is_ascii_whitespace))
        {
            continue;
        }
        if record.len() != names.len() {
            let detail = format!("it has {} cells, the header {}", record.len(), names.len());
            importer.take(line, Err(csv_line_error(&detail)))?;
            continue;
        }
        let story = csv_row(names, &record).and_then(|object| {
            let json = serde_json::to_vec(&object).map_err(anyhow::Error::from)?;
            crate::extract::parse_json::<ImportedStory>(&json)
        });
        if importer.take(line, story)? {
            progress(csv.position().byte());
        }
    }
    if header.is_none() {
        return Err(AppError::field(
            "header",
            "the file is empty: a CSV import starts with the export's header row",
        ));
    }
    progress(csv.position().byte());
    Ok(())
}

/// The header row: the export's field names.
fn read_header(record: &csv::ByteRecord) -> Result<Vec<String>, String> {
    let names: Vec<String> = (0..record.len())
        .map(|i| {
            std::str::from_utf8(cell(record, i))
                .map(|s| s.trim().trim_start_matches('\u{feff}').to_string())
                .map_err(|_| "the header row is not UTF-8".to_string())
        })
        .collect::<Result<_, _>>()?;
    for required in ["slug", "title", "theme", "body"] {
        if !names.iter().any(|n| n == required) {
            return Err(format!(
                "the header row has no '{required}' column: a CSV import takes the columns \
                 of GET /api/v1/stories/export?format=csv (at least slug, title, theme, body)"
            ));
        }
    }
    Ok(names)
}

/// Cell `i` of a record; the last one without the `\r` of a `\r\n` line end.
fn cell(record: &csv::ByteRecord, i: usize) -> &[u8] {
    let cell = &record[i];
    if i + 1 == record.len() {
        cell.strip_suffix(b"\r").unwrap_or(cell)
    } else {
        cell
    }
}

/// A refused row's error, as a JSON line's malformed text is named.
fn csv_line_error(detail: &str) -> AppError {
    AppError::invalid(vec![FieldError::new(
        "line",
        format!("is not a CSV row: {detail}"),
    )])
}

/// One CSV row as the JSON object of its story.
fn csv_row(
    names: &[String],
    record: &csv::ByteRecord,
) -> AppResult<serde_json::Map<String, serde_json::Value>> {
    use serde_json::Value;
    let mut object = serde_json::Map::new();
    let mut errors = Vec::new();
    for (i, name) in names.iter().enumerate() {
        let Ok(cell) = std::str::from_utf8(cell(record, i)) else {
            errors.push(FieldError::new(name.as_str(), "is not UTF-8"));
            continue;
        };
        let text = undefuse(cell);
        if text.is_empty() {
            continue;
        }
        let value = match name.as_str() {
            "countries" => Value::Array(
                text.split(';')
                    .map(str::trim)
                    .filter(|c| !c.is_empty())
                    .map(|c| Value::String(c.to_string()))
                    .collect(),
            ),
            "links" | "updates" => match serde_json::from_str::<Value>(text) {
                Ok(v @ Value::Array(_)) => v,
                _ => {
                    errors.push(FieldError::new(
                        name.as_str(),
                        "must be a JSON array, as the export writes it ([{\"url\": ...}])",
                    ));
                    continue;
                }
            },
            _ => Value::String(text.to_string()),
        };
        object.insert(name.clone(), value);
    }
    if errors.is_empty() {
        Ok(object)
    } else {
        Err(AppError::invalid(errors))
    }
}

/// A cell as the export wrote it, back to its text: the `'` the export puts before a cell
/// that begins with `=`, `+`, `-`, `@`, a tab or a carriage return is taken off.
fn undefuse(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.starts_with(['=', '+', '-', '@', '\t', '\r']) => rest,
        _ => cell,
    }
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
