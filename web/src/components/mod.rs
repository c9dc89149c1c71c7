//! Pieces that several pages share.

pub mod country_input;
pub mod elsewhere;
pub mod follow;
pub mod form;
pub mod layout;
pub mod link_rows;
pub mod page_meta;
pub mod pager;
pub mod status;
pub mod story_card;
pub mod world_map;
