//! A world map of matching stories by country: each country coloured by its count, clicking
//! one filters by it, and a table of the same counts for people who do not see the map.
//!
//! Rendered on the server only: a country is an SVG link, so the map works without any code
//! in the browser. The shapes are `web/map/world-110m.txt` (generated from Natural Earth by
//! `scripts/gen-world-map.sh`, checked in), compiled into the server, which serves them once
//! as [`sprite`] at [`sprite_href`] (cached for a year under its version): a map is only its
//! `<use>` of each country, its colour and its link, not the 40 KB of shapes again.

use std::collections::HashMap;
use std::sync::OnceLock;

use leptos::prelude::*;
use peoples_stories_shared::Facet;

const MAP: &str = include_str!("../../map/world-110m.txt");

/// Colours from one story to the most, light to dark (each against the paper and each other
/// at least 3:1 from the lightest to the darkest).
const SHADES: [&str; 5] = ["#f3cfc0", "#e39b82", "#c9684c", "#9c3d22", "#5e1e0c"];
const NO_STORIES: &str = "#e2ddd1";

struct Shapes {
    view_box: String,
    countries: Vec<(&'static str, &'static str)>,
}

fn shapes() -> &'static Shapes {
    static SHAPES: OnceLock<Shapes> = OnceLock::new();
    SHAPES.get_or_init(|| {
        let mut lines = MAP.lines();
        let view_box = lines
            .next()
            .and_then(|l| l.strip_prefix("viewBox "))
            .map(|wh| format!("0 0 {wh}"))
            .unwrap_or_else(|| "0 0 1000 436".to_string());
        let countries = lines.filter_map(|l| l.split_once(' ')).collect();
        Shapes {
            view_box,
            countries,
        }
    })
}

/// The shapes as one SVG document, each country a `<path id="KH">` that maps `<use>`.
pub fn sprite() -> String {
    let shapes = shapes();
    let mut svg = format!(
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{}">"#,
        shapes.view_box
    );
    for (code, d) in &shapes.countries {
        svg.push_str(&format!(r#"<path id="{code}" d="{d}"/>"#));
    }
    svg.push_str("</svg>");
    svg
}

/// The shapes' version: a hash of the map's data, so a new map gets a new URL.
pub fn sprite_version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        use std::hash::{DefaultHasher, Hash, Hasher};
        let mut hasher = DefaultHasher::new();
        MAP.hash(&mut hasher);
        format!("{:016x}", hasher.finish())
    })
}

/// Where the shapes are served, with their version.
pub fn sprite_href() -> String {
    format!("/world-map.svg?v={}", sprite_version())
}

/// The shade for `count` stories when the most any country has is `max` (log scale).
fn shade(count: i64, max: i64) -> &'static str {
    if count <= 0 || max <= 0 {
        return NO_STORIES;
    }
    let t = ((count + 1) as f64).ln() / ((max + 1) as f64).ln();
    let i = ((t * SHADES.len() as f64).ceil() as usize).clamp(1, SHADES.len()) - 1;
    SHADES[i]
}

/// The map and its table. `counts` is the API's country facet; `selected` the codes the
/// list is filtered by; `href_for(code)` the URL that filters by a country.
#[component]
pub fn WorldMap(
    counts: Vec<Facet>,
    selected: Vec<String>,
    href_for: Callback<String, String>,
) -> impl IntoView {
    let max = counts.iter().map(|f| f.count).max().unwrap_or(0);
    let by_code: HashMap<&str, i64> = counts.iter().map(|f| (f.value.as_str(), f.count)).collect();
    let sprite = sprite_href();
    let paths = shapes()
        .countries
        .iter()
        .map(|(code, _)| {
            let count = by_code.get(code).copied().unwrap_or(0);
            let is_selected = selected.iter().any(|s| s.eq_ignore_ascii_case(code));
            let has_stories = count > 0;
            let shape = view! {
                <use
                    href=format!("{sprite}#{code}")
                    fill=shade(count, max)
                    class:clickable=has_stories
                    class:selected=is_selected
                    data-code=*code
                ></use>
            };
            // A country with stories is a link (for the mouse and touch: see the `<svg>`).
            if has_stories {
                view! {
                    <a href=href_for.run(code.to_string()) tabindex="-1">
                        {shape}
                    </a>
                }
                .into_any()
            } else {
                shape.into_any()
            }
        })
        .collect_view();
    let total_countries = counts.len();
    let rows = counts
        .into_iter()
        .map(|f| {
            let href = href_for.run(f.value.clone());
            view! {
                <tr>
                    <th scope="row">
                        <a href=href>{f.label}</a>
                    </th>
                    <td>{f.count}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <figure class="world-map">
            // Hidden from assistive technology, its links out of the tab order: the caption
            // says what it shows and the table after it holds the same counts and links.
            <svg viewBox=shapes().view_box.clone() aria-hidden="true" focusable="false">
                {paths}
            </svg>
            <figcaption id="map-caption">
                {format!(
                    "Map of matching stories by country ({total_countries} {}); darker means more \
                     stories. Click a country to show its stories; the table after the map lists the same counts.",
                    if total_countries == 1 { "country" } else { "countries" },
                )}
            </figcaption>
            <p class="legend" aria-hidden="true">
                <span>"Fewer"</span>
                {SHADES
                    .iter()
                    .map(|c| view! { <span class="swatch" style=format!("background:{c}")></span> })
                    .collect_view()}
                <span>"More"</span>
            </p>
        </figure>
        <details class="country-table">
            <summary>"The same as a table: stories by country"</summary>
            <table class="country-counts">
            <caption>"Matching stories by country"</caption>
            <thead>
                <tr>
                    <th scope="col">"Country"</th>
                    <th scope="col">"Stories"</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
            </table>
        </details>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shades_grow_with_the_count() {
        assert_eq!(shade(0, 10), NO_STORIES);
        assert_eq!(shade(10, 10), SHADES[4]);
        assert_eq!(shade(1, 1), SHADES[4]);
        assert!(shape_count() > 150);
    }

    #[test]
    fn the_sprite_holds_every_shape_by_its_code() {
        let svg = sprite();
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert_eq!(svg.matches("<path id=\"").count(), shape_count());
        assert!(svg.contains("<path id=\"KH\" d=\"M"));
        assert_eq!(sprite_version().len(), 16);
    }

    fn shape_count() -> usize {
        shapes().countries.len()
    }
}
