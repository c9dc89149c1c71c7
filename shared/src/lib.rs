//! The contract of People's Stories.
//!
//! Every type that crosses HTTP lives here, so the API (which serialises them) and the WASM
//! app (which deserialises them) cannot disagree. This crate builds for `wasm32` and never
//! depends on diesel or actix; OpenAPI derives sit behind the `openapi` feature, which only
//! the API turns on.

pub mod contribution;
pub mod date;
pub mod harvest;
pub mod highlight;
pub mod list;
pub mod moderation;
pub mod params;
pub mod paths;
pub mod problem;
pub mod story;
pub mod taxonomy;

pub use contribution::{
    CreateSubmission, GuestbookEntry, GuestbookPage, GuestbookStatus, SignGuestbook, Submission,
    SubmissionPage, SubmissionReceipt, SubmissionStatus, SubmittedLink,
};
pub use date::{DatePrecision, PartialDate};
pub use harvest::{RemovalReason, Tombstone, TombstonePage, TombstoneQuery};
pub use list::{
    Facet, ListStoriesQuery, SortOrder, StoryPage, MAX_QUERY_CHARS, MAX_QUERY_TERMS, STORY_FIELDS,
};
pub use moderation::{
    ApiToken, AuditEntry, AuditPage, BulkResult, CreateApiToken, CreateModerator, GuestbookAction,
    GuestbookBulk, GuestbookPatch, ImportReport, LinkInput, Login, LoginResponse, ManagedStory,
    ManagedStoryPage, Me, Moderator, NewApiToken, RefusedLine, RejectSubmission, Role, SourceInput,
    SourcePatch, StoryInput, StoryPatch, StoryStatus, SubmissionPatch, UpdateInput,
};
pub use params::{Paging, QueryReader};
pub use problem::{messages_for, FieldError, Problem};
pub use story::{CountryRef, SourceRef, Story, StoryLink, StoryUpdate};
pub use taxonomy::{Country, Source, Theme};
