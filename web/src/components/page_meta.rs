//! A page's metadata in the document's `<head>`: title, description, canonical address, Open
//! Graph and Twitter card, so a link pasted into a chat or a social network shows the page's
//! own card, and search engines index the page under one address. Server-rendered with the
//! page (leptos_meta injects it into the `<head>`), kept up to date by the app as it navigates.

use leptos::prelude::*;
use leptos_meta::{Link, Meta, Title};
use peoples_stories_shared::{PartialDate, Story};

use crate::site::{origin, SITE_NAME};

/// The longest description a page gives, in characters (search engines show about 160).
const DESCRIPTION_CHARS: usize = 200;

/// A story page's extra metadata: Open Graph `article` properties.
#[derive(Clone, Debug)]
pub struct Article {
    /// The story's date, at its precision (`2023`, `2023-08`, `2023-08-26`).
    pub published: Option<PartialDate>,
    /// The theme's name (`article:section`).
    pub section: String,
}

/// The metadata of a page at `path` (absolute path and query, e.g. `/justice?offset=10`).
/// `title` is the page's own ("" for the home page: the site's name alone).
#[component]
pub fn PageMeta(
    #[prop(into)] title: String,
    #[prop(into)] description: String,
    #[prop(into)] path: String,
    #[prop(optional)] article: Option<Article>,
) -> impl IntoView {
    let url = format!("{}{path}", origin());
    let description = shorten(&description, DESCRIPTION_CHARS);
    let og_title = if title.is_empty() {
        SITE_NAME.to_string()
    } else {
        title.clone()
    };
    let og_type = if article.is_some() {
        "article"
    } else {
        "website"
    };
    let article = article.map(|a| {
        view! {
            {a.published
                .map(|d| view! { <Meta property="article:published_time" content=d.to_string() /> })}
            <Meta property="article:section" content=a.section />
        }
    });
    view! {
        <Title text=title />
        <Meta name="description" content=description.clone() />
        <Link rel="canonical" href=url.clone() />
        <Meta property="og:site_name" content=SITE_NAME />
        <Meta property="og:type" content=og_type />
        <Meta property="og:title" content=og_title.clone() />
        <Meta property="og:description" content=description.clone() />
        <Meta property="og:url" content=url />
        {article}
        <Meta name="twitter:card" content="summary" />
        <Meta name="twitter:title" content=og_title />
        <Meta name="twitter:description" content=description />
    }
}

/// A story's description: its summary, else the first sentences of its body.
pub fn story_description(story: &Story) -> String {
    match story.summary.as_deref().map(str::trim) {
        Some(s) if !s.is_empty() => s.to_string(),
        _ => story.body.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// `text` with its white space folded, cut at a word boundary to at most `max` characters
/// (an ellipsis then ends it).
pub fn shorten(text: &str, max: usize) -> String {
    let folded = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if folded.chars().count() <= max {
        return folded;
    }
    let mut out = String::new();
    for word in folded.split(' ') {
        if out.chars().count() + word.chars().count() + 1 > max.saturating_sub(1) {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

/// A story as schema.org's `NewsArticle` in JSON-LD, for search engines' rich results. The
/// JSON goes inside a `<script>` element, so `<` is written as `\u003c`: no text of the story
/// can close the element.
pub fn news_article_json_ld(story: &Story, url: &str) -> String {
    let mut value = serde_json::json!({
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": story.title,
        "description": shorten(&story_description(story), DESCRIPTION_CHARS),
        "url": url,
        "mainEntityOfPage": url,
        "articleSection": story.theme,
        "dateModified": story.updated_at.to_rfc3339(),
        "publisher": { "@type": "Organization", "name": SITE_NAME },
    });
    if let Some(date) = story.date {
        value["datePublished"] = serde_json::Value::String(date.to_string());
    }
    if let Some(byline) = &story.byline {
        value["author"] = serde_json::json!({ "@type": "Person", "name": byline });
    }
    if !story.countries.is_empty() {
        value["contentLocation"] = story
            .countries
            .iter()
            .map(|c| serde_json::json!({ "@type": "Country", "name": c.name }))
            .collect();
    }
    value
        .to_string()
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
        .replace('&', "\\u0026")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shorten_cuts_at_a_word_and_says_so() {
        assert_eq!(shorten("  a  short\n text ", 50), "a short text");
        let cut = shorten("one two three four five", 12);
        assert_eq!(cut, "one two…");
        assert!(cut.chars().count() <= 12);
    }
}
