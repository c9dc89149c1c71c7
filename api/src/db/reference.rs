//! Reference data the code owns: the five themes and the country catalogue. `sync` makes the
//! tables match it; it runs after every migration and is idempotent.

use diesel::prelude::*;

use super::schema::{countries, country_aliases, themes};
use super::DbConn;
use crate::countries::{fold, Catalog};

pub use peoples_stories_shared::taxonomy::{ThemeDef, THEMES};

/// Brings themes, countries and country aliases up to date with the code, in one transaction.
pub fn sync(conn: &mut DbConn) -> QueryResult<()> {
    conn.transaction(|conn| {
        for (position, t) in THEMES.iter().enumerate() {
            let position = position as i32;
            let updated = diesel::update(themes::table.filter(themes::slug.eq(t.slug)))
                .set((
                    themes::name.eq(t.name),
                    themes::description.eq(t.description),
                    themes::position.eq(position),
                ))
                .execute(conn)?;
            if updated == 0 {
                diesel::insert_into(themes::table)
                    .values((
                        themes::slug.eq(t.slug),
                        themes::name.eq(t.name),
                        themes::description.eq(t.description),
                        themes::position.eq(position),
                    ))
                    .execute(conn)?;
            }
        }

        let existing: Vec<(String, String, Option<String>)> = countries::table
            .select((countries::code, countries::name, countries::region))
            .load(conn)?;
        for c in Catalog::get().all() {
            match existing.iter().find(|(code, _, _)| *code == c.code) {
                Some((_, name, region)) if *name == c.name && *region == c.region => {}
                Some(_) => {
                    diesel::update(countries::table.find(&c.code))
                        .set((countries::name.eq(&c.name), countries::region.eq(&c.region)))
                        .execute(conn)?;
                }
                None => {
                    diesel::insert_into(countries::table)
                        .values((
                            countries::code.eq(&c.code),
                            countries::name.eq(&c.name),
                            countries::region.eq(&c.region),
                        ))
                        .execute(conn)?;
                }
            }
        }

        diesel::delete(country_aliases::table).execute(conn)?;
        let mut seen = std::collections::HashSet::new();
        let mut rows = Vec::new();
        for c in Catalog::get().all() {
            for a in &c.aliases {
                let folded = fold(a);
                if seen.insert(folded.clone()) {
                    rows.push((
                        country_aliases::folded.eq(folded),
                        country_aliases::alias.eq(a.clone()),
                        country_aliases::code.eq(c.code.clone()),
                    ));
                }
            }
        }
        for row in rows {
            diesel::insert_into(country_aliases::table)
                .values(row)
                .execute(conn)?;
        }
        Ok(())
    })
}
