//! The People's Stories app: two Leptos single-page apps, rendered in the browser (CSR), built
//! from this one library into two WASM bundles so that readers never download the admin view.
//!
//! - `src/main.rs` mounts [`app::App`], the reader's pages (everything outside `/admin`);
//! - `src/bin/admin.rs` mounts [`admin_app::AdminApp`], the moderators' view under `/admin`.
//!
//! `pages` holds one module per page (`pages/admin/` the moderators' pages), `components` the
//! pieces pages share, and `api` the one typed client through which both talk to the server.
//! Each bundle's router names only its own pages, so link-time optimisation leaves the other's
//! pages out. A link from one bundle to the other's pages is a full page load
//! ([`components::elsewhere::FullPageLoad`]).

pub mod admin_app;
pub mod api;
pub mod app;
pub mod components;
pub mod pages;
