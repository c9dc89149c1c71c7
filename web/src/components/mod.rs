//! Pieces that several pages share.

pub mod country_input;
pub mod country_picker;
pub mod elsewhere;
pub mod follow;
pub mod form;
pub mod layout;
pub mod page_meta;
pub mod pager;
pub mod reader_form;
pub mod status;
pub mod story_card;
pub mod world_map;
