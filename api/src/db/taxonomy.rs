//! Themes and countries with their published story counts.

use std::collections::HashMap;

use diesel::prelude::*;
use peoples_stories_shared::{Country, Theme};

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

/// The themes in display order.
pub fn theme_rows(conn: &mut DbConn) -> QueryResult<Vec<ThemeRow>> {
    themes::table
        .order(themes::position)
        .select((themes::id, themes::slug, themes::name, themes::description))
        .load(conn)
}

pub fn list_themes(conn: &mut DbConn) -> QueryResult<Vec<Theme>> {
    let counts: HashMap<i64, i64> = stories::table
        .filter(stories::status.eq(PUBLISHED))
        .group_by(stories::theme_id)
        .select((stories::theme_id, diesel::dsl::count_star()))
        .load::<(i64, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(theme_rows(conn)?
        .into_iter()
        .map(|t| Theme {
            story_count: counts.get(&t.id).copied().unwrap_or(0),
            slug: t.slug,
            name: t.name,
            description: t.description,
        })
        .collect())
}

/// Every country of the catalogue with its published story count, sorted by name.
pub fn list_countries(conn: &mut DbConn) -> QueryResult<Vec<Country>> {
    let counts: HashMap<String, i64> = story_countries::table
        .inner_join(stories::table)
        .filter(stories::status.eq(PUBLISHED))
        .group_by(story_countries::country_code)
        .select((story_countries::country_code, diesel::dsl::count_star()))
        .load::<(String, i64)>(conn)?
        .into_iter()
        .collect();
    Ok(Catalog::get()
        .all()
        .iter()
        .map(|c| Country {
            story_count: counts.get(&c.code).copied().unwrap_or(0),
            code: c.code.clone(),
            name: c.name.clone(),
            region: c.region.clone(),
            aliases: c.aliases.clone(),
        })
        .collect())
}
