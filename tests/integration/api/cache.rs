//! The response cache of public reads and HTTP caching: a write is never hidden on the node
//! that made it and reaches other nodes within the follower's lag; ETag / If-None-Match
//! round trips; compressed and identity bodies are the same JSON; private answers are
//! `no-store`.

use std::io::Read;
use std::time::{Duration, Instant};

use peoples_stories_shared::{GuestbookPage, Role, StoryPage};
use reqwest::Method;

use crate::support::{add_user, both_databases, header, Backend, TestApp, TestDb};

async fn get_with(app: &TestApp, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.expect("request")
}

fn titles(page: &StoryPage) -> Vec<String> {
    page.items.iter().map(|s| s.title.clone()).collect()
}

fn decode(coding: &str, body: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            flate2::read::GzDecoder::new(body)
                .read_to_end(&mut out)
                .expect("gunzip");
        }
        "br" => {
            brotli::Decompressor::new(body, 4096)
                .read_to_end(&mut out)
                .expect("unbrotli");
        }
        "" => out.extend_from_slice(body),
        other => panic!("unexpected content-encoding {other}"),
    }
    out
}

async fn create_story(app: &TestApp, s: &crate::support::Session, title: &str) {
    let res = app
        .as_browser(Method::POST, "/api/v1/stories", s)
        .json(&serde_json::json!({
            "title": title,
            "theme": "justice",
            "date": "2026-11-30",
            "body": "Judges heard the case.",
            "countries": ["KH"],
        }))
        .send()
        .await
        .expect("create");
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
}

async fn sign(app: &TestApp, message: &str) {
    let res = app
        .post_json(
            "/api/v1/guestbook",
            &serde_json::json!({"name": "Maria", "message": message}),
            &[],
        )
        .await;
    assert_eq!(
        res.status(),
        201,
        "{}",
        res.text().await.unwrap_or_default()
    );
}

both_databases! {
    async fn a_write_is_never_hidden_on_the_node_that_made_it(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        for path in ["/api/v1/stories", "/api/v1/stories?theme=justice&country=KH", "/api/v1/themes"] {
            let first = app.get(path).await;
            assert_eq!(header(&first, "x-cache"), "miss", "{path}");
            let again = app.get(path).await;
            assert_eq!(header(&again, "x-cache"), "hit", "{path}");
            assert_eq!(header(&first, "etag"), header(&again, "etag"), "{path}");
        }
        let before: StoryPage = app.get_json("/api/v1/stories").await;
        let justice_count = |themes: &[peoples_stories_shared::Theme]| {
            themes.iter().find(|t| t.slug == "justice").expect("justice").story_count
        };
        let themes_before: Vec<peoples_stories_shared::Theme> = app.get_json("/api/v1/themes").await;
        create_story(&app, &s, "Tribunal hears the fishermen").await;
        // The very next reads, through the cache, hold the new story.
        let after: StoryPage = app.get_json("/api/v1/stories").await;
        assert_eq!(after.total, before.total + 1);
        assert_eq!(titles(&after)[0], "Tribunal hears the fishermen");
        let filtered: StoryPage = app.get_json("/api/v1/stories?theme=justice&country=KH").await;
        assert!(titles(&filtered).contains(&"Tribunal hears the fishermen".to_string()));
        let themes: Vec<peoples_stories_shared::Theme> = app.get_json("/api/v1/themes").await;
        assert_eq!(justice_count(&themes), justice_count(&themes_before) + 1, "{themes:?}");

        // Unpublishing hides it from the next read too.
        let res = app
            .as_browser(Method::PATCH, "/api/v1/stories/tribunal-hears-the-fishermen", &s)
            .json(&serde_json::json!({"status": "draft"}))
            .send()
            .await
            .expect("unpublish");
        assert_eq!(res.status(), 200);
        let again: StoryPage = app.get_json("/api/v1/stories").await;
        assert_eq!(again.total, before.total);
        let gone = app.get("/api/v1/stories/tribunal-hears-the-fishermen").await;
        assert_eq!(gone.status(), 404);

        // The guestbook: its own version.
        let empty: GuestbookPage = app.get_json("/api/v1/guestbook").await;
        let cached = app.get("/api/v1/guestbook").await;
        assert_eq!(header(&cached, "x-cache"), "hit");
        sign(&app, "Thank you for telling these stories.").await;
        let signed: GuestbookPage = app.get_json("/api/v1/guestbook").await;
        assert_eq!(signed.total, empty.total + 1);
        assert_eq!(signed.items[0].message, "Thank you for telling these stories.");
    }

    async fn etags_answer_304_until_the_data_changes(app) {
        let first = app.get("/api/v1/stories?limit=1").await;
        assert_eq!(first.status(), 200);
        let etag = header(&first, "etag");
        assert!(etag.starts_with('"') && etag.ends_with('"') && etag.len() > 10, "{etag}");
        assert!(!header(&first, "last-modified").is_empty());
        assert_eq!(header(&first, "cache-control"), "public, max-age=30, stale-while-revalidate=60");
        assert!(header(&first, "vary").to_lowercase().contains("accept-encoding"));

        let again = get_with(&app, "/api/v1/stories?limit=1", &[("if-none-match", &etag)]).await;
        assert_eq!(again.status(), 304);
        assert_eq!(header(&again, "etag"), etag);
        assert!(again.bytes().await.expect("body").is_empty());

        // The same tag names the compressed representations too; each has its own tag.
        let gz = get_with(
            &app,
            "/api/v1/stories?limit=1",
            &[("if-none-match", &etag), ("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(gz.status(), 304);
        let gz_tag = header(&gz, "etag");
        assert_ne!(gz_tag, etag);
        let gz_again = get_with(
            &app,
            "/api/v1/stories?limit=1",
            &[("if-none-match", &format!("W/{gz_tag}")), ("accept-encoding", "gzip")],
        )
        .await;
        assert_eq!(gz_again.status(), 304);

        // A tag of other data is not current.
        let other = get_with(&app, "/api/v1/stories?limit=1", &[("if-none-match", "\"0123abcd\"")]).await;
        assert_eq!(other.status(), 200);

        // One story, the same way.
        let page: StoryPage = app.get_json("/api/v1/stories?limit=1").await;
        let path = format!("/api/v1/stories/{}", page.items[0].slug);
        let story = app.get(&path).await;
        let story_tag = header(&story, "etag");
        let story_again = get_with(&app, &path, &[("if-none-match", &story_tag)]).await;
        assert_eq!(story_again.status(), 304);

        // A new story changes the list's tag, but not the first story's.
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        create_story(&app, &s, "A verdict at last").await;
        let changed = get_with(&app, "/api/v1/stories?limit=1", &[("if-none-match", &etag)]).await;
        assert_eq!(changed.status(), 200);
        assert_ne!(header(&changed, "etag"), etag);
        let unchanged = get_with(&app, &path, &[("if-none-match", &story_tag)]).await;
        assert_eq!(unchanged.status(), 304);
    }

    async fn compressed_and_identity_bodies_are_the_same_json(app) {
        for path in [
            "/api/v1/stories",
            "/api/v1/stories?q=scam&facets=country,year",
            "/api/v1/countries",
            "/api/v1/sources",
            "/api/v1/guestbook",
        ] {
            let mut bodies = Vec::new();
            // Twice each: the first answer is made, the second comes from the cache.
            for _ in 0..2 {
                for (accept, coding) in [("identity", ""), ("gzip", "gzip"), ("gzip, br", "br")] {
                    let res = get_with(&app, path, &[("accept-encoding", accept)]).await;
                    assert_eq!(res.status(), 200, "{path}");
                    assert_eq!(header(&res, "content-encoding"), coding, "{path} {accept}");
                    assert_eq!(header(&res, "content-type"), "application/json", "{path}");
                    let body = res.bytes().await.expect("body");
                    let json: serde_json::Value =
                        serde_json::from_slice(&decode(coding, &body)).expect("json");
                    bodies.push(json);
                }
            }
            assert!(bodies.windows(2).all(|w| w[0] == w[1]), "{path}: the bodies differ");
        }
    }

    async fn private_and_moderator_answers_are_not_stored(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        for path in ["/api/v1/manage/stories", "/api/v1/submissions", "/api/v1/auth/me"] {
            let res = app.as_browser(Method::GET, path, &s).send().await.expect("get");
            assert_eq!(res.status(), 200, "{path}");
            assert_eq!(header(&res, "cache-control"), "no-store", "{path}");
            assert!(header(&res, "etag").is_empty(), "{path}");
        }
        // Errors are not stored either.
        let bad = app.get("/api/v1/stories?limit=0").await;
        assert_eq!(bad.status(), 400);
        assert_eq!(header(&bad, "cache-control"), "no-store");
    }

    async fn every_list_pages_by_the_same_rules(app) {
        add_user(&app.pool, "maria", Role::Admin);
        let s = app.session("maria").await;
        for path in [
            "/api/v1/stories",
            "/api/v1/guestbook",
            "/api/v1/manage/stories",
            "/api/v1/submissions",
            "/api/v1/manage/guestbook",
            "/api/v1/audit",
        ] {
            for (query, field, words) in [
                ("limit=0", "limit", "from 1 to 100"),
                ("limit=101", "limit", "from 1 to 100"),
                ("offset=-1", "offset", "from 0 to 10000000"),
                ("offset=18446744073709551615", "offset", "from 0 to 10000000"),
                ("limit=5&limit=6", "limit", "only once"),
                ("colour=red", "colour", "unknown parameter"),
            ] {
                let res = app
                    .as_browser(Method::GET, &format!("{path}?{query}"), &s)
                    .send()
                    .await
                    .expect("get");
                assert_eq!(res.status(), 400, "{path}?{query}");
                let p: peoples_stories_shared::Problem = res.json().await.expect("problem");
                assert_eq!(p.errors[0].field, field, "{path}?{query}");
                assert!(p.errors[0].message.contains(words), "{path}?{query}: {}", p.errors[0].message);
            }
            let res = app.as_browser(Method::GET, path, &s).send().await.expect("get");
            let page: serde_json::Value = res.json().await.expect("page");
            assert_eq!(page["limit"], 20, "{path}: one default page size");
        }
    }
}

/// Two nodes on one database, each with its own index and cache: a story and a guestbook
/// entry written through one node reach the other's cached answers within the follower's lag.
async fn another_node_sees_writes_within_the_followers_lag(backend: Backend) {
    let Some(db) = TestDb::create(backend) else {
        eprintln!("skipped: {backend:?} not available");
        return;
    };
    let a = TestApp::spawn_on(&db).await;
    let b = TestApp::spawn_on(&db).await;
    add_user(&a.pool, "maria", Role::Moderator);
    let s = a.session("maria").await;
    // b caches what it has.
    let before: StoryPage = b.get_json("/api/v1/stories").await;
    let guestbook: GuestbookPage = b.get_json("/api/v1/guestbook").await;
    assert_eq!(header(&b.get("/api/v1/stories").await, "x-cache"), "hit");

    create_story(&a, &s, "Witnesses heard in Phnom Penh").await;
    sign(&a, "Written through the other node.").await;
    let started = Instant::now();
    loop {
        let page: StoryPage = b.get_json("/api/v1/stories").await;
        let entries: GuestbookPage = b.get_json("/api/v1/guestbook").await;
        if page.total == before.total + 1 && entries.total == guestbook.total + 1 {
            assert_eq!(titles(&page)[0], "Witnesses heard in Phnom Penh");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "node b still answers from before the writes after 5 s (the follower looks every 0.2 s)"
        );
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
}

mod another_node {
    use super::*;

    #[actix_rt::test]
    async fn sqlite() {
        another_node_sees_writes_within_the_followers_lag(Backend::Sqlite).await;
    }

    #[actix_rt::test]
    async fn postgres() {
        another_node_sees_writes_within_the_followers_lag(Backend::Postgres).await;
    }
}

/// A cache of 64 KiB holds what fits and evicts the rest; every read still answers.
async fn the_memory_budget_evicts(backend: Backend) {
    let budget = 64 * 1024;
    let Some(app) = TestApp::try_spawn_with_cache(backend, budget).await else {
        eprintln!("skipped: {backend:?} not available");
        return;
    };
    // The countries list is about 30 KB: a few fit.
    let letters = "abcdefghijklmnopqrstuvwxyz";
    for _ in 0..2 {
        for q in letters.chars() {
            let res = app.get(&format!("/api/v1/countries?q={q}")).await;
            assert_eq!(res.status(), 200);
        }
        let all = app.get("/api/v1/countries").await;
        assert_eq!(all.status(), 200);
        assert!(all.bytes().await.expect("body").len() > 20_000);
        // The cache settles its accounts in the background; /readyz has it do so now (an
        // insert may overshoot the budget until then, by what was inserted since).
        let ready: serde_json::Value = app.get_json("/readyz").await;
        let bytes = ready["cache"]["bytes"].as_u64().expect("bytes");
        assert!(bytes <= budget, "{ready}");
    }
    let ready: serde_json::Value = app.get_json("/readyz").await;
    let cache = &ready["cache"];
    assert_eq!(cache["budget_bytes"], budget);
    let bytes = cache["bytes"].as_u64().expect("bytes");
    let entries = cache["entries"].as_u64().expect("entries");
    assert!(bytes <= budget, "{cache}");
    assert!(entries > 0 && entries < 27, "{cache}");
    // Asked twice each, 54 reads: the ones evicted were made again.
    let misses = cache["misses"].as_u64().expect("misses");
    let hits = cache["hits"].as_u64().expect("hits");
    assert_eq!(hits + misses, 54, "{cache}");
    assert!(misses > 27, "nothing was evicted: {cache}");
}

mod budget {
    use super::*;

    #[actix_rt::test]
    async fn sqlite() {
        the_memory_budget_evicts(Backend::Sqlite).await;
    }

    #[actix_rt::test]
    async fn postgres() {
        the_memory_budget_evicts(Backend::Postgres).await;
    }
}
