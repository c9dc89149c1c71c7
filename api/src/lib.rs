//! The People's Stories server as a library, so tests start the real thing.

pub mod app;
pub mod auth;
pub mod backup;
pub mod cache;
pub mod client_key;
pub mod config;
pub mod contract;
pub mod countries;
pub mod db;
pub mod error;
pub mod extract;
pub mod generate;
pub mod guard;
pub mod links;
pub mod metrics;
pub mod moderation;
pub mod reading;
pub mod routes;
pub mod search;
pub mod seed;
pub mod shutdown;
pub mod state;
pub mod syndication;
