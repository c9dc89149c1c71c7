//! One module per page.

pub mod about;
pub mod guestbook;
pub mod home;
pub mod not_found;
pub mod search;
pub mod sources;
pub mod story;
pub mod submit;
pub mod theme;
