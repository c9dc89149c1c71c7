//! What stories are grouped by: themes, countries and sources.

use serde::{Deserialize, Serialize};

/// A theme of the site, with its fact-file introduction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Theme {
    #[cfg_attr(feature = "openapi", schema(example = "justice"))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(example = "Justice"))]
    pub name: String,
    /// The theme's fact file: a short introduction shown above its stories.
    pub description: String,
    /// Published stories in this theme.
    pub story_count: i64,
}

/// An ISO 3166-1 country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Country {
    /// ISO 3166-1 alpha-2 code.
    #[cfg_attr(feature = "openapi", schema(example = "LA"))]
    pub code: String,
    #[cfg_attr(
        feature = "openapi",
        schema(example = "Lao People's Democratic Republic")
    )]
    pub name: String,
    /// UN geoscheme region: Africa, Americas, Asia, Europe, Oceania (null for Antarctica).
    #[cfg_attr(feature = "openapi", schema(example = "Asia"))]
    pub region: Option<String>,
    /// Other names readers use for it ("Laos", "Lao PDR").
    pub aliases: Vec<String>,
    /// Published stories that concern it.
    pub story_count: i64,
}

/// A publisher whose pages stories link to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Source {
    pub id: i64,
    #[cfg_attr(feature = "openapi", schema(example = "amnesty"))]
    pub slug: String,
    #[cfg_attr(feature = "openapi", schema(example = "Amnesty International"))]
    pub name: String,
    #[cfg_attr(feature = "openapi", schema(example = "amnesty.org"))]
    pub domain: String,
    /// Published stories that link to it.
    pub story_count: i64,
}

/// A theme the site is built around: slug, name and its fact-file introduction. The one list
/// of themes for the whole workspace: the database's reference data is synced from it, the
/// app draws its navigation from it.
pub struct ThemeDef {
    pub slug: &'static str,
    pub name: &'static str,
    pub description: &'static str,
}

/// The themes, in the order the original site listed them.
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
