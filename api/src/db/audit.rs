//! The audit log: one row per moderator action, written in the action's own transaction.

use chrono::NaiveDateTime;
use diesel::prelude::*;
use peoples_stories_shared::AuditEntry;

use super::schema::{audit_log, users};
use super::{DbConn, MultiBackend};

/// Who acts: an account (None for the command line) and, when it acts through an API token,
/// that token and the account that made it, which may be another one (an admin makes tokens
/// for others).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub token: Option<TokenUse>,
}

/// The API token an action was taken with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TokenUse {
    pub id: i64,
    /// Its maker (`api_tokens.created_by`); None when made on the command line.
    pub maker_id: Option<i64>,
}

impl Actor {
    /// The command line.
    pub const COMMAND_LINE: Actor = Actor {
        user_id: None,
        token: None,
    };

    /// An account acting for itself (a session, a login).
    pub fn user(id: i64) -> Actor {
        Actor {
            user_id: Some(id),
            token: None,
        }
    }
}

/// One action to record.
#[derive(Debug, Clone)]
pub struct NewEntry<'a> {
    pub actor: Actor,
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
            audit_log::actor_id.eq(e.actor.user_id),
            audit_log::via_token_id.eq(e.actor.token.map(|t| t.id)),
            audit_log::token_maker_id.eq(e.actor.token.and_then(|t| t.maker_id)),
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

#[derive(Queryable)]
struct Row {
    id: i64,
    at: NaiveDateTime,
    actor_id: Option<i64>,
    action: String,
    target_type: String,
    target_id: Option<String>,
    details: String,
    via_token_id: Option<i64>,
    token_maker_id: Option<i64>,
}

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
            audit_log::via_token_id,
            audit_log::token_maker_id,
        ))
        .load(conn)?;
    let mut actor_ids: Vec<i64> = rows
        .iter()
        .flat_map(|r| [r.actor_id, r.token_maker_id])
        .flatten()
        .collect();
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
        .map(|r| AuditEntry {
            id: r.id,
            at: r.at.and_utc(),
            actor: r.actor_id.and_then(|a| names.get(&a).cloned()),
            action: r.action,
            target_type: r.target_type,
            target_id: r.target_id,
            details: serde_json::from_str(&r.details).unwrap_or(serde_json::Value::Null),
            via_token_id: r.via_token_id,
            token_maker: r.token_maker_id.and_then(|a| names.get(&a).cloned()),
        })
        .collect();
    Ok((items, total))
}
