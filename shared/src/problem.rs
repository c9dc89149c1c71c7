//! RFC 9457 problem details: the one shape of every error the API returns.

use serde::{Deserialize, Serialize};

/// An error, as `application/problem+json` (RFC 9457).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Problem {
    /// A URI naming the kind of problem, e.g. `/problems/invalid-parameter`.
    #[serde(rename = "type")]
    pub type_: String,
    /// A short summary of the kind of problem.
    pub title: String,
    /// The HTTP status code.
    pub status: u16,
    /// What went wrong this time, for people.
    pub detail: String,
    /// One entry per bad field or parameter, for validation problems.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// Most field errors one problem lists; past them, the detail says how many more there were.
pub const ERRORS_MAX: usize = 20;

/// What is wrong with one field or query parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FieldError {
    /// The field or parameter name, e.g. `limit` or `links[0].url`.
    pub field: String,
    /// What is wrong and what is allowed.
    pub message: String,
}

impl FieldError {
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }

    /// Whether this error belongs under the form field `key`: it names `key` itself or one item
    /// of it (`countries[1]` under `countries`), so an error about one entry of a list field is
    /// shown with that list. An item's own field (`links[0].url`) is not the list's error.
    pub fn belongs_to(&self, key: &str) -> bool {
        self.field == key
            || self.field.strip_prefix(key).is_some_and(|rest| {
                rest.len() > 2
                    && rest.starts_with('[')
                    && rest.ends_with(']')
                    && rest[1..rest.len() - 1].bytes().all(|b| b.is_ascii_digit())
            })
    }
}

/// The messages of the errors that belong under the form field `key`, joined, if any.
pub fn messages_for(errors: &[FieldError], key: &str) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| e.belongs_to(key))
        .map(|e| e.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join("; "))
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({}): {}", self.title, self.status, self.detail)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_error_shows_under_its_list_field() {
        let errors = vec![
            FieldError::new("countries[1]", "is not a country we know"),
            FieldError::new("countries", "has too many entries"),
            FieldError::new("links[0].url", "is not a web address"),
            FieldError::new("title", "is required"),
        ];
        assert_eq!(
            messages_for(&errors, "countries").as_deref(),
            Some("is not a country we know; has too many entries")
        );
        // An item's own field is not the list's error, nor is another field's.
        assert_eq!(messages_for(&errors, "links"), None);
        assert_eq!(
            messages_for(&errors, "links[0].url").as_deref(),
            Some("is not a web address")
        );
        assert_eq!(
            messages_for(&errors, "title").as_deref(),
            Some("is required")
        );
        assert_eq!(messages_for(&errors, "titles"), None);
        assert_eq!(messages_for(&errors, "count"), None);
        assert!(!FieldError::new("countries[]", "x").belongs_to("countries"));
        assert!(!FieldError::new("countries[a]", "x").belongs_to("countries"));
    }
}
