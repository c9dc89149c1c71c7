//! Writing sources (publishers).

use chrono::Utc;
use peoples_stories_shared::{Source, SourceInput, SourcePatch};

use super::{check, diff, Actor};
use crate::db::{audit, sources, DbConn};
use crate::error::{AppError, AppResult};

fn load(conn: &mut DbConn, id: i64) -> AppResult<Source> {
    Ok(sources::find(conn, &id.to_string(), None)?
        .ok_or_else(|| anyhow::anyhow!("source {id} vanished"))?)
}

fn normalised(mut input: SourceInput) -> SourceInput {
    input.name = input.name.trim().to_string();
    input.domain = input.domain.trim().to_lowercase();
    input.slug = input.slug.map(|s| s.trim().to_string());
    input
}

/// Makes a source; its slug is made from the name when not given.
pub fn create(conn: &mut DbConn, actor: Actor, input: SourceInput) -> AppResult<Source> {
    let input = normalised(input);
    check(input.validate())?;
    crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
        let slug = match &input.slug {
            Some(s) => s.clone(),
            None => sources::unique_slug(conn, &slug::slugify(&input.name))?,
        };
        let id = sources::insert(conn, &slug, &input.name, &input.domain)?;
        let source = load(conn, id)?;
        audit::record(
            conn,
            &audit::NewEntry {
                actor,
                action: "source.create",
                target_type: "source",
                target_id: Some(id.to_string()),
                details: serde_json::to_value(&source).unwrap_or_default(),
            },
            Utc::now().naive_utc(),
        )?;
        Ok(source)
    })
}

/// Edits a source; the stories that link to it are re-indexed (their documents carry its
/// name).
pub fn update(
    conn: &mut DbConn,
    actor: Actor,
    id_or_slug: &str,
    patch: SourcePatch,
) -> AppResult<Source> {
    let row = sources::row(conn, id_or_slug)?.ok_or_else(|| {
        AppError::NotFound(format!("no source has the id or slug '{id_or_slug}'"))
    })?;
    let input = normalised(SourceInput {
        name: patch.name.unwrap_or(row.name),
        domain: patch.domain.unwrap_or(row.domain),
        slug: Some(patch.slug.unwrap_or(row.slug)),
    });
    check(input.validate())?;
    let slug = input.slug.clone().unwrap_or_default();
    crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
        let before = load(conn, row.id)?;
        sources::update(conn, row.id, &slug, &input.name, &input.domain)?;
        let after = load(conn, row.id)?;
        audit::record(
            conn,
            &audit::NewEntry {
                actor,
                action: "source.update",
                target_type: "source",
                target_id: Some(row.id.to_string()),
                details: diff(
                    &serde_json::to_value(&before).unwrap_or_default(),
                    &serde_json::to_value(&after).unwrap_or_default(),
                ),
            },
            Utc::now().naive_utc(),
        )?;
        Ok(after)
    })
}
