//! A story, whole, as the HTML of a feed entry: the text escaped (stories are plain text,
//! paragraphs separated by blank lines), links only when they are http(s) URLs.

use std::fmt::Write;

use peoples_stories_shared::Story;
use quick_xml::escape::escape;

use super::segment;

/// The story as HTML: date, standfirst, paragraphs, updates, countries (each a search on
/// the site), sources and the related page. Every piece of text is escaped; a link whose URL
/// is not http or https is shown as text.
pub fn story_html(story: &Story, theme_name: &str, origin: &str) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_story(&mut out, story, theme_name, origin);
    out
}

fn write_story(out: &mut String, s: &Story, theme_name: &str, origin: &str) -> std::fmt::Result {
    let theme_href = format!("{origin}/{}", segment(&s.theme));
    write!(
        out,
        "<p><a href=\"{}\">{}</a>",
        escape(&theme_href),
        escape(theme_name)
    )?;
    if let Some(date) = s.human_date() {
        write!(out, " · {}", escape(&date))?;
    }
    if let Some(byline) = &s.byline {
        write!(out, " · {}", escape(byline))?;
    }
    out.push_str("</p>\n");
    if let Some(summary) = &s.summary {
        writeln!(out, "<p><strong>{}</strong></p>", escape(summary))?;
    }
    paragraphs(out, &s.body)?;
    if !s.updates.is_empty() {
        out.push_str("<h3>Updates</h3>\n");
        for u in &s.updates {
            out.push_str("<div>");
            if let Some(d) = u.date {
                write!(out, "<p><strong>{}</strong></p>", escape(d.human()))?;
            }
            paragraphs(out, &u.body)?;
            out.push_str("</div>\n");
        }
    }
    if !s.countries.is_empty() {
        out.push_str("<p>Countries: ");
        for (i, c) in s.countries.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            let href = format!("{origin}/search?country={}", segment(&c.code));
            write!(out, "<a href=\"{}\">{}</a>", escape(&href), escape(&c.name))?;
        }
        out.push_str("</p>\n");
    }
    if !s.links.is_empty() {
        out.push_str("<p>Sources:</p>\n<ul>\n");
        for l in &s.links {
            let text = l.title.as_deref().unwrap_or(&l.url);
            out.push_str("<li>");
            link(out, &l.url, text)?;
            let source_href = format!("{origin}/sources/{}", segment(&l.source.slug));
            writeln!(
                out,
                " (<a href=\"{}\">{}</a>)</li>",
                escape(&source_href),
                escape(&l.source.name)
            )?;
        }
        out.push_str("</ul>\n");
    }
    if let Some(url) = &s.related_url {
        out.push_str("<p>");
        link(out, url, "Visit the related web page")?;
        out.push_str("</p>\n");
    }
    Ok(())
}

/// Plain text as paragraphs: blank lines part them, single line breaks stay.
fn paragraphs(out: &mut String, text: &str) -> std::fmt::Result {
    let text = text.replace("\r\n", "\n");
    for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
        out.push_str("<p>");
        for (i, line) in para.lines().enumerate() {
            if i > 0 {
                out.push_str("<br>");
            }
            out.push_str(&escape(line));
        }
        out.push_str("</p>\n");
    }
    Ok(())
}

/// A link to `url` when it is http(s), else the text with the URL beside it, as text.
fn link(out: &mut String, url: &str, text: &str) -> std::fmt::Result {
    let web = url::Url::parse(url)
        .ok()
        .filter(|u| matches!(u.scheme(), "http" | "https"));
    match web {
        Some(u) => write!(
            out,
            "<a href=\"{}\">{}</a>",
            escape(u.as_str()),
            escape(text)
        ),
        None if text == url => write!(out, "{}", escape(text)),
        None => write!(out, "{} ({})", escape(text), escape(url)),
    }
}

/// The first paragraph of plain text, escaped: an RSS item's description.
pub fn first_paragraph(text: &str) -> String {
    let text = text.replace("\r\n", "\n");
    let first = text
        .split("\n\n")
        .map(str::trim)
        .find(|p| !p.is_empty())
        .unwrap_or("");
    format!("<p>{}</p>", escape(first))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Utc;
    use peoples_stories_shared::{CountryRef, SourceRef, StoryLink};

    fn story() -> Story {
        Story {
            id: 7,
            slug: "a-b".into(),
            title: "A <b>".into(),
            theme: "justice".into(),
            byline: Some("by <i>me</i> & co".into()),
            date: None,
            date_precision: None,
            summary: None,
            body: "One <script>alert(1)</script> & two\nline\n\nSecond".into(),
            updates: Vec::new(),
            countries: vec![CountryRef {
                code: "KH".into(),
                name: "Cambodia".into(),
            }],
            links: vec![StoryLink {
                url: "javascript:alert(1)".into(),
                title: Some("bad".into()),
                source: SourceRef {
                    id: 1,
                    slug: "x".into(),
                    name: "X & Y".into(),
                    domain: "x.org".into(),
                },
            }],
            related_url: Some("https://example.org/?a=1&b=\"2\"".into()),
            created_at: Utc::now(),
            updated_at: Utc::now(),
            highlight: None,
        }
    }

    #[test]
    fn text_is_escaped_and_only_web_links_are_links() {
        let html = story_html(&story(), "Justice", "https://s.example");
        assert!(
            html.contains("<p>One &lt;script&gt;alert(1)&lt;/script&gt; &amp; two<br>line</p>"),
            "{html}"
        );
        assert!(html.contains("<p>Second</p>"), "{html}");
        assert!(html.contains("by &lt;i&gt;me&lt;/i&gt; &amp; co"), "{html}");
        assert!(!html.contains("href=\"javascript"), "{html}");
        assert!(html.contains("bad (javascript:alert(1))"), "{html}");
        assert!(html.contains("X &amp; Y"), "{html}");
        assert!(
            html.contains("href=\"https://example.org/?a=1&amp;b=%222%22\""),
            "{html}"
        );
        assert!(
            html.contains("href=\"https://s.example/search?country=KH\""),
            "{html}"
        );
    }
}
