//! The states a page shows while its data is not (yet) there: loading, error, empty.

use leptos::prelude::*;
use peoples_stories_shared::Problem;

/// Shown while a request is in flight.
#[component]
pub fn Loading(#[prop(into)] label: String) -> impl IntoView {
    view! {
        <p class="status loading" role="status" aria-busy="true" aria-live="polite">
            {label}
        </p>
    }
}

/// Shows a Problem's detail (and each bad field it names) with a button that runs `retry`,
/// or, on a page rendered on the server (no `retry`: nothing of it runs in the browser), a
/// link that loads the page again.
#[component]
pub fn ProblemView(
    problem: Problem,
    #[prop(optional)] retry: Option<Callback<()>>,
) -> impl IntoView {
    let errors = (!problem.errors.is_empty()).then(|| {
        view! {
            <ul class="problem-errors">
                {problem
                    .errors
                    .into_iter()
                    .map(|e| view! { <li>{e.message}</li> })
                    .collect_view()}
            </ul>
        }
    });
    view! {
        <div class="status error" role="alert">
            <p class="error-title">{problem.title}</p>
            <p>{problem.detail}</p>
            {errors}
            {match retry {
                Some(retry) => {
                    view! {
                        <button type="button" on:click=move |_| retry.run(())>
                            "Retry"
                        </button>
                    }
                        .into_any()
                }
                // The document's own address: the same page, asked for again.
                None => view! { <a href="" class="retry">"Try again"</a> }.into_any(),
            }}
        </div>
    }
}

/// Shown when a list has nothing in it.
#[component]
pub fn Empty(#[prop(into)] message: String) -> impl IntoView {
    view! { <p class="status empty">{message}</p> }
}
