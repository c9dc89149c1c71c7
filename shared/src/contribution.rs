//! What readers send: story submissions and guestbook entries, and the checks both the
//! server and the app run on them.
//!
//! `validate()` here is the one set of shape rules (lengths, URL schemes, e-mail shape, link
//! cap, consent). The server runs it and then the checks that need data (known theme and
//! countries); the app runs it before sending so readers see the same messages sooner.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::problem::FieldError;
use crate::story::CountryRef;

/// Longest title, in characters.
pub const TITLE_MAX: usize = 300;
/// Longest story body, in characters.
pub const BODY_MAX: usize = 20_000;
/// Shortest story body, in characters.
pub const BODY_MIN: usize = 20;
/// Longest byline or guestbook name, in characters.
pub const NAME_MAX: usize = 200;
/// Longest e-mail address (RFC 5321).
pub const EMAIL_MAX: usize = 254;
/// Longest URL, in characters.
pub const URL_MAX: usize = 2_000;
/// Most countries one submission may name.
pub const COUNTRIES_MAX: usize = 30;
/// Longest country code or name, in characters ("Democratic Republic of the Congo" is 32).
pub const COUNTRY_NAME_MAX: usize = 100;
/// Most source links one submission may carry.
pub const LINKS_MAX: usize = 10;
/// Longest guestbook message, in characters.
pub const MESSAGE_MAX: usize = 2_000;
/// Most links (URLs written in the text) a body or message may contain.
pub const TEXT_LINKS_MAX: usize = 3;
/// Longest rejection reason, in characters.
pub const REASON_MAX: usize = 2_000;

/// A story a reader submits (`POST /api/v1/submissions`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct CreateSubmission {
    #[cfg_attr(feature = "openapi", schema(example = "Land defenders detained"))]
    pub title: String,
    /// Plain text; paragraphs separated by blank lines. Markdown emphasis and links are
    /// kept as typed; HTML is never rendered.
    pub body: String,
    /// A theme's slug: `justice`, `freedom`, `peace`, `democracy` or `well-being`.
    #[cfg_attr(feature = "openapi", schema(example = "justice"))]
    pub theme: String,
    /// ISO 3166-1 alpha-2 codes or country names ("KH", "Laos", "Burma").
    #[serde(default)]
    pub countries: Vec<String>,
    /// Who wrote it, as it should be printed; absent or empty for anonymous.
    #[serde(default)]
    pub byline: Option<String>,
    /// How moderators may reach the submitter. Private: never shown publicly.
    #[serde(default)]
    pub email: Option<String>,
    /// Sources for the story, http or https.
    #[serde(default)]
    pub links: Vec<SubmittedLink>,
    /// "Visit the related web page": one primary link.
    #[serde(default)]
    pub related_url: Option<String>,
    /// The submitter agrees that the story may be published; must be `true`.
    #[serde(default)]
    pub consent: bool,
    /// Leave empty. A field people never see, which form-filling robots do.
    #[serde(default)]
    pub website: Option<String>,
}

/// A source link as a reader sends it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SubmittedLink {
    #[cfg_attr(
        feature = "openapi",
        schema(example = "https://www.ohchr.org/en/press-releases")
    )]
    pub url: String,
    #[serde(default)]
    pub title: Option<String>,
}

/// Where a submission is in the moderators' queue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    Pending,
    Approved,
    Rejected,
}

impl SubmissionStatus {
    pub const ALL: [SubmissionStatus; 3] = [
        SubmissionStatus::Pending,
        SubmissionStatus::Approved,
        SubmissionStatus::Rejected,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionStatus::Pending => "pending",
            SubmissionStatus::Approved => "approved",
            SubmissionStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// The answer to a submission: it is stored and waits for a moderator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionReceipt {
    pub id: i64,
    pub status: SubmissionStatus,
}

/// A submission as moderators see it, private contact details included.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Submission {
    pub id: i64,
    pub status: SubmissionStatus,
    pub title: String,
    pub body: String,
    pub theme: String,
    /// The countries, resolved to ISO codes when submitted.
    pub countries: Vec<CountryRef>,
    pub byline: Option<String>,
    /// Private: moderators only.
    pub email: Option<String>,
    pub links: Vec<SubmittedLink>,
    pub related_url: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// Why a moderator rejected it.
    pub reject_reason: Option<String>,
    /// The story an approval created.
    pub story_id: Option<i64>,
}

/// A page of the moderators' submission queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SubmissionPage {
    pub items: Vec<Submission>,
    pub total: i64,
    pub limit: u32,
    pub offset: u64,
}

/// Signing the guestbook (`POST /api/v1/guestbook`).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SignGuestbook {
    #[cfg_attr(feature = "openapi", schema(example = "Maria"))]
    pub name: String,
    pub message: String,
    /// An ISO 3166-1 code or a country name; optional.
    #[serde(default)]
    pub country: Option<String>,
    /// Leave empty. A field people never see, which form-filling robots do.
    #[serde(default)]
    pub website: Option<String>,
}

/// Whether a guestbook entry shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuestbookStatus {
    Visible,
    Pending,
    Hidden,
}

impl GuestbookStatus {
    pub const ALL: [GuestbookStatus; 3] = [
        GuestbookStatus::Visible,
        GuestbookStatus::Pending,
        GuestbookStatus::Hidden,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            GuestbookStatus::Visible => "visible",
            GuestbookStatus::Pending => "pending",
            GuestbookStatus::Hidden => "hidden",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

/// A guestbook entry. `status` is present for moderators and in the answer to signing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestbookEntry {
    pub id: i64,
    pub name: String,
    /// ISO 3166-1 alpha-2 code, or null.
    pub country: Option<String>,
    /// The country's name, as `GET /api/v1/countries` names it, or null.
    #[serde(default)]
    #[cfg_attr(feature = "openapi", schema(example = "Cambodia"))]
    pub country_name: Option<String>,
    pub message: String,
    pub created_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<GuestbookStatus>,
}

/// A page of guestbook entries, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GuestbookPage {
    pub items: Vec<GuestbookEntry>,
    pub total: i64,
    pub limit: u32,
    pub offset: u64,
    /// The next (older) page's URL, or null on the last page.
    pub next: Option<String>,
    /// The previous (newer) page's URL, or null on the first page.
    pub prev: Option<String>,
}

impl CreateSubmission {
    /// The shape rules, every bad field at once. Empty when the submission is well formed.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        required_text(&mut errors, "title", &self.title, 3, TITLE_MAX);
        required_text(&mut errors, "body", &self.body, BODY_MIN, BODY_MAX);
        text_links(&mut errors, "body", &self.body);
        if self.theme.trim().is_empty() {
            errors.push(FieldError::new("theme", "choose a theme"));
        }
        // A list past its cap is one error: its items are not looked at.
        if self.countries.len() > COUNTRIES_MAX {
            errors.push(FieldError::new(
                "countries",
                format!("name at most {COUNTRIES_MAX} countries"),
            ));
        } else {
            for (i, c) in self.countries.iter().enumerate() {
                country_name(&mut errors, &format!("countries[{i}]"), c);
            }
        }
        optional_text(&mut errors, "byline", self.byline.as_deref(), NAME_MAX);
        if self
            .email
            .as_deref()
            .is_some_and(|e| e.chars().count() > EMAIL_MAX)
        {
            // As sent, as the document's `maxLength` counts.
            errors.push(FieldError::new(
                "email",
                format!("is too long: at most {EMAIL_MAX} characters"),
            ));
        } else if let Some(email) = non_blank(self.email.as_deref()) {
            if let Err(m) = check_email(email) {
                errors.push(FieldError::new("email", m));
            }
        }
        if self.links.len() > LINKS_MAX {
            errors.push(FieldError::new(
                "links",
                format!("give at most {LINKS_MAX} links"),
            ));
        }
        for (i, link) in self.links.iter().enumerate().take(LINKS_MAX) {
            if let Err(m) = check_url(&link.url) {
                errors.push(FieldError::new(format!("links[{i}].url"), m));
            }
            optional_text(
                &mut errors,
                &format!("links[{i}].title"),
                link.title.as_deref(),
                TITLE_MAX,
            );
        }
        if let Some(url) = non_blank(self.related_url.as_deref()) {
            if let Err(m) = check_url(url) {
                errors.push(FieldError::new("related_url", m));
            }
        }
        if !self.consent {
            errors.push(FieldError::new(
                "consent",
                "must be true: we publish only stories we have your consent to publish",
            ));
        }
        errors
    }
}

impl SignGuestbook {
    /// The shape rules, every bad field at once. Empty when the entry is well formed.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errors = Vec::new();
        required_text(&mut errors, "name", &self.name, 1, NAME_MAX);
        required_text(&mut errors, "message", &self.message, 2, MESSAGE_MAX);
        text_links(&mut errors, "message", &self.message);
        if let Some(c) = non_blank(self.country.as_deref()) {
            country_name(&mut errors, "country", c);
        }
        errors
    }
}

/// A country's code or name: not empty, not over [`COUNTRY_NAME_MAX`], no control characters.
fn country_name(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    if value.trim().is_empty() {
        errors.push(FieldError::new(field, "is empty"));
    } else if value.chars().count() > COUNTRY_NAME_MAX {
        errors.push(FieldError::new(
            field,
            format!("is too long for a country: at most {COUNTRY_NAME_MAX} characters"),
        ));
    } else if has_control_chars(value) {
        errors.push(FieldError::new(field, "contains control characters"));
    }
}

/// `Some(trimmed)` unless absent or blank.
pub fn non_blank(s: Option<&str>) -> Option<&str> {
    s.map(str::trim).filter(|s| !s.is_empty())
}

/// A text that must be there: at least `min` characters once trimmed (blanks are not text),
/// at most `max` as sent (the document's `maxLength`, which counts every character).
pub(crate) fn required_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: &str,
    min: usize,
    max: usize,
) {
    let trimmed = value.trim().chars().count();
    let n = value.chars().count();
    if trimmed == 0 {
        errors.push(FieldError::new(field, "is required"));
    } else if trimmed < min {
        errors.push(FieldError::new(
            field,
            format!("is too short: at least {min} characters"),
        ));
    } else if n > max {
        errors.push(FieldError::new(
            field,
            format!("is too long: at most {max} characters, this has {n}"),
        ));
    }
    if has_control_chars(value) {
        errors.push(FieldError::new(field, "contains control characters"));
    }
}

pub(crate) fn optional_text(
    errors: &mut Vec<FieldError>,
    field: &str,
    value: Option<&str>,
    max: usize,
) {
    let Some(value) = value else { return };
    // As sent, as the document's `maxLength` counts.
    let n = value.chars().count();
    if n > max {
        errors.push(FieldError::new(
            field,
            format!("is too long: at most {max} characters, this has {n}"),
        ));
    }
    if has_control_chars(value) {
        errors.push(FieldError::new(field, "contains control characters"));
    }
}

fn text_links(errors: &mut Vec<FieldError>, field: &str, value: &str) {
    let n = count_links(value);
    if n > TEXT_LINKS_MAX {
        errors.push(FieldError::new(
            field,
            format!("has {n} links: at most {TEXT_LINKS_MAX} are allowed in the text"),
        ));
    }
}

/// Control characters other than newline, carriage return and tab.
fn has_control_chars(s: &str) -> bool {
    s.chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
}

/// How many URLs (`http://`, `https://`, `www.`) a text contains: the caps on links in a
/// text, which the app checks too. Whether a guestbook entry holds a link at all (bare
/// domains, full-width spellings) is the server's `links::has_link`.
pub fn count_links(text: &str) -> usize {
    let lower = text.to_lowercase();
    lower.matches("http://").count() + lower.matches("https://").count() + {
        // "www." not already part of a counted URL.
        lower
            .match_indices("www.")
            .filter(|(i, _)| !lower[..*i].ends_with("://"))
            .count()
    }
}

/// An absolute http or https URL with a host, no spaces, at most [`URL_MAX`] characters.
pub fn check_url(url: &str) -> Result<(), String> {
    // As sent, as the document's `maxLength` counts; then read without the blanks around it.
    if url.chars().count() > URL_MAX {
        return Err(format!("is too long: at most {URL_MAX} characters"));
    }
    let url = url.trim();
    if url.is_empty() {
        return Err("is required".into());
    }
    let lower = url.to_ascii_lowercase();
    let rest = if let Some(rest) = lower.strip_prefix("https://") {
        rest
    } else if let Some(rest) = lower.strip_prefix("http://") {
        rest
    } else {
        return Err("must be an http:// or https:// address".into());
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err("must not contain spaces".into());
    }
    let host = rest
        .split(['/', '?', '#'])
        .next()
        .unwrap_or_default()
        .rsplit('@')
        .next()
        .unwrap_or_default();
    let host = host.split(':').next().unwrap_or_default();
    if host.is_empty() || !host.contains('.') && host != "localhost" {
        return Err("must name a host, like https://example.org/page".into());
    }
    Ok(())
}

/// The shape of an e-mail address: one `@`, something before it, a dotted domain after.
pub fn check_email(email: &str) -> Result<(), String> {
    if email.chars().count() > EMAIL_MAX {
        return Err(format!("is too long: at most {EMAIL_MAX} characters"));
    }
    let ok = match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !email.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if ok {
        Ok(())
    } else {
        Err("is not an e-mail address like name@example.org".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn good() -> CreateSubmission {
        CreateSubmission {
            title: "Land defenders detained".into(),
            body: "Three land defenders were detained after a peaceful protest.".into(),
            theme: "justice".into(),
            countries: vec!["KH".into()],
            consent: true,
            ..Default::default()
        }
    }

    #[test]
    fn a_good_submission_passes() {
        assert_eq!(good().validate(), vec![]);
    }

    #[test]
    fn names_every_bad_field() {
        let s = CreateSubmission {
            title: String::new(),
            body: "short".into(),
            theme: " ".into(),
            email: Some("not-an-address".into()),
            links: vec![SubmittedLink {
                url: "javascript:alert(1)".into(),
                title: None,
            }],
            related_url: Some("ftp://example.org".into()),
            consent: false,
            ..good()
        };
        let fields: Vec<String> = s.validate().into_iter().map(|e| e.field).collect();
        assert_eq!(
            fields,
            [
                "title",
                "body",
                "theme",
                "email",
                "links[0].url",
                "related_url",
                "consent"
            ]
        );
    }

    #[test]
    fn urls_must_be_http_with_a_host() {
        assert!(check_url("https://www.ohchr.org/en").is_ok());
        assert!(check_url("http://localhost:8080/x").is_ok());
        assert!(check_url("https://").is_err());
        assert!(check_url("https://exa mple.org").is_err());
        assert!(check_url("data:text/html,hi").is_err());
        assert!(check_url("https://nodot/").is_err());
    }

    #[test]
    fn counts_links_in_text() {
        assert_eq!(
            count_links("see https://a.org and www.b.org and http://c.org"),
            3
        );
        assert_eq!(count_links("see https://www.a.org"), 1);
        assert_eq!(count_links("no links here"), 0);
    }

    #[test]
    fn lengths_count_as_the_document_does() {
        // The most characters counts the text as sent (OpenAPI's maxLength); the least, and
        // whether it is there at all, the text without blanks around it.
        let mut errors = Vec::new();
        required_text(&mut errors, "t", &format!(" {}", "a".repeat(5)), 1, 5);
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert!(errors[0].message.starts_with("is too long"), "{errors:?}");
        let mut errors = Vec::new();
        required_text(&mut errors, "t", "  ab  ", 3, 10);
        assert!(errors[0].message.starts_with("is too short"), "{errors:?}");
        let mut errors = Vec::new();
        required_text(&mut errors, "t", " \u{3000} ", 1, 10);
        assert_eq!(errors[0].message, "is required");
        assert!(check_url(&format!(" https://a.org/{}", "x".repeat(URL_MAX - 14))).is_err());
        assert!(check_url(&format!("https://a.org/{}", "x".repeat(URL_MAX - 14))).is_ok());
    }

    #[test]
    fn email_shape() {
        assert!(check_email("a@b.org").is_ok());
        assert!(check_email("a@b").is_err());
        assert!(check_email("@b.org").is_err());
        assert!(check_email("a b@c.org").is_err());
    }
}
