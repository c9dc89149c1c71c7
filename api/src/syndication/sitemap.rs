//! Sitemaps (sitemaps.org 0.9) written with quick-xml, which escapes every text it writes,
//! and robots.txt.

use chrono::{DateTime, SecondsFormat, Utc};
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use quick_xml::Writer;

use super::xml_error;
use crate::error::AppResult;

/// The sitemaps' namespace.
const NS: &str = "http://www.sitemaps.org/schemas/sitemap/0.9";

/// The most URLs one sitemap file may hold (sitemaps.org), and the default size of each
/// file of stories.
pub const MAX_URLS: u64 = 50_000;

/// One `<url>` of a sitemap, or one `<sitemap>` of an index: where, and when it last
/// changed.
pub struct Loc {
    pub loc: String,
    pub lastmod: Option<DateTime<Utc>>,
}

/// A `<urlset>` of `locs`.
pub fn urlset(locs: &[Loc]) -> AppResult<Vec<u8>> {
    write("urlset", "url", locs)
}

/// A `<sitemapindex>` of the sitemap files `locs`.
pub fn index(locs: &[Loc]) -> AppResult<Vec<u8>> {
    write("sitemapindex", "sitemap", locs)
}

fn write(root: &str, item: &str, locs: &[Loc]) -> AppResult<Vec<u8>> {
    let mut w = Writer::new(Vec::with_capacity(locs.len() * 120 + 200));
    let mut ev = |e: Event<'_>| w.write_event(e).map_err(xml_error);
    ev(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    ev(Event::Text(BytesText::from_escaped("\n")))?;
    ev(Event::Start(
        BytesStart::new(root).with_attributes([("xmlns", NS)]),
    ))?;
    ev(Event::Text(BytesText::from_escaped("\n")))?;
    for l in locs {
        ev(Event::Start(BytesStart::new(item)))?;
        ev(Event::Start(BytesStart::new("loc")))?;
        ev(Event::Text(BytesText::new(&l.loc)))?;
        ev(Event::End(BytesEnd::new("loc")))?;
        if let Some(t) = l.lastmod {
            ev(Event::Start(BytesStart::new("lastmod")))?;
            ev(Event::Text(BytesText::new(
                &t.to_rfc3339_opts(SecondsFormat::Secs, true),
            )))?;
            ev(Event::End(BytesEnd::new("lastmod")))?;
        }
        ev(Event::End(BytesEnd::new(item)))?;
        ev(Event::Text(BytesText::from_escaped("\n")))?;
    }
    ev(Event::End(BytesEnd::new(root)))?;
    ev(Event::Text(BytesText::from_escaped("\n")))?;
    Ok(w.into_inner())
}

/// robots.txt: every reader page may be crawled; the moderators' view and their API may
/// not; the sitemap index, by its absolute URL.
pub fn robots(origin: &str) -> String {
    format!(
        "User-agent: *\nAllow: /\nDisallow: /admin\nDisallow: /api/v1/manage\n\nSitemap: {origin}/sitemap.xml\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_escaped() {
        let body = urlset(&[Loc {
            loc: "https://s.example/search?q=a&b=<c>".into(),
            lastmod: Some(DateTime::<Utc>::UNIX_EPOCH),
        }])
        .expect("xml");
        let text = String::from_utf8(body).expect("utf-8");
        assert!(
            text.contains("<loc>https://s.example/search?q=a&amp;b=&lt;c&gt;</loc>"),
            "{text}"
        );
        assert!(
            text.contains("<lastmod>1970-01-01T00:00:00Z</lastmod>"),
            "{text}"
        );
    }
}
