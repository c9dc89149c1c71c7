//! Reference data the code owns: the five themes and the country catalogue. `sync` makes the
//! tables match it; it runs after every migration and is idempotent.

use diesel::prelude::*;

use super::schema::{countries, country_aliases, themes};
use super::DbConn;
use crate::countries::{fold, Catalog};

/// A theme: slug, name and its fact-file introduction, in display order.
pub struct ThemeDef {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

pub const THEMES: [ThemeDef; 5] = [
    ThemeDef {
        slug: "justice",
        name: "Justice",
        description: "Justice is the promise that rights mean something when they are broken: \
            fair trials, an end to impunity for the gravest crimes, remedy and reparation for \
            victims, and the rule of law applied to the powerful as to everyone else. These \
            stories follow courts, treaties and campaigns that bring perpetrators to account.",
    },
    ThemeDef {
        slug: "freedom",
        name: "Freedom",
        description: "Freedom of expression, of belief, of assembly and of movement; freedom \
            from slavery, trafficking and arbitrary detention. These stories tell of people \
            who claim those freedoms, often at great risk, and of those who deny them.",
    },
    ThemeDef {
        slug: "peace",
        name: "Peace",
        description: "Peace is more than the silence of guns: it is the protection of \
            civilians in conflict, the return of the displaced, disarmament, and the slow work \
            of reconciliation. These stories come from wars, ceasefires and the people who \
            rebuild after them.",
    },
    ThemeDef {
        slug: "democracy",
        name: "Democracy",
        description: "Democracy rests on the right of everyone to take part in government: \
            free and fair elections, independent courts and media, and a civil society able to \
            speak. These stories watch over elections, protests and the institutions that hold \
            power in check.",
    },
    ThemeDef {
        slug: "well-being",
        name: "Well Being",
        description: "Well-being covers the rights to food, water, health, housing, education \
            and decent work, and to a healthy environment. These stories show where those rights \
            are met, where they fail, and who is left behind.",
    },
];

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
