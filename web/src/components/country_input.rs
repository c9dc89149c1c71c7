//! The one country type-ahead. As someone types, the countries whose name, code or alias
//! matches (`GET /api/v1/countries?q=`: "Laos", "Burma", "KH") are offered through a native
//! `<datalist>`, so it works with the keyboard and screen readers as any text field does.
//!
//! - [`CountryOptions`]: the suggestions for a one-country text field (search, guestbook).
//! - [`CountryPicker`]: several countries, chosen one at a time from the same suggestions and
//!   shown as removable chips (the admin view's story editor and submission review).

use leptos::prelude::*;
use peoples_stories_shared::{Country, CountryRef};

use crate::api;
use crate::components::form::{FieldMessage, FormErrors};

/// Suggestions offered at a time.
const SUGGESTIONS: usize = 12;

/// The countries matching what was typed (nothing under two characters). Suggestions are a
/// convenience: a failure leaves the field a plain text field.
fn matches(typed: RwSignal<String>) -> LocalResource<Vec<Country>> {
    LocalResource::new(move || {
        let q = typed.get().trim().to_string();
        async move {
            if q.chars().count() < 2 {
                return Vec::new();
            }
            api::countries(&q).await.unwrap_or_default()
        }
    })
}

/// What each option offers: the country's name, and each alias that matches the text typed
/// (shown with the name it stands for), with the country it picks.
fn options(countries: Vec<Country>, typed: &str) -> Vec<(String, Option<String>, CountryRef)> {
    let typed = typed.trim().to_lowercase();
    countries
        .into_iter()
        .take(SUGGESTIONS)
        .flat_map(|c| {
            let country = CountryRef {
                code: c.code.clone(),
                name: c.name.clone(),
            };
            let aliases: Vec<(String, Option<String>, CountryRef)> = c
                .aliases
                .iter()
                .filter(|a| a.to_lowercase().contains(&typed))
                .map(|a| {
                    (
                        a.clone(),
                        Some(format!("{a} ({})", c.name)),
                        country.clone(),
                    )
                })
                .collect();
            std::iter::once((c.name.clone(), None, country)).chain(aliases)
        })
        .collect()
}

/// The `<datalist>` with id `list_id` for a field whose text is `typed`.
#[component]
pub fn CountryOptions(#[prop(into)] list_id: String, typed: RwSignal<String>) -> impl IntoView {
    let found = matches(typed);
    datalist(list_id, typed, found)
}

fn datalist(
    list_id: String,
    typed: RwSignal<String>,
    found: LocalResource<Vec<Country>>,
) -> impl IntoView {
    view! {
        <datalist id=list_id>
            {move || {
                options(found.get().unwrap_or_default(), &typed.get())
                    .into_iter()
                    .map(|(value, label, _)| view! { <option value=value>{label}</option> })
                    .collect_view()
            }}
        </datalist>
    }
}

/// Several countries: the chosen ones as chips, and a type-ahead field that adds the country
/// picked from its suggestions (or, on Enter, the first match).
#[component]
pub fn CountryPicker(
    selected: RwSignal<Vec<CountryRef>>,
    errors: FormErrors,
    /// The server's name of the field.
    #[prop(default = "countries")]
    field: &'static str,
) -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let found = matches(typed);
    let input_id = "f-countries";
    let list_id = "f-countries-options";
    let add = move |c: CountryRef| {
        selected.update(|list| {
            if !list.iter().any(|s| s.code == c.code) {
                list.push(c);
            }
        });
        typed.set(String::new());
    };
    // The country a text stands for: a suggestion's value exactly (case aside), or its code.
    let resolve = move |text: &str, first: bool| -> Option<CountryRef> {
        let text = text.trim().to_lowercase();
        let offered = options(found.get_untracked().unwrap_or_default(), &text);
        offered
            .iter()
            .find(|(value, _, c)| value.to_lowercase() == text || c.code.to_lowercase() == text)
            .or(if first { offered.first() } else { None })
            .map(|(_, _, c)| c.clone())
    };
    view! {
        <fieldset class="field country-picker">
            <legend>"Countries"</legend>
            <ul class="chips" aria-label="Chosen countries">
                {move || {
                    selected
                        .get()
                        .into_iter()
                        .map(|c| {
                            let code = c.code.clone();
                            let label = format!("Remove {}", c.name);
                            view! {
                                <li class="chip">
                                    <span>{c.name} " (" {c.code.clone()} ")"</span>
                                    <button
                                        type="button"
                                        class="chip-remove"
                                        aria-label=label
                                        on:click=move |_| {
                                            selected.update(|l| l.retain(|s| s.code != code))
                                        }
                                    >
                                        "×"
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <label for=input_id>"Add a country"</label>
            <p class="hint" id=format!("{input_id}-hint")>
                "Type a name, code or alias (Laos, Burma) and choose it; Enter adds the first match."
            </p>
            <FieldMessage errors field id=input_id />
            <input
                id=input_id
                type="text"
                autocomplete="off"
                list=list_id
                aria-describedby=format!("{input_id}-hint {input_id}-error")
                aria-invalid=move || errors.has(field).then_some("true")
                prop:value=move || typed.get()
                on:input=move |ev| {
                    let text = event_target_value(&ev);
                    // Choosing a suggestion replaces the text whole: Chromium says so with
                    // "insertReplacementText", other browsers send an event with no type.
                    let kind = js_sys::Reflect::get(&ev, &"inputType".into())
                        .ok()
                        .and_then(|v| v.as_string());
                    let chosen = !matches!(kind.as_deref(), Some(k) if k != "insertReplacementText");
                    match resolve(&text, false) {
                        Some(c) if chosen => add(c),
                        _ => typed.set(text),
                    }
                }
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        if let Some(c) = resolve(&typed.get_untracked(), true) {
                            add(c);
                        }
                    }
                }
            />
            {datalist(list_id.to_string(), typed, found)}
        </fieldset>
    }
}
