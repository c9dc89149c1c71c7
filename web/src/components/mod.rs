//! Pieces that several pages share.

pub mod country_picker;
pub mod form;
pub mod layout;
pub mod status;
pub mod story_card;
