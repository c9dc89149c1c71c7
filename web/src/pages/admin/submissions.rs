//! `/admin/submissions?status=pending|approved|rejected`: the queue of stories readers sent.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_query_map;
use peoples_stories_shared::SubmissionStatus;

use super::{admin_pager, when, AdminProblem};
use crate::api;
use crate::components::status::{Empty, Loading};

const PAGE: u32 = 20;

#[component]
pub fn SubmissionsPage() -> impl IntoView {
    let query = use_query_map();
    let status = Memo::new(move |_| {
        query
            .read()
            .get("status")
            .and_then(|s| SubmissionStatus::parse(&s))
            .unwrap_or(SubmissionStatus::Pending)
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
        async move { api::submissions(s.as_str(), PAGE, o).await }
    });
    let retry = Callback::new(move |()| page.refetch());
    view! {
        <Title text="Submission queue — Admin" />
        <h1>"Submission queue"</h1>
        <nav class="tabs" aria-label="Submissions by status">
            <ul>
                {SubmissionStatus::ALL
                    .into_iter()
                    .map(|s| {
                        let href = format!("/admin/submissions?status={}", s.as_str());
                        view! {
                            <li>
                                <a
                                    href=href
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
        <Suspense fallback=|| view! { <Loading label="Loading the queue…" /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(page) if page.items.is_empty() => {
                        view! { <Empty message="Nothing here: the queue is clear." /> }.into_any()
                    }
                    Ok(page) => {
                        let st = status.get_untracked();
                        let pager = admin_pager(
                            page.offset,
                            page.total,
                            PAGE,
                            ("More submissions", "Previous page", "Next page"),
                            |o| format!("/admin/submissions?status={}&offset={o}", st.as_str()),
                        );
                        view! {
                            <p class="meta">{page.total} " in all"</p>
                            <table class="admin-table">
                                <caption class="visually-hidden">{label(st)} " submissions"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Title"</th>
                                        <th scope="col">"Theme"</th>
                                        <th scope="col">"By"</th>
                                        <th scope="col">"Received"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {page
                                        .items
                                        .into_iter()
                                        .map(|s| {
                                            view! {
                                                <tr>
                                                    <td>
                                                        <A href=format!("/admin/submissions/{}", s.id)>{s.title}</A>
                                                    </td>
                                                    <td>{s.theme}</td>
                                                    <td>{s.byline.unwrap_or_else(|| "anonymous".into())}</td>
                                                    <td>{when(&s.created_at)}</td>
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

pub fn label(s: SubmissionStatus) -> &'static str {
    match s {
        SubmissionStatus::Pending => "Pending",
        SubmissionStatus::Approved => "Approved",
        SubmissionStatus::Rejected => "Rejected",
    }
}
