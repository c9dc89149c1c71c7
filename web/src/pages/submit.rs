//! `/submit`: "Submit a Story". The form for `POST /api/v1/submissions`: checked before
//! sending with the shared `CreateSubmission::validate()` (the server's own rules), the
//! server's field errors shown beside their fields, and a confirmation saying what happens
//! next. One `Idempotency-Key` per form fill, so a retry never stores the story twice.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use peoples_stories_shared::contribution::{BODY_MAX, LINKS_MAX, TITLE_MAX};
use peoples_stories_shared::{CreateSubmission, Problem, SubmissionReceipt};

use crate::api;
use crate::components::form::{
    focus_soon, optional, ErrorSummary, FieldMessage, FormErrors, Honeypot, TextField, ThemeSelect,
};
use crate::components::link_rows::{locate_link, LinkRows, LinkRowsEditor};
use crate::components::page_meta::PageMeta;
use crate::components::status::ProblemView;

/// A field's label and its control's id, for the error summary.
fn locate(field: &str) -> (String, String) {
    if let Some(link) = locate_link(field) {
        return link;
    }
    let (label, id) = match field {
        "title" => ("Title", "sub-title"),
        "body" => ("Your story", "sub-body"),
        "theme" => ("Theme", "sub-theme"),
        "byline" => ("Byline", "sub-byline"),
        "email" => ("E-mail address", "sub-email"),
        "related_url" => ("Related web page", "sub-related"),
        "consent" => ("Consent", "sub-consent"),
        f if f.starts_with("countries") => ("Countries", "sub-countries"),
        other => (other, "sub-title"),
    };
    (label.to_string(), id.to_string())
}

#[component]
pub fn SubmitPage() -> impl IntoView {
    view! {
        <PageMeta
            title="Submit a Story"
            description="Send People's Stories a human-rights story: what happened, where, and the \
                         sources that reported it. A moderator reads every submission."
            path="/submit"
        />
        <h1>"Submit a Story"</h1>
        <SubmitStory />
    }
}

/// The form and, once sent, its confirmation: the page's island (it runs in the browser).
#[island]
fn SubmitStory() -> impl IntoView {
    let receipt = RwSignal::new(None::<SubmissionReceipt>);
    // A new form (and a new idempotency key) for each story.
    let form_key = RwSignal::new(0u32);
    move || match receipt.get() {
        Some(r) => view! {
            <Confirmation
                receipt=r
                again=Callback::new(move |()| {
                    receipt.set(None);
                    form_key.update(|k| *k += 1);
                })
            />
        }
        .into_any(),
        None => {
            form_key.track();
            view! { <SubmitForm receipt /> }.into_any()
        }
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
    let links = LinkRows::with([(String::new(), None)]);
    let errors = FormErrors::new();
    let failure = RwSignal::new(None::<Problem>);
    let sending = RwSignal::new(false);
    let key = StoredValue::new(api::idempotency_key());

    let build = move || {
        links.drop_empty(true);
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
            links: links.submitted(),
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
            errors.show_fields(problems);
            return;
        }
        errors.clear();
        sending.set(true);
        let k = key.get_value();
        spawn_local(async move {
            let answer =
                api::post_public::<_, SubmissionReceipt>("/api/v1/submissions", &submission, &k)
                    .await;
            // The reader may have left the page meanwhile (its signals are gone).
            if sending.try_get_untracked().is_none() {
                return;
            }
            // Before the receipt replaces this form (and its signals) with the confirmation.
            sending.set(false);
            match answer {
                Ok((_, r)) => receipt.set(Some(r)),
                Err(p) if !p.errors.is_empty() => errors.show_fields(p.errors),
                Err(p) => failure.set(Some(p)),
            }
        });
    };
    let retry = Callback::new(move |()| send());

    view! {
        <p class="lead">
            "Tell us about a human-rights story: what happened, where, and who reported it. A \
             moderator reads every story before it is published."
        </p>
        <ErrorSummary errors locate=locate />
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
                rows=8
                maxlength=BODY_MAX
            />
            <ThemeSelect id="sub-theme" value=theme errors />
            <TextField
                id="sub-countries"
                field="countries"
                label="Countries"
                hint="The countries it concerns, separated by commas: names, common names (Laos, Burma) or codes."
                value=countries
                errors
                optional=true
            />
            <TextField
                id="sub-byline"
                field="byline"
                label="Byline"
                hint="Who wrote it or reported it, as it should be printed. Leave empty to stay anonymous."
                value=byline
                errors
                optional=true
                autocomplete="name"
            />
            <TextField
                id="sub-email"
                field="email"
                label="E-mail address"
                hint="Only the moderators see it, to ask you about the story. It is never published, and it is deleted 30 days after they decide on your story (unless this site's operators chose another period)."
                value=email
                errors
                optional=true
                input_type="email"
                autocomplete="email"
            />
            <LinkRowsEditor
                rows=links
                errors
                max=LINKS_MAX
                optional=true
                hint=format!("Pages that report the story, up to {LINKS_MAX}.")
            />
            <TextField
                id="sub-related"
                field="related_url"
                label="Related web page"
                hint="The one page readers should visit to read more (\"Visit the related web page\")."
                value=related
                errors
                optional=true
                input_type="url"
            />
            <Honeypot value=website />
            <div class="field consent" class:has-error=move || errors.has("consent")>
                <FieldMessage errors field="consent" id="sub-consent" />
                <input
                    type="checkbox"
                    id="sub-consent"
                    name="consent"
                    aria-required="true"
                    aria-invalid=move || errors.has("consent").then_some("true")
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
