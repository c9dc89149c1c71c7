//! A country field with type-ahead: as the reader types, the browser offers the countries
//! whose name or alias matches (`GET /api/v1/countries?q=`), through a native `<datalist>`,
//! so it works with the keyboard and screen readers as any text field does.

use leptos::prelude::*;
use peoples_stories_shared::Country;

use crate::api;

/// Suggestions offered at a time.
const SUGGESTIONS: usize = 12;

/// The `<datalist>` with id `list_id` for a field whose text is `typed`.
#[component]
pub fn CountryOptions(#[prop(into)] list_id: String, typed: RwSignal<String>) -> impl IntoView {
    let matches = LocalResource::new(move || {
        let q = typed.get().trim().to_string();
        async move {
            if q.chars().count() < 2 {
                return Vec::new();
            }
            let path = format!("/api/v1/countries?q={}", api::query_value(&q));
            // Suggestions are a convenience: a failure leaves the field a plain text field.
            api::get::<Vec<Country>>(&path).await.unwrap_or_default()
        }
    });
    view! {
        <datalist id=list_id>
            {move || {
                let typed = typed.get().trim().to_lowercase();
                matches
                    .get()
                    .unwrap_or_default()
                    .into_iter()
                    .take(SUGGESTIONS)
                    .flat_map(|c| {
                        let aliases: Vec<String> = c
                            .aliases
                            .iter()
                            .filter(|a| a.to_lowercase().contains(&typed))
                            .cloned()
                            .collect();
                        let name = c.name.clone();
                        std::iter::once(view! { <option value=c.name.clone()></option> }.into_any())
                            .chain(
                                aliases
                                    .into_iter()
                                    .map(move |a| {
                                        let label = format!("{a} ({name})");
                                        view! { <option value=a>{label}</option> }.into_any()
                                    }),
                            )
                    })
                    .collect_view()
            }}
        </datalist>
    }
}
