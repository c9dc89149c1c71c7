//! The frame around every page: skip link, header with the site's navigation, `<main>`, footer.

use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_location;

use crate::site::{SITE_NAME, THEMES};

/// Keeps the address bar in step with the page shown.
///
/// leptos_router 0.8.17 skips `pushState` when a link leads to the URL it last pushed, which
/// is wrong after the browser's forward button (the same family as leptos-rs/leptos#4324):
/// back, forward, then "View more stories" showed the newer page under the older URL. When
/// the router's location and the browser's still differ a moment after a navigation, this
/// pushes the router's. Remove it once the router is fixed (the paging test covers it).
fn keep_address_bar_in_step() {
    let location = use_location();
    let current = move || {
        let path = location.pathname.get_untracked();
        let search = location.search.get_untracked();
        if search.is_empty() {
            path
        } else {
            format!("{path}?{search}")
        }
    };
    Effect::new(move |_| {
        location.pathname.track();
        location.search.track();
        let wanted = current();
        set_timeout(
            move || {
                // Another navigation since: it has its own check.
                if current() != wanted {
                    return;
                }
                let Some(window) = leptos::web_sys::window() else {
                    return;
                };
                let shown = window.location();
                let shown = format!(
                    "{}{}",
                    shown.pathname().unwrap_or_default(),
                    shown.search().unwrap_or_default()
                );
                if shown != wanted {
                    if let Ok(history) = window.history() {
                        let _ = history.push_state_with_url(
                            &wasm_bindgen::JsValue::NULL,
                            "",
                            Some(&wanted),
                        );
                    }
                }
            },
            std::time::Duration::from_millis(300),
        );
    });
}

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    keep_address_bar_in_step();
    view! {
        // `rel="external"` lets the browser, not the router, follow the in-page link, so focus
        // moves to the main content.
        <a class="skip-link" href="#main" rel="external">"Skip to main content"</a>
        <header class="site-header">
            <div class="wrap">
                <p class="site-name">
                    <A href="/">{SITE_NAME}</A>
                </p>
                <nav class="site-nav" aria-label="Main">
                    <ul class="themes">
                        {THEMES
                            .iter()
                            .map(|theme| {
                                view! {
                                    <li>
                                        <A href=format!("/{}", theme.slug)>{theme.name}</A>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                    <ul class="tools">
                        <li>
                            <A href="/submit">"Submit a Story"</A>
                        </li>
                        <li>
                            <A href="/search">"Search by keyword and country"</A>
                        </li>
                        <li>
                            <A href="/guestbook">"Guestbook"</A>
                        </li>
                    </ul>
                </nav>
            </div>
        </header>
        <main id="main" class="wrap" tabindex="-1">
            {children()}
        </main>
        <footer class="site-footer">
            <div class="wrap">
                <nav aria-label="About this site">
                    <ul>
                        <li>
                            <A href="/about">"About People's Stories"</A>
                        </li>
                        <li>
                            <A href="/sources">"Sources"</A>
                        </li>
                        <li>
                            // The API docs are served by the server, outside the app.
                            <a href="/api/docs/" rel="external">"API documentation"</a>
                        </li>
                    </ul>
                </nav>
                <p>{SITE_NAME} ": human-rights news from around the world."</p>
            </div>
        </footer>
    }
}
