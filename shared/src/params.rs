//! Reading a list's query string strictly, with one set of rules for every list: unknown
//! names are refused (naming the ones allowed), a name given twice is refused unless the list
//! repeats it, and paging (`limit`, `offset`) has the same bounds, defaults and messages
//! everywhere. Every bad parameter is reported at once, each by name.

use crate::problem::FieldError;

/// The largest page a client may ask for.
pub const MAX_LIMIT: u32 = 100;
/// The page size when a client names none.
pub const DEFAULT_LIMIT: u32 = 20;
/// The furthest start a client may ask for; far beyond any real archive.
pub const MAX_OFFSET: u64 = 10_000_000;

/// Where a page starts and how long it is: the `limit` and `offset` of every list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct Paging {
    /// Page size, 1 to 100; default 20.
    #[cfg_attr(
        feature = "openapi",
        param(required = false, minimum = 1, maximum = 100, example = 20)
    )]
    pub limit: u32,
    /// How many to skip, 0 to 10,000,000; default 0.
    #[cfg_attr(
        feature = "openapi",
        param(required = false, minimum = 0, maximum = 10_000_000, example = 0)
    )]
    pub offset: u64,
}

impl Default for Paging {
    fn default() -> Self {
        Paging {
            limit: DEFAULT_LIMIT,
            offset: 0,
        }
    }
}

impl Paging {
    /// Reads `limit` or `offset`; false for any other name.
    pub fn read(&mut self, key: &str, value: &str, errors: &mut Vec<FieldError>) -> bool {
        match key {
            "limit" => match value.parse::<u32>() {
                Ok(n) if (1..=MAX_LIMIT).contains(&n) => self.limit = n,
                _ => errors.push(FieldError::new(
                    "limit",
                    format!(
                        "'{value}' is not a page size: use a whole number from 1 to {MAX_LIMIT}"
                    ),
                )),
            },
            "offset" => match value.parse::<u64>() {
                Ok(n) if n <= MAX_OFFSET => self.offset = n,
                _ => errors.push(FieldError::new(
                    "offset",
                    format!("'{value}' is not a start: use a whole number from 0 to {MAX_OFFSET}"),
                )),
            },
            _ => return false,
        }
        true
    }

    /// The next page's start, when there is one, for a list of `total` items.
    pub fn next_offset(&self, total: u64) -> Option<u64> {
        let next = self.offset + u64::from(self.limit);
        (next < total).then_some(next)
    }

    /// The previous page's start, on every page but the first.
    pub fn prev_offset(&self) -> Option<u64> {
        (self.offset > 0).then(|| self.offset.saturating_sub(u64::from(self.limit)))
    }

    /// The links to the next and previous pages, made by `url(offset)`.
    pub fn links(
        &self,
        total: u64,
        url: impl Fn(u64) -> String,
    ) -> (Option<String>, Option<String>) {
        (
            self.next_offset(total).map(&url),
            self.prev_offset().map(&url),
        )
    }

    /// `offset` as the databases take it (it is at most `MAX_OFFSET`).
    pub fn offset_i64(&self) -> i64 {
        i64::try_from(self.offset).unwrap_or(i64::MAX)
    }
}

/// A query string's pairs, each checked against the names a list takes.
pub struct QueryReader {
    names: &'static [&'static str],
    repeatable: &'static [&'static str],
    seen: Vec<String>,
    /// Every bad parameter so far.
    pub errors: Vec<FieldError>,
}

impl QueryReader {
    /// A reader for a list taking `names`, of which `repeatable` may come more than once.
    pub fn new(names: &'static [&'static str], repeatable: &'static [&'static str]) -> Self {
        QueryReader {
            names,
            repeatable,
            seen: Vec::new(),
            errors: Vec::new(),
        }
    }

    /// The pairs of `query` (without the `?`) whose names the list takes, values trimmed;
    /// unknown and repeated names are recorded in `errors` and left out.
    pub fn pairs(&mut self, query: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (key, value) in form_urlencoded::parse(query.as_bytes()) {
            let key = key.into_owned();
            if !self.names.contains(&key.as_str()) {
                let known = if self.names.is_empty() {
                    "this list takes no parameters".to_string()
                } else {
                    format!("the parameters are {}", self.names.join(", "))
                };
                self.errors.push(FieldError::new(
                    &key,
                    format!("unknown parameter '{key}': {known}"),
                ));
                continue;
            }
            if !self.repeatable.contains(&key.as_str()) {
                if self.seen.contains(&key) {
                    self.errors.push(FieldError::new(
                        &key,
                        format!("'{key}' may be given only once"),
                    ));
                    continue;
                }
                self.seen.push(key.clone());
            }
            out.push((key, value.trim().to_string()));
        }
        out
    }

    /// Records a bad value of `field`.
    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(FieldError::new(field, message));
    }

    /// `value`, or the errors found.
    pub fn finish<T>(self, value: T) -> Result<T, Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(value)
        } else {
            Err(self.errors)
        }
    }
}

/// A list read with paging alone (the public guestbook): `limit` and `offset`.
pub fn parse_paging(query: &str) -> Result<Paging, Vec<FieldError>> {
    let mut reader = QueryReader::new(&["limit", "offset"], &[]);
    let mut paging = Paging::default();
    for (key, value) in reader.pairs(query) {
        paging.read(&key, &value, &mut reader.errors);
    }
    reader.finish(paging)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_set_of_rules() {
        assert_eq!(parse_paging("").unwrap(), Paging::default());
        assert_eq!(
            parse_paging("limit=5&offset=10").unwrap(),
            Paging {
                limit: 5,
                offset: 10
            }
        );
        let fields = |q: &str| -> Vec<String> {
            parse_paging(q)
                .unwrap_err()
                .into_iter()
                .map(|e| e.field)
                .collect()
        };
        assert_eq!(fields("limit=0"), ["limit"]);
        assert_eq!(fields("limit=101&offset=-1"), ["limit", "offset"]);
        assert_eq!(fields("offset=10000001"), ["offset"]);
        assert_eq!(fields("limit=5&limit=6"), ["limit"]);
        assert_eq!(fields("colour=red"), ["colour"]);
    }

    #[test]
    fn links() {
        let p = Paging {
            limit: 10,
            offset: 10,
        };
        let url = |o: u64| format!("/x?offset={o}");
        assert_eq!(
            p.links(25, url),
            (Some("/x?offset=20".into()), Some("/x?offset=0".into()))
        );
        assert_eq!(p.links(20, url), (None, Some("/x?offset=0".into())));
        let first = Paging::default();
        assert_eq!(first.links(5, url), (None, None));
    }
}
