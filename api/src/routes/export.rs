//! `GET /api/v1/stories/export` (every matching story as CSV or JSON Lines, streamed) and
//! `GET /api/v1/stories/tombstones` (what harvesters must remove).

use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{get, web, HttpRequest, HttpResponse};
use chrono::SecondsFormat;
use peoples_stories_shared::{
    FieldError, ListStoriesQuery, Problem, Story, TombstonePage, TombstoneQuery,
};
use utoipa::IntoParams;

use crate::error::{AppError, AppResult};
use crate::extract::ClientHash;
use crate::reading::{self, export::Export, Reader};
use crate::state::AppState;

/// Chunks of the body waiting for the client at most: with one batch being read, an
/// export holds about this many batches in memory, whatever its size.
const CHANNEL_CHUNKS: usize = 4;

/// The list's parameters an export does not take: it has no pages and one order.
const NOT_FOR_EXPORT: [&str; 4] = ["limit", "offset", "facets", "sort"];

/// The query parameters of `GET /api/v1/stories/export`, described for OpenAPI.
#[derive(IntoParams)]
#[into_params(parameter_in = Query)]
#[allow(dead_code)]
pub struct ExportParams {
    /// `csv` or `jsonl`. Without it, the `Accept` header chooses (`text/csv` or
    /// `application/x-ndjson`); without either, JSON Lines.
    #[param(example = "csv")]
    format: Option<String>,
    /// Keywords, as for the list (the stories then come in id order).
    q: Option<String>,
    /// Country code, name or alias; repeatable.
    country: Option<Vec<String>>,
    /// Theme slug; repeatable.
    theme: Option<Vec<String>>,
    /// Source id or slug; repeatable.
    source: Option<Vec<String>>,
    /// Stories dated on or after: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    from: Option<String>,
    /// Stories dated on or before: `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    to: Option<String>,
    /// Stories changed at or after this RFC 3339 time.
    #[param(example = "2026-11-30T00:00:00Z")]
    updated_since: Option<String>,
    /// Stories changed after this cursor: an earlier export's `X-Cursor` header, or a list
    /// page's `cursor` (not with `updated_since`).
    cursor: Option<String>,
    /// Story fields to export, comma-separated or repeated; `id` always comes. Default: all
    /// but `highlight` (which an export never has).
    #[param(example = "title,slug,date,countries")]
    fields: Option<Vec<String>>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    Jsonl,
}

/// Every published story the filters match, as CSV or JSON Lines, streamed in batches in
/// constant memory.
///
/// Order: by change, `(updated_at, id)`, oldest first; with `q`, by id. A story changed
/// while the export runs may come twice, its latest version last. The `X-Cursor` header is
/// the cursor of what changes from two seconds before the export began (`cursor=` on the
/// export or the list): exports chained by it never skip a story (one changed within those
/// seconds may come again).
///
/// **CSV** (RFC 4180, UTF-8, CRLF line ends, a header row naming the fields, one row a story):
/// `countries` holds the alpha-2 codes joined by `;` (`KH;LA`); `links` and `updates` hold
/// a JSON array, as in the story's JSON (`[{"url":…,"title":…,"source":{…}}]`,
/// `[{"date":…,"date_precision":…,"body":…}]`); empty cells are null. A cell that begins
/// with `=`, `+`, `-`, `@`, a tab or a carriage return gets a `'` in front, so spreadsheets
/// read it as text, not a formula: strip one leading `'` from such cells to get the text.
///
/// **JSON Lines**: one story a line, as `GET /api/v1/stories/{id_or_slug}` gives it (only
/// the chosen `fields`).
///
/// Each client may run 2 exports at once and each server 4 in all; more get 429 with
/// `Retry-After`.
#[utoipa::path(
    tag = "stories",
    params(ExportParams),
    responses(
        (status = 200, description = "The stories, streamed",
            headers(("X-Cursor" = String, description = "The cursor of what changes after this export")),
            content((String = "text/csv"), (Story = "application/x-ndjson"))),
        (status = 400, description = "A parameter is invalid or unknown; `errors` names it",
            body = Problem, content_type = "application/problem+json"),
        (status = 429, description = "Too many exports running for this client or server; see `Retry-After`",
            body = Problem, content_type = "application/problem+json"),
        (status = 503, description = "The search index is still being built (only with `q`)",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stories/export")]
pub async fn export_stories(
    state: web::Data<AppState>,
    req: HttpRequest,
    client: ClientHash,
) -> AppResult<HttpResponse> {
    let (format, q) = parse_export(&req)?;
    let permit = state.exports.admit(&client.0)?;
    let reader = Reader::new(&state);
    let planner = reader.clone();
    let plan_q = q.clone();
    let export = crate::app::block(move || reading::export::plan(&planner, &plan_q)).await??;
    let fields = reading::export::chosen_fields(&q.fields);
    let cursor = export.cursor();
    let (tx, rx) = tokio::sync::mpsc::channel::<Result<Bytes, std::io::Error>>(CHANNEL_CHUNKS);
    let span = tracing::Span::current();
    actix_web::rt::task::spawn_blocking(move || {
        span.in_scope(|| {
            // The permit goes when the stream ends, finished or cut off by the client.
            let _permit = permit;
            if let Err(e) = produce(export, &reader, format, &fields, &q.fields, &tx) {
                tracing::warn!(error = %e, "an export stopped before its end");
                let _ = tx.blocking_send(Err(std::io::Error::other("export stopped")));
            }
        })
    });
    let body = futures_util::stream::unfold(rx, |mut rx| async move {
        rx.recv().await.map(|chunk| (chunk, rx))
    });
    let (content_type, file) = match format {
        Format::Csv => ("text/csv; charset=utf-8; header=present", "stories.csv"),
        Format::Jsonl => ("application/x-ndjson", "stories.jsonl"),
    };
    Ok(HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CONTENT_DISPOSITION,
            format!("attachment; filename=\"{file}\""),
        ))
        .insert_header(("X-Cursor", cursor))
        .streaming(body))
}

/// Reads an export's format and the list's filters; every bad parameter named at once.
fn parse_export(req: &HttpRequest) -> AppResult<(Format, ListStoriesQuery)> {
    let mut errors = Vec::new();
    let mut format = None;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (key, value) in form_urlencoded::parse(req.query_string().as_bytes()) {
        if key == "format" {
            // Exactly `csv` or `jsonl`, as the document's enum says (no padding).
            let f = match value.as_ref() {
                "csv" => Some(Format::Csv),
                "jsonl" => Some(Format::Jsonl),
                other => {
                    errors.push(FieldError::new(
                        "format",
                        format!("'{other}' is not an export format: use 'csv' or 'jsonl'"),
                    ));
                    None
                }
            };
            if format.is_some() {
                errors.push(FieldError::new("format", "'format' may be given only once"));
            }
            format = format.or(f.map(Some));
        } else if NOT_FOR_EXPORT.contains(&key.as_ref()) {
            errors.push(FieldError::new(
                key.as_ref(),
                format!(
                    "an export takes no '{key}': it has no pages and one order; its parameters \
                     are format, q, country, theme, source, from, to, updated_since, cursor, \
                     fields"
                ),
            ));
        } else {
            rest.append_pair(&key, &value);
        }
    }
    let q = match ListStoriesQuery::parse(&rest.finish()) {
        Ok(q) => Some(q),
        Err(mut e) => {
            errors.append(&mut e);
            None
        }
    };
    match (q, errors.is_empty()) {
        (Some(q), true) => {
            let format = format.flatten().unwrap_or_else(|| negotiate(req));
            Ok((format, q))
        }
        _ => Err(AppError::invalid(errors)),
    }
}

/// The format the `Accept` header asks for first: CSV or JSON Lines (the default).
fn negotiate(req: &HttpRequest) -> Format {
    let accept = req
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let csv = accept.find("text/csv");
    let jsonl = [
        "application/x-ndjson",
        "application/jsonl",
        "application/jsonlines",
    ]
    .iter()
    .filter_map(|m| accept.find(m))
    .min();
    match (csv, jsonl) {
        (Some(c), Some(j)) if c < j => Format::Csv,
        (Some(_), None) => Format::Csv,
        _ => Format::Jsonl,
    }
}

/// Reads the export batch by batch and sends each as one chunk; stops early when the client
/// has gone (the channel is closed).
fn produce(
    mut export: Export,
    reader: &Reader,
    format: Format,
    fields: &[&'static str],
    chosen: &[String],
    tx: &tokio::sync::mpsc::Sender<Result<Bytes, std::io::Error>>,
) -> AppResult<()> {
    if format == Format::Csv {
        let mut w = csv_writer();
        w.write_record(fields).map_err(anyhow::Error::from)?;
        if tx.blocking_send(Ok(finish(w)?)).is_err() {
            return Ok(());
        }
    }
    while let Some(batch) = export.next_batch(reader)? {
        let chunk = match format {
            Format::Csv => {
                let mut w = csv_writer();
                for story in &batch {
                    let row: Vec<String> = fields.iter().map(|f| csv_cell(story, f)).collect();
                    w.write_record(&row).map_err(anyhow::Error::from)?;
                }
                finish(w)?
            }
            Format::Jsonl => {
                let mut out = Vec::with_capacity(batch.len() * 2048);
                for story in &batch {
                    let value = reading::export::project(story, chosen)?;
                    serde_json::to_writer(&mut out, &value).map_err(anyhow::Error::from)?;
                    out.push(b'\n');
                }
                Bytes::from(out)
            }
        };
        if tx.blocking_send(Ok(chunk)).is_err() {
            return Ok(());
        }
    }
    Ok(())
}

fn csv_writer() -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

fn finish(w: csv::Writer<Vec<u8>>) -> AppResult<Bytes> {
    let bytes = w
        .into_inner()
        .map_err(|e| anyhow::anyhow!("csv writer: {}", e.error()))?;
    Ok(Bytes::from(bytes))
}

/// One field of a story as a CSV cell, defused against formulas.
fn csv_cell(story: &Story, field: &str) -> String {
    let text = match field {
        "id" => story.id.to_string(),
        "slug" => story.slug.clone(),
        "title" => story.title.clone(),
        "theme" => story.theme.clone(),
        "byline" => story.byline.clone().unwrap_or_default(),
        "date" => story.date.map(|d| d.to_string()).unwrap_or_default(),
        "date_precision" => story
            .date_precision
            .map(|p| json(&p).trim_matches('"').to_string())
            .unwrap_or_default(),
        "summary" => story.summary.clone().unwrap_or_default(),
        "body" => story.body.clone(),
        "updates" => json(&story.updates),
        "countries" => story
            .countries
            .iter()
            .map(|c| c.code.as_str())
            .collect::<Vec<_>>()
            .join(";"),
        "links" => json(&story.links),
        "related_url" => story.related_url.clone().unwrap_or_default(),
        "created_at" => story
            .created_at
            .to_rfc3339_opts(SecondsFormat::AutoSi, true),
        "updated_at" => story
            .updated_at
            .to_rfc3339_opts(SecondsFormat::AutoSi, true),
        _ => String::new(),
    };
    defuse(text)
}

/// A value as compact JSON (the cells that hold a list).
fn json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).unwrap_or_default()
}

/// A cell a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, carriage return
/// first) gets a `'` in front, which spreadsheets take as "text" (OWASP's advice).
pub fn defuse(cell: String) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{cell}")
    } else {
        cell
    }
}

/// Stories that left the public archive (unpublished or deleted) since a time, oldest first,
/// by cursor: with `updated_since` on the list, what a copy needs to stay current.
///
/// A story published again leaves this list (it comes back through `updated_since`, changed
/// at its republishing). Removals reach this list two seconds after they are made.
#[utoipa::path(
    tag = "stories",
    params(
        ("since" = Option<String>, Query, description = "Removals at or after this RFC 3339 time; \
            without it and without `cursor`, from the beginning", example = "2026-11-30T00:00:00Z"),
        ("cursor" = Option<String>, Query, description = "The `cursor` of the last answer"),
        ("limit" = Option<u32>, Query, description = "Page size, 1 to 100; default 20",
            minimum = 1, maximum = 100),
    ),
    responses(
        (status = 200, description = "A page of tombstones", body = TombstonePage),
        (status = 400, description = "A parameter is invalid or unknown; `errors` names it",
            body = Problem, content_type = "application/problem+json"),
    )
)]
#[get("/stories/tombstones")]
pub async fn list_tombstones(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let q = TombstoneQuery::parse(req.query_string()).map_err(AppError::invalid)?;
    let reader = Reader::new(&state);
    let page = crate::app::block(move || reading::harvest::tombstones(&reader, &q)).await??;
    Ok(HttpResponse::Ok().json(page))
}

#[cfg(test)]
mod tests {
    use super::defuse;

    #[test]
    fn defuses_formulas() {
        for (cell, out) in [
            ("=1+1", "'=1+1"),
            ("+33 1", "'+33 1"),
            ("-2", "'-2"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("plain", "plain"),
            ("", ""),
            ("a=b", "a=b"),
        ] {
            assert_eq!(defuse(cell.to_string()), out);
        }
    }
}
