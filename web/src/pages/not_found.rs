//! The page for any path the app does not know.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};
use leptos_router::components::A;

#[component]
pub fn NotFound() -> impl IntoView {
    // On the server the page answers 404, for crawlers and link checkers.
    crate::site::set_status(404);
    view! {
        <Title text="Page not found" />
        // Kept out of indexes whatever the status.
        <Meta name="robots" content="noindex" />
        <h1>"Page not found"</h1>
        <p>"There is no page at this address. It may have moved, or the link may be mistyped."</p>
        <ul>
            <li>
                <A href="/">"Go to the latest stories"</A>
            </li>
            <li>
                <A href="/search">"Search by keyword and country"</A>
            </li>
        </ul>
    }
}
