//! `/admin`: what waits for a moderator — pending submissions and guestbook entries — and
//! the drafts on hand.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use peoples_stories_shared::{GuestbookStatus, Problem};

use super::use_session;
use crate::api;

/// A count, or why there is none.
fn count_text(result: Option<Result<i64, Problem>>) -> String {
    match result {
        None => "…".to_string(),
        Some(Ok(n)) => n.to_string(),
        Some(Err(p)) if p.status == 404 => "not available yet".to_string(),
        Some(Err(p)) => format!("unavailable ({})", p.title),
    }
}

#[component]
pub fn Dashboard() -> impl IntoView {
    let session = use_session();
    let submissions =
        LocalResource::new(|| async { api::submissions("pending", 1, 0).await.map(|p| p.total) });
    let guestbook = LocalResource::new(|| async {
        api::guestbook(GuestbookStatus::Pending, 1, 0)
            .await
            .map(|p| p.total)
    });
    let drafts = LocalResource::new(|| async {
        api::managed_stories(Some("draft"), 1, 0)
            .await
            .map(|p| p.total)
    });
    let name = move || session.me.with(|m| m.as_ref().map(|m| m.username.clone()));
    view! {
        <Title text="Dashboard — Admin" />
        <h1>"Dashboard"</h1>
        <p class="lead">"Welcome, " {name} ". Here is what waits for a moderator."</p>
        <ul class="queue-counts" aria-live="polite">
            <li>
                <A href="/admin/submissions?status=pending">
                    <span class="count" id="count-submissions">
                        {move || count_text(submissions.get())}
                    </span>
                    <span class="count-label">"pending submissions"</span>
                </A>
            </li>
            <li>
                <A href="/admin/guestbook?status=pending">
                    <span class="count" id="count-guestbook">
                        {move || count_text(guestbook.get())}
                    </span>
                    <span class="count-label">"pending guestbook entries"</span>
                </A>
            </li>
            <li>
                <A href="/admin/stories?status=draft">
                    <span class="count" id="count-drafts">{move || count_text(drafts.get())}</span>
                    <span class="count-label">"draft stories"</span>
                </A>
            </li>
        </ul>
        <p>
            <A href="/admin/stories/new">"Write a new story"</A>
        </p>
    }
}
