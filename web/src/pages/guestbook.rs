//! `/guestbook`: the visible entries, newest first, paged by `?offset=`, and the form to sign
//! it. The server shows an entry at once (201) or holds it for a moderator (202); the reader
//! is told which.

use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;
use peoples_stories_shared::contribution::{MESSAGE_MAX, NAME_MAX};
use peoples_stories_shared::{GuestbookEntry, GuestbookPage, PartialDate, Problem, SignGuestbook};

use crate::api;
use crate::components::country_input::CountryOptions;
use crate::components::form::{
    focus_soon, optional, ErrorSummary, FormErrors, Honeypot, TextField,
};
use crate::components::page_meta::PageMeta;
use crate::components::pager::pager;
use crate::components::status::{Empty, Loading, ProblemView};
use crate::components::story_card::date_view;
use crate::site::offset_param;

const PER_PAGE: u32 = 20;

fn locate(field: &str) -> (String, String) {
    let (label, id) = match field {
        "name" => ("Your name", "gb-name"),
        "message" => ("Message", "gb-message"),
        "country" => ("Country", "gb-country"),
        other => (other, "gb-name"),
    };
    (label.to_string(), id.to_string())
}

#[component]
pub fn GuestbookPage() -> impl IntoView {
    let offset = offset_param();
    let entries = Resource::new(
        move || offset.get(),
        |offset| {
            api::get::<GuestbookPage>(&format!(
                "/api/v1/guestbook?limit={PER_PAGE}&offset={offset}"
            ))
        },
    );
    view! {
        {move || {
            let path = match offset.get() {
                0 => "/guestbook".to_string(),
                o => format!("/guestbook?offset={o}"),
            };
            view! {
                <PageMeta
                    title="Guestbook"
                    description="Messages from readers of People's Stories. Sign the guestbook."
                    path
                />
            }
        }}
        <h1>"Guestbook"</h1>
        <p class="lead">"Messages from readers. Sign it below."</p>
        <section aria-labelledby="entries-heading">
            <h2 id="entries-heading">"Messages"</h2>
            <Suspense fallback=|| view! { <Loading label="Loading messages…" /> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(page) => {
                            let pager = pager(
                                page.offset,
                                page.limit,
                                page.total,
                                "Messages",
                                "Older messages",
                                "Newer messages",
                                |o| if o == 0 { "/guestbook".to_string() } else { format!("/guestbook?offset={o}") },
                            );
                            if page.items.is_empty() {
                                return view! {
                                    <Empty message="No messages yet: be the first to sign." />
                                    {pager}
                                }
                                    .into_any();
                            }
                            view! {
                                <ol class="guestbook-entries">
                                    {page.items.into_iter().map(entry_view).collect_view()}
                                </ol>
                                {pager}
                            }
                                .into_any()
                        }
                        Err(problem) => view! { <ProblemView problem /> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
        <SignForm />
    }
}

fn entry_view(entry: GuestbookEntry) -> impl IntoView {
    let day = entry.created_at.date_naive();
    use chrono::Datelike;
    let date = PartialDate::day(day.year(), day.month(), day.day()).ok();
    view! {
        <li class="guestbook-entry">
            <p class="meta">
                <span class="byline">{entry.name}</span>
                // The country's name from the API; its code only if the API had no name.
                {entry
                    .country_name
                    .or(entry.country)
                    .map(|c| view! { <span class="country">{format!(" ({c})")}</span> })}
                {date.map(|d| view! { " · " {date_view(d)} })}
            </p>
            {crate::components::story_card::paragraphs_view(&entry.message)}
        </li>
    }
}

/// The form to sign: the page's island (it runs in the browser). An entry shown at once
/// (201) is shown back here, as the list will show it from the next load on.
#[island]
fn SignForm() -> impl IntoView {
    let name = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let country = RwSignal::new(String::new());
    let website = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let failure = RwSignal::new(None::<Problem>);
    let sending = RwSignal::new(false);
    // What the server did with the last entry: shown (201) or held for moderation (202).
    let done = RwSignal::new(None::<u16>);
    let signed = RwSignal::new(None::<GuestbookEntry>);
    let key = StoredValue::new(api::idempotency_key());
    let notice = NodeRef::<html::Div>::new();

    let send = move || {
        if sending.get_untracked() {
            return;
        }
        let entry = SignGuestbook {
            name: name.get_untracked().trim().to_string(),
            message: message.get_untracked(),
            country: optional(&country.get_untracked()),
            website: optional(&website.get_untracked()),
        };
        let problems = entry.validate();
        failure.set(None);
        done.set(None);
        signed.set(None);
        if !problems.is_empty() {
            errors.show_fields(problems);
            return;
        }
        errors.clear();
        sending.set(true);
        let k = key.get_value();
        spawn_local(async move {
            // The answer's body is not needed: its status says whether the entry shows.
            let answer =
                api::post_public::<_, serde_json::Value>("/api/v1/guestbook", &entry, &k).await;
            // The reader may have left the page meanwhile (its signals are gone).
            if sending.try_get_untracked().is_none() {
                return;
            }
            match answer {
                Ok((status, body)) => {
                    done.set(Some(status));
                    signed.set(
                        (status == 201)
                            .then(|| serde_json::from_value::<GuestbookEntry>(body).ok())
                            .flatten(),
                    );
                    name.set(String::new());
                    message.set(String::new());
                    country.set(String::new());
                    key.set_value(api::idempotency_key());
                    focus_soon(notice);
                }
                Err(p) if !p.errors.is_empty() => errors.show_fields(p.errors),
                Err(p) => failure.set(Some(p)),
            }
            sending.set(false);
        });
    };
    let retry = Callback::new(move |()| send());

    view! {
        <section class="sign" aria-labelledby="sign-heading">
            <h2 id="sign-heading">"Sign the guestbook"</h2>
            <div class="notice" tabindex="-1" node_ref=notice role="status">
                {move || {
                    done.get()
                        .map(|status| {
                            if status == 201 {
                                "Thank you for signing: your message is now in the guestbook."
                            } else {
                                "Thank you for signing: your message is held for a moderator \
                                 and will show once they have read it."
                            }
                        })
                }}
                {move || {
                    signed
                        .get()
                        .map(|entry| {
                            view! { <ol class="guestbook-entries">{entry_view(entry)}</ol> }
                        })
                }}
            </div>
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
                    id="gb-name"
                    field="name"
                    label="Your name"
                    value=name
                    errors
                    required=true
                    autocomplete="name"
                    maxlength=NAME_MAX
                />
                <TextField
                    id="gb-country"
                    field="country"
                    label="Country"
                    hint="Where you are writing from: a name or a code."
                    value=country
                    errors
                    list="gb-country-options"
                    autocomplete="off"
                    optional=true
                />
                <CountryOptions list_id="gb-country-options" typed=country />
                <TextField
                    id="gb-message"
                    field="message"
                    label="Message"
                    hint="Messages with web addresses wait for a moderator before they show."
                    value=message
                    errors
                    required=true
                    multiline=true
                    maxlength=MESSAGE_MAX
                />
                <Honeypot value=website />
                {move || failure.get().map(|problem| view! { <ProblemView problem retry /> })}
                <button type="submit" disabled=move || sending.get()>
                    {move || if sending.get() { "Sending…" } else { "Sign the guestbook" }}
                </button>
            </form>
        </section>
    }
}
