//! The seed stories: the two stories of the original "People's Stories Justice" page, held
//! exactly as published there. `peoples-stories seed` loads them; running it again changes
//! nothing.

use diesel::Connection;
use peoples_stories_shared::PartialDate;
use serde::Deserialize;

use crate::db::stories::{self, NewStory, PUBLISHED};
use crate::db::{sources, taxonomy, DbConn};

const SEED_JSON: &str = include_str!("../seed/stories.json");

/// Publishers the seed stories cite: domain, name, slug.
pub const SEED_SOURCES: &[(&str, &str, &str)] = &[
    ("ohchr.org", "OHCHR", "ohchr"),
    ("theguardian.com", "The Guardian", "the-guardian"),
    ("latimes.com", "Los Angeles Times", "los-angeles-times"),
    ("amnesty.org", "Amnesty International", "amnesty"),
    ("icj.org", "International Commission of Jurists", "icj"),
    (
        "icrc.org",
        "International Committee of the Red Cross",
        "icrc",
    ),
    ("fidh.org", "FIDH", "fidh"),
];

#[derive(Debug, Deserialize)]
struct SeedStory {
    title: String,
    theme: String,
    byline: Option<String>,
    date: Option<PartialDate>,
    summary: Option<String>,
    body: String,
    updates: Vec<SeedUpdate>,
    countries: Vec<String>,
    links: Vec<String>,
    related_url: Option<String>,
}

#[derive(Debug, Deserialize)]
struct SeedUpdate {
    date: Option<PartialDate>,
    body: String,
}

/// The registrable domain of a URL's host (`bangkok.ohchr.org` → `ohchr.org`).
pub fn registrable_domain(url: &str) -> Option<String> {
    let parsed = url::Url::parse(url).ok()?;
    let host = parsed.host_str()?.to_ascii_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host).to_string();
    Some(psl::domain_str(&host).unwrap_or(&host).to_string())
}

/// Loads the seed stories that are not there yet; returns how many it added.
pub fn run(conn: &mut DbConn) -> anyhow::Result<usize> {
    let seeds: Vec<SeedStory> = serde_json::from_str(SEED_JSON)?;
    let added = conn.transaction::<_, anyhow::Error, _>(|conn| {
        let themes = taxonomy::theme_rows(conn)?;
        let mut added = 0;
        for s in seeds {
            let slug = slug::slugify(&s.title);
            if stories::slug_exists(conn, &slug)? {
                continue;
            }
            let theme_id = themes
                .iter()
                .find(|t| t.slug == s.theme)
                .map(|t| t.id)
                .ok_or_else(|| anyhow::anyhow!("seed theme '{}' is unknown", s.theme))?;
            let mut links = Vec::new();
            for url in &s.links {
                let domain = registrable_domain(url)
                    .ok_or_else(|| anyhow::anyhow!("seed link '{url}' has no host"))?;
                let (_, name, source_slug) = SEED_SOURCES
                    .iter()
                    .find(|(d, _, _)| *d == domain)
                    .ok_or_else(|| anyhow::anyhow!("seed link '{url}' has no seed source"))?;
                let source_id = sources::find_or_create(conn, &domain, name, source_slug)?;
                links.push((url.clone(), None, source_id));
            }
            stories::insert(
                conn,
                &NewStory {
                    slug,
                    title: s.title,
                    theme_id,
                    byline: s.byline,
                    date: s.date,
                    summary: s.summary,
                    body: s.body,
                    related_url: s.related_url,
                    status: PUBLISHED,
                    updates: s.updates.into_iter().map(|u| (u.date, u.body)).collect(),
                    country_codes: s.countries,
                    links,
                    created_at: None,
                },
            )?;
            added += 1;
        }
        Ok(added)
    })?;
    Ok(added)
}
