//! The catalogue of ISO 3166-1 countries: codes, the names readers know them by, UN regions,
//! and lookup by code, name or alias ("KH", "Cambodia", "Laos", "Burma").
//!
//! ISO's own list comes from the keshvar crate; the common names and aliases are ours.

use std::collections::HashMap;
use std::sync::OnceLock;

use peoples_stories_shared::contribution::COUNTRY_NAME_MAX;
use peoples_stories_shared::FieldError;

/// Most inputs `resolve_all` looks at: the largest cap of any list of countries.
pub const RESOLVE_MAX: usize = peoples_stories_shared::moderation::STORY_COUNTRIES_MAX;

/// One country of the catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogCountry {
    pub code: String,
    /// The name people use ("Laos" is an alias; "Lao People's Democratic Republic" the name).
    pub name: String,
    pub region: Option<String>,
    /// Other names: ISO's short name when we show a common one, and the aliases below.
    pub aliases: Vec<String>,
}

/// Names we show instead of ISO's short name, which reads awkwardly in a list.
const COMMON_NAMES: &[(&str, &str)] = &[
    ("BO", "Bolivia"),
    ("BN", "Brunei"),
    ("CD", "Democratic Republic of the Congo"),
    ("CG", "Republic of the Congo"),
    ("FM", "Micronesia"),
    ("GB", "United Kingdom"),
    ("IR", "Iran"),
    ("KP", "North Korea"),
    ("KR", "South Korea"),
    ("MD", "Moldova"),
    ("PS", "Palestine"),
    ("RU", "Russia"),
    ("SY", "Syria"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("US", "United States"),
    ("VE", "Venezuela"),
    ("VN", "Vietnam"),
    ("LA", "Laos"),
    ("VA", "Vatican City"),
];

/// Names readers type that are neither ISO's nor our common name.
const ALIASES: &[(&str, &str)] = &[
    ("LA", "Lao PDR"),
    ("LA", "Lao"),
    ("MM", "Burma"),
    ("CI", "Ivory Coast"),
    ("CI", "Cote d'Ivoire"),
    ("CD", "DR Congo"),
    ("CD", "DRC"),
    ("CD", "Congo-Kinshasa"),
    ("CG", "Congo-Brazzaville"),
    ("CG", "Congo"),
    ("CZ", "Czech Republic"),
    ("GB", "UK"),
    ("GB", "Britain"),
    ("GB", "Great Britain"),
    ("US", "USA"),
    ("US", "United States of America"),
    ("AE", "UAE"),
    ("KR", "Korea"),
    ("KR", "Republic of Korea"),
    ("KP", "DPRK"),
    ("MK", "Macedonia"),
    ("SZ", "Swaziland"),
    ("TL", "East Timor"),
    ("CV", "Cape Verde"),
    ("NL", "Holland"),
    ("TR", "Turkey"),
    ("TR", "Türkiye"),
    ("VN", "Viet Nam"),
    ("RU", "Russian Federation"),
    ("PS", "Palestinian Territories"),
    ("VA", "Holy See"),
    ("MO", "Macau"),
    ("FK", "Falklands"),
    ("BA", "Bosnia"),
];

/// Lower-case ASCII without accents or punctuation: how names are compared.
pub fn fold(name: &str) -> String {
    deunicode::deunicode(name)
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// `asia` → `Asia`: keshvar prints regions in lower case.
/// The text with its first letter in upper case ("africa" → "Africa").
pub fn capitalise(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// The catalogue's name for an alpha-2 `code` (as stories and `GET /api/v1/countries` name
/// it), for answers that store only the code.
pub fn name_of(code: Option<&str>) -> Option<String> {
    code.and_then(|c| Catalog::get().by_code(c))
        .map(|c| c.name.clone())
}

/// All countries, and an index of every folded name and alias.
pub struct Catalog {
    countries: Vec<CatalogCountry>,
    by_code: HashMap<String, usize>,
    by_name: HashMap<String, usize>,
}

impl Catalog {
    /// The catalogue, built once per process.
    pub fn get() -> &'static Catalog {
        static CATALOG: OnceLock<Catalog> = OnceLock::new();
        CATALOG.get_or_init(Catalog::build)
    }

    fn build() -> Catalog {
        let common: HashMap<&str, &str> = COMMON_NAMES.iter().copied().collect();
        let mut countries: Vec<CatalogCountry> = keshvar::CountryIterator::new()
            .map(|c| {
                let code = c.alpha2().to_string();
                let iso = c.iso_short_name().to_string();
                let (name, mut aliases) = match common.get(code.as_str()) {
                    Some(n) => (n.to_string(), vec![iso]),
                    None => (iso, Vec::new()),
                };
                aliases.extend(
                    ALIASES
                        .iter()
                        .filter(|(c, _)| *c == code)
                        .map(|(_, a)| a.to_string()),
                );
                aliases.retain(|a| fold(a) != fold(&name));
                aliases.dedup();
                CatalogCountry {
                    code,
                    name,
                    region: c.maybe_region().map(|r| capitalise(&r.to_string())),
                    aliases,
                }
            })
            .collect();
        countries.sort_by_key(|c| fold(&c.name));
        let mut by_code = HashMap::new();
        let mut by_name = HashMap::new();
        for (i, c) in countries.iter().enumerate() {
            by_code.insert(c.code.clone(), i);
            by_name.insert(fold(&c.name), i);
        }
        // Aliases never shadow a real name ("Congo" is kept for whichever ISO calls Congo).
        for (i, c) in countries.iter().enumerate() {
            for a in &c.aliases {
                by_name.entry(fold(a)).or_insert(i);
            }
        }
        Catalog {
            countries,
            by_code,
            by_name,
        }
    }

    /// Every country, sorted by name.
    pub fn all(&self) -> &[CatalogCountry] {
        &self.countries
    }

    pub fn by_code(&self, code: &str) -> Option<&CatalogCountry> {
        self.by_code
            .get(&code.to_ascii_uppercase())
            .map(|&i| &self.countries[i])
    }

    /// Finds a country by alpha-2 code, name or alias, ignoring case, accents and punctuation.
    pub fn resolve(&self, input: &str) -> Option<&CatalogCountry> {
        let input = input.trim();
        if input.len() == 2 && input.chars().all(|c| c.is_ascii_alphabetic()) {
            if let Some(c) = self.by_code(input) {
                return Some(c);
            }
        }
        self.by_name.get(&fold(input)).map(|&i| &self.countries[i])
    }

    /// The codes of `inputs` (codes, names or aliases), in order, each once. An input that is
    /// no country adds an error on `field(i)` suggesting the nearest names; an empty or
    /// overlong one, an error saying so (unless that field has one already: the shape rules
    /// may have named it). Only the first [`RESOLVE_MAX`] inputs are looked at (the callers'
    /// caps are lower), and only names up to `COUNTRY_NAME_MAX` characters are compared with
    /// every country's, so no input costs more than a few hundred comparisons.
    pub fn resolve_all(
        &self,
        inputs: &[String],
        field: impl Fn(usize) -> String,
        errors: &mut Vec<FieldError>,
    ) -> Vec<String> {
        let named: std::collections::HashSet<String> =
            errors.iter().map(|e| e.field.clone()).collect();
        let mut codes: Vec<String> = Vec::new();
        for (i, input) in inputs.iter().enumerate().take(RESOLVE_MAX) {
            let input = input.trim();
            let shape = if input.is_empty() {
                Some("is empty: give a country's code or name".to_string())
            } else if input.chars().count() > COUNTRY_NAME_MAX {
                Some(format!(
                    "is too long for a country: at most {COUNTRY_NAME_MAX} characters"
                ))
            } else {
                None
            };
            if let Some(message) = shape {
                let field = field(i);
                if !named.contains(&field) {
                    errors.push(FieldError::new(field, message));
                }
                continue;
            }
            match self.resolve(input) {
                Some(c) if !codes.contains(&c.code) => codes.push(c.code.clone()),
                Some(_) => {}
                None => {
                    let near = self.suggest(input, 3);
                    let hint = if near.is_empty() {
                        "use an ISO 3166-1 alpha-2 code or a country's name".to_string()
                    } else {
                        format!("did you mean {}?", near.join(", "))
                    };
                    errors.push(FieldError::new(
                        field(i),
                        format!("unknown country '{input}': {hint}"),
                    ));
                }
            }
        }
        codes
    }

    /// The names closest to what was typed, for "did you mean" messages.
    pub fn suggest(&self, input: &str, n: usize) -> Vec<String> {
        let folded = fold(input);
        let mut scored: Vec<(f64, &str)> = self
            .by_name
            .iter()
            .map(|(name, &i)| {
                let score = strsim::jaro_winkler(&folded, name);
                (score, self.countries[i].name.as_str())
            })
            .collect();
        scored.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut out: Vec<String> = Vec::new();
        for (score, name) in scored {
            if score < 0.75 || out.len() == n {
                break;
            }
            if !out.iter().any(|o| o == name) {
                out.push(name.to_string());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_codes_names_and_aliases() {
        let c = Catalog::get();
        for (input, code) in [
            ("KH", "KH"),
            ("kh", "KH"),
            ("Cambodia", "KH"),
            ("Laos", "LA"),
            ("Lao PDR", "LA"),
            ("Lao People's Democratic Republic", "LA"),
            ("Burma", "MM"),
            ("Ivory Coast", "CI"),
            ("côte d’ivoire", "CI"),
            ("Turkiye", "TR"),
        ] {
            assert_eq!(
                c.resolve(input).map(|c| c.code.as_str()),
                Some(code),
                "{input}"
            );
        }
        assert!(c.resolve("Atlantis").is_none());
        assert!(c.all().len() >= 249);
        assert_eq!(
            c.by_code("MM").and_then(|c| c.region.clone()).as_deref(),
            Some("Asia")
        );
    }

    #[test]
    fn suggests_near_names() {
        assert!(Catalog::get()
            .suggest("Cambodja", 3)
            .contains(&"Cambodia".to_string()));
    }
}
