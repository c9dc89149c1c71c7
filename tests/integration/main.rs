#![allow(clippy::expect_used, clippy::unwrap_used)]
//! The one integration-test binary: the API against real SQLite and PostgreSQL over real HTTP,
//! and the app in headless Chromium.
//!
//! PostgreSQL tests need a server (see `support::postgres_admin_url`); without one they are
//! skipped locally and fail under `CI=true`.

mod support;

mod api;
mod browser;
