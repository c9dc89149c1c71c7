//! One module per page; `admin/` holds the moderators' view.

pub mod about;
pub mod admin;
pub mod guestbook;
pub mod home;
pub mod not_found;
pub mod search;
pub mod sources;
pub mod story;
pub mod submit;
pub mod theme;
