//! What moderators read: stories of any status, the submission queue (with the private
//! e-mail), guestbook entries of any status, the audit log. Never cached, never public.

use peoples_stories_shared::{
    AuditPage, CountryRef, GuestbookPage, GuestbookStatus, ManagedStory, ManagedStoryPage, Paging,
    QueryReader, SortOrder, Story, StoryStatus, Submission, SubmissionPage, SubmissionStatus,
    SubmittedLink,
};

use super::Reader;
use crate::countries::Catalog;
use crate::db::contributions::{self, SubmissionRow};
use crate::db::stories::{self as db_stories, StoryFilter};
use crate::db::{accounts, audit, queue, DbConn};
use crate::error::{AppError, AppResult};

/// A moderators' list's query: `status` (one of `allowed`, read by `parse`) and paging.
pub fn status_query<S>(
    query: &str,
    parse: impl Fn(&str) -> Option<S>,
    allowed: &str,
) -> AppResult<(Option<S>, Paging)> {
    let mut reader = QueryReader::new(&["status", "limit", "offset"], &[]);
    let mut paging = Paging::default();
    let mut status = None;
    for (key, value) in reader.pairs(query) {
        if paging.read(&key, &value, &mut reader.errors) {
            continue;
        }
        match parse(&value) {
            Some(s) => status = Some(s),
            None => reader.error(
                "status",
                format!("'{value}' is not a status: use {allowed}"),
            ),
        }
    }
    reader.finish((status, paging)).map_err(AppError::invalid)
}

/// Stories of one status (or both), newest first, each with its status.
pub fn stories(
    reader: &Reader,
    status: Option<StoryStatus>,
    paging: Paging,
) -> AppResult<ManagedStoryPage> {
    let filter = StoryFilter {
        include_drafts: status != Some(StoryStatus::Published),
        drafts_only: status == Some(StoryStatus::Draft),
        ..Default::default()
    };
    let mut conn = reader.conn()?;
    let (items, total) = db_stories::list(
        &mut conn,
        &filter,
        SortOrder::Newest,
        paging.limit,
        paging.offset,
        None,
    )?;
    Ok(ManagedStoryPage {
        items: with_status(&mut conn, items)?,
        total,
        limit: paging.limit,
        offset: paging.offset,
    })
}

/// One story of any status, whole, by id or slug.
pub fn story(reader: &Reader, key: &str) -> AppResult<ManagedStory> {
    let mut conn = reader.conn()?;
    let not_found = || AppError::NotFound(format!("no story has the id or slug '{key}'"));
    let id = db_stories::find_id(&mut conn, key)?.ok_or_else(not_found)?;
    let list = db_stories::load_whole(&mut conn, &[id])?;
    with_status(&mut conn, list)?.pop().ok_or_else(not_found)
}

fn with_status(conn: &mut DbConn, list: Vec<Story>) -> AppResult<Vec<ManagedStory>> {
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let statuses = db_stories::statuses(conn, &ids)?;
    Ok(list
        .into_iter()
        .map(|story| ManagedStory {
            status: statuses
                .get(&story.id)
                .and_then(|s| StoryStatus::parse(s))
                .unwrap_or(StoryStatus::Draft),
            story,
        })
        .collect())
}

/// A page of the queue, oldest first; every status when `status` is None.
pub fn submissions(
    reader: &Reader,
    status: Option<SubmissionStatus>,
    paging: Paging,
) -> AppResult<SubmissionPage> {
    let (rows, total) = queue::list_submissions(
        &mut *reader.conn()?,
        status.map(|s| s.as_str()),
        i64::from(paging.limit),
        paging.offset_i64(),
    )?;
    Ok(SubmissionPage {
        items: rows
            .into_iter()
            .map(|(r, t)| submission_from_row(r, t))
            .collect::<AppResult<_>>()?,
        total,
        limit: paging.limit,
        offset: paging.offset,
    })
}

/// One submission with its private contact details.
pub fn submission(reader: &Reader, id: i64) -> AppResult<Submission> {
    submission_in(&mut *reader.conn()?, id)
}

/// As `submission`, on a connection already held (a write's transaction).
pub fn submission_in(conn: &mut DbConn, id: i64) -> AppResult<Submission> {
    let (row, theme) = contributions::find_submission(conn, id)?
        .ok_or_else(|| AppError::NotFound(format!("no submission has the id {id}")))?;
    submission_from_row(row, theme)
}

fn submission_from_row(row: SubmissionRow, theme: String) -> AppResult<Submission> {
    let codes: Vec<String> = serde_json::from_str(&row.countries)
        .map_err(|e| anyhow::anyhow!("submission {} countries: {e}", row.id))?;
    let links: Vec<SubmittedLink> = serde_json::from_str(&row.links)
        .map_err(|e| anyhow::anyhow!("submission {} links: {e}", row.id))?;
    let catalog = Catalog::get();
    Ok(Submission {
        id: row.id,
        status: SubmissionStatus::parse(&row.status)
            .ok_or_else(|| anyhow::anyhow!("submission {} has status {}", row.id, row.status))?,
        title: row.title,
        body: row.body,
        theme,
        countries: codes
            .into_iter()
            .map(|code| CountryRef {
                name: catalog
                    .by_code(&code)
                    .map(|c| c.name.clone())
                    .unwrap_or_else(|| code.clone()),
                code,
            })
            .collect(),
        byline: row.byline,
        email: row.email,
        links,
        related_url: row.related_url,
        created_at: row.created_at.and_utc(),
        updated_at: row.updated_at.and_utc(),
        reject_reason: row.reject_reason,
        story_id: row.story_id,
    })
}

/// Guestbook entries of one status, newest first, with their status.
pub fn guestbook(
    reader: &Reader,
    status: GuestbookStatus,
    paging: Paging,
) -> AppResult<GuestbookPage> {
    let (rows, total) = contributions::list_guestbook(
        &mut *reader.conn()?,
        status.as_str(),
        i64::from(paging.limit),
        paging.offset_i64(),
    )?;
    let (next, prev) = paging.links(u64::try_from(total).unwrap_or(0), |o| {
        format!(
            "/api/v1/manage/guestbook?status={}&limit={}&offset={o}",
            status.as_str(),
            paging.limit
        )
    });
    Ok(GuestbookPage {
        items: rows
            .into_iter()
            .map(super::guestbook::entry_with_status)
            .collect(),
        total,
        limit: paging.limit,
        offset: paging.offset,
        next,
        prev,
    })
}

/// The audit log's filters: `actor` (a username), the rest as `audit::AuditFilter` holds.
pub struct AuditQuery {
    pub actor: Option<String>,
    pub filter: audit::AuditFilter,
    pub paging: Paging,
}

/// A page of the audit log, newest first.
pub fn audit_log(reader: &Reader, mut q: AuditQuery) -> AppResult<AuditPage> {
    let mut conn = reader.conn()?;
    if let Some(name) = &q.actor {
        let user = accounts::user_by_name(&mut conn, name)?
            .ok_or_else(|| AppError::field("actor", format!("no account is named '{name}'")))?;
        q.filter.actor_id = Some(user.id);
    }
    let (items, total) = audit::list(&mut conn, &q.filter, q.paging.limit, q.paging.offset)?;
    Ok(AuditPage {
        items,
        total,
        limit: q.paging.limit,
        offset: q.paging.offset,
    })
}
