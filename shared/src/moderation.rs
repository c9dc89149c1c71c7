//! Moderation: accounts, sessions, API tokens, the audit log, and what moderators send to
//! write stories and sources.
//!
//! `validate()` here is the one set of shape rules for story and source input; the server
//! runs it and then the checks that need data (known theme, countries), and the admin view
//! can run it before sending.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize};

use crate::contribution::{check_url, optional_text, required_text, BODY_MAX, NAME_MAX, TITLE_MAX};
use crate::date::PartialDate;
use crate::problem::FieldError;

/// Shortest password an account may have, in characters.
pub const PASSWORD_MIN: usize = 12;
/// Longest password, in characters (argon2 hashes anything, but requests stay small).
pub const PASSWORD_MAX: usize = 1_000;
/// The longest slug a source may be given.
pub const SOURCE_SLUG_MAX: usize = 80;
/// Longest summary, in characters.
pub const SUMMARY_MAX: usize = 2_000;
/// Most countries one story may name.
pub const STORY_COUNTRIES_MAX: usize = 60;
/// Most source links one story may carry.
pub const STORY_LINKS_MAX: usize = 50;
/// Most dated updates one story may carry.
pub const STORY_UPDATES_MAX: usize = 100;
/// The name of the CSRF header every cookie-authenticated change must carry.
pub const CSRF_HEADER: &str = "X-CSRF-Token";

/// What an account may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything a moderator may, and accounts, API tokens and the audit log.
    Admin,
    /// The queue, stories and sources.
    Moderator,
}

impl Role {
    pub const ALL: [Role; 2] = [Role::Admin, Role::Moderator];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Moderator => "moderator",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn is_admin(self) -> bool {
        self == Role::Admin
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Logging in (`POST /api/v1/auth/login`).
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Login {
    #[cfg_attr(feature = "openapi", schema(example = "maria"))]
    pub username: String,
    pub password: String,
}

// The password never reaches a log through `{:?}`.
impl std::fmt::Debug for Login {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Login")
            .field("username", &self.username)
            .field("password", &"***")
            .finish()
    }
}

/// Who is logged in (`POST /api/v1/auth/login`, `GET /api/v1/auth/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Me {
    #[cfg_attr(feature = "openapi", schema(example = "maria"))]
    pub username: String,
    pub role: Role,
    /// Send it as the `X-CSRF-Token` header with every change made through the session
    /// cookie. Null when the request was authenticated by an API token.
    pub csrf_token: Option<String>,
}

/// The answer to a login: the same as `Me`.
pub type LoginResponse = Me;

/// A moderator or admin account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Moderator {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "maria"))]
    pub username: String,
    pub role: Role,
    /// When the account was disabled; null while it is active.
    pub disabled_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

/// Making an account (`POST /api/v1/users`, admins only).
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateModerator {
    /// 3 to 64 of `a-z`, `0-9`, `.`, `_`, `-`; stored lower-case.
    #[cfg_attr(feature = "openapi", schema(example = "maria"))]
    pub username: String,
    /// At least 12 characters.
    pub password: String,
    pub role: Role,
}

impl std::fmt::Debug for CreateModerator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CreateModerator")
            .field("username", &self.username)
            .field("password", &"***")
            .field("role", &self.role)
            .finish()
    }
}

/// The shape of a username: 3 to 64 of `a-z`, `0-9`, `.`, `_`, `-` (after lower-casing).
pub fn check_username(username: &str) -> Result<(), String> {
    let n = username.chars().count();
    if !(3..=64).contains(&n) {
        return Err("must be 3 to 64 characters".into());
    }
    if !username
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Err("may hold only a-z, 0-9, '.', '_' and '-'".into());
    }
    Ok(())
}

/// The length rules of a password.
pub fn check_password(password: &str) -> Result<(), String> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(format!("is too short: at least {PASSWORD_MIN} characters"));
    }
    if n > PASSWORD_MAX {
        return Err(format!("is too long: at most {PASSWORD_MAX} characters"));
    }
    Ok(())
}

/// An API token as admins see it; its secret is shown once, at creation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiToken {
    pub id: i64,
    /// What it is for ("nightly import").
    pub name: String,
    /// The account it acts as; it has that account's role.
    pub username: String,
    pub created_at: DateTime<Utc>,
    pub last_used_at: Option<DateTime<Utc>>,
    /// When it was revoked; null while it works.
    pub revoked_at: Option<DateTime<Utc>>,
}

/// Making an API token (`POST /api/v1/tokens`, admins only).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateApiToken {
    /// What it is for, 1 to 200 characters.
    #[cfg_attr(feature = "openapi", schema(example = "nightly import"))]
    pub name: String,
    /// The account it acts as; the admin making it when absent.
    #[serde(default)]
    pub username: Option<String>,
}

/// A new API token with its secret: send it as `Authorization: Bearer <token>`. The secret
/// is never shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiToken {
    pub token: String,
    #[serde(flatten)]
    pub info: ApiToken,
}

/// One moderator action, as the audit log keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    /// The account that acted; null for the command line.
    pub actor: Option<String>,
    /// What was done: `story.create`, `story.update`, `story.delete`, `source.create`,
    /// `user.create`, `user.disable`, `token.create`, `token.revoke`, `auth.login`, ...
    #[cfg_attr(feature = "openapi", schema(example = "story.update"))]
    pub action: String,
    /// `story`, `source`, `user`, `token`, `submission`, `guestbook`, `session`.
    #[cfg_attr(feature = "openapi", schema(example = "story"))]
    pub target_type: String,
    pub target_id: Option<String>,
    /// What changed: for edits, `{field: {"from": old, "to": new}}`; otherwise what was made
    /// or removed.
    #[cfg_attr(feature = "openapi", schema(value_type = Object))]
    pub details: serde_json::Value,
    /// The id of the API token the action was taken with; null for a session or the command
    /// line.
    #[serde(default)]
    pub via_token_id: Option<i64>,
    /// The account that made that token, which may not be `actor`: an admin can make a token
    /// for another account, and the token acts as that account. Null when no token was used
    /// or the token was made on the command line.
    #[serde(default)]
    pub token_maker: Option<String>,
}

/// A page of the audit log, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    pub total: i64,
    pub limit: u32,
    pub offset: u64,
}

/// Whether readers see a story.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StoryStatus {
    Published,
    /// Not shown: written but not yet published, or unpublished.
    Draft,
}

impl StoryStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            StoryStatus::Published => "published",
            StoryStatus::Draft => "draft",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "published" => Some(StoryStatus::Published),
            "draft" => Some(StoryStatus::Draft),
            _ => None,
        }
    }
}

/// A story of any status, as moderators see it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManagedStory {
    pub status: StoryStatus,
    #[serde(flatten)]
    pub story: crate::story::Story,
}

/// A page of stories of any status, newest first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ManagedStoryPage {
    pub items: Vec<ManagedStory>,
    pub total: i64,
    pub limit: u32,
    pub offset: u64,
}

/// A dated follow-up as moderators write it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct UpdateInput {
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; absent when unknown.
    #[serde(default)]
    pub date: Option<PartialDate>,
    pub body: String,
}

/// A source link as moderators write it; its source (publisher) follows from the URL's
/// domain and is made when new.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LinkInput {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://www.ohchr.org/en/press-releases")
    )]
    pub url: String,
    #[serde(default)]
    pub title: Option<String>,
}

/// A whole story as moderators write it (`POST /api/v1/stories`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StoryInput {
    pub title: String,
    /// A theme's slug.
    #[cfg_attr(feature = "openapi", schema(example = "justice"))]
    pub theme: String,
    #[serde(default)]
    pub byline: Option<String>,
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; absent when unknown.
    #[serde(default)]
    pub date: Option<PartialDate>,
    #[serde(default)]
    pub summary: Option<String>,
    pub body: String,
    /// Dated follow-ups, oldest first.
    #[serde(default)]
    pub updates: Vec<UpdateInput>,
    /// ISO 3166-1 alpha-2 codes or country names.
    #[serde(default)]
    pub countries: Vec<String>,
    #[serde(default)]
    pub links: Vec<LinkInput>,
    #[serde(default)]
    pub related_url: Option<String>,
    /// `published` (the default) or `draft`.
    #[serde(default)]
    pub status: Option<StoryStatus>,
}

/// Reads a field that may be absent (leave as is), null (clear) or a value (set).
fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// A change to a story (`PATCH /api/v1/stories/{id}`): absent fields stay as they are;
/// `null` clears an optional field; lists replace the story's list whole. `status: "draft"`
/// unpublishes the story, `"published"` publishes it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct StoryPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub byline: Option<Option<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<PartialDate>))]
    pub date: Option<Option<PartialDate>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub summary: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updates: Option<Vec<UpdateInput>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<LinkInput>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub related_url: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<StoryStatus>,
}

impl StoryPatch {
    /// The whole story this patch makes of `current`.
    pub fn apply(self, mut current: StoryInput) -> StoryInput {
        if let Some(v) = self.title {
            current.title = v;
        }
        if let Some(v) = self.theme {
            current.theme = v;
        }
        if let Some(v) = self.byline {
            current.byline = v;
        }
        if let Some(v) = self.date {
            current.date = v;
        }
        if let Some(v) = self.summary {
            current.summary = v;
        }
        if let Some(v) = self.body {
            current.body = v;
        }
        if let Some(v) = self.updates {
            current.updates = v;
        }
        if let Some(v) = self.countries {
            current.countries = v;
        }
        if let Some(v) = self.links {
            current.links = v;
        }
        if let Some(v) = self.related_url {
            current.related_url = v;
        }
        if let Some(v) = self.status {
            current.status = Some(v);
        }
        current
    }
}

impl StoryInput {
    /// Every shape problem at once, each naming its field.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        required_text(&mut errors, "title", &self.title, 1, TITLE_MAX);
        if self.theme.trim().is_empty() {
            errors.push(FieldError::new("theme", "is required"));
        }
        optional_text(&mut errors, "byline", self.byline.as_deref(), NAME_MAX);
        optional_text(&mut errors, "summary", self.summary.as_deref(), SUMMARY_MAX);
        required_text(&mut errors, "body", &self.body, 1, BODY_MAX);
        if self.updates.len() > STORY_UPDATES_MAX {
            errors.push(FieldError::new(
                "updates",
                format!("has {}: at most {STORY_UPDATES_MAX}", self.updates.len()),
            ));
        }
        for (i, u) in self.updates.iter().enumerate() {
            required_text(
                &mut errors,
                &format!("updates[{i}].body"),
                &u.body,
                1,
                BODY_MAX,
            );
        }
        if self.countries.len() > STORY_COUNTRIES_MAX {
            errors.push(FieldError::new(
                "countries",
                format!(
                    "has {}: at most {STORY_COUNTRIES_MAX}",
                    self.countries.len()
                ),
            ));
        }
        if self.links.len() > STORY_LINKS_MAX {
            errors.push(FieldError::new(
                "links",
                format!("has {}: at most {STORY_LINKS_MAX}", self.links.len()),
            ));
        }
        for (i, l) in self.links.iter().enumerate() {
            if let Err(m) = check_url(&l.url) {
                errors.push(FieldError::new(format!("links[{i}].url"), m));
            }
            optional_text(
                &mut errors,
                &format!("links[{i}].title"),
                l.title.as_deref(),
                TITLE_MAX,
            );
        }
        if let Some(url) = self.related_url.as_deref() {
            if let Err(m) = check_url(url) {
                errors.push(FieldError::new("related_url", m));
            }
        }
        errors
    }
}

/// A publisher as moderators write it (`POST /api/v1/sources`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SourceInput {
    #[cfg_attr(feature = "openapi", schema(example = "Amnesty International"))]
    pub name: String,
    /// The registrable domain its links are on, lower-case (`amnesty.org`).
    #[cfg_attr(feature = "openapi", schema(example = "amnesty.org"))]
    pub domain: String,
    /// URL-safe name; made from the name when absent.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "amnesty"))]
    pub slug: Option<String>,
}

/// A change to a source (`PATCH /api/v1/sources/{id_or_slug}`): absent fields stay.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SourcePatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub domain: Option<String>,
    #[serde(default)]
    pub slug: Option<String>,
}

impl SourceInput {
    /// Every shape problem at once, each naming its field.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        required_text(&mut errors, "name", &self.name, 1, NAME_MAX);
        let d = self.domain.trim();
        let domain_ok = !d.is_empty()
            && d.len() <= 253
            && d.contains('.')
            && !d.starts_with('.')
            && !d.ends_with('.')
            && d.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '-'));
        if !domain_ok {
            errors.push(FieldError::new(
                "domain",
                "must be a lower-case domain name like amnesty.org",
            ));
        }
        if let Some(slug) = &self.slug {
            let ok = !slug.is_empty()
                && slug.len() <= SOURCE_SLUG_MAX
                && slug
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
                && !slug.chars().all(|c| c.is_ascii_digit());
            if !ok {
                errors.push(FieldError::new(
                    "slug",
                    "must be 1 to 80 of a-z, 0-9 and '-', not only digits",
                ));
            }
        }
        errors
    }
}

/// Rejecting a submission (`POST /api/v1/submissions/{id}/reject`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct RejectSubmission {
    /// Why, for the moderators' records; 1 to 2000 characters.
    #[cfg_attr(feature = "openapi", schema(example = "Not a human-rights story"))]
    pub reason: String,
}

/// A moderator's edit of a pending submission (`PATCH /api/v1/submissions/{id}`): absent
/// fields stay, `null` clears an optional one, lists replace.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmissionPatch {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub body: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub theme: Option<String>,
    /// ISO codes or names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub countries: Option<Vec<String>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub byline: Option<Option<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub links: Option<Vec<LinkInput>>,
    #[serde(
        default,
        deserialize_with = "nullable",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>))]
    pub related_url: Option<Option<String>>,
}

/// Changing a guestbook entry (`PATCH /api/v1/guestbook/{id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GuestbookPatch {
    pub status: crate::contribution::GuestbookStatus,
}

/// What a bulk action does to guestbook entries.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuestbookAction {
    /// Make them visible.
    Show,
    /// Hide them.
    Hide,
    /// Delete them for good.
    Delete,
}

/// Reads a list of integers as JSON (and JSON Schema's `integer`) has them: `7` and `7.0`
/// are the same number; `7.5`, or one beyond i64, is not an id.
fn integers<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<i64>, D::Error> {
    struct Integer(i64);
    impl<'de> Deserialize<'de> for Integer {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            let n = serde_json::Number::deserialize(d)?;
            let whole = n.as_i64().or_else(|| {
                n.as_f64()
                    .filter(|f| f.fract() == 0.0 && (-9.2e18..9.2e18).contains(f))
                    .map(|f| f as i64)
            });
            whole
                .map(Integer)
                .ok_or_else(|| serde::de::Error::custom(format!("{n} is not an integer id")))
        }
    }
    Ok(Vec::<Integer>::deserialize(d)?
        .into_iter()
        .map(|i| i.0)
        .collect())
}

/// One action on many guestbook entries (`POST /api/v1/guestbook/bulk`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct GuestbookBulk {
    /// 1 to 500 entry ids.
    #[serde(deserialize_with = "integers")]
    pub ids: Vec<i64>,
    pub action: GuestbookAction,
}

/// How many entries a bulk action changed (ids that do not exist are skipped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BulkResult {
    pub affected: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patch_tells_absent_from_null() {
        let p: StoryPatch = serde_json::from_str(r#"{"byline": null}"#).expect("json");
        assert_eq!(p.byline, Some(None));
        assert_eq!(p.summary, None);
        let p: StoryPatch = serde_json::from_str(r#"{"byline": "OHCHR"}"#).expect("json");
        assert_eq!(p.byline, Some(Some("OHCHR".into())));
    }

    #[test]
    fn story_input_names_every_bad_field() {
        let s = StoryInput {
            links: vec![LinkInput {
                url: "ftp://x".into(),
                title: None,
            }],
            related_url: Some("nope".into()),
            ..Default::default()
        };
        let fields: Vec<String> = s.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            ["title", "theme", "body", "links[0].url", "related_url"]
        );
    }

    #[test]
    fn usernames() {
        assert!(check_username("maria.k-2_x").is_ok());
        assert!(check_username("Maria").is_err());
        assert!(check_username("ab").is_err());
    }
}

/// What an import did, or in a dry run would do (`POST /api/v1/stories/import`,
/// `peoples-stories import`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ImportReport {
    /// Nothing was written: the counts say what would have been.
    pub dry_run: bool,
    /// Lines read, blank ones aside.
    pub lines: usize,
    pub created: usize,
    pub updated: usize,
    /// Stories already exactly as the line says: left alone.
    pub unchanged: usize,
    /// The lines refused, in order, each with what is wrong with it.
    pub refused: Vec<RefusedLine>,
}

/// A line an import refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RefusedLine {
    /// Its number, from 1.
    pub line: usize,
    /// Each bad field (`line` when the line is not a JSON object at all).
    pub errors: Vec<FieldError>,
}
