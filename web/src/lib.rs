//! The People's Stories app, built from this one library three ways:
//!
//! - on the server (feature `ssr`, compiled into the API's binary): [`ssr::render`] renders the
//!   reader's pages ([`app::App`]) to HTML, their data read in process;
//! - in the browser (feature `hydrate`), `src/main.rs` is the reader's bundle: it hydrates
//!   that HTML with the same components, which from then on fetch from the REST API;
//! - `src/bin/admin.rs` mounts [`admin_app::AdminApp`], the moderators' view under `/admin`,
//!   on an empty page (its own bundle, so readers never download it).
//!
//! `site` holds what every page knows (the site's name, themes, origin, status), `pages` one
//! module per page (`pages/admin/` the moderators' pages), `components` the pieces pages
//! share, and `api` the one typed client through which pages read and write.
//! Each bundle's router names only its own pages, so link-time optimisation leaves the other's
//! pages out. A link from one bundle to the other's pages is a full page load
//! ([`components::elsewhere::FullPageLoad`]).

// The server build resolves deep view types (the story editor's form) asynchronously.
#![recursion_limit = "256"]

pub mod admin_app;
pub mod api;
pub mod app;
pub mod components;
pub mod pages;
pub mod site;
#[cfg(feature = "ssr")]
pub mod ssr;
