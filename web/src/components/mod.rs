//! Pieces that several pages share.

pub mod layout;
pub mod status;
pub mod story_card;
