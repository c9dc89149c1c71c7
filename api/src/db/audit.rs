//! The audit log: one row per moderator action, written in the action's own transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use peoples_stories_shared::AuditEntry;

use super::schema::{audit_log, users};
use super::{DbConn, MultiBackend};

/// One action to record.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    /// The acting account; None for the command line.
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub target_type: &'a str,
    pub target_id: Option<String>,
    pub details: serde_json::Value,
}

/// Appends an entry; call inside the transaction of the action it records.
pub fn record(conn: &mut DbConn, e: &NewEntry<'_>, at: NaiveDateTime) -> QueryResult<()> {
    diesel::insert_into(audit_log::table)
        .values((
            audit_log::at.eq(at),
            audit_log::actor_id.eq(e.actor_id),
            audit_log::action.eq(e.action),
            audit_log::target_type.eq(e.target_type),
            audit_log::target_id.eq(&e.target_id),
            audit_log::details.eq(e.details.to_string()),
        ))
        .execute(conn)
        .map(|_| ())
}

/// What the log is narrowed by; all of them at once.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub actor_id: Option<i64>,
    pub action: Option<String>,
    pub target_type: Option<String>,
    pub target_id: Option<String>,
    /// On or after.
    pub from: Option<NaiveDateTime>,
    /// Before.
    pub until: Option<NaiveDateTime>,
}

fn filtered(f: &AuditFilter) -> audit_log::BoxedQuery<'_, MultiBackend> {
    let mut q = audit_log::table.into_boxed();
    if let Some(id) = f.actor_id {
        q = q.filter(audit_log::actor_id.eq(id));
    }
    if let Some(a) = &f.action {
        q = q.filter(audit_log::action.eq(a));
    }
    if let Some(t) = &f.target_type {
        q = q.filter(audit_log::target_type.eq(t));
    }
    if let Some(t) = &f.target_id {
        q = q.filter(audit_log::target_id.eq(t));
    }
    if let Some(from) = f.from {
        q = q.filter(audit_log::at.ge(from));
    }
    if let Some(until) = f.until {
        q = q.filter(audit_log::at.lt(until));
    }
    q
}

type Row = (
    i64,
    NaiveDateTime,
    Option<i64>,
    String,
    String,
    Option<String>,
    String,
);

/// A page of entries, newest first, and how many match in all.
pub fn list(
    conn: &mut DbConn,
    f: &AuditFilter,
    limit: u32,
    offset: u64,
) -> QueryResult<(Vec<AuditEntry>, i64)> {
    let total: i64 = filtered(f).count().get_result(conn)?;
    let rows: Vec<Row> = filtered(f)
        .order((audit_log::at.desc(), audit_log::id.desc()))
        .limit(limit as i64)
        .offset(offset as i64)
        .select((
            audit_log::id,
            audit_log::at,
            audit_log::actor_id,
            audit_log::action,
            audit_log::target_type,
            audit_log::target_id,
            audit_log::details,
        ))
        .load(conn)?;
    let mut actor_ids: Vec<i64> = rows.iter().filter_map(|r| r.2).collect();
    actor_ids.sort_unstable();
    actor_ids.dedup();
    let names: std::collections::HashMap<i64, String> = users::table
        .filter(users::id.eq_any(&actor_ids))
        .select((users::id, users::username))
        .load::<(i64, String)>(conn)?
        .into_iter()
        .collect();
    let items = rows
        .into_iter()
        .map(
            |(id, at, actor_id, action, target_type, target_id, details)| AuditEntry {
                id,
                at: at.and_utc(),
                actor: actor_id.and_then(|a| names.get(&a).cloned()),
                action,
                target_type,
                target_id,
                details: serde_json::from_str(&details).unwrap_or(serde_json::Value::Null),
            },
        )
        .collect();
    Ok((items, total))
}
