//! Picking countries by typing: suggestions from `GET /api/v1/countries?q=` (names, codes and
//! aliases such as "Laos" or "Burma"); the chosen ones show as removable chips.

use leptos::prelude::*;
use peoples_stories_shared::CountryRef;

use crate::api;
use crate::components::form::{error_id, FieldMessage, FormErrors};

/// Most suggestions shown at once.
const SUGGESTIONS: usize = 8;

#[component]
pub fn CountryPicker(
    selected: RwSignal<Vec<CountryRef>>,
    errors: FormErrors,
    /// The server's name of the field (`countries`).
    #[prop(default = "countries")]
    field: &'static str,
) -> impl IntoView {
    let query = RwSignal::new(String::new());
    let suggestions = LocalResource::new(move || {
        let q = query.get();
        async move {
            let q = q.trim().to_string();
            if q.is_empty() {
                return Ok(Vec::new());
            }
            api::countries(&q).await
        }
    });
    let shown = move || -> Vec<CountryRef> {
        let chosen = selected.get();
        suggestions
            .get()
            .and_then(Result::ok)
            .unwrap_or_default()
            .into_iter()
            .filter(|c| !chosen.iter().any(|s| s.code == c.code))
            .take(SUGGESTIONS)
            .map(|c| CountryRef {
                code: c.code,
                name: c.name,
            })
            .collect()
    };
    let pick = move |c: CountryRef| {
        selected.update(|list| {
            if !list.iter().any(|s| s.code == c.code) {
                list.push(c);
            }
        });
        query.set(String::new());
    };
    let input_id = "f-country-search";
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
            <p class="hint" id="country-search-hint">
                "Type a name, code or alias (Laos, Burma); press Enter to add the first match."
            </p>
            <input
                id=input_id
                type="search"
                autocomplete="off"
                aria-describedby=move || {
                    if errors.has(field) {
                        format!("country-search-hint {}", error_id(field))
                    } else {
                        "country-search-hint".to_string()
                    }
                }
                prop:value=move || query.get()
                on:input=move |ev| query.set(event_target_value(&ev))
                on:keydown=move |ev| {
                    if ev.key() == "Enter" {
                        ev.prevent_default();
                        if let Some(first) = shown().into_iter().next() {
                            pick(first);
                        }
                    }
                }
            />
            <ul class="suggestions" aria-live="polite" aria-label="Matching countries">
                {move || {
                    shown()
                        .into_iter()
                        .map(|c| {
                            let text = format!("{} ({})", c.name, c.code);
                            view! {
                                <li>
                                    <button
                                        type="button"
                                        class="suggestion"
                                        on:click=move |_| pick(c.clone())
                                    >
                                        {text}
                                    </button>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
            <FieldMessage errors field=field />
        </fieldset>
    }
}
