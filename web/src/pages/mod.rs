//! One module per page; `admin/` holds the moderators' view.

pub mod about;
pub mod admin;
// The pages with islands (their forms) stay out of the admin view's bundle (`csr`): a
// wasm keeps every island's hydration function, an export, whether it is used or not.
#[cfg(not(feature = "csr"))]
pub mod guestbook;
pub mod home;
pub mod not_found;
#[cfg(not(feature = "csr"))]
pub mod search;
pub mod sources;
pub mod story;
#[cfg(not(feature = "csr"))]
pub mod submit;
pub mod theme;
