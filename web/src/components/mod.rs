//! Pieces that several pages share.

pub mod country_input;
pub mod form;
pub mod layout;
pub mod pager;
pub mod status;
pub mod story_card;
pub mod world_map;
