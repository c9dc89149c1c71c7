//! What moderators and admins do, as functions both the HTTP handlers and the command line
//! call: each validates, writes in one transaction together with its audit-log entry, and
//! returns `shared` types. SQL stays in `db`.

pub mod accounts;
pub mod import;
pub mod queue;
pub mod sources;
pub mod stories;

use peoples_stories_shared::FieldError;

use crate::error::AppError;

/// Who acts: an account (through a session or an API token), or the command line.
pub use crate::db::audit::Actor;

/// Top-level fields that differ between two JSON objects, as `{field: {from, to}}`;
/// `updated_at` is left out.
pub fn diff(old: &serde_json::Value, new: &serde_json::Value) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    if let (Some(o), Some(n)) = (old.as_object(), new.as_object()) {
        for (k, nv) in n {
            if k == "updated_at" {
                continue;
            }
            let ov = o.get(k).unwrap_or(&serde_json::Value::Null);
            if ov != nv {
                out.insert(k.clone(), serde_json::json!({"from": ov, "to": nv}));
            }
        }
    }
    serde_json::Value::Object(out)
}

/// A 422 naming every bad body field, or Ok when there is none.
pub fn check(errors: Vec<FieldError>) -> Result<(), AppError> {
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AppError::invalid_body(errors))
    }
}
