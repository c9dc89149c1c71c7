//! `/submit`: "Submit a Story". The form for `POST /api/v1/submissions`: checked before
//! sending with the shared `CreateSubmission::validate()` (the server's own rules), the
//! server's field errors shown beside their fields, and a confirmation saying what happens
//! next. One `Idempotency-Key` per form fill, so a retry never stores the story twice.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use peoples_stories_shared::contribution::{BODY_MAX, LINKS_MAX, TITLE_MAX};
use peoples_stories_shared::{
    CreateSubmission, FieldError, Problem, SubmissionReceipt, SubmittedLink,
};

use crate::api;
use crate::components::page_meta::PageMeta;
use crate::components::reader_form::{
    focus_soon, message_for, optional, ErrorSummary, Honeypot, TextField,
};
use crate::components::status::ProblemView;
use crate::site::THEMES;

#[derive(Clone, Copy)]
struct LinkRow {
    url: RwSignal<String>,
    title: RwSignal<String>,
}

impl LinkRow {
    fn new() -> Self {
        LinkRow {
            url: RwSignal::new(String::new()),
            title: RwSignal::new(String::new()),
        }
    }
    fn is_empty(&self) -> bool {
        self.url.with_untracked(|u| u.trim().is_empty())
            && self.title.with_untracked(|t| t.trim().is_empty())
    }
}

/// A field's label and its control's id, for the error summary.
fn locate(field: &str) -> (String, String) {
    let fixed = |label: &str, id: &str| (label.to_string(), id.to_string());
    match field {
        "title" => fixed("Title", "sub-title"),
        "body" => fixed("Your story", "sub-body"),
        "theme" => fixed("Theme", "sub-theme"),
        "byline" => fixed("Byline", "sub-byline"),
        "email" => fixed("E-mail address", "sub-email"),
        "related_url" => fixed("Related web page", "sub-related"),
        "consent" => fixed("Consent", "sub-consent"),
        "links" => fixed("Source links", "link-0-url"),
        f if f.starts_with("countries") => fixed("Countries", "sub-countries"),
        f if f.starts_with("links[") => {
            let inner = &f["links[".len()..];
            let (index, rest) = inner.split_once(']').unwrap_or((inner, ""));
            let n = index.parse::<usize>().unwrap_or(0);
            if rest == ".title" {
                (
                    format!("Source link {} title", n + 1),
                    format!("link-{n}-title"),
                )
            } else {
                (
                    format!("Source link {} address", n + 1),
                    format!("link-{n}-url"),
                )
            }
        }
        other => (other.to_string(), "sub-title".to_string()),
    }
}

#[component]
pub fn SubmitPage() -> impl IntoView {
    let receipt = RwSignal::new(None::<SubmissionReceipt>);
    // A new form (and a new idempotency key) for each story.
    let form_key = RwSignal::new(0u32);
    view! {
        <PageMeta
            title="Submit a Story"
            description="Send People's Stories a human-rights story: what happened, where, and the \
                         sources that reported it. A moderator reads every submission."
            path="/submit"
        />
        <h1>"Submit a Story"</h1>
        {move || match receipt.get() {
            Some(r) => {
                view! {
                    <Confirmation
                        receipt=r
                        again=Callback::new(move |()| {
                            receipt.set(None);
                            form_key.update(|k| *k += 1);
                        })
                    />
                }
                    .into_any()
            }
            None => {
                form_key.track();
                view! { <SubmitForm receipt /> }.into_any()
            }
        }}
    }
}

#[component]
fn Confirmation(receipt: SubmissionReceipt, again: Callback<()>) -> impl IntoView {
    let heading = NodeRef::<html::Div>::new();
    focus_soon(heading);
    view! {
        <div class="confirmation" tabindex="-1" node_ref=heading role="status">
            <h2>"Thank you: your story has reached us"</h2>
            <p>
                "A moderator will read it before anything is published: nothing appears on the \
                 site without review. They may shorten it or ask you about it at the e-mail \
                 address you gave, which is never shown."
            </p>
            <p>"Your reference number is " <strong>{receipt.id}</strong> "."</p>
            <button type="button" on:click=move |_| again.run(())>
                "Submit another story"
            </button>
        </div>
    }
}

#[component]
fn SubmitForm(receipt: RwSignal<Option<SubmissionReceipt>>) -> impl IntoView {
    let title = RwSignal::new(String::new());
    let body = RwSignal::new(String::new());
    let theme = RwSignal::new(String::new());
    let countries = RwSignal::new(String::new());
    let byline = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let related = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let website = RwSignal::new(String::new());
    let links = RwSignal::new(vec![LinkRow::new()]);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<Problem>);
    let sending = RwSignal::new(false);
    let key = StoredValue::new(api::idempotency_key());
    let summary = NodeRef::<html::Div>::new();

    let build = move || {
        // Rows left wholly empty are not links; dropping them from the form too keeps the
        // server's `links[i]` pointing at the row on screen.
        links.update(|rows| {
            rows.retain(|r| !r.is_empty());
            if rows.is_empty() {
                rows.push(LinkRow::new());
            }
        });
        CreateSubmission {
            title: title.get_untracked().trim().to_string(),
            body: body.get_untracked(),
            theme: theme.get_untracked(),
            countries: countries
                .get_untracked()
                .split([',', ';'])
                .map(str::trim)
                .filter(|c| !c.is_empty())
                .map(String::from)
                .collect(),
            byline: optional(&byline.get_untracked()),
            email: optional(&email.get_untracked()),
            links: links
                .get_untracked()
                .iter()
                .filter(|r| !r.is_empty())
                .map(|r| SubmittedLink {
                    url: r.url.get_untracked().trim().to_string(),
                    title: optional(&r.title.get_untracked()),
                })
                .collect(),
            related_url: optional(&related.get_untracked()),
            consent: consent.get_untracked(),
            website: optional(&website.get_untracked()),
        }
    };

    let send = move || {
        if sending.get_untracked() {
            return;
        }
        let submission = build();
        let problems = submission.validate();
        failure.set(None);
        if !problems.is_empty() {
            errors.set(problems);
            focus_soon(summary);
            return;
        }
        errors.set(Vec::new());
        sending.set(true);
        let k = key.get_value();
        spawn_local(async move {
            let answer =
                api::post_public::<_, SubmissionReceipt>("/api/v1/submissions", &submission, &k)
                    .await;
            // Before the receipt replaces this form (and its signals) with the confirmation.
            sending.set(false);
            match answer {
                Ok((_, r)) => receipt.set(Some(r)),
                Err(p) if !p.errors.is_empty() => {
                    errors.set(p.errors);
                    focus_soon(summary);
                }
                Err(p) => failure.set(Some(p)),
            }
        });
    };
    let retry = Callback::new(move |()| send());

    let theme_error = Memo::new(move |_| errors.with(|e| message_for(e, "theme")));
    let consent_error = Memo::new(move |_| errors.with(|e| message_for(e, "consent")));
    let links_error = Memo::new(move |_| errors.with(|e| message_for(e, "links")));

    view! {
        <p class="lead">
            "Tell us about a human-rights story: what happened, where, and who reported it. A \
             moderator reads every story before it is published."
        </p>
        <ErrorSummary errors node_ref=summary locate />
        <form
            class="contribution-form"
            novalidate
            on:submit=move |ev| {
                ev.prevent_default();
                send();
            }
        >
            <TextField
                id="sub-title"
                field="title"
                label="Title"
                value=title
                errors
                required=true
                maxlength=TITLE_MAX
            />
            <TextField
                id="sub-body"
                field="body"
                label="Your story"
                hint="What happened, where and when. Leave a blank line between paragraphs. Plain text: at most 3 web addresses."
                value=body
                errors
                required=true
                multiline=true
                maxlength=BODY_MAX
            />
            <div class="field" class:has-error=move || theme_error.with(Option::is_some)>
                <label for="sub-theme">"Theme"</label>
                <p class="field-error" id="sub-theme-error">
                    {move || theme_error.get()}
                </p>
                <select
                    id="sub-theme"
                    name="theme"
                    aria-required="true"
                    aria-invalid=move || theme_error.with(Option::is_some).then_some("true")
                    aria-describedby="sub-theme-error"
                    prop:value=move || theme.get()
                    on:change=move |ev| theme.set(event_target_value(&ev))
                >
                    <option value="">"Choose a theme"</option>
                    {THEMES
                        .iter()
                        .map(|t| view! { <option value=t.slug>{t.name}</option> })
                        .collect_view()}
                </select>
            </div>
            <TextField
                id="sub-countries"
                field="countries"
                label="Countries"
                hint="The countries it concerns, separated by commas: names, common names (Laos, Burma) or codes."
                value=countries
                errors
            />
            <TextField
                id="sub-byline"
                field="byline"
                label="Byline"
                hint="Who wrote it or reported it, as it should be printed. Leave empty to stay anonymous."
                value=byline
                errors
                autocomplete="name"
            />
            <TextField
                id="sub-email"
                field="email"
                label="E-mail address"
                hint="Only the moderators see it, to ask you about the story. It is never published, and it is deleted 30 days after they decide on your story (unless this site's operators chose another period)."
                value=email
                errors
                input_type="email"
                autocomplete="email"
            />
            <fieldset class="links">
                <legend>"Source links (optional)"</legend>
                <p class="hint">
                    {format!("Pages that report the story, up to {LINKS_MAX}.")}
                </p>
                <p class="field-error" id="links-error">
                    {move || links_error.get()}
                </p>
                {move || {
                    let rows = links.get();
                    let n = rows.len();
                    rows.into_iter()
                        .enumerate()
                        .map(|(i, row)| {
                            view! {
                                <div class="link-row">
                                    <TextField
                                        id=format!("link-{i}-url")
                                        field=format!("links[{i}].url")
                                        label=format!("Link {} address", i + 1)
                                        value=row.url
                                        errors
                                        input_type="url"
                                    />
                                    <TextField
                                        id=format!("link-{i}-title")
                                        field=format!("links[{i}].title")
                                        label=format!("Link {} title", i + 1)
                                        value=row.title
                                        errors
                                    />
                                    {(n > 1)
                                        .then(|| {
                                            view! {
                                                <button
                                                    type="button"
                                                    class="secondary"
                                                    on:click=move |_| {
                                                        links
                                                            .update(|v| {
                                                                if i < v.len() {
                                                                    v.remove(i);
                                                                }
                                                            })
                                                    }
                                                >
                                                    {format!("Remove link {}", i + 1)}
                                                </button>
                                            }
                                        })}
                                </div>
                            }
                        })
                        .collect_view()
                }}
                <button
                    type="button"
                    class="secondary"
                    disabled=move || links.with(|v| v.len() >= LINKS_MAX)
                    on:click=move |_| links.update(|v| v.push(LinkRow::new()))
                >
                    "Add another link"
                </button>
            </fieldset>
            <TextField
                id="sub-related"
                field="related_url"
                label="Related web page"
                hint="The one page readers should visit to read more (\"Visit the related web page\")."
                value=related
                errors
                input_type="url"
            />
            <Honeypot value=website />
            <div class="field consent" class:has-error=move || consent_error.with(Option::is_some)>
                <p class="field-error" id="sub-consent-error">
                    {move || consent_error.get()}
                </p>
                <input
                    type="checkbox"
                    id="sub-consent"
                    name="consent"
                    aria-required="true"
                    aria-invalid=move || consent_error.with(Option::is_some).then_some("true")
                    aria-describedby="sub-consent-error"
                    prop:checked=move || consent.get()
                    on:change=move |ev| consent.set(event_target_checked(&ev))
                />
                <label for="sub-consent">
                    "I agree that People's Stories may publish this story, edited for length and \
                     clarity, under the byline I gave (or anonymously), and I confirm it is true \
                     to the best of my knowledge."
                </label>
            </div>
            {move || failure.get().map(|problem| view! { <ProblemView problem retry /> })}
            <button type="submit" disabled=move || sending.get()>
                {move || if sending.get() { "Sending…" } else { "Send the story" }}
            </button>
        </form>
    }
}
