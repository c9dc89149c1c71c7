//! robots.txt, the sitemap index and its files (split by a small page size), the icon and
//! the web app manifest.

use std::collections::HashMap;

use quick_xml::events::Event;

use crate::support::{insert_story, Backend, TestApp};

/// The `<loc>` and `<lastmod>` of each entry of a sitemap or sitemap index, checking the
/// XML is well formed and its root is `root` in the sitemaps namespace.
fn entries(xml: &str, root: &str) -> Vec<(String, Option<String>)> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader
            .read_event()
            .unwrap_or_else(|e| panic!("not XML: {e}\n{xml}"))
        {
            Event::Start(e) => {
                let name = String::from_utf8(e.name().as_ref().to_vec()).expect("utf-8");
                if path.is_empty() {
                    assert_eq!(name, root, "{xml}");
                    let ns = e
                        .try_get_attribute("xmlns")
                        .expect("attribute")
                        .expect("xmlns")
                        .value
                        .to_vec();
                    let ns = String::from_utf8(ns).expect("utf-8");
                    assert_eq!(ns, "http://www.sitemaps.org/schemas/sitemap/0.9");
                }
                if path.len() == 1 {
                    out.push((String::new(), None));
                }
                path.push(name);
            }
            Event::End(_) => {
                path.pop();
            }
            // Text arrives in pieces: text, then each entity reference on its own.
            Event::Text(t) => add_text(&mut out, &path, &t.decode().expect("utf-8")),
            Event::GeneralRef(r) => {
                let text = match r.resolve_char_ref().expect("a character reference") {
                    Some(c) => c.to_string(),
                    None => match &*r.decode().expect("utf-8") {
                        "amp" => "&".to_string(),
                        "lt" => "<".to_string(),
                        "gt" => ">".to_string(),
                        "quot" => "\"".to_string(),
                        "apos" => "'".to_string(),
                        other => panic!("unknown entity &{other};"),
                    },
                };
                add_text(&mut out, &path, &text)
            }
            Event::Eof => break,
            _ => {}
        }
    }
    assert!(path.is_empty(), "unclosed elements: {path:?}");
    out
}

fn add_text(out: &mut [(String, Option<String>)], path: &[String], text: &str) {
    match (path.last().map(String::as_str), out.last_mut()) {
        (Some("loc"), Some(entry)) => entry.0.push_str(text),
        (Some("lastmod"), Some(entry)) => entry.1.get_or_insert_with(String::new).push_str(text),
        _ => assert!(text.trim().is_empty(), "stray text {text:?}"),
    }
}

async fn xml(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "GET {path}");
    assert_eq!(
        res.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/xml; charset=utf-8"),
        "GET {path}"
    );
    assert!(res
        .headers()
        .get("cache-control")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("public")));
    res.text().await.expect("body")
}

/// Makes a draft story straight in the database.
fn insert_draft(app: &TestApp, title: &str) -> i64 {
    use diesel::Connection;
    use peoples_stories_api::db::{stories, taxonomy};
    let mut conn = app.pool.get().expect("conn");
    conn.transaction::<_, diesel::result::Error, _>(|conn| {
        let theme_id = taxonomy::theme_rows(conn)?[0].id;
        let slug = stories::unique_slug(conn, title)?;
        stories::insert(
            conn,
            &stories::NewStory {
                slug,
                title: title.to_string(),
                theme_id,
                byline: None,
                date: None,
                summary: None,
                body: "Not yet.".to_string(),
                related_url: None,
                status: stories::DRAFT,
                updates: Vec::new(),
                country_codes: Vec::new(),
                links: Vec::new(),
                created_at: None,
            },
        )
    })
    .expect("insert draft")
}

fn published_slugs(app: &TestApp) -> Vec<String> {
    let mut conn = app.pool.get().expect("conn");
    let page = peoples_stories_api::db::stories::list(
        &mut conn,
        &Default::default(),
        peoples_stories_shared::SortOrder::Newest,
        100,
        0,
        None,
    )
    .expect("list")
    .0;
    page.into_iter().map(|s| s.slug).collect()
}

async fn sitemaps_split_by_the_page_size(backend: Backend) {
    let Some(app) = TestApp::try_spawn_configured(backend, |s| s.with_sitemap_page_size(3)).await
    else {
        eprintln!("skipped: PostgreSQL not available");
        return;
    };
    let base = app.base_url.clone();
    // The seed's 2 stories, then ids 3..=9: 6 more published and a draft among them.
    for i in 0..3 {
        insert_story(
            &app.pool,
            &format!("Published story {i}"),
            "Text.",
            "peace",
            &["KH"],
            None,
        );
    }
    let draft = insert_draft(&app, "A draft about <secrets> & more");
    for i in 3..6 {
        insert_story(
            &app.pool,
            &format!("Published story {i}"),
            "Text.",
            "freedom",
            &[],
            None,
        );
    }
    app.reindex_now();
    assert_eq!(draft, 6);

    let index = xml(&app, "/sitemap.xml").await;
    let files: Vec<String> = entries(&index, "sitemapindex")
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert_eq!(
        files,
        [
            format!("{base}/sitemaps/pages.xml"),
            format!("{base}/sitemaps/stories-1.xml"),
            format!("{base}/sitemaps/stories-2.xml"),
            format!("{base}/sitemaps/stories-3.xml"),
        ]
    );
    let mut seen: HashMap<String, usize> = HashMap::new();
    for file in &files[1..] {
        let path = file.trim_start_matches(base.as_str());
        let urls = entries(&xml(&app, path).await, "urlset");
        assert!(!urls.is_empty() && urls.len() <= 3, "{path}: {urls:?}");
        for (loc, lastmod) in urls {
            let lastmod = lastmod.unwrap_or_else(|| panic!("{loc} has no lastmod"));
            chrono::DateTime::parse_from_rfc3339(&lastmod).expect("a W3C date-time");
            let slug = loc
                .strip_prefix(&format!("{base}/stories/"))
                .unwrap_or_else(|| panic!("{loc} is not an absolute story URL"));
            *seen.entry(slug.to_string()).or_default() += 1;
        }
    }
    let mut expected = published_slugs(&app);
    expected.sort();
    let mut listed: Vec<String> = seen.keys().cloned().collect();
    listed.sort();
    assert_eq!(listed, expected, "every published story, and nothing else");
    assert!(seen.values().all(|&n| n == 1), "each once: {seen:?}");
    assert_eq!(expected.len(), 8);
    // The file with the draft (ids 4..=6) lists its two published stories.
    assert_eq!(
        entries(&xml(&app, "/sitemaps/stories-2.xml").await, "urlset").len(),
        2
    );

    for missing in [
        "stories-4.xml",
        "stories-0.xml",
        "stories-01.xml",
        "stories-.xml",
        "stories.xml",
        "other.xml",
        "stories-99999999999999999999999.xml",
    ] {
        app.get_problem(&format!("/sitemaps/{missing}"), 404).await;
    }
    // Cached like the API's public reads.
    let res = app.get("/sitemaps/stories-1.xml").await;
    assert_eq!(
        res.headers().get("x-cache").and_then(|v| v.to_str().ok()),
        Some("hit")
    );
}

#[actix_rt::test]
async fn sitemaps_split_by_the_page_size_sqlite() {
    sitemaps_split_by_the_page_size(Backend::Sqlite).await
}

#[actix_rt::test]
async fn sitemaps_split_by_the_page_size_postgres() {
    sitemaps_split_by_the_page_size(Backend::Postgres).await
}

crate::support::both_databases! {
    async fn the_pages_sitemap_lists_the_reader_pages(app) {
        let base = &app.base_url;
        let locs: Vec<String> = entries(&xml(&app, "/sitemaps/pages.xml").await, "urlset")
            .into_iter()
            .map(|e| e.0)
            .collect();
        for page in ["/", "/justice", "/freedom", "/peace", "/democracy", "/well-being", "/sources", "/about", "/guestbook", "/sources/ohchr", "/sources/amnesty"] {
            assert!(locs.contains(&format!("{base}{page}")), "{page} missing: {locs:?}");
        }
        assert!(locs.iter().all(|l| l.starts_with(base.as_str())));
        // The default page size puts every story in one file.
        let index = entries(&xml(&app, "/sitemap.xml").await, "sitemapindex");
        assert_eq!(index.len(), 2, "{index:?}");
        let stories = entries(&xml(&app, "/sitemaps/stories-1.xml").await, "urlset");
        assert_eq!(stories.len(), 2);
    }

    async fn robots_txt_allows_readers_and_names_the_sitemap(app) {
        let res = app.get("/robots.txt").await;
        assert_eq!(res.status(), 200);
        assert_eq!(
            res.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("text/plain; charset=utf-8")
        );
        let text = res.text().await.expect("text");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines,
            [
                "User-agent: *",
                "Allow: /",
                "Disallow: /admin",
                "Disallow: /api/v1/manage",
                "",
                &format!("Sitemap: {}/sitemap.xml", app.base_url),
            ]
        );
    }

    async fn the_icon_and_the_manifest_are_served(app) {
        for path in ["/favicon.svg", "/favicon.ico"] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("image/svg+xml"));
            let body = res.text().await.expect("svg");
            assert!(body.starts_with("<svg") && body.trim_end().ends_with("</svg>"), "{body}");
        }
        let res = app.get("/manifest.webmanifest").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("application/manifest+json"));
        let m: serde_json::Value = res.json().await.expect("json");
        assert_eq!(m["name"], "People's Stories");
        assert_eq!(m["start_url"], "/");
        assert_eq!(m["icons"][0]["src"], "/favicon.svg");
        // Every icon the manifest names is served with its type, and a PNG is as large as
        // it says (its IHDR: width and height, big-endian, at bytes 16 to 24).
        let icons = m["icons"].as_array().expect("icons");
        assert!(icons.iter().any(|i| i["sizes"] == "512x512"), "{icons:?}");
        for icon in icons {
            let res = app.get(icon["src"].as_str().expect("src")).await;
            assert_eq!(res.status(), 200, "{icon}");
            let kind = res.headers().get("content-type").and_then(|v| v.to_str().ok()).map(str::to_string);
            assert_eq!(kind.as_deref(), icon["type"].as_str(), "{icon}");
            let body = res.bytes().await.expect("icon");
            if icon["type"] == "image/png" {
                assert_eq!(&body[..8], b"\x89PNG\r\n\x1a\n", "{icon}");
                let side = |at: usize| u32::from_be_bytes(body[at..at + 4].try_into().expect("4 bytes"));
                assert_eq!(format!("{}x{}", side(16), side(20)), icon["sizes"].as_str().expect("sizes"));
            }
        }
        // iOS asks for its icon at a fixed path, without a link; the pages link it too.
        let res = app.get("/apple-touch-icon.png").await;
        assert_eq!(res.status(), 200);
        assert_eq!(res.headers().get("content-type").and_then(|v| v.to_str().ok()), Some("image/png"));
    }
}
