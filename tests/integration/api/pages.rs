//! The reader's pages as the server sends them, before any script runs: their content and
//! links, their metadata (title, description, canonical, Open Graph, Twitter card, JSON-LD),
//! 404s, escaping, the content security policy of their inline scripts, and caching. Read
//! with an HTML parser (scraper, html5ever), as a browser or a crawler would.

use base64::Engine;
use peoples_stories_shared::Story;
use scraper::{Html, Selector};
use sha2::Digest;

use super::seed::{SCAM_SLUG, TREATY_SLUG};
use crate::support::{both_databases, header, insert_story, Backend, TestApp};

/// A page: its status, headers and parsed document.
struct Page {
    status: u16,
    headers: reqwest::header::HeaderMap,
    html: String,
    doc: Html,
}

impl Page {
    fn header(&self, name: &str) -> String {
        self.headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    }

    fn all(&self, css: &str) -> Vec<scraper::ElementRef<'_>> {
        let selector = Selector::parse(css).unwrap_or_else(|e| panic!("selector {css}: {e}"));
        self.doc.select(&selector).collect()
    }

    /// The `attr` of the one element matching `css`.
    fn attr(&self, css: &str, attr: &str) -> String {
        let found = self.all(css);
        assert_eq!(found.len(), 1, "one {css} in\n{}", self.html);
        found[0]
            .value()
            .attr(attr)
            .unwrap_or_else(|| panic!("{css} has no {attr}"))
            .to_string()
    }

    /// A `<meta>`'s content, by `name` or `property`.
    fn meta(&self, key: &str) -> String {
        let by_name = self.all(&format!("meta[name=\"{key}\"]"));
        let css = if by_name.is_empty() {
            format!("meta[property=\"{key}\"]")
        } else {
            format!("meta[name=\"{key}\"]")
        };
        self.attr(&css, "content")
    }

    fn title(&self) -> String {
        let titles = self.all("title");
        assert_eq!(titles.len(), 1, "one <title>");
        titles[0].text().collect()
    }

    /// The text of `<main>`, white space folded.
    fn main_text(&self) -> String {
        let main = self.all("main");
        assert_eq!(main.len(), 1, "one <main>");
        main[0]
            .text()
            .collect::<Vec<_>>()
            .join(" ")
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Every link's `href` in `<main>` with its text.
    fn links(&self) -> Vec<(String, String)> {
        self.all("main a[href]")
            .into_iter()
            .map(|a| {
                let text: String = a.text().collect::<String>();
                (
                    a.value().attr("href").unwrap_or("").to_string(),
                    text.split_whitespace().collect::<Vec<_>>().join(" "),
                )
            })
            .collect()
    }

    fn has_link(&self, href: &str, text: &str) -> bool {
        self.links().iter().any(|(h, t)| h == href && t == text)
    }
}

async fn page(app: &TestApp, path: &str) -> Page {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    let headers = res.headers().clone();
    let html = res.text().await.expect("html");
    assert!(
        headers
            .get("content-type")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .starts_with("text/html"),
        "GET {path}: {headers:?}"
    );
    let doc = Html::parse_document(&html);
    Page {
        status,
        headers,
        html,
        doc,
    }
}

fn story(app: &TestApp, id_or_slug: &str) -> Story {
    let mut conn = app.pool.get().expect("conn");
    peoples_stories_api::db::stories::find_published(&mut conn, id_or_slug)
        .expect("read")
        .expect("published")
}

/// Folds white space, as `main_text` does.
fn folded(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Each inline script of the page (not a JSON-LD data block) is allowed by its hash in the
/// page's policy, which allows no other inline script; and a page carries none today: it is
/// rendered in islands mode, its islands' props are attributes, and no copy of its data is
/// written for hydration.
fn assert_inline_scripts_allowed(page: &Page) {
    let csp = page.header("content-security-policy");
    let script_src = csp
        .split(';')
        .map(str::trim)
        .find(|d| d.starts_with("script-src"))
        .unwrap_or_else(|| panic!("no script-src in {csp}"))
        .to_string();
    assert!(!script_src.contains("unsafe-inline"), "{csp}");
    let mut hashes = Vec::new();
    for script in page.all("script:not([src])") {
        if script.value().attr("type") == Some("application/ld+json") {
            continue;
        }
        let text: String = script.text().collect();
        let hash =
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(text.as_bytes()));
        hashes.push(format!("'sha256-{hash}'"));
    }
    assert!(
        hashes.is_empty(),
        "the page carries no data for hydration: {hashes:?}"
    );
    let allowed: Vec<&str> = script_src
        .split_whitespace()
        .filter(|s| s.starts_with("'sha256-"))
        .collect();
    let mut want: Vec<&str> = hashes.iter().map(String::as_str).collect();
    want.sort_unstable();
    let mut got = allowed.clone();
    got.sort_unstable();
    assert_eq!(got, want, "{csp}");
}

both_databases! {
    async fn a_story_page_holds_the_whole_story_and_its_card(app) {
        let base = app.base_url.clone();
        let s = story(&app, SCAM_SLUG);
        let p = page(&app, &format!("/stories/{SCAM_SLUG}")).await;
        assert_eq!(p.status, 200);
        assert_eq!(p.attr("html", "lang"), "en");
        assert_eq!(p.title(), format!("{} — People's Stories", s.title));
        let url = format!("{base}/stories/{SCAM_SLUG}");
        assert_eq!(p.attr("link[rel=canonical]", "href"), url);
        // Its summary, or (this one has none) its first sentences.
        let about = folded(s.summary.as_deref().unwrap_or(&s.body));
        let description = p.meta("description");
        assert!(
            about.starts_with(description.trim_end_matches('…')),
            "{description:?} is the start of {about:?}"
        );
        assert!(description.chars().count() <= 200, "{description}");
        assert_eq!(p.meta("og:title"), s.title);
        assert_eq!(p.meta("og:type"), "article");
        assert_eq!(p.meta("og:url"), url);
        assert_eq!(p.meta("og:site_name"), "People's Stories");
        assert_eq!(p.meta("og:description"), description);
        assert_eq!(p.meta("article:published_time"), "2023-08");
        assert_eq!(p.meta("article:section"), "Justice");
        assert_eq!(p.meta("twitter:card"), "summary");
        assert_eq!(p.meta("twitter:title"), s.title);
        // JSON-LD NewsArticle.
        let ld: Vec<serde_json::Value> = p
            .all("script[type=\"application/ld+json\"]")
            .into_iter()
            .map(|e| serde_json::from_str(&e.text().collect::<String>()).expect("JSON-LD"))
            .collect();
        assert_eq!(ld.len(), 1);
        assert_eq!(ld[0]["@type"], "NewsArticle");
        assert_eq!(ld[0]["headline"], s.title.as_str());
        assert_eq!(ld[0]["datePublished"], "2023-08");
        assert_eq!(ld[0]["url"], url.as_str());
        assert_eq!(ld[0]["author"]["name"], "OHCHR, news agencies");
        // The story whole, readable without a script: every paragraph, the countries (each
        // a search), the sources (the cited page and the source's page), the related page.
        let text = p.main_text();
        assert!(text.contains(&s.title), "{text}");
        for paragraph in s.body.split("\n\n") {
            assert!(text.contains(&folded(paragraph)), "missing {paragraph:?} in {text}");
        }
        for update in &s.updates {
            for paragraph in update.body.split("\n\n") {
                assert!(text.contains(&folded(paragraph)), "missing update {paragraph:?}");
            }
        }
        assert!(!s.countries.is_empty());
        for c in &s.countries {
            assert!(p.has_link(&format!("/search?country={}", c.code), &c.name), "{}", c.code);
        }
        assert!(!s.links.is_empty());
        for link in &s.links {
            assert!(p.links().iter().any(|(h, _)| h == &link.url), "{}", link.url);
            assert!(p.has_link(&format!("/sources/{}", link.source.slug), &link.source.name));
        }
        if let Some(related) = &s.related_url {
            assert!(p.has_link(related, "Visit the related web page"));
        }
        assert!(p.has_link("/justice", "Justice"));
        assert_inline_scripts_allowed(&p);
    }

    async fn a_theme_page_lists_its_stories_with_paging_links(app) {
        for i in 0..12 {
            insert_story(&app.pool, &format!("Court ruling number {i:02}"), &format!("Ruling {i} in full."), "justice", &["KH"], Some(&format!("2030-01-{:02}", i + 1)));
        }
        app.search.catch_up(&app.pool).expect("index");
        let base = app.base_url.clone();
        let p = page(&app, "/justice").await;
        assert_eq!(p.status, 200);
        assert_eq!(p.title(), "Justice — People's Stories");
        assert_eq!(p.attr("link[rel=canonical]", "href"), format!("{base}/justice"));
        assert!(p.meta("description").starts_with("Justice is the promise"));
        assert_eq!(p.meta("og:type"), "website");
        // Newest first, ten a page, each whole.
        let titles: Vec<String> = p.all("main .story-list h2").into_iter().map(|h| folded(&h.text().collect::<String>())).collect();
        let expected: Vec<String> = (2..12).rev().map(|i| format!("Court ruling number {i:02}")).collect();
        assert_eq!(titles, expected);
        assert!(p.main_text().contains("Ruling 11 in full."));
        assert!(p.has_link("/justice?offset=10", "View previous stories"));
        // Feeds for this theme: a visible link and autodiscovery in the head.
        assert!(p.has_link("/feeds/stories.atom?theme=justice", "Follow this theme (Atom)"));
        assert_eq!(
            p.attr("link[rel=alternate][href=\"/feeds/stories.atom?theme=justice\"]", "type"),
            "application/atom+xml"
        );
        let older = page(&app, "/justice?offset=10").await;
        assert_eq!(older.status, 200);
        assert_eq!(older.title(), "Justice (page 2) — People's Stories");
        assert_eq!(older.attr("link[rel=canonical]", "href"), format!("{base}/justice?offset=10"));
        let titles: Vec<String> = older.all("main .story-list h2").into_iter().map(|h| folded(&h.text().collect::<String>())).collect();
        assert_eq!(titles.len(), 4, "{titles:?}");
        assert_eq!(titles[0], "Court ruling number 01");
        assert!(older.has_link("/justice", "View more stories"));
        assert_inline_scripts_allowed(&older);
    }

    async fn unknown_pages_answer_404_with_the_not_found_page(app) {
        for path in ["/stories/no-such-story", "/no-such-theme", "/a/b/c", "/sources/no-such-source"] {
            let p = page(&app, path).await;
            assert_eq!(p.status, 404, "{path}");
            assert!(p.main_text().contains("Page not found"), "{path}: {}", p.main_text());
            assert_eq!(p.meta("robots"), "noindex", "{path}");
            // Not kept: the next story published at that address shows at once.
            assert_eq!(p.header("cache-control"), "no-cache", "{path}");
        }
    }

    async fn the_other_reader_pages_hold_their_content(app) {
        let scam = story(&app, SCAM_SLUG);
        let treaty = story(&app, TREATY_SLUG);
        let home = page(&app, "/").await;
        assert_eq!(home.status, 200);
        assert!(home.has_link(&format!("/stories/{SCAM_SLUG}"), &scam.title));
        assert!(home.has_link(&format!("/stories/{TREATY_SLUG}"), &treaty.title));
        assert!(home.main_text().contains("2 stories"), "theme counts: {}", home.main_text());
        let search = page(&app, "/search?q=trafficked").await;
        assert_eq!(search.status, 200);
        assert!(search.has_link(&format!("/stories/{SCAM_SLUG}"), &scam.title));
        assert!(search.main_text().contains("1 story matches."), "{}", search.main_text());
        assert!(!search.all("main mark").is_empty(), "highlights");
        assert_eq!(search.attr("input[name=q]", "value"), "trafficked");
        assert_eq!(search.attr("link[rel=canonical]", "href"), format!("{}/search?q=trafficked", app.base_url));
        // Without a script the form is a plain GET of this page.
        assert_eq!(search.attr("form[role=search]", "action"), "/search");
        let source = &scam.links[0].source;
        let sources = page(&app, "/sources").await;
        assert!(sources.has_link(&format!("/sources/{}", source.slug), &source.name));
        let one = page(&app, &format!("/sources/{}", source.slug)).await;
        assert_eq!(one.status, 200);
        assert_eq!(one.title(), format!("{} — People's Stories", source.name));
        assert!(one.has_link(&format!("/stories/{SCAM_SLUG}"), &scam.title));
        for (path, heading) in [("/guestbook", "Guestbook"), ("/about", "About People's Stories"), ("/submit", "Submit a Story")] {
            let p = page(&app, path).await;
            assert_eq!(p.status, 200, "{path}");
            let h1: Vec<String> = p.all("h1").into_iter().map(|h| h.text().collect()).collect();
            assert_eq!(h1, [heading], "{path}");
            assert_eq!(p.attr("link[rel=canonical]", "href"), format!("{}{path}", app.base_url));
        }
    }
}

#[actix_rt::test]
async fn what_a_story_holds_is_escaped_in_its_page() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let title = "</script><script>alert(1)</script> & \"quoted\" <b>bold</b>";
    let body = "A body with </script><img src=x onerror=alert(2)> in it.";
    let id = insert_story(&app.pool, title, body, "peace", &[], Some("2024-05-06"));
    app.search.catch_up(&app.pool).expect("index");
    let slug = story(&app, &id.to_string()).slug;
    let p = page(&app, &format!("/stories/{slug}")).await;
    assert_eq!(p.status, 200);
    // No element came from the story's text: the only scripts are the page's own.
    assert!(p.all("img").is_empty(), "{}", p.html);
    assert!(p.all("main b").is_empty());
    // The story's text is in the page's scripts only as data (JSON-LD, hydration), where
    // it cannot close the element.
    for script in p.all("script") {
        let text: String = script.text().collect::<String>().to_lowercase();
        assert!(
            !text.contains("</script") && !text.contains("<img"),
            "{text}"
        );
    }
    assert_eq!(
        p.all("script[src]").len(),
        1,
        "only the app's own boot script"
    );
    assert_eq!(p.title(), format!("{title} — People's Stories"));
    assert_eq!(p.meta("og:title"), title);
    assert!(p.main_text().contains(&folded(body)));
    let ld: serde_json::Value = serde_json::from_str(
        &p.all("script[type=\"application/ld+json\"]")[0]
            .text()
            .collect::<String>(),
    )
    .expect("JSON-LD");
    assert_eq!(ld["headline"], title);
    assert_eq!(ld["datePublished"], "2024-05-06");
    assert_inline_scripts_allowed(&p);
}

#[actix_rt::test]
async fn pages_are_kept_and_revalidated_like_the_api_reads() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let first = app.get("/justice").await;
    assert_eq!(first.status(), 200);
    let etag = first.headers().get("etag").expect("etag").clone();
    assert_eq!(
        first
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("public, max-age=30, stale-while-revalidate=60")
    );
    let second = app.get("/justice").await;
    assert_eq!(
        second
            .headers()
            .get("x-cache")
            .and_then(|v| v.to_str().ok()),
        Some("hit")
    );
    // The kept page keeps its policy.
    assert_eq!(
        second.headers().get("content-security-policy"),
        first.headers().get("content-security-policy")
    );
    let not_modified = app
        .client
        .get(app.url("/justice"))
        .header("if-none-match", etag)
        .send()
        .await
        .expect("request");
    assert_eq!(not_modified.status(), 304);
    // A new story is a new version of the data: the page shows it.
    insert_story(
        &app.pool,
        "A new ruling on the justice page",
        "Body.",
        "justice",
        &[],
        Some("2031-01"),
    );
    app.search.catch_up(&app.pool).expect("index");
    let p = page(&app, "/justice").await;
    assert!(
        p.main_text().contains("A new ruling on the justice page"),
        "{}",
        p.main_text()
    );
}

/// The search page's map draws each country with a `<use>` of the shapes served once at the
/// versioned `/world-map.svg` (kept for a year), and links the countries that have stories.
#[actix_rt::test]
async fn the_search_map_uses_the_shapes_served_once() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let p = page(&app, "/search?q=scam").await;
    assert_eq!(p.status, 200);
    let uses = p.all(".world-map svg use");
    assert!(uses.len() > 150, "a <use> per country: {}", uses.len());
    assert!(p.all(".world-map path").is_empty(), "no shapes in the page");
    let href = |code: &str| {
        uses.iter()
            .find(|u| u.value().attr("data-code") == Some(code))
            .and_then(|u| u.value().attr("href"))
            .unwrap_or_else(|| panic!("no <use> for {code}"))
            .to_string()
    };
    let kh = href("KH");
    let (sprite, fragment) = kh.split_once('#').expect("a fragment");
    assert_eq!(fragment, "KH");
    assert!(sprite.starts_with("/world-map.svg?v="), "{sprite}");
    // Cambodia has the scam story: a link that narrows the search to it; France has none.
    assert_eq!(
        p.all(".world-map svg a[href='/search?q=scam&country=KH'] use")
            .len(),
        1
    );
    assert!(p.all(".world-map svg a use[data-code=FR]").is_empty());

    let res = app.get(sprite).await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "content-type"), "image/svg+xml");
    assert_eq!(
        header(&res, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    let svg = res.text().await.expect("svg");
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.contains("<path id=\"KH\" d=\"M"));
    // Without the current version it is not kept as if it could never change.
    let res = app.get("/world-map.svg?v=old").await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "cache-control"), "public, max-age=86400");
}
