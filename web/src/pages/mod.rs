//! One module per page; `admin/` holds the moderators' view.

pub mod admin;
pub mod home;
pub mod not_found;
pub mod story;
pub mod theme;
