//! `/admin/audit` (admins): who did what, filterable by actor, action and dates, paged. The
//! filters live in the address (`?actor=&action=&from=&to=&offset=`), so a view can be shared.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;

use super::{admin_pager, when, AdminOnly, AdminProblem};
use crate::api;
use crate::components::status::{Empty, Loading};

const PAGE: u32 = 50;
const FILTERS: [&str; 4] = ["actor", "action", "from", "to"];

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <Title text="Audit log — Admin" />
        <AdminOnly>
            <Audit />
        </AdminOnly>
    }
}

fn encode(pairs: &[(&str, String)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        if !v.trim().is_empty() {
            q.append_pair(k, v.trim());
        }
    }
    q.finish()
}

#[component]
fn Audit() -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let value = move |k: &str| query.read().get(k).unwrap_or_default();
    let offset = Memo::new(move |_| {
        query
            .read()
            .get("offset")
            .and_then(|o| o.parse::<u64>().ok())
            .unwrap_or(0)
    });
    let filters = Memo::new(move |_| {
        FILTERS
            .iter()
            .map(|k| (*k, value(k)))
            .collect::<Vec<(&str, String)>>()
    });
    let page = LocalResource::new(move || {
        let mut pairs = filters.get();
        pairs.push(("limit", PAGE.to_string()));
        pairs.push(("offset", offset.get().to_string()));
        let q = encode(&pairs);
        async move { api::audit(&q).await }
    });
    let retry = Callback::new(move |()| page.refetch());

    // The form's own copies, sent to the address on "Filter".
    let inputs: Vec<(&'static str, RwSignal<String>)> = FILTERS
        .iter()
        .map(|k| (*k, RwSignal::new(value(k))))
        .collect();
    let form_inputs = inputs.clone();
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let pairs: Vec<(&str, String)> = form_inputs
            .iter()
            .map(|(k, s)| (*k, s.get_untracked()))
            .collect();
        let q = encode(&pairs);
        let path = if q.is_empty() {
            "/admin/audit".to_string()
        } else {
            format!("/admin/audit?{q}")
        };
        navigate(&path, NavigateOptions::default());
    };
    let field = |k: &'static str, s: RwSignal<String>| {
        let (label, hint, kind) = match k {
            "actor" => ("Actor", "A username.", "text"),
            "action" => ("Action", "e.g. story.update, auth.login.", "text"),
            "from" => ("From", "First day, YYYY-MM-DD.", "date"),
            _ => ("To", "Last day, YYYY-MM-DD.", "date"),
        };
        let id = format!("audit-{k}");
        let hint_id = format!("{id}-hint");
        view! {
            <div class="field">
                <label for=id.clone()>{label}</label>
                <input
                    id=id
                    name=k
                    type=kind
                    aria-describedby=hint_id.clone()
                    prop:value=move || s.get()
                    on:input=move |ev| s.set(event_target_value(&ev))
                />
                <p class="hint" id=hint_id>{hint}</p>
            </div>
        }
    };
    view! {
        <h1>"Audit log"</h1>
        <form class="admin-form filters" on:submit=submit aria-label="Filter the audit log">
            {inputs.into_iter().map(|(k, s)| field(k, s)).collect_view()}
            <div class="field">
                <button type="submit">"Filter"</button>
                " "
                <a href="/admin/audit">"Clear"</a>
            </div>
        </form>
        <Suspense fallback=|| view! { <Loading label="Loading the audit log…" /> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) if p.items.is_empty() => {
                        view! { <Empty message="No entries match." /> }.into_any()
                    }
                    Ok(p) => {
                        let base = encode(&filters.get_untracked());
                        let link = move |o: u64| {
                            let sep = if base.is_empty() { "" } else { "&" };
                            format!("/admin/audit?{base}{sep}offset={o}")
                        };
                        let pager = admin_pager(
                            p.offset,
                            p.total,
                            PAGE,
                            ("More audit entries", "Newer entries", "Older entries"),
                            link,
                        );
                        let last = (p.offset + p.items.len() as u64).min(p.total.max(0) as u64);
                        view! {
                            <p class="meta">
                                {format!("{}–{} of {}", p.offset + 1, last, p.total)}
                            </p>
                            <table class="admin-table audit-table">
                                <caption class="visually-hidden">"Audit log entries"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"When"</th>
                                        <th scope="col">"Actor"</th>
                                        <th scope="col">"Action"</th>
                                        <th scope="col">"Target"</th>
                                        <th scope="col">"Details"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {p
                                        .items
                                        .into_iter()
                                        .map(|e| {
                                            let details = if e.details.is_null() {
                                                String::new()
                                            } else {
                                                serde_json::to_string(&e.details).unwrap_or_default()
                                            };
                                            let actor = e.actor.unwrap_or_else(|| "command line".into());
                                            // A token acts as its account; say whose token it was.
                                            let actor = match (e.via_token_id, e.token_maker) {
                                                (Some(id), Some(maker)) => {
                                                    format!("{actor} (API token {id}, made by {maker})")
                                                }
                                                (Some(id), None) => {
                                                    format!("{actor} (API token {id}, made on the command line)")
                                                }
                                                _ => actor,
                                            };
                                            let target = match e.target_id {
                                                Some(id) => format!("{} {id}", e.target_type),
                                                None => e.target_type.clone(),
                                            };
                                            view! {
                                                <tr>
                                                    <td>{when(&e.at)}</td>
                                                    <td>{actor}</td>
                                                    <td><code>{e.action}</code></td>
                                                    <td>{target}</td>
                                                    <td class="details"><code>{details}</code></td>
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
