//! The moderators' queue: submissions (edit, approve into a story, reject) and guestbook
//! entries (show, hide, delete, one at a time or in bulk). Every change is audited in its
//! own transaction.

use chrono::Utc;
use peoples_stories_shared::{
    FieldError, GuestbookAction, GuestbookEntry, GuestbookStatus, LinkInput, Story, StoryInput,
    StoryStatus, Submission, SubmissionPatch, SubmissionStatus, SubmittedLink,
};

use super::{check, stories, Actor};
use crate::countries::Catalog;
use crate::db::{audit, queue, taxonomy, write_transaction, DbConn};
use crate::error::{AppError, AppResult};

/// Most guestbook entries one bulk action may name.
pub const BULK_MAX: usize = 500;

fn find(conn: &mut DbConn, id: i64) -> AppResult<Submission> {
    crate::reading::manage::submission_in(conn, id)
}

fn pending(s: &Submission) -> AppResult<()> {
    if s.status == SubmissionStatus::Pending {
        Ok(())
    } else {
        Err(AppError::Conflict(format!(
            "submission {} is already {}",
            s.id,
            s.status.as_str()
        )))
    }
}

fn entry(
    actor: Actor,
    action: &'static str,
    target_type: &'static str,
    id: i64,
    details: serde_json::Value,
) -> audit::NewEntry<'static> {
    audit::NewEntry {
        actor,
        action,
        target_type,
        target_id: Some(id.to_string()),
        details,
    }
}

/// The story a submission would become.
fn as_story(s: &Submission, status: StoryStatus) -> StoryInput {
    StoryInput {
        title: s.title.clone(),
        theme: s.theme.clone(),
        byline: s.byline.clone(),
        date: None,
        summary: None,
        body: s.body.clone(),
        updates: Vec::new(),
        countries: s.countries.iter().map(|c| c.code.clone()).collect(),
        links: s
            .links
            .iter()
            .map(|l| LinkInput {
                url: l.url.clone(),
                title: l.title.clone(),
            })
            .collect(),
        related_url: s.related_url.clone(),
        status: Some(status),
    }
}

/// Edits a pending submission before it is approved; checked by the story rules.
pub fn edit(
    conn: &mut DbConn,
    actor: Actor,
    id: i64,
    patch: SubmissionPatch,
) -> AppResult<Submission> {
    write_transaction::<_, AppError, _>(conn, |conn| {
        let before = find(conn, id)?;
        pending(&before)?;
        let mut next = as_story(&before, StoryStatus::Draft);
        if let Some(v) = patch.title {
            next.title = v;
        }
        if let Some(v) = patch.body {
            next.body = v;
        }
        if let Some(v) = patch.theme {
            next.theme = v;
        }
        if let Some(v) = patch.countries {
            next.countries = v;
        }
        if let Some(v) = patch.byline {
            next.byline = v;
        }
        if let Some(v) = patch.links {
            next.links = v;
        }
        if let Some(v) = patch.related_url {
            next.related_url = v;
        }
        let mut errors = next.validate();
        let theme_id =
            taxonomy::resolve_theme(&taxonomy::theme_rows(conn)?, &next.theme, &mut errors);
        let codes =
            Catalog::get().resolve_all(&next.countries, |i| format!("countries[{i}]"), &mut errors);
        check(errors)?;
        let links: Vec<SubmittedLink> = next
            .links
            .iter()
            .map(|l| SubmittedLink {
                url: l.url.trim().to_string(),
                title: l.title.clone(),
            })
            .collect();
        let countries_json =
            serde_json::to_string(&codes).map_err(|e| AppError::Internal(e.into()))?;
        let links_json = serde_json::to_string(&links).map_err(|e| AppError::Internal(e.into()))?;
        queue::update_submission(
            conn,
            id,
            &queue::SubmissionFields {
                title: next.title.trim(),
                body: next.body.trim(),
                theme_id: theme_id.unwrap_or_default(),
                countries: &countries_json,
                byline: next.byline.as_deref(),
                links: &links_json,
                related_url: next.related_url.as_deref(),
            },
        )?;
        let after = find(conn, id)?;
        let changes = super::diff(
            &serde_json::to_value(&before).unwrap_or_default(),
            &serde_json::to_value(&after).unwrap_or_default(),
        );
        audit::record(
            conn,
            &entry(actor, "submission.update", "submission", id, changes),
            Utc::now().naive_utc(),
        )?;
        Ok(after)
    })
}

/// Approves a pending submission: in one transaction, the published story (with its
/// countries, links and sources) is written, linked to the submission, and both are audited.
pub fn approve(conn: &mut DbConn, actor: Actor, id: i64) -> AppResult<Story> {
    write_transaction::<_, AppError, _>(conn, |conn| {
        let s = find(conn, id)?;
        pending(&s)?;
        let story = stories::create_within(conn, actor, as_story(&s, StoryStatus::Published))?;
        if queue::decide_submission(conn, id, "approved", None, Some(story.id))? != 1 {
            return Err(AppError::Conflict(format!(
                "submission {id} was decided meanwhile"
            )));
        }
        audit::record(
            conn,
            &entry(
                actor,
                "submission.approve",
                "submission",
                id,
                serde_json::json!({"story_id": story.id}),
            ),
            Utc::now().naive_utc(),
        )?;
        Ok(story)
    })
}

/// Rejects a pending submission with a reason.
pub fn reject(conn: &mut DbConn, actor: Actor, id: i64, reason: &str) -> AppResult<Submission> {
    // At most REASON_MAX characters as sent (the document's `maxLength`), not blank.
    let n = reason.chars().count();
    let reason = reason.trim();
    if reason.is_empty() || n > peoples_stories_shared::contribution::REASON_MAX {
        return Err(AppError::invalid_body(vec![FieldError::new(
            "reason",
            format!(
                "is required: 1 to {} characters",
                peoples_stories_shared::contribution::REASON_MAX
            ),
        )]));
    }
    write_transaction::<_, AppError, _>(conn, |conn| {
        let s = find(conn, id)?;
        pending(&s)?;
        if queue::decide_submission(conn, id, "rejected", Some(reason), None)? != 1 {
            return Err(AppError::Conflict(format!(
                "submission {id} was decided meanwhile"
            )));
        }
        audit::record(
            conn,
            &entry(
                actor,
                "submission.reject",
                "submission",
                id,
                serde_json::json!({"reason": reason}),
            ),
            Utc::now().naive_utc(),
        )?;
        find(conn, id)
    })
}

/// Shows, holds or hides one entry.
pub fn set_guestbook_status(
    conn: &mut DbConn,
    actor: Actor,
    id: i64,
    status: GuestbookStatus,
) -> AppResult<GuestbookEntry> {
    write_transaction::<_, AppError, _>(conn, |conn| {
        let before = queue::guestbook_entry(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("no guestbook entry has the id {id}")))?;
        queue::set_guestbook_status(conn, &[id], status.as_str())?;
        audit::record(
            conn,
            &entry(
                actor,
                "guestbook.update",
                "guestbook",
                id,
                serde_json::json!({"status": {"from": before.status, "to": status}}),
            ),
            Utc::now().naive_utc(),
        )?;
        Ok(crate::reading::guestbook::entry_with_status(
            queue::guestbook_entry(conn, id)?
                .ok_or_else(|| anyhow::anyhow!("guestbook entry {id} vanished"))?,
        ))
    })
}

/// Deletes one entry for good; the audit log keeps what it said.
pub fn delete_guestbook(conn: &mut DbConn, actor: Actor, id: i64) -> AppResult<()> {
    write_transaction::<_, AppError, _>(conn, |conn| {
        let before = queue::guestbook_entry(conn, id)?
            .ok_or_else(|| AppError::NotFound(format!("no guestbook entry has the id {id}")))?;
        queue::delete_guestbook(conn, &[id])?;
        audit::record(
            conn,
            &entry(
                actor,
                "guestbook.delete",
                "guestbook",
                id,
                serde_json::json!({"name": before.name, "message": before.message}),
            ),
            Utc::now().naive_utc(),
        )?;
        Ok(())
    })
}

/// One action on many entries, in one transaction with one audit entry per entry changed.
pub fn bulk_guestbook(
    conn: &mut DbConn,
    actor: Actor,
    ids: &[i64],
    action: GuestbookAction,
) -> AppResult<u64> {
    if ids.is_empty() || ids.len() > BULK_MAX {
        return Err(AppError::invalid_body(vec![FieldError::new(
            "ids",
            format!("name 1 to {BULK_MAX} entries"),
        )]));
    }
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    write_transaction::<_, AppError, _>(conn, |conn| {
        let mut affected = 0u64;
        for id in &ids {
            let Some(before) = queue::guestbook_entry(conn, *id)? else {
                continue;
            };
            let (name, details) = match action {
                GuestbookAction::Delete => {
                    queue::delete_guestbook(conn, &[*id])?;
                    (
                        "guestbook.delete",
                        serde_json::json!({"name": before.name, "message": before.message}),
                    )
                }
                GuestbookAction::Show | GuestbookAction::Hide => {
                    let to = if action == GuestbookAction::Show {
                        GuestbookStatus::Visible
                    } else {
                        GuestbookStatus::Hidden
                    };
                    queue::set_guestbook_status(conn, &[*id], to.as_str())?;
                    (
                        "guestbook.update",
                        serde_json::json!({"status": {"from": before.status, "to": to}}),
                    )
                }
            };
            audit::record(
                conn,
                &entry(actor, name, "guestbook", *id, details),
                Utc::now().naive_utc(),
            )?;
            affected += 1;
        }
        Ok(affected)
    })
}
