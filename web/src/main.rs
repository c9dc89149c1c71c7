//! The People's Stories app: a Leptos single-page app, rendered in the browser (CSR).
//!
//! `app` holds the router, `pages` one module per page, `components` the pieces pages share,
//! and `api` the one typed client through which the app talks to the server.

mod api;
mod app;
mod components;
mod pages;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
