//! `/admin/guestbook?status=pending|visible|hidden`: guestbook moderation — show, hide or
//! delete entries one at a time, or several at once with the checkboxes.

use std::collections::BTreeSet;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;
use peoples_stories_shared::moderation::GuestbookAction;
use peoples_stories_shared::{GuestbookEntry, GuestbookStatus, Problem};

use super::{when, AdminProblem};
use crate::api;
use crate::components::form::ConfirmButton;
use crate::components::status::{Empty, Loading, ProblemView};

const PAGE: u32 = 50;

fn label(s: GuestbookStatus) -> &'static str {
    match s {
        GuestbookStatus::Pending => "Pending",
        GuestbookStatus::Visible => "Shown",
        GuestbookStatus::Hidden => "Hidden",
    }
}

/// What a moderator does to entries.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Act {
    Set(GuestbookStatus),
    Delete,
}

/// Does `act` to the entries in one request (one transaction on the server).
async fn apply(ids: Vec<i64>, act: Act) -> Result<usize, Problem> {
    let action = match act {
        Act::Set(GuestbookStatus::Visible) => GuestbookAction::Show,
        Act::Set(GuestbookStatus::Hidden) => GuestbookAction::Hide,
        Act::Delete => GuestbookAction::Delete,
        // No bulk action puts entries back in the queue: one at a time.
        Act::Set(GuestbookStatus::Pending) => {
            let n = ids.len();
            for id in ids {
                api::set_guestbook_status(id, GuestbookStatus::Pending).await?;
            }
            return Ok(n);
        }
    };
    let n = api::bulk_guestbook(ids, action).await?;
    Ok(usize::try_from(n).unwrap_or(usize::MAX))
}

#[component]
pub fn GuestbookModeration() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query
            .read()
            .get("status")
            .and_then(|s| GuestbookStatus::parse(&s))
            .unwrap_or(GuestbookStatus::Pending)
    });
    let entries = LocalResource::new(move || {
        let s = status.get();
        async move { api::guestbook(s, PAGE, 0).await }
    });
    let selected = RwSignal::new(BTreeSet::<i64>::new());
    let outcome = RwSignal::new(None::<Result<String, Problem>>);
    let busy = RwSignal::new(false);
    let retry = Callback::new(move |()| entries.refetch());

    let run = move |ids: Vec<i64>, act: Act| {
        if ids.is_empty() {
            return;
        }
        busy.set(true);
        outcome.set(None);
        spawn_local(async move {
            let result = apply(ids, act).await.map(|n| {
                let what = match act {
                    Act::Set(GuestbookStatus::Visible) => "shown",
                    Act::Set(GuestbookStatus::Hidden) => "hidden",
                    Act::Set(GuestbookStatus::Pending) => "put back in the queue",
                    Act::Delete => "deleted",
                };
                format!("{n} {} {what}.", if n == 1 { "entry" } else { "entries" })
            });
            outcome.set(Some(result));
            selected.set(BTreeSet::new());
            busy.set(false);
            entries.refetch();
        });
    };
    let bulk = move |act: Act| run(selected.get_untracked().into_iter().collect(), act);
    let delete_selected = Callback::new(move |()| bulk(Act::Delete));

    view! {
        <Title text="Guestbook moderation — Admin" />
        <h1>"Guestbook moderation"</h1>
        <nav class="tabs" aria-label="Entries by status">
            <ul>
                {[GuestbookStatus::Pending, GuestbookStatus::Visible, GuestbookStatus::Hidden]
                    .into_iter()
                    .map(|s| {
                        view! {
                            <li>
                                <a
                                    href=format!("/admin/guestbook?status={}", s.as_str())
                                    aria-current=move || (status.get() == s).then_some("page")
                                >
                                    {label(s)}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
        <div aria-live="polite">
            {move || {
                outcome
                    .get()
                    .map(|r| match r {
                        Ok(text) => {
                            view! {
                                <p class="status success" role="status">
                                    {text}
                                </p>
                            }
                                .into_any()
                        }
                        Err(problem) => {
                            view! { <ProblemView problem retry /> }.into_any()
                        }
                    })
            }}
        </div>
        <div class="bulk-actions" role="group" aria-label="With the selected entries">
            <span class="meta">{move || format!("{} selected", selected.with(|s| s.len()))}</span>
            " "
            <button
                type="button"
                id="bulk-show"
                disabled=move || busy.get() || selected.with(|s| s.is_empty())
                on:click=move |_| bulk(Act::Set(GuestbookStatus::Visible))
            >
                "Show selected"
            </button>
            " "
            <button
                type="button"
                id="bulk-hide"
                class="secondary"
                disabled=move || busy.get() || selected.with(|s| s.is_empty())
                on:click=move |_| bulk(Act::Set(GuestbookStatus::Hidden))
            >
                "Hide selected"
            </button>
            " "
            <ConfirmButton
                label="Delete selected"
                question="Delete the selected entries for good?"
                confirm="Yes, delete them"
                on_confirm=delete_selected
                disabled=Signal::derive(move || busy.get() || selected.with(|s| s.is_empty()))
            />
        </div>
        <Suspense fallback=|| view! { <Loading label="Loading entries…" /> }>
            {move || Suspend::new(async move {
                match entries.await {
                    Ok(page) if page.items.is_empty() => {
                        view! { <Empty message="No entries here." /> }.into_any()
                    }
                    Ok(page) => {
                        let ids: Vec<i64> = page.items.iter().map(|e| e.id).collect();
                        let all_ids = ids.clone();
                        view! {
                            <p class="meta">{page.total} " in all"</p>
                            <table class="admin-table guestbook-table">
                                <caption class="visually-hidden">"Guestbook entries"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">
                                            <input
                                                type="checkbox"
                                                id="select-all"
                                                aria-label="Select all entries on this page"
                                                prop:checked=move || {
                                                    selected.with(|s| all_ids.iter().all(|i| s.contains(i)))
                                                }
                                                on:change=move |ev| {
                                                    let on = event_target_checked(&ev);
                                                    selected.update(|s| {
                                                        for id in &ids {
                                                            if on { s.insert(*id); } else { s.remove(id); }
                                                        }
                                                    });
                                                }
                                            />
                                        </th>
                                        <th scope="col">"Entry"</th>
                                        <th scope="col">"Actions"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page
                                        .items
                                        .into_iter()
                                        .map(|e| view! { <Row e selected busy run /> })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any()
                    }
                    Err(problem) => view! { <AdminProblem problem retry /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn Row(
    e: GuestbookEntry,
    selected: RwSignal<BTreeSet<i64>>,
    busy: RwSignal<bool>,
    run: impl Fn(Vec<i64>, Act) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let id = e.id;
    let check_label = format!("Select the entry by {}", e.name);
    let status = e.status;
    view! {
        <tr data-entry-id=id.to_string()>
            <td>
                <input
                    type="checkbox"
                    class="select-entry"
                    aria-label=check_label
                    prop:checked=move || selected.with(|s| s.contains(&id))
                    on:change=move |ev| {
                        let on = event_target_checked(&ev);
                        selected.update(|s| {
                            if on { s.insert(id); } else { s.remove(&id); }
                        });
                    }
                />
            </td>
            <td>
                <p class="entry-name">
                    <strong>{e.name}</strong>
                    {e.country_name.or(e.country).map(|c| format!(" ({c})"))}
                </p>
                <p class="entry-message">{e.message}</p>
                <p class="meta">{when(&e.created_at)}</p>
            </td>
            <td class="row-actions">
                {(status != Some(GuestbookStatus::Visible))
                    .then(|| view! {
                        <button type="button" class="small" disabled=move || busy.get()
                            on:click=move |_| run(vec![id], Act::Set(GuestbookStatus::Visible))>"Show"</button>
                    })}
                {(status != Some(GuestbookStatus::Hidden))
                    .then(|| view! {
                        <button type="button" class="small secondary" disabled=move || busy.get()
                            on:click=move |_| run(vec![id], Act::Set(GuestbookStatus::Hidden))>"Hide"</button>
                    })}
                <ConfirmButton
                    label="Delete"
                    question="Delete this entry for good?"
                    confirm="Yes, delete"
                    on_confirm=Callback::new(move |()| run(vec![id], Act::Delete))
                />
            </td>
        </tr>
    }
}
