//! Paging through a list whose page is in the URL (`?offset=`).

use leptos::prelude::*;

/// "View previous stories" (older: further into the list) and "View more stories" (newer),
/// as the original site had them, with where the reader is ("Stories 21–40 of 57").
/// `href_for(offset)` gives the URL of the page starting at `offset`.
pub fn pager(
    offset: u64,
    limit: u32,
    total: i64,
    noun: &'static str,
    older_label: &'static str,
    newer_label: &'static str,
    href_for: impl Fn(u64) -> String,
) -> impl IntoView {
    let limit = u64::from(limit.max(1));
    let total = total.max(0) as u64;
    let shown_to = (offset + limit).min(total);
    let older = (offset + limit < total).then(|| href_for(offset + limit));
    let newer = (offset > 0).then(|| href_for(offset.saturating_sub(limit)));
    let position = (total > 0 && offset < total)
        .then(|| format!("{noun} {}–{shown_to} of {total}", offset + 1));
    view! {
        <nav class="pager" aria-label="Pages">
            {position.map(|p| view! { <p class="pager-position">{p}</p> })}
            {newer.map(|href| view! { <a href=href class="newer">{newer_label}</a> })}
            {older.map(|href| view! { <a href=href class="older">{older_label}</a> })}
        </nav>
    }
}
