//! The public guestbook: visible entries, newest first.

use chrono::{DateTime, Utc};
use peoples_stories_shared::{GuestbookEntry, GuestbookPage, GuestbookStatus, Paging};

use super::{LastModified, Reader};
use crate::db::contributions::{self as db, GuestbookRow};
use crate::error::AppResult;

/// A page of the visible entries. Entries waiting for a moderator or hidden by one are never
/// listed here.
pub fn list(reader: &Reader, paging: Paging) -> AppResult<GuestbookPage> {
    let (rows, total) = db::list_guestbook(
        &mut *reader.conn()?,
        GuestbookStatus::Visible.as_str(),
        i64::from(paging.limit),
        paging.offset_i64(),
    )?;
    let (next, prev) = paging.links(u64::try_from(total).unwrap_or(0), |offset| {
        format!("/api/v1/guestbook?limit={}&offset={offset}", paging.limit)
    });
    Ok(GuestbookPage {
        items: rows.into_iter().map(|r| entry(r, false)).collect(),
        total,
        limit: paging.limit,
        offset: paging.offset,
        next,
        prev,
    })
}

/// An entry as moderators see it (and its sender, once): with its status.
pub fn entry_with_status(r: GuestbookRow) -> GuestbookEntry {
    entry(r, true)
}

/// An entry as the API shows it; its status only to the one who sent it and to moderators.
pub fn entry(r: GuestbookRow, with_status: bool) -> GuestbookEntry {
    GuestbookEntry {
        id: r.id,
        name: r.name,
        country_name: crate::countries::name_of(r.country_code.as_deref()),
        country: r.country_code,
        message: r.message,
        created_at: r.created_at.and_utc(),
        status: if with_status {
            GuestbookStatus::parse(&r.status)
        } else {
            None
        },
    }
}

impl LastModified for GuestbookPage {
    /// The newest entry's time.
    fn last_modified(&self) -> Option<DateTime<Utc>> {
        self.items.iter().map(|e| e.created_at).max()
    }
}
