//! The REST API over real HTTP, each test on SQLite and on PostgreSQL.

mod app_files;
mod contributions;
mod errors;
mod migrations;
mod openapi;
mod search;
mod seed;
mod stories;
mod taxonomy;
