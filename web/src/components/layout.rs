//! The frame around every page: skip link, header with the site's navigation, `<main>`, footer.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::{SITE_NAME, THEMES};

#[component]
pub fn Layout(children: Children) -> impl IntoView {
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
                            .map(|(slug, label)| {
                                view! {
                                    <li>
                                        <A href=format!("/{slug}")>{*label}</A>
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
