//! Keyword search through the tantivy index, on both databases.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use peoples_stories_shared::{Country, StoryPage};

use super::seed::{SCAM_SLUG, TREATY_SLUG};
use crate::support::{both_databases, insert_story, Backend, ServeProcess, TestApp, TestDb};

async fn total(node: &ServeProcess, query: &str) -> i64 {
    let page: StoryPage = reqwest::get(node.url(&format!("/api/v1/stories?{query}")))
        .await
        .expect("request")
        .json()
        .await
        .expect("json");
    page.total
}

fn slugs(page: &StoryPage) -> Vec<&str> {
    page.items.iter().map(|s| s.slug.as_str()).collect()
}

async fn search(app: &TestApp, query: &str) -> StoryPage {
    app.get_json(&format!("/api/v1/stories?{query}")).await
}

both_databases! {
    async fn finds_words_phrases_stems_accents_and_exclusions(app) {
        for (q, expected) in [
            ("q=scam&country=KH", vec![SCAM_SLUG]),
            ("q=scam&country=Cambodia", vec![SCAM_SLUG]),
            ("q=scam&country=SI", vec![]),
            ("q=%22universal+jurisdiction%22", vec![TREATY_SLUG]),
            ("q=%22universal+jurisdiction", vec![TREATY_SLUG]),
            ("q=%22online+scammers%22", vec![SCAM_SLUG]),
            ("q=%22scammers+online%22", vec![]),
            ("q=trafficked", vec![SCAM_SLUG]),
            ("q=Turk", vec![SCAM_SLUG]),
            ("q=t%C3%BCrk", vec![SCAM_SLUG]),
            ("q=scam+genocide", vec![]),
            ("q=scam+OR+genocide&sort=newest", vec![SCAM_SLUG, TREATY_SLUG]),
            ("q=-scam", vec![TREATY_SLUG]),
            ("q=justice+-scam", vec![TREATY_SLUG]),
            ("q=justice&theme=justice&sort=oldest", vec![TREATY_SLUG, SCAM_SLUG]),
            ("q=justice&from=2023-06", vec![SCAM_SLUG]),
            ("q=justice&to=2023-05", vec![TREATY_SLUG]),
            ("q=justice&source=amnesty", vec![TREATY_SLUG]),
            ("q=Burma", vec![SCAM_SLUG]),
            ("q=Amnesty+International", vec![TREATY_SLUG]),
        ] {
            let page = search(&app, q).await;
            assert_eq!(slugs(&page), expected, "{q}");
            assert_eq!(page.total, expected.len() as i64, "{q}");
        }
    }

    async fn phrases_with_common_words_match_exactly(app) {
        // Phrases whose word pairs hold a common word are read from the pairs field: they must
        // match exactly what the word-by-word check would, no more and no less.
        let stories = [
            ("Courts and the rule of law", "Judges defended the rule of law in the capital."),
            ("Rule of the law", "A rule of the new law was published."),
            ("Law of rule", "The law of rule and order was debated."),
            ("Rights of women", "The rights of women were upheld by the court."),
            ("Women and rights", "Women in the region spoke of their rights."),
            ("Rule rewritten", "Reporters covered the rule of law reform in detail."),
        ];
        for (title, body) in stories {
            insert_story(&app.pool, title, body, "justice", &["KE"], Some("2020"));
        }
        app.reindex_now();
        let titles = |page: &StoryPage| -> Vec<String> {
            let mut t: Vec<String> = page.items.iter().map(|s| s.title.clone()).collect();
            t.sort();
            t
        };
        for (q, expected) in [
            ("%22rule+of+law%22", vec!["Courts and the rule of law", "Rule rewritten"]),
            ("%22rule+of%22", vec!["Courts and the rule of law", "Rule of the law", "Rule rewritten"]),
            ("%22of+the+law%22", vec!["Rule of the law"]),
            ("%22rights+of+women%22", vec!["Rights of women"]),
            ("%22women+rights%22", vec![]),
            ("%22rule+of+law+reform%22", vec!["Rule rewritten"]),
            ("%22law+reform%22", vec!["Rule rewritten"]),
            ("%22the+rule+of+law%22+judges", vec!["Courts and the rule of law"]),
            ("%22rule+of+law%22+-reform", vec!["Courts and the rule of law"]),
        ] {
            // The seed stories (not in Kenya) say "the rule of law" too.
            let page = search(&app, &format!("q={q}&country=KE&limit=100")).await;
            let expected: Vec<String> = expected.into_iter().map(String::from).collect();
            assert_eq!(titles(&page), expected, "{q}");
            assert_eq!(page.total, expected.len() as i64, "{q}");
            for s in &page.items {
                assert!(s.highlight.as_deref().is_some_and(|h| h.contains("<mark>")), "{q}: {:?}", s.highlight);
            }
        }
    }

    async fn finds_text_in_every_script(app) {
        let cases = [
            ("حقوق الإنسان في المنطقة", "الإنسان"),
            ("Права человека нарушаются", "человека"),
            ("人权观察发布报告", "观察"),
            ("สิทธิมนุษยชนในประเทศไทย", "มนุษยชน"),
        ];
        for (i, (body, _)) in cases.iter().enumerate() {
            insert_story(&app.pool, &format!("Script story {i}"), body, "freedom", &[], Some("2024"));
        }
        app.reindex_now();
        for (i, (_, query)) in cases.iter().enumerate() {
            let page = search(&app, &format!("q={}", url_encode(query))).await;
            assert_eq!(slugs(&page), [format!("script-story-{i}")], "{query}");
            let mark = page.items[0].highlight.clone().unwrap_or_default();
            assert!(mark.contains("<mark>"), "{query}: {mark}");
        }
    }

    async fn title_matches_outrank_body_matches(app) {
        insert_story(&app.pool, "Notes from a hearing", "The xylophone evidence was heard.", "justice", &[], Some("2024-01-01"));
        insert_story(&app.pool, "Xylophone makers detained", "Workshops were closed.", "freedom", &[], Some("2020"));
        app.reindex_now();
        let page = search(&app, "q=xylophone").await;
        assert_eq!(slugs(&page), ["xylophone-makers-detained", "notes-from-a-hearing"]);
        let newest = search(&app, "q=xylophone&sort=newest").await;
        assert_eq!(slugs(&newest), ["notes-from-a-hearing", "xylophone-makers-detained"]);
    }

    async fn highlights_escape_everything_but_marks(app) {
        insert_story(
            &app.pool,
            "Escaping test",
            "Before <script>alert('x')</script> & the quokka \"report\" after.",
            "peace",
            &[],
            None,
        );
        app.reindex_now();
        let page = search(&app, "q=quokka").await;
        let h = page.items[0].highlight.clone().expect("highlight");
        assert!(h.contains("<mark>quokka</mark>"), "{h}");
        assert!(h.contains("&lt;script&gt;"), "{h}");
        assert!(!h.contains("<script>"), "{h}");
        assert!(!h.replace("<mark>", "").replace("</mark>", "").contains('<'), "{h}");
        // Without keywords there is no highlight.
        let plain = search(&app, "country=KH").await;
        assert_eq!(plain.items[0].highlight, None);
    }

    async fn facet_counts_equal_filtered_totals(app) {
        for i in 0..12 {
            let countries: &[&str] = match i % 3 { 0 => &["KH"], 1 => &["KH", "TH"], _ => &["FR"] };
            let theme = ["justice", "freedom", "peace"][i % 3];
            insert_story(&app.pool, &format!("Detention report {i}"), "Arbitrary detention of workers.", theme, countries, Some(&format!("{}", 2015 + i % 4)));
        }
        app.reindex_now();
        let page = search(&app, "q=detention&facets=country,theme,year,source").await;
        assert_eq!(page.total, 12 + 1, "the treaty story mentions detention too? {:?}", slugs(&page));
        for (name, param) in [("country", "country"), ("theme", "theme"), ("year", "from")] {
            let facet = &page.facets[name];
            assert!(!facet.is_empty(), "{name}");
            for w in facet.windows(2) {
                assert!(w[0].count >= w[1].count, "{name} is sorted by count");
            }
            for v in facet {
                let filter = if name == "year" {
                    format!("from={0}&to={0}", v.value)
                } else {
                    format!("{param}={}", v.value)
                };
                let filtered = search(&app, &format!("q=detention&{filter}&limit=1")).await;
                assert_eq!(filtered.total, v.count, "{name}={} ({})", v.value, v.label);
            }
        }
        let kh = page.facets["country"].iter().find(|f| f.value == "KH").expect("KH");
        assert_eq!((kh.label.as_str(), kh.count), ("Cambodia", 9));
        assert_eq!(page.facets["theme"].iter().find(|f| f.value == "justice").map(|f| f.label.as_str()), Some("Justice"));
    }

    async fn facets_follow_edits_across_segments(app) {
        use diesel::prelude::*;
        use peoples_stories_api::db::{changes, schema::stories as t};
        // Two commits, so two segments; then edits that delete documents in both.
        let mut edited = Vec::new();
        for batch in 0..2 {
            for i in 0..5 {
                let id = insert_story(&app.pool, &format!("Quarry workers {batch}-{i}"), "Quarry workers went unpaid.", "justice", &["KE"], Some("2019"));
                if i < 2 {
                    edited.push(id);
                }
            }
            app.reindex_now();
        }
        let facets = |page: &StoryPage, name: &str| -> Vec<(String, i64)> {
            page.facets[name].iter().map(|f| (f.value.clone(), f.count)).collect()
        };
        let before = search(&app, "q=quarry&facets=theme,country,year").await;
        assert_eq!(before.total, 10);
        assert_eq!(facets(&before, "theme"), [("justice".to_string(), 10)]);
        let mut conn = app.pool.get().expect("conn");
        // Theme 2 is freedom; one of the four is unpublished instead.
        for (n, id) in edited.iter().enumerate() {
            if n == 0 {
                diesel::update(t::table.find(id)).set(t::status.eq("draft")).execute(&mut conn).expect("status");
            } else {
                diesel::update(t::table.find(id)).set(t::theme_id.eq(2)).execute(&mut conn).expect("theme");
            }
            changes::record(&mut conn, *id).expect("change");
        }
        drop(conn);
        app.reindex_now();
        let after = search(&app, "q=quarry&facets=theme,country,year").await;
        assert_eq!(after.total, 9);
        assert_eq!(facets(&after, "theme"), [("justice".to_string(), 6), ("freedom".to_string(), 3)]);
        assert_eq!(facets(&after, "country"), [("KE".to_string(), 9)]);
        assert_eq!(facets(&after, "year"), [("2019".to_string(), 9)]);
        let freedom = search(&app, "q=quarry&theme=freedom&limit=1").await;
        assert_eq!(freedom.total, 3);
    }

    async fn deep_pages_continue_the_shallow_ranking(app) {
        // Pages deeper than 5,000 are found another way (a buffered top-k over every match,
        // not block-max WAND over a heap); both must give one ranking, cut the same way.
        {
            let mut conn = app.pool.get().expect("conn");
            peoples_stories_api::generate::run(&mut conn, 5100, 3).expect("generate");
            peoples_stories_api::db::changes::record_rebuild(&mut conn).expect("rebuild request");
        }
        app.reindex_now();
        let first: StoryPage = app.get_json("/api/v1/stories?q=rights&limit=1").await;
        assert!(first.total > 5010, "the generated stories mostly say rights: {}", first.total);
        let mut shallow: Vec<i64> = Vec::new();
        for offset in (0..5000).step_by(100) {
            let page: StoryPage = app.get_json(&format!("/api/v1/stories?q=rights&limit=100&offset={offset}")).await;
            shallow.extend(page.items.iter().map(|s| s.id));
        }
        // offset + limit over 5,000: the deep path, overlapping the shallow pages by 90.
        let deep: StoryPage = app.get_json("/api/v1/stories?q=rights&limit=100&offset=4910").await;
        let deep_ids: Vec<i64> = deep.items.iter().map(|s| s.id).collect();
        assert_eq!(deep.total, first.total);
        assert_eq!(&deep_ids[..90], &shallow[4910..5000]);
        let mut seen: HashSet<i64> = shallow.iter().copied().collect();
        assert_eq!(seen.len(), 5000, "shallow pages repeat");
        for id in &deep_ids[90..] {
            assert!(seen.insert(*id), "a deep page repeats {id}");
        }
        // The same with a facet pass alongside.
        let faceted: StoryPage = app.get_json("/api/v1/stories?q=rights&limit=100&offset=4910&facets=theme").await;
        assert_eq!(faceted.items.iter().map(|s| s.id).collect::<Vec<_>>(), deep_ids);
        assert_eq!(faceted.facets["theme"].iter().map(|f| f.count).sum::<i64>(), first.total);
    }

    async fn pages_never_repeat_or_skip(app) {
        for i in 0..47 {
            insert_story(&app.pool, &format!("Refugee story {i}"), "Refugees crossed the border.", "peace", &["TR"], Some(&format!("20{:02}", i % 20)));
        }
        app.reindex_now();
        for sort in ["relevance", "newest", "oldest"] {
            let mut seen = HashSet::new();
            let mut url = format!("/api/v1/stories?q=refugees&limit=10&sort={sort}");
            let mut pages = 0;
            loop {
                let page: StoryPage = app.get_json(&url).await;
                assert_eq!(page.total, 47);
                for s in &page.items {
                    assert!(seen.insert(s.id), "{sort}: {} repeated", s.slug);
                }
                pages += 1;
                match page.next { Some(next) => url = next, None => break }
            }
            assert_eq!((pages, seen.len()), (5, 47), "{sort}");
        }
    }

    async fn malformed_queries_get_a_reading_or_a_400(app) {
        for q in ["(((", "-", "%22%22", "!!!"] {
            let p = app.get_problem(&format!("/api/v1/stories?q={q}"), 400).await;
            assert_eq!(p.errors[0].field, "q", "{q}");
        }
        let long = "a".repeat(2000);
        let p = app.get_problem(&format!("/api/v1/stories?q={long}"), 400).await;
        assert!(p.errors[0].message.contains("256"), "{}", p.errors[0].message);
        for q in ["scam)", "(scam", "scam+AND", "OR+scam", "scam+-", "title:scam", "scam*", "%5Bscam+TO%5D", "scam~2", "+scam"] {
            let res = app.get(&format!("/api/v1/stories?q={q}")).await;
            assert!(res.status() == 200 || res.status() == 400, "{q}: {}", res.status());
        }
        let p = app.get_problem("/api/v1/stories?sort=relevance", 400).await;
        assert_eq!(p.errors[0].field, "sort");
        let p = app.get_problem("/api/v1/stories?facets=colour", 400).await;
        assert_eq!(p.errors[0].field, "facets");
    }

    async fn tantivys_query_language_is_read_as_plain_words(app) {
        // Field names, ranges, wildcards, boosts and fuzziness are text: their characters are
        // split away like punctuation, so each query finds what its words find, quickly.
        insert_story(&app.pool, "All the rivers", "All of them ran dry before the monsoon.", "peace", &[], Some("2024"));
        app.reindex_now();
        for (q, same_as) in [
            ("all:*", "all"),
            ("all:%5Ba+TO+z%5D", "%22all+a%22+to+z"),
            ("all:%7Ba+TO+z%7D", "%22all+a%22+to+z"),
            ("title:x%5E3~2", "%22title+x+3+2%22"),
            ("title:river%5E2", "%22title+river+2%22"),
            ("monsoon~", "monsoon"),
            ("monsoon~1", "%22monsoon+1%22"),
            ("riv*", "riv"),
            ("%2Brivers+AND+NOT+monsoon", "rivers+and+not+monsoon"),
            ("(rivers+OR+monsoon)", "rivers+OR+monsoon"),
        ] {
            let res = app.get(&format!("/api/v1/stories?q={q}")).await;
            assert_eq!(res.status(), 200, "{q}");
            let page: StoryPage = res.json().await.expect("page");
            let expected = search(&app, &format!("q={same_as}")).await;
            assert_eq!(slugs(&page), slugs(&expected), "{q} reads as {same_as}");
            assert_eq!(page.total, expected.total, "{q}");
        }
        // The word "all" is in the new story and in the seed stories.
        assert!(search(&app, "q=all:*").await.total >= 1);
        assert_eq!(search(&app, "q=all:*+monsoon").await.total, 1);
        assert_eq!(search(&app, "q=riv*").await.total, 0, "no wildcard");
    }

    async fn queries_over_the_bounds_get_a_400_naming_q(app) {
        let words = |n: usize| (0..n).map(|i| format!("w{i}")).collect::<Vec<_>>().join("+");
        let ok = app.get(&format!("/api/v1/stories?q={}", words(32))).await;
        assert_eq!(ok.status(), 200);
        let p = app.get_problem(&format!("/api/v1/stories?q={}", words(33)), 400).await;
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].field, "q");
        assert!(p.errors[0].message.contains("at most 32"), "{}", p.errors[0].message);
        assert!(p.detail.starts_with("q: "), "{}", p.detail);
        // Each word of a phrase and each excluded word counts.
        let phrase = format!("%22{}%22+x", words(32));
        assert_eq!(app.get_problem(&format!("/api/v1/stories?q={phrase}"), 400).await.errors[0].field, "q");
        let excluded = format!("{}+-x", words(32));
        assert_eq!(app.get_problem(&format!("/api/v1/stories?q={excluded}"), 400).await.errors[0].field, "q");
        // OR joins words without counting.
        let ors = (0..32).map(|i| format!("w{i}")).collect::<Vec<_>>().join("+OR+");
        assert_eq!(app.get(&format!("/api/v1/stories?q={ors}")).await.status(), 200);

        let ok = app.get(&format!("/api/v1/stories?q={}", "a".repeat(256))).await;
        assert_eq!(ok.status(), 200);
        let p = app.get_problem(&format!("/api/v1/stories?q={}", "a".repeat(257)), 400).await;
        assert_eq!(p.errors[0].field, "q");
        assert!(p.errors[0].message.contains("at most 256 characters"), "{}", p.errors[0].message);
        // Characters, not bytes: 256 two-byte letters are fine.
        let accents = url_encode(&"é".repeat(256));
        assert_eq!(app.get(&format!("/api/v1/stories?q={accents}")).await.status(), 200);
    }

    async fn country_type_ahead_matches_names_and_aliases(app) {
        let names = |list: Vec<Country>| list.into_iter().map(|c| c.code).collect::<Vec<_>>();
        let cam: Vec<Country> = app.get_json("/api/v1/countries?q=cam").await;
        assert_eq!(names(cam)[..2], ["KH", "CM"]);
        let burma: Vec<Country> = app.get_json("/api/v1/countries?q=burm").await;
        assert_eq!(names(burma), ["MM"]);
        let ivory: Vec<Country> = app.get_json("/api/v1/countries?q=ivory").await;
        assert_eq!(names(ivory), ["CI"]);
        let cote: Vec<Country> = app.get_json("/api/v1/countries?q=c%C3%B4te").await;
        assert_eq!(names(cote), ["CI"]);
        let p = app.get_problem("/api/v1/countries?name=cam", 400).await;
        assert_eq!(p.errors[0].field, "name");
    }
}

fn url_encode(s: &str) -> String {
    url::form_urlencoded::byte_serialize(s.as_bytes()).collect()
}

/// Two API nodes on one PostgreSQL, each with its own index: a story written through one is
/// found through the other within two seconds.
#[actix_rt::test]
async fn two_nodes_on_one_postgres_converge() {
    let Some(db) = TestDb::create(Backend::Postgres) else {
        eprintln!("skipped: PostgreSQL not available");
        return;
    };
    let a = TestApp::spawn_on(&db).await;
    let b = TestApp::spawn_on(&db).await;
    insert_story(
        &a.pool,
        "Pangolin traffickers convicted",
        "A court ruled.",
        "justice",
        &["VN"],
        Some("2024-03"),
    );
    let started = Instant::now();
    loop {
        let page: StoryPage = b.get_json("/api/v1/stories?q=pangolin").await;
        if page.total == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "node b did not see the story in 2 s"
        );
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A node started on an empty index directory rebuilds it from the database and answers.
#[actix_rt::test]
async fn a_node_with_an_empty_index_rebuilds_it() {
    let db = TestDb::create(Backend::Sqlite).expect("sqlite");
    let seeded = TestApp::spawn_on(&db).await;
    insert_story(
        &seeded.pool,
        "Kestrel reserve flooded",
        "Villagers displaced.",
        "well-being",
        &["KE"],
        None,
    );
    drop(seeded);
    let dir = tempfile::tempdir().expect("dir");
    let index = peoples_stories_api::search::SearchIndex::open(dir.path()).expect("open");
    assert!(!index.is_ready());
    index.catch_up(&db.pool()).expect("rebuild");
    assert!(index.is_ready());
    assert_eq!(index.num_docs(), 3);
    let fresh = TestApp::spawn_on(&db).await;
    let page: StoryPage = fresh.get_json("/api/v1/stories?q=kestrel").await;
    assert_eq!(page.total, 1);
}

/// Two `serve` processes on one PostgreSQL, each with its own (empty, so rebuilt) index: a
/// story written to the database is found through both within two seconds.
#[actix_rt::test]
async fn two_serve_processes_on_one_postgres_converge() {
    let Some(db) = TestDb::create(Backend::Postgres) else {
        eprintln!("skipped: PostgreSQL not available");
        return;
    };
    let pool = db.pool();
    peoples_stories_api::db::migrate(&mut pool.get().expect("conn")).expect("migrate");
    peoples_stories_api::seed::run(&mut pool.get().expect("conn")).expect("seed");
    let url = db.url.target.clone();
    let a = ServeProcess::start(&url, &[]).await;
    let b = ServeProcess::start(&url, &[]).await;
    assert_eq!(total(&a, "q=scam&country=KH").await, 1);
    assert_eq!(total(&b, "q=%22universal+jurisdiction%22").await, 1);
    insert_story(
        &pool,
        "Okapi rangers attacked",
        "Rangers were attacked.",
        "peace",
        &["CD"],
        Some("2024"),
    );
    let started = Instant::now();
    loop {
        if total(&a, "q=okapi").await == 1 && total(&b, "q=okapi&country=DR+Congo").await == 1 {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "the nodes did not converge in 2 s"
        );
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }
}

both_databases! {
    async fn an_index_behind_the_database_never_shows_unpublished_text(app) {
        let id = insert_story(
            &app.pool,
            "Quarry workers speak",
            "The zeppelinfield testimony names the officers.",
            "justice",
            &[],
            Some("2024"),
        );
        app.reindex_now();
        let found: StoryPage = app.get_json("/api/v1/stories?q=zeppelinfield").await;
        assert_eq!(found.items.len(), 1);
        // Unpublished behind the index's back, as by another node whose change this node's
        // follower has not applied (or never will, if it stopped).
        {
            use diesel::prelude::*;
            use peoples_stories_api::db::schema::stories;
            let mut conn = app.pool.get().expect("conn");
            diesel::update(stories::table.find(id))
                .set(stories::status.eq("draft"))
                .execute(&mut conn)
                .expect("unpublish");
        }
        for path in [
            "/api/v1/stories?q=zeppelinfield&limit=5",
            "/api/v1/stories?q=zeppelinfield&sort=newest",
            "/api/v1/stories?q=quarry",
        ] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            let text = res.text().await.expect("body");
            assert!(!text.contains("zeppelinfield") && !text.contains("Quarry workers"), "{path}: {text}");
        }
        assert_eq!(app.get(&format!("/api/v1/stories/{id}")).await.status(), 404);
    }
}
