//! `/admin/submissions/:id`: one submission, whole, with the submitter's private e-mail;
//! edit it, approve it (it becomes a published story) or reject it with a reason.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use peoples_stories_shared::moderation::{SubmissionPatch, STORY_LINKS_MAX};
use peoples_stories_shared::{CountryRef, Submission, SubmissionStatus};

use super::submissions::label;
use super::{when, AdminProblem};
use crate::api::{self, Approved};
use crate::components::country_input::CountryPicker;
use crate::components::form::{optional, ErrorSummary, FormErrors, TextField, ThemeSelect};
use crate::components::link_rows::{LinkRows, LinkRowsEditor};
use crate::components::status::Loading;
use crate::pages::story::paragraphs;

#[component]
pub fn SubmissionReview() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| {
        params
            .read()
            .get("id")
            .and_then(|s| s.parse::<i64>().ok())
            .unwrap_or(0)
    });
    let submission = LocalResource::new(move || {
        let id = id.get();
        async move { api::submission(id).await }
    });
    let retry = Callback::new(move |()| submission.refetch());
    view! {
        <Title text="Review a submission — Admin" />
        <p class="back">
            <A href="/admin/submissions?status=pending">"← Submission queue"</A>
        </p>
        <Suspense fallback=|| view! { <Loading label="Loading the submission…" /> }>
            {move || Suspend::new(async move {
                match submission.await {
                    Ok(s) => view! { <Review s reload=retry /> }.into_any(),
                    Err(problem) => {
                        view! {
                            <h1>"Submission"</h1>
                            <AdminProblem problem retry />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Review(s: Submission, reload: Callback<()>) -> impl IntoView {
    let id = s.id;
    let editing = RwSignal::new(false);
    let approved = RwSignal::new(None::<Approved>);
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let reason = RwSignal::new(String::new());
    let pending = s.status == SubmissionStatus::Pending;

    let approve = move |_| {
        errors.clear();
        busy.set(true);
        spawn_local(async move {
            match api::approve_submission(id).await {
                Ok(a) => approved.set(Some(a)),
                Err(p) => errors.show(p),
            }
            busy.set(false);
        });
    };
    let reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        let text = reason.get_untracked();
        if text.trim().is_empty() {
            errors.show_fields(vec![peoples_stories_shared::FieldError::new(
                "reason",
                "say why, so the decision can be understood later",
            )]);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::reject_submission(id, &text).await {
                Ok(()) => reload.run(()),
                Err(p) => errors.show(p),
            }
            busy.set(false);
        });
    };

    let status_text = label(s.status);
    let email = s.email.clone();
    let view_s = s.clone();
    view! {
        <h1>{s.title.clone()}</h1>
        <p class="meta">
            <span class={format!("badge badge-{}", s.status.as_str())}>{status_text}</span>
            " Received " {when(&s.created_at)} " · theme " {s.theme.clone()}
        </p>
        {move || {
            approved
                .get()
                .map(|a| {
                    let href = format!("/stories/{}", api::segment(&a.story));
                    view! {
                        <div class="status success" role="status">
                            <p class="error-title">"Approved and published"</p>
                            <p>
                                "The story is live: "
                                <a href=href id="approved-story">
                                    {a.title.unwrap_or_else(|| "open its public page".into())}
                                </a>
                            </p>
                        </div>
                    }
                })
        }}
        <ErrorSummary errors />
        <section class="submitter" aria-labelledby="submitter-heading">
            <h2 id="submitter-heading">"Submitter"</h2>
            <dl class="facts">
                <dt>"Byline"</dt>
                <dd>{s.byline.clone().unwrap_or_else(|| "anonymous".into())}</dd>
                <dt>"Contact e-mail (private)"</dt>
                <dd class="private-email">{email.unwrap_or_else(|| "none given".into())}</dd>
            </dl>
        </section>
        {move || {
            if editing.get() {
                view! { <EditForm s=view_s.clone() editing reload /> }.into_any()
            } else {
                view! { <SubmissionText s=view_s.clone() /> }.into_any()
            }
        }}
        {s.reject_reason.clone().map(|r| view! {
            <section aria-labelledby="reason-heading">
                <h2 id="reason-heading">"Why it was rejected"</h2>
                <p>{r}</p>
            </section>
        })}
        {s.story_id.map(|sid| view! {
            <p><a href=format!("/stories/{sid}")>"The story made from it"</a></p>
        })}
        {pending
            .then(|| {
                view! {
                    <section class="decide" aria-labelledby="decide-heading">
                        <h2 id="decide-heading">"Decide"</h2>
                        <p class="actions">
                            <button
                                type="button"
                                class="secondary"
                                on:click=move |_| editing.update(|e| *e = !*e)
                                disabled=move || approved.with(Option::is_some)
                            >
                                {move || if editing.get() { "Stop editing" } else { "Edit" }}
                            </button>
                            " "
                            <button
                                type="button"
                                id="approve"
                                on:click=approve
                                disabled=move || busy.get() || approved.with(Option::is_some)
                            >
                                "Approve and publish"
                            </button>
                        </p>
                        <form class="admin-form reject" on:submit=reject>
                            <TextField multiline=true
                                label="Reason for rejecting"
                                field="reason"
                                value=reason
                                errors
                                rows=3
                                hint="Kept with the submission and in the audit log."
                            />
                            <button
                                type="submit"
                                class="danger"
                                disabled=move || busy.get() || approved.with(Option::is_some)
                            >
                                "Reject"
                            </button>
                        </form>
                    </section>
                }
            })}
    }
}

#[component]
fn SubmissionText(s: Submission) -> impl IntoView {
    let countries = s
        .countries
        .iter()
        .map(|c| format!("{} ({})", c.name, c.code))
        .collect::<Vec<_>>()
        .join(", ");
    view! {
        <section class="submission-text" aria-labelledby="text-heading">
            <h2 id="text-heading">"The story as sent"</h2>
            <p class="countries">
                <span class="label">"Countries: "</span>
                {if countries.is_empty() { "none".to_string() } else { countries }}
            </p>
            <div class="body">
                {paragraphs(&s.body).into_iter().map(|p| view! { <p>{p}</p> }).collect_view()}
            </div>
            {(!s.links.is_empty())
                .then(|| {
                    view! {
                        <h3>"Links"</h3>
                        <ul>
                            {s
                                .links
                                .iter()
                                .map(|l| {
                                    let t = l.title.clone().unwrap_or_else(|| l.url.clone());
                                    view! {
                                        <li>
                                            <a href=l.url.clone() rel="external nofollow noopener">{t}</a>
                                        </li>
                                    }
                                })
                                .collect_view()}
                        </ul>
                    }
                })}
            {s.related_url.clone().map(|u| view! {
                <p>"Related page: " <a href=u.clone() rel="external nofollow noopener">{u.clone()}</a></p>
            })}
        </section>
    }
}

#[component]
fn EditForm(s: Submission, editing: RwSignal<bool>, reload: Callback<()>) -> impl IntoView {
    let errors = FormErrors::new();
    let title = RwSignal::new(s.title.clone());
    let theme = RwSignal::new(s.theme.clone());
    let byline = RwSignal::new(s.byline.clone().unwrap_or_default());
    let body = RwSignal::new(s.body.clone());
    let related = RwSignal::new(s.related_url.clone().unwrap_or_default());
    let countries: RwSignal<Vec<CountryRef>> = RwSignal::new(s.countries.clone());
    let links = LinkRows::with(s.links.iter().map(|l| (l.url.clone(), l.title.clone())));
    let saving = RwSignal::new(false);
    let id = s.id;
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        links.drop_empty(false);
        let edit = SubmissionPatch {
            title: Some(title.get_untracked()),
            body: Some(body.get_untracked()),
            theme: Some(theme.get_untracked()),
            byline: Some(optional(&byline.get_untracked())),
            countries: Some(
                countries
                    .get_untracked()
                    .into_iter()
                    .map(|c| c.code)
                    .collect(),
            ),
            links: Some(links.inputs()),
            related_url: Some(optional(&related.get_untracked())),
        };
        saving.set(true);
        spawn_local(async move {
            match api::patch_submission(id, &edit).await {
                Ok(()) => {
                    editing.set(false);
                    reload.run(());
                }
                Err(p) => errors.show(p),
            }
            saving.set(false);
        });
    };
    view! {
        <form class="admin-form" on:submit=save aria-labelledby="edit-heading">
            <h2 id="edit-heading">"Edit before approving"</h2>
            <ErrorSummary errors />
            <TextField label="Title" field="title" value=title errors required=true />
            <ThemeSelect value=theme errors />
            <TextField optional=true label="Byline" field="byline" value=byline errors hint="Empty for anonymous." />
            <TextField multiline=true label="Story" field="body" value=body errors rows=12 required=true />
            <CountryPicker selected=countries errors />
            <LinkRowsEditor rows=links errors max=STORY_LINKS_MAX />
            <TextField optional=true label="Related web page" field="related_url" value=related errors input_type="url" />
            <button type="submit" disabled=move || saving.get()>
                {move || if saving.get() { "Saving…" } else { "Save changes" }}
            </button>
        </form>
    }
}
