//! Themes and countries with their published story counts.

use std::collections::HashMap;

use diesel::prelude::*;
use peoples_stories_shared::{Country, FieldError, Theme};

use super::schema::{stories, story_countries, themes};
use super::stories::PUBLISHED;
use super::DbConn;
use crate::countries::Catalog;

#[derive(Debug, Clone, Queryable)]
pub struct ThemeRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub description: String,
}

/// The id of the theme `slug` names (trimmed, any case). Anything else adds an error on
/// `theme` listing the themes, except an empty slug when `theme` already has one (a form's
/// own "choose a theme").
pub fn resolve_theme(themes: &[ThemeRow], slug: &str, errors: &mut Vec<FieldError>) -> Option<i64> {
    let wanted = slug.trim().to_lowercase();
    if let Some(t) = themes.iter().find(|t| t.slug == wanted) {
        return Some(t.id);
    }
    if !(wanted.is_empty() && errors.iter().any(|e| e.field == "theme")) {
        let slugs: Vec<&str> = themes.iter().map(|t| t.slug.as_str()).collect();
        errors.push(FieldError::new(
            "theme",
            format!(
                "unknown theme '{}': the themes are {}",
                slug.trim(),
                slugs.join(", ")
            ),
        ));
    }
    None
}

/// The themes in display order.
pub fn theme_rows(conn: &mut DbConn) -> QueryResult<Vec<ThemeRow>> {
    themes::table
        .order(themes::position)
        .select((themes::id, themes::slug, themes::name, themes::description))
        .load(conn)
}

/// The themes with their published story counts: `known` (by slug, from the search index)
/// or counted here.
pub fn list_themes(
    conn: &mut DbConn,
    known: Option<&HashMap<String, u64>>,
) -> QueryResult<Vec<Theme>> {
    let rows = theme_rows(conn)?;
    let counted: HashMap<String, u64>;
    let counts = match known {
        Some(known) => known,
        None => {
            let by_id: HashMap<i64, i64> = stories::table
                .filter(stories::status.eq(PUBLISHED))
                .group_by(stories::theme_id)
                .select((stories::theme_id, diesel::dsl::count_star()))
                .load::<(i64, i64)>(conn)?
                .into_iter()
                .collect();
            counted = rows
                .iter()
                .map(|t| {
                    (
                        t.slug.clone(),
                        by_id.get(&t.id).copied().unwrap_or(0) as u64,
                    )
                })
                .collect();
            &counted
        }
    };
    Ok(rows
        .into_iter()
        .map(|t| Theme {
            story_count: counts.get(&t.slug).copied().unwrap_or(0) as i64,
            slug: t.slug,
            name: t.name,
            description: t.description,
        })
        .collect())
}

/// Every country of the catalogue with its published story count, sorted by name: `known`
/// (by code, from the search index) or counted here.
pub fn list_countries(
    conn: &mut DbConn,
    known: Option<&HashMap<String, u64>>,
) -> QueryResult<Vec<Country>> {
    let counted: HashMap<String, u64>;
    let counts = match known {
        Some(known) => known,
        None => {
            counted = story_countries::table
                .filter(story_countries::status.eq(PUBLISHED))
                .group_by(story_countries::country_code)
                .select((story_countries::country_code, diesel::dsl::count_star()))
                .load::<(String, i64)>(conn)?
                .into_iter()
                .map(|(code, n)| (code, n as u64))
                .collect();
            &counted
        }
    };
    Ok(Catalog::get()
        .all()
        .iter()
        .map(|c| Country {
            story_count: counts.get(&c.code).copied().unwrap_or(0) as i64,
            code: c.code.clone(),
            name: c.name.clone(),
            region: c.region.clone(),
            aliases: c.aliases.clone(),
        })
        .collect())
}
