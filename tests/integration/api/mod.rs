//! The REST API over real HTTP, each test on SQLite and on PostgreSQL.

mod access;
mod app_files;
mod auth;
mod backup;
mod cache;
mod clients;
mod cluster;
mod contributions;
mod errors;
mod export;
mod faults;
mod feeds;
mod harvest;
mod headers;
mod import;
mod lifecycle;
mod migrations;
mod moderation;
mod observability;
mod openapi;
mod queue;
mod search;
mod seed;
mod sitemap;
mod stories;
mod taxonomy;
