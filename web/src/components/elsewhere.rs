//! Pages that live outside the admin view.
//!
//! The admin view is a WASM bundle with its own router; the reader's pages are rendered by
//! the server (see the library's documentation). A link from the admin view to a reader's
//! page is followed by the router like any other; the route it lands on asks the browser for
//! a full page load, and the server answers with the rendered page.

use leptos::prelude::*;
use leptos_router::hooks::use_location;

use crate::components::status::Loading;

/// Whether `path` is a page of the admin view: `/admin` and everything under it.
pub fn is_admin_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

/// Loads the current address from the server: a page of the other bundle.
#[component]
pub fn FullPageLoad() -> impl IntoView {
    let location = use_location();
    Effect::new(move |_| {
        let url = format!(
            "{}{}{}",
            location.pathname.get(),
            match location.search.get() {
                s if s.is_empty() => String::new(),
                s => format!("?{s}"),
            },
            location.hash.get()
        );
        if let Some(window) = leptos::web_sys::window() {
            // Navigating to the address already shown replaces its history entry.
            let _ = window.location().assign(&url);
        }
    });
    view! { <Loading label="Loading…" /> }
}
