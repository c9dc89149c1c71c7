//! Atom 1.0 and RSS 2.0 feeds of stories, written by the atom_syndication and rss crates.

use std::collections::HashMap;

use atom_syndication as atom;
use chrono::{DateTime, Utc};
use peoples_stories_shared::Story;

use super::html::{first_paragraph, story_html};
use super::{story_id_url, story_url, xml_error};
use crate::error::AppResult;

/// The site's name, first in every feed's title.
pub const SITE_NAME: &str = "People's Stories";

/// What a feed says about itself.
pub struct FeedMeta {
    /// "People's Stories — Justice, Cambodia".
    pub title: String,
    /// The public origin every link is built on (`https://stories.example.org`).
    pub origin: String,
    /// The absolute URL of this Atom feed (its `rel=self` and its id).
    pub atom_url: String,
    /// The absolute URL of this RSS feed (its `rel=self`).
    pub rss_url: String,
    /// The reader's page showing the same stories.
    pub page_url: String,
    /// Theme names by slug.
    pub theme_names: HashMap<String, String>,
}

impl FeedMeta {
    fn theme_name<'a>(&'a self, slug: &'a str) -> &'a str {
        self.theme_names.get(slug).map_or(slug, String::as_str)
    }
}

/// When the feed last changed: its newest entry's change; the Unix epoch for an empty
/// feed, so the same data always gives the same bytes (and ETag).
fn feed_updated(stories: &[Story]) -> DateTime<Utc> {
    stories
        .iter()
        .map(|s| s.updated_at)
        .max()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

fn link(href: &str, rel: &str, mime: &str) -> atom::Link {
    atom::Link {
        href: href.to_string(),
        rel: rel.to_string(),
        mime_type: Some(mime.to_string()),
        ..Default::default()
    }
}

/// The Atom 1.0 feed of `stories` (newest first), each entry the story whole as HTML.
pub fn atom(meta: &FeedMeta, stories: &[Story]) -> AppResult<Vec<u8>> {
    let entries = stories
        .iter()
        .map(|s| {
            let theme = meta.theme_name(&s.theme);
            atom::Entry {
                id: story_id_url(&meta.origin, s.id),
                title: atom::Text::plain(s.title.clone()),
                updated: s.updated_at.fixed_offset(),
                published: Some(s.created_at.fixed_offset()),
                authors: s
                    .byline
                    .iter()
                    .map(|b| atom::Person {
                        name: b.clone(),
                        ..Default::default()
                    })
                    .collect(),
                links: vec![link(
                    &story_url(&meta.origin, &s.slug),
                    "alternate",
                    "text/html",
                )],
                categories: vec![atom::Category {
                    term: s.theme.clone(),
                    label: Some(theme.to_string()),
                    ..Default::default()
                }],
                summary: s.summary.clone().map(atom::Text::plain),
                content: Some(atom::Content {
                    value: Some(story_html(s, theme, &meta.origin)),
                    content_type: Some("html".to_string()),
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let feed = atom::Feed {
        id: meta.atom_url.clone(),
        title: atom::Text::plain(meta.title.clone()),
        subtitle: Some(atom::Text::plain(
            "Human-rights news stories from around the world, newest first.",
        )),
        updated: feed_updated(stories).fixed_offset(),
        authors: vec![atom::Person {
            name: SITE_NAME.to_string(),
            uri: Some(format!("{}/", meta.origin)),
            ..Default::default()
        }],
        links: vec![
            link(&meta.atom_url, "self", "application/atom+xml"),
            link(&meta.page_url, "alternate", "text/html"),
        ],
        icon: Some(format!("{}/favicon.svg", meta.origin)),
        lang: Some("en".to_string()),
        entries,
        ..Default::default()
    };
    feed.write_to(Vec::new()).map_err(xml_error)
}

/// The RSS 2.0 feed of `stories` (newest first): each item's description is the story's
/// standfirst (or first paragraph), `content:encoded` the story whole as HTML, the byline
/// `dc:creator` (RSS's own `author` must be an e-mail address, which we never publish).
pub fn rss(meta: &FeedMeta, stories: &[Story]) -> AppResult<Vec<u8>> {
    use rss::extension::atom::{AtomExtension, Link};
    use rss::extension::dublincore::DublinCoreExtension;
    let items = stories
        .iter()
        .map(|s| {
            let theme = meta.theme_name(&s.theme);
            rss::Item {
                title: Some(s.title.clone()),
                link: Some(story_url(&meta.origin, &s.slug)),
                guid: Some(rss::Guid {
                    value: story_id_url(&meta.origin, s.id),
                    permalink: true,
                }),
                pub_date: Some(s.created_at.to_rfc2822()),
                description: Some(match &s.summary {
                    Some(summary) => first_paragraph(summary),
                    None => first_paragraph(&s.body),
                }),
                content: Some(story_html(s, theme, &meta.origin)),
                categories: vec![rss::Category {
                    name: theme.to_string(),
                    domain: None,
                }],
                dublin_core_ext: s.byline.as_ref().map(|b| DublinCoreExtension {
                    creators: vec![b.clone()],
                    ..Default::default()
                }),
                ..Default::default()
            }
        })
        .collect();
    let channel = rss::Channel {
        title: meta.title.clone(),
        link: meta.page_url.clone(),
        description: "Human-rights news stories from around the world, newest first.".to_string(),
        language: Some("en".to_string()),
        last_build_date: Some(feed_updated(stories).to_rfc2822()),
        atom_ext: Some(AtomExtension {
            links: vec![Link {
                href: meta.rss_url.clone(),
                rel: "self".to_string(),
                mime_type: Some("application/rss+xml".to_string()),
                ..Default::default()
            }],
        }),
        items,
        ..Default::default()
    };
    channel.write_to(Vec::new()).map_err(xml_error)
}
