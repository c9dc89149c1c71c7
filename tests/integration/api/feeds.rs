//! Atom and RSS feeds of stories: parsed back with the crates that wrote them and with
//! Python's feedparser, filters, escaping, absolute links, stable ids, caching.

use peoples_stories_shared::{Role, Story};
use reqwest::Method;

use super::seed::{SCAM_SLUG, TREATY_SLUG};
use crate::support::{add_user, both_databases, insert_story, Backend, TestApp};

/// GETs a feed expecting 200 with this content type; returns the body.
async fn feed_text(app: &TestApp, path: &str, content_type: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status(), 200, "GET {path}");
    let h = |name: &str| {
        res.headers()
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_string()
    };
    assert_eq!(h("content-type"), content_type, "GET {path}");
    assert!(h("cache-control").starts_with("public"), "GET {path}");
    assert!(!h("etag").is_empty(), "GET {path}");
    // The security headers of every answer: nothing a feed could load or run.
    assert_eq!(h("x-content-type-options"), "nosniff", "GET {path}");
    assert_eq!(
        h("content-security-policy"),
        "default-src 'none'; frame-ancestors 'none'"
    );
    res.text().await.expect("body")
}

async fn atom(app: &TestApp, path: &str) -> (String, atom_syndication::Feed) {
    let text = feed_text(app, path, "application/atom+xml; charset=utf-8").await;
    let feed = atom_syndication::Feed::read_from(text.as_bytes())
        .unwrap_or_else(|e| panic!("GET {path} is no Atom feed: {e}\n{text}"));
    (text, feed)
}

async fn rss(app: &TestApp, path: &str) -> (String, rss::Channel) {
    let text = feed_text(app, path, "application/rss+xml; charset=utf-8").await;
    let channel = rss::Channel::read_from(text.as_bytes())
        .unwrap_or_else(|e| panic!("GET {path} is no RSS feed: {e}\n{text}"));
    (text, channel)
}

fn story(app: &TestApp, id_or_slug: &str) -> Story {
    let mut conn = app.pool.get().expect("conn");
    peoples_stories_api::db::stories::find_published(&mut conn, id_or_slug)
        .expect("read")
        .expect("published")
}

fn self_link(feed: &atom_syndication::Feed) -> &str {
    feed.links()
        .iter()
        .find(|l| l.rel() == "self")
        .map(|l| l.href())
        .expect("a self link")
}

both_databases! {
    async fn the_atom_feed_holds_the_newest_stories_whole(app) {
        let (_, feed) = atom(&app, "/feeds/stories.atom").await;
        let base = &app.base_url;
        assert_eq!(feed.title().as_str(), "People's Stories");
        assert_eq!(self_link(&feed), format!("{base}/feeds/stories.atom"));
        assert_eq!(feed.id(), format!("{base}/feeds/stories.atom"));
        let scam = story(&app, SCAM_SLUG);
        let treaty = story(&app, TREATY_SLUG);
        let ids: Vec<&str> = feed.entries().iter().map(|e| e.id()).collect();
        assert_eq!(
            ids,
            [format!("{base}/stories/{}", scam.id), format!("{base}/stories/{}", treaty.id)]
        );
        assert_eq!(feed.updated(), &scam.updated_at.max(treaty.updated_at).fixed_offset());
        let e = &feed.entries()[0];
        assert_eq!(e.title().as_str(), scam.title);
        assert_eq!(e.updated(), &scam.updated_at.fixed_offset());
        assert_eq!(e.links()[0].href(), format!("{base}/stories/{SCAM_SLUG}"));
        assert_eq!(e.authors()[0].name(), "OHCHR, news agencies");
        let content = e.content().expect("content");
        assert_eq!(content.content_type(), Some("html"));
        let html = content.value().expect("html");
        let first_paragraph = scam.body.split("\n\n").next().expect("a paragraph");
        assert!(html.contains(&format!("<p>{}</p>", first_paragraph.trim())), "{html}");
        assert!(html.contains(&format!("href=\"{base}/search?country=KH\"")), "{html}");
        assert!(html.contains("Cambodia"), "{html}");
        for link in &scam.links {
            assert!(html.contains(&link.source.name), "{html}");
        }
        // Every link in the feed is absolute.
        for l in feed.links().iter().chain(feed.entries().iter().flat_map(|e| e.links())) {
            assert!(l.href().starts_with(base.as_str()), "{}", l.href());
        }
    }

    async fn the_rss_feed_holds_the_same_stories(app) {
        let (_, channel) = rss(&app, "/feeds/stories.rss").await;
        let base = &app.base_url;
        assert_eq!(channel.title(), "People's Stories");
        assert_eq!(channel.link(), format!("{base}/"));
        let atom_self = channel.atom_ext().expect("atom:link").links();
        assert_eq!(atom_self[0].rel(), "self");
        assert_eq!(atom_self[0].href(), format!("{base}/feeds/stories.rss"));
        let scam = story(&app, SCAM_SLUG);
        let items = channel.items();
        assert_eq!(items.len(), 2);
        let item = &items[0];
        assert_eq!(item.title(), Some(scam.title.as_str()));
        assert_eq!(item.link(), Some(format!("{base}/stories/{SCAM_SLUG}").as_str()));
        let guid = item.guid().expect("guid");
        assert_eq!(guid.value(), format!("{base}/stories/{}", scam.id));
        let creators = item.dublin_core_ext().expect("dc").creators();
        assert_eq!(creators, ["OHCHR, news agencies"]);
        assert!(item.content().expect("content:encoded").contains("Cambodia"));
        assert_eq!(item.pub_date(), Some(scam.created_at.to_rfc2822().as_str()));
    }

    async fn a_filtered_feed_holds_only_its_stories_and_names_its_filter(app) {
        let freedom = insert_story(&app.pool, "Printers freed in Phnom Penh", "They printed leaflets.", "freedom", &["KH"], Some("2024-02"));
        app.reindex_now();
        let base = &app.base_url;
        let (_, feed) = atom(&app, "/feeds/stories.atom?theme=justice&country=KH").await;
        assert_eq!(feed.title().as_str(), "People's Stories — Justice, Cambodia");
        let titles: Vec<&str> = feed.entries().iter().map(|e| e.title().as_str()).collect();
        assert_eq!(titles, [story(&app, SCAM_SLUG).title.as_str()]);
        assert_eq!(self_link(&feed), format!("{base}/feeds/stories.atom?country=KH&theme=justice"));
        let alternate = feed.links().iter().find(|l| l.rel() == "alternate").expect("alternate");
        assert_eq!(alternate.href(), format!("{base}/search?country=KH&theme=justice"));

        let (_, feed) = atom(&app, "/feeds/stories.atom?theme=freedom").await;
        assert_eq!(feed.title().as_str(), "People's Stories — Freedom");
        let ids: Vec<&str> = feed.entries().iter().map(|e| e.id()).collect();
        assert_eq!(ids, [format!("{base}/stories/{freedom}")]);
        let alternate = feed.links().iter().find(|l| l.rel() == "alternate").expect("alternate");
        assert_eq!(alternate.href(), format!("{base}/freedom"));

        let (_, channel) = rss(&app, "/feeds/stories.rss?country=Cambodia&source=ohchr").await;
        assert_eq!(channel.title(), "People's Stories — Cambodia, OHCHR");
        assert_eq!(channel.items().len(), 1);
        assert_eq!(channel.items()[0].title(), Some(story(&app, SCAM_SLUG).title.as_str()));

        // Keywords go through the search index, newest first.
        let (_, feed) = atom(&app, "/feeds/stories.atom?q=printed").await;
        assert_eq!(feed.title().as_str(), "People's Stories — “printed”");
        assert_eq!(feed.entries().len(), 1);
        let (_, feed) = atom(&app, "/feeds/stories.atom?theme=peace").await;
        assert!(feed.entries().is_empty());
    }

    async fn bad_filters_are_the_lists_problems(app) {
        for (path, field) in [
            ("/feeds/stories.atom?theme=nonsense", "theme"),
            ("/feeds/stories.rss?country=Atlantis", "country"),
            ("/feeds/stories.atom?source=nobody", "source"),
            ("/feeds/stories.atom?from=2023-13", "from"),
            ("/feeds/stories.rss?colour=red", "colour"),
            ("/feeds/stories.atom?limit=5", "limit"),
            ("/feeds/stories.rss?offset=20", "offset"),
            ("/feeds/stories.atom?sort=oldest", "sort"),
        ] {
            let p = app.get_problem(path, 400).await;
            let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
            assert_eq!(fields, [field], "{path}: {p:?}");
        }
    }

    async fn text_is_escaped_in_titles_and_content(app) {
        let title = "Court <script>alert('t')</script> & appeal";
        let body = "A <script>alert(1)</script> & <b>bold</b> claim.\n\nSecond & last.";
        insert_story(&app.pool, title, body, "peace", &[], Some("2025-01"));
        app.reindex_now();
        let (text, feed) = atom(&app, "/feeds/stories.atom?theme=peace").await;
        assert!(!text.contains("<script"), "{text}");
        assert!(!text.contains("<b>"), "{text}");
        let e = &feed.entries()[0];
        assert_eq!(e.title().as_str(), title);
        let html = e.content().and_then(|c| c.value()).expect("html");
        assert!(!html.contains("<script"), "{html}");
        assert!(html.contains("<p>A &lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt; claim.</p>"), "{html}");
        assert!(html.contains("<p>Second &amp; last.</p>"), "{html}");
        let (text, channel) = rss(&app, "/feeds/stories.rss?theme=peace").await;
        assert!(!text.contains("<script"), "{text}");
        let item = &channel.items()[0];
        assert_eq!(item.title(), Some(title));
        assert!(!item.content().expect("content").contains("<script"));
        assert!(!item.description().expect("description").contains("<script"));
    }

    async fn entry_ids_stay_when_a_title_changes_and_the_cache_follows(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        let scam = story(&app, SCAM_SLUG);
        let (_, before) = atom(&app, "/feeds/stories.atom").await;
        // The second read is the cache's, and a current tag gets a 304.
        let res = app.get("/feeds/stories.atom").await;
        assert_eq!(res.headers().get("x-cache").and_then(|v| v.to_str().ok()), Some("hit"));
        let etag = res.headers().get("etag").expect("etag").clone();
        let res = app.client.get(app.url("/feeds/stories.atom")).header("if-none-match", etag).send().await.expect("get");
        assert_eq!(res.status(), 304);

        let res = app
            .as_browser(Method::PATCH, &format!("/api/v1/stories/{}", scam.id), &s)
            .json(&serde_json::json!({"title": "Scam compounds: a new title"}))
            .send()
            .await
            .expect("patch");
        assert_eq!(res.status(), 200);
        let (_, after) = atom(&app, "/feeds/stories.atom").await;
        let find = |f: &atom_syndication::Feed| {
            f.entries()
                .iter()
                .find(|e| e.id() == format!("{}/stories/{}", app.base_url, scam.id))
                .map(|e| (e.title().as_str().to_string(), *e.updated()))
                .expect("the entry")
        };
        let (old_title, old_updated) = find(&before);
        let (new_title, new_updated) = find(&after);
        assert_eq!(old_title, scam.title);
        assert_eq!(new_title, "Scam compounds: a new title");
        assert!(new_updated > old_updated);
    }

    async fn python_feedparser_reads_both_feeds(app) {
        let Some(python) = crate::support::python() else {
            return;
        };
        let scam = story(&app, SCAM_SLUG);
        let script = r#"
import sys, feedparser
base, scam_title, scam_author = sys.argv[1], sys.argv[2], sys.argv[3]
for kind in ("atom", "rss"):
    url = base + "/feeds/stories." + kind
    d = feedparser.parse(url)
    assert d.bozo == 0, (kind, d.get("bozo_exception"))
    assert d.version == ("atom10" if kind == "atom" else "rss20"), (kind, d.version)
    assert d.feed.title == "People's Stories", (kind, d.feed.title)
    assert d.feed.link == base + "/", (kind, d.feed.link)
    assert len(d.entries) == 2, (kind, len(d.entries))
    e = d.entries[0]
    assert e.title == scam_title, (kind, e.title)
    assert e.link.startswith(base + "/stories/"), (kind, e.link)
    assert e.id.startswith(base + "/stories/"), (kind, e.id)
    assert e.author == scam_author, (kind, e.get("author"))
    assert "Cambodia" in e.content[0].value, kind
    assert "<script" not in e.content[0].value, kind
    d = feedparser.parse(base + "/feeds/stories." + kind + "?theme=justice&country=KH")
    assert d.bozo == 0, (kind, d.get("bozo_exception"))
    assert d.feed.title == "People's Stories \u2014 Justice, Cambodia", (kind, d.feed.title)
    assert len(d.entries) == 1, (kind, len(d.entries))
print("ok")
"#;
        let out = tokio::process::Command::new(&python)
            .args(["-c", script, &app.base_url, &scam.title, "OHCHR, news agencies"])
            .output()
            .await
            .expect("run python");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.status.success() && text.trim() == "ok", "feedparser: {text}");
    }
}

/// With a public origin configured, every link is on it, whatever host the request named.
#[actix_rt::test]
async fn links_are_on_the_configured_public_origin() {
    let auth = peoples_stories_api::auth::AuthConfig {
        public_origins: vec!["https://stories.example.org".into()],
        ..Default::default()
    };
    let app = TestApp::try_spawn_with_auth(Backend::Sqlite, auth)
        .await
        .expect("SQLite");
    let (_, feed) = atom(&app, "/feeds/stories.atom?theme=justice").await;
    assert_eq!(
        self_link(&feed),
        "https://stories.example.org/feeds/stories.atom?theme=justice"
    );
    for e in feed.entries() {
        assert!(
            e.id().starts_with("https://stories.example.org/stories/"),
            "{}",
            e.id()
        );
        assert!(e.links()[0]
            .href()
            .starts_with("https://stories.example.org/stories/"));
    }
    let robots = app.get("/robots.txt").await.text().await.expect("robots");
    assert!(
        robots.contains("Sitemap: https://stories.example.org/sitemap.xml\n"),
        "{robots}"
    );
}
