//! `/admin/stories?status=draft|published`: every story, drafts included, newest first.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use peoples_stories_shared::StoryStatus;

use super::{admin_pager, when, AdminProblem};
use crate::api;
use crate::components::status::{Empty, Loading};

const PAGE: u32 = 25;

#[component]
pub fn StoriesPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query
            .read()
            .get("status")
            .and_then(|s| StoryStatus::parse(&s))
    });
    let offset = Memo::new(move |_| {
        query
            .read()
            .get("offset")
            .and_then(|o| o.parse::<u64>().ok())
            .unwrap_or(0)
    });
    let page = LocalResource::new(move || {
        let (s, o) = (status.get(), offset.get());
        async move { api::managed_stories(s.map(StoryStatus::as_str), PAGE, o).await }
    });
    let retry = Callback::new(move |()| page.refetch());
    let tab = move |s: Option<StoryStatus>, text: &'static str| {
        let href = match s {
            Some(s) => format!("/admin/stories?status={}", s.as_str()),
            None => "/admin/stories".to_string(),
        };
        view! {
            <li>
                <a href=href aria-current=move || (status.get() == s).then_some("page")>
                    {text}
                </a>
            </li>
        }
    };
    view! {
        <Title text="Stories — Admin" />
        <h1>"Stories"</h1>
        <p>
            <A href="/admin/stories/new" attr:class="button-link">
                "New story"
            </A>
        </p>
        <nav class="tabs" aria-label="Stories by status">
            <ul>
                {tab(None, "All")}
                {tab(Some(StoryStatus::Published), "Published")}
                {tab(Some(StoryStatus::Draft), "Drafts")}
            </ul>
        </nav>
        <Suspense fallback=|| view! { <Loading label="Loading stories…" /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.items.is_empty() => {
                        view! { <Empty message="No stories here." /> }.into_any()
                    }
                    Ok(page) => {
                        let base = match status.get_untracked() {
                            Some(s) => format!("/admin/stories?status={}&", s.as_str()),
                            None => "/admin/stories?".to_string(),
                        };
                        let pager = admin_pager(
                            page.offset,
                            page.total,
                            PAGE,
                            ("More stories", "Previous page", "Next page"),
                            |o| format!("{base}offset={o}"),
                        );
                        view! {
                            <p class="meta">{page.total} " in all"</p>
                            <table class="admin-table">
                                <caption class="visually-hidden">"Stories"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Title"</th>
                                        <th scope="col">"Theme"</th>
                                        <th scope="col">"Date"</th>
                                        <th scope="col">"Status"</th>
                                        <th scope="col">"Updated"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page
                                        .items
                                        .into_iter()
                                        .map(|m| {
                                            let s = m.story;
                                            view! {
                                                <tr>
                                                    <td>
                                                        <A href=format!("/admin/stories/{}", s.id)>{s.title}</A>
                                                    </td>
                                                    <td>{s.theme}</td>
                                                    <td>{s.date.map(|d| d.human())}</td>
                                                    <td>
                                                        <span class=format!("badge badge-{}", m.status.as_str())>
                                                            {m.status.as_str()}
                                                        </span>
                                                    </td>
                                                    <td>{when(&s.updated_at)}</td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                            {pager}
                        }
                            .into_any()
                    }
                    Err(problem) => view! { <AdminProblem problem retry /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
