//! The People's Stories app, built from this one library three ways:
//!
//! - on the server (feature `ssr`, compiled into the API's binary): [`ssr::render`] renders the
//!   reader's pages ([`app::App`]) to HTML, their data read in process;
//! - in the browser (feature `hydrate`), the library built as a cdylib is the reader's bundle
//!   ([`start`], called when `web/boot.js` loads it on a page with an island): it hydrates
//!   the islands of that HTML (`#[island]`: the search, submission and guestbook forms) with
//!   the same components, which fetch from and send to the REST API; the rest of a page is
//!   HTML and links and runs nothing;
//! - `src/bin/admin.rs` mounts [`admin_app::AdminApp`], the moderators' view under `/admin`,
//!   on an empty page (its own bundle, so readers never download it).
//!
//! `site` holds what every page knows (the site's name, themes, origin, status), `pages` one
//! module per page (`pages/admin/` the moderators' pages), `components` the pieces pages
//! share, and `api` the one typed client through which pages read and write.
//! The reader's bundle holds only the islands' code and the admin's router only its own pages,
//! so link-time optimisation leaves the reader's pages out of both. A link from the admin
//! view to a reader's page is a full page load ([`components::elsewhere::FullPageLoad`]).

// The server build resolves deep view types (the story editor's form) asynchronously.
#![recursion_limit = "256"]

pub mod admin_app;
pub mod api;
// The reader's router, with the pages whose islands the admin view's bundle leaves out.
#[cfg(not(feature = "csr"))]
pub mod app;
pub mod components;
pub mod pages;
pub mod site;
#[cfg(feature = "ssr")]
pub mod ssr;

/// The reader's bundle's entry point: readies leptos to hydrate the page's islands, whose
/// hydration functions (`#[island]`) `web/boot.js` then calls, one per `<leptos-island>`.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
}
