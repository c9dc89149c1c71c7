//! `/admin/sources`: the publishers stories link to — list, add, and edit.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use peoples_stories_shared::{Source, SourceInput, SourcePatch};

use super::AdminProblem;
use crate::api;
use crate::components::form::{ErrorSummary, FormErrors, TextField};
use crate::components::status::{Empty, Loading};

fn opt(s: String) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[component]
pub fn SourcesPage() -> impl IntoView {
    let sources = LocalResource::new(api::sources);
    let retry = Callback::new(move |()| sources.refetch());
    let editing = RwSignal::new(None::<Source>);
    view! {
        <Title text="Sources — Admin" />
        <h1>"Sources"</h1>
        <p class="lead">"Publishers that stories link to. A link to a new domain makes its source by itself."</p>
        {move || match editing.get() {
            Some(s) => view! { <SourceForm existing=Some(s) editing reload=retry /> }.into_any(),
            None => view! { <SourceForm existing=None editing reload=retry /> }.into_any(),
        }}
        <h2>"All sources"</h2>
        <Suspense fallback=|| view! { <Loading label="Loading sources…" /> }>
            {move || Suspend::new(async move {
                match sources.await {
                    Ok(list) if list.is_empty() => view! { <Empty message="No sources yet." /> }.into_any(),
                    Ok(list) => {
                        view! {
                            <table class="admin-table">
                                <caption class="visually-hidden">"Sources"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Domain"</th>
                                        <th scope="col">"Slug"</th>
                                        <th scope="col">"Stories"</th>
                                        <th scope="col">"Actions"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|s| {
                                            let label = format!("Edit {}", s.name);
                                            let row = s.clone();
                                            view! {
                                                <tr>
                                                    <td>{s.name}</td>
                                                    <td>{s.domain}</td>
                                                    <td>{s.slug}</td>
                                                    <td>{s.story_count}</td>
                                                    <td>
                                                        <button
                                                            type="button"
                                                            class="small secondary"
                                                            aria-label=label
                                                            on:click=move |_| editing.set(Some(row.clone()))
                                                        >
                                                            "Edit"
                                                        </button>
                                                    </td>
                                                </tr>
                                            }
                                        })
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
fn SourceForm(
    existing: Option<Source>,
    editing: RwSignal<Option<Source>>,
    reload: Callback<()>,
) -> impl IntoView {
    let errors = FormErrors::new();
    let name = RwSignal::new(
        existing
            .as_ref()
            .map(|s| s.name.clone())
            .unwrap_or_default(),
    );
    let domain = RwSignal::new(
        existing
            .as_ref()
            .map(|s| s.domain.clone())
            .unwrap_or_default(),
    );
    let slug = RwSignal::new(
        existing
            .as_ref()
            .map(|s| s.slug.clone())
            .unwrap_or_default(),
    );
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);
    let id = existing.as_ref().map(|s| s.id);
    let heading = match &existing {
        Some(s) => format!("Edit {}", s.name),
        None => "Add a source".to_string(),
    };
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        done.set(None);
        let input = SourceInput {
            name: name.get_untracked().trim().to_string(),
            domain: domain.get_untracked().trim().to_lowercase(),
            slug: opt(slug.get_untracked()),
        };
        let problems = input.validate();
        if !problems.is_empty() {
            errors.show_fields(problems);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            let result = match id {
                Some(id) => {
                    let patch = SourcePatch {
                        name: Some(input.name),
                        domain: Some(input.domain),
                        slug: input.slug,
                    };
                    api::patch_source(id, &patch).await
                }
                None => api::create_source(&input).await,
            };
            match result {
                Ok(s) => {
                    done.set(Some(format!("Saved {}.", s.name)));
                    if id.is_none() {
                        name.set(String::new());
                        domain.set(String::new());
                        slug.set(String::new());
                    } else {
                        editing.set(None);
                    }
                    reload.run(());
                }
                Err(p) => errors.show(p),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="admin-form compact" on:submit=submit aria-labelledby="source-form-heading">
            <h2 id="source-form-heading">{heading}</h2>
            <div aria-live="polite">
                {move || done.get().map(|d| view! { <p class="status success" role="status">{d}</p> })}
            </div>
            <ErrorSummary errors />
            <TextField label="Name" field="name" value=name errors required=true />
            <TextField
                label="Domain"
                field="domain"
                value=domain
                errors
                required=true
                hint="The registrable domain its links are on, e.g. amnesty.org."
            />
            <TextField
                label="Slug"
                optional=true
                field="slug"
                value=slug
                errors
                hint="Its name in addresses; made from the name when empty."
            />
            <button type="submit" disabled=move || busy.get()>
                {if id.is_some() { "Save changes" } else { "Add source" }}
            </button>
            {id.map(|_| view! {
                " "
                <button type="button" class="secondary" on:click=move |_| editing.set(None)>"Cancel"</button>
            })}
        </form>
    }
}
