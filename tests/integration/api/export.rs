//! `GET /api/v1/stories/export`: CSV and JSON Lines, filters, escaping, formula defusing,
//! `fields`, a large set streamed; and `facets` and the list's other repeatable parameters
//! given both ways.

use std::collections::HashSet;

use futures_util::StreamExt;
use peoples_stories_shared::{Story, StoryPage};

use super::seed::{SCAM_SLUG, TREATY_SLUG};
use crate::support::{both_databases, insert_story, TestApp};

/// Every header the export answers with, and its body as text.
async fn export(app: &TestApp, query: &str, accept: Option<&str>) -> (String, String) {
    let mut req = app
        .client
        .get(app.url(&format!("/api/v1/stories/export?{query}")));
    if let Some(a) = accept {
        req = req.header("accept", a);
    }
    let res = req.send().await.expect("request");
    let status = res.status();
    let ct = res
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let text = res.text().await.expect("body");
    assert_eq!(status, 200, "export?{query}: {text}");
    (ct, text)
}

/// The CSV's header and rows, read by a real RFC 4180 reader.
fn rows(csv_text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::ReaderBuilder::new().from_reader(csv_text.as_bytes());
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

fn column<'a>(header: &[String], rows: &'a [Vec<String>], name: &str) -> Vec<&'a str> {
    let i = header.iter().position(|h| h == name).expect(name);
    rows.iter().map(|r| r[i].as_str()).collect()
}

const ALL_COLUMNS: [&str; 15] = [
    "id",
    "slug",
    "title",
    "theme",
    "byline",
    "date",
    "date_precision",
    "summary",
    "body",
    "updates",
    "countries",
    "links",
    "related_url",
    "created_at",
    "updated_at",
];

both_databases! {
    async fn csv_has_a_header_row_and_takes_the_lists_filters(app) {
        let (ct, text) = export(&app, "format=csv", None).await;
        assert!(ct.starts_with("text/csv"), "{ct}");
        assert!(text.contains("\r\n"), "RFC 4180 line ends");
        let (header, all) = rows(&text);
        assert_eq!(header, ALL_COLUMNS);
        let mut slugs = column(&header, &all, "slug");
        slugs.sort();
        let mut expected = vec![SCAM_SLUG, TREATY_SLUG];
        expected.sort();
        assert_eq!(slugs, expected);
        // The scam story concerns Cambodia, Laos and Myanmar, and cites sources.
        let scam = all.iter().find(|r| r[1] == SCAM_SLUG).expect("scam row");
        let countries = &scam[header.iter().position(|h| h == "countries").expect("countries")];
        assert!(countries.split(';').any(|c| c == "KH"), "{countries}");
        let links = &scam[header.iter().position(|h| h == "links").expect("links")];
        let links: serde_json::Value = serde_json::from_str(links).expect("links are JSON");
        assert!(links.as_array().is_some_and(|a| !a.is_empty()));

        for (q, expected) in [
            ("country=Cambodia", vec![SCAM_SLUG]),
            ("country=KH&country=SI", vec![SCAM_SLUG, TREATY_SLUG]),
            ("country=France", vec![]),
            ("q=scam", vec![SCAM_SLUG]),
            ("q=jurisdiction&theme=justice", vec![TREATY_SLUG]),
            ("from=2030", vec![]),
            ("updated_since=2999-01-01T00:00:00Z", vec![]),
        ] {
            let (_, text) = export(&app, &format!("format=csv&{q}"), None).await;
            let (header, found) = rows(&text);
            assert_eq!(header, ALL_COLUMNS, "{q}: a header row even when empty");
            let mut got = column(&header, &found, "slug");
            got.sort();
            let mut want = expected.clone();
            want.sort();
            assert_eq!(got, want, "{q}");
        }
    }

    async fn csv_escapes_quotes_commas_newlines_and_defuses_formulas(app) {
        let body = "He said \"no\", then left.\nA second line, with a comma; and \"more\".";
        let formula = "=HYPERLINK(\"http://evil.example\",\"click\")";
        let id = insert_story(&app.pool, formula, body, "peace", &["FR"], Some("2024-05"));
        for (title, defused) in [
            ("+33 1 23 45", "'+33 1 23 45"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1:A9)", "'@SUM(A1:A9)"),
        ] {
            insert_story(&app.pool, title, "plain", "peace", &["FR"], None);
            let (_, text) = export(&app, "format=csv&theme=peace&fields=title", None).await;
            let (header, found) = rows(&text);
            assert!(column(&header, &found, "title").contains(&defused), "{title}: {text}");
        }
        let (_, text) = export(&app, "format=csv&country=FR&from=2024", None).await;
        // Quotes doubled inside a quoted cell; the newline kept inside it.
        assert!(text.contains("\"He said \"\"no\"\", then left.\nA second line"), "{text}");
        let (header, found) = rows(&text);
        assert_eq!(found.len(), 1);
        assert_eq!(column(&header, &found, "id"), [id.to_string().as_str()]);
        assert_eq!(column(&header, &found, "body"), [body]);
        assert_eq!(column(&header, &found, "title"), [format!("'{formula}").as_str()]);
        assert_eq!(column(&header, &found, "date"), ["2024-05"]);
        assert_eq!(column(&header, &found, "date_precision"), ["month"]);
        assert_eq!(column(&header, &found, "countries"), ["FR"]);
        assert_eq!(column(&header, &found, "byline"), [""]);
        // JSON Lines carries the text as it is: defusing is for spreadsheets.
        let (_, jsonl) = export(&app, "format=jsonl&country=FR&from=2024", None).await;
        let story: Story = serde_json::from_str(jsonl.trim_end()).expect("one story");
        assert_eq!(story.title, formula);
        assert_eq!(story.body, body);
    }

    async fn jsonl_is_one_story_a_line_in_the_apis_shape(app) {
        let (ct, text) = export(&app, "format=jsonl", None).await;
        assert_eq!(ct, "application/x-ndjson");
        assert!(text.ends_with('\n'));
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        for line in lines {
            let value: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
            let slug = value["slug"].as_str().expect("slug");
            let one: serde_json::Value = app.get_json(&format!("/api/v1/stories/{slug}")).await;
            assert_eq!(value, one, "the export's story is the API's story");
            let text = line.to_lowercase();
            assert!(!text.contains("email") && !text.contains("client_hash"));
        }
        // Content negotiation, without `format`.
        let (ct, text) = export(&app, "", Some("text/csv")).await;
        assert!(ct.starts_with("text/csv") && text.starts_with("id,slug,"), "{ct}");
        let (ct, _) = export(&app, "", Some("application/x-ndjson")).await;
        assert_eq!(ct, "application/x-ndjson");
        let (ct, _) = export(&app, "", None).await;
        assert_eq!(ct, "application/x-ndjson", "JSON Lines by default");
        // `format` wins over `Accept`.
        let (ct, _) = export(&app, "format=jsonl", Some("text/csv")).await;
        assert_eq!(ct, "application/x-ndjson");
    }

    async fn fields_choose_what_lists_and_exports_carry(app) {
        let page: serde_json::Value = app.get_json("/api/v1/stories?fields=title,slug").await;
        for item in page["items"].as_array().expect("items") {
            let mut keys: Vec<&str> = item.as_object().expect("object").keys().map(String::as_str).collect();
            keys.sort();
            assert_eq!(keys, ["id", "slug", "title"]);
        }
        assert_eq!(page["total"], 2);
        // Repeated equals comma-separated.
        let repeated: serde_json::Value = app.get_json("/api/v1/stories?fields=title&fields=slug").await;
        assert_eq!(repeated, page);
        let (_, text) = export(&app, "format=csv&fields=date,title", None).await;
        let (header, _) = rows(&text);
        assert_eq!(header, ["id", "title", "date"]);
        let (_, jsonl) = export(&app, "fields=countries", None).await;
        for line in jsonl.lines() {
            let v: serde_json::Value = serde_json::from_str(line).expect("line");
            let mut keys: Vec<&str> = v.as_object().expect("object").keys().map(String::as_str).collect();
            keys.sort();
            assert_eq!(keys, ["countries", "id"]);
        }
        let p = app.get_problem("/api/v1/stories?fields=title,email", 400).await;
        assert_eq!(p.errors[0].field, "fields");
        assert!(p.errors[0].message.contains("slug, title"), "{}", p.errors[0].message);
        let p = app.get_problem("/api/v1/stories/export?fields=email", 400).await;
        assert_eq!(p.errors[0].field, "fields");
        let p = app.get_problem("/api/v1/stories/export?fields=highlight", 400).await;
        assert_eq!(p.errors[0].field, "fields");
    }

    async fn bad_export_parameters_are_named(app) {
        for (q, field) in [
            ("format=xml", "format"),
            ("format=csv&format=jsonl", "format"),
            ("limit=5", "limit"),
            ("offset=5", "offset"),
            ("sort=newest", "sort"),
            ("facets=country", "facets"),
            ("cursor=abc", "cursor"),
            ("updated_since=yesterday", "updated_since"),
            ("country=Atlantis", "country"),
            ("colour=red", "colour"),
        ] {
            let p = app.get_problem(&format!("/api/v1/stories/export?{q}"), 400).await;
            assert_eq!(p.errors.first().map(|e| e.field.as_str()), Some(field), "{q}: {p:?}");
        }
    }

    async fn a_story_called_export_is_still_found_by_its_slug(app) {
        let id = insert_story(&app.pool, "Export", "text", "peace", &["FR"], None);
        let story: Story = app.get_json(&format!("/api/v1/stories/{id}")).await;
        assert_eq!(story.slug, "export-2");
        let again: Story = app.get_json("/api/v1/stories/export-2").await;
        assert_eq!(again.id, id);
    }

    async fn a_client_runs_two_exports_at_once_then_gets_429(app) {
        {
            // Enough stories (about 30 MB) that an export held by a client that does not
            // read cannot finish into the socket buffers and the channel.
            let mut conn = app.pool.get().expect("conn");
            peoples_stories_api::generate::run(&mut conn, 10_000, 3).expect("generate");
        }
        let url = app.url("/api/v1/stories/export?format=jsonl");
        let first = app.client.get(&url).send().await.expect("first");
        let second = app.client.get(&url).send().await.expect("second");
        assert_eq!((first.status().as_u16(), second.status().as_u16()), (200, 200));
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let res = app.get("/api/v1/stories/export?format=csv").await;
        assert_eq!(res.status(), 429);
        assert_eq!(res.headers().get("retry-after").and_then(|v| v.to_str().ok()), Some("10"));
        assert_eq!(
            res.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        // Readers are not held up meanwhile.
        let page: StoryPage = app.get_json("/api/v1/stories?theme=justice").await;
        assert_eq!(page.items.len(), 20);
        // A client that hangs up gives its place back.
        drop(first);
        let mut admitted = false;
        for _ in 0..50 {
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            let res = app.get("/api/v1/stories/export?format=csv&fields=title&theme=peace").await;
            if res.status() == 200 {
                admitted = true;
                break;
            }
        }
        assert!(admitted, "an export was admitted once another ended");
        drop(second);
    }

    async fn a_long_query_is_named(app) {
        let p = app.get_problem(&format!("/api/v1/stories/export?q={}", "a".repeat(257)), 400).await;
        assert_eq!(p.errors[0].field, "q");
    }

    async fn facets_and_filters_repeat_or_join(app) {
        let joined: StoryPage = app.get_json("/api/v1/stories?facets=country,year").await;
        let repeated: StoryPage = app.get_json("/api/v1/stories?facets=country&facets=year").await;
        assert_eq!(repeated.facets, joined.facets);
        assert_eq!(
            repeated.facets.keys().map(String::as_str).collect::<Vec<_>>(),
            ["country", "year"]
        );
        let mixed: StoryPage = app.get_json("/api/v1/stories?facets=country,theme&facets=year").await;
        assert_eq!(mixed.facets.len(), 3);
        // The other arrays of the list repeat in the form style too.
        let both: StoryPage = app.get_json("/api/v1/stories?country=KH&country=SI&theme=justice&theme=peace").await;
        assert_eq!(both.total, 2);
        let p = app.get_problem("/api/v1/stories?facets=country&facets=colour", 400).await;
        assert_eq!(p.errors[0].field, "facets");
    }

    async fn a_large_export_streams_every_story_once(app) {
        {
            let mut conn = app.pool.get().expect("conn");
            peoples_stories_api::generate::run(&mut conn, 3_000, 7).expect("generate");
            peoples_stories_api::db::changes::record_rebuild(&mut conn).expect("rebuild request");
        }
        app.reindex_now();
        let total: StoryPage = app.get_json("/api/v1/stories?limit=1").await;
        let all = total.total;
        assert!(all > 2_000, "{all}");
        // Read as a stream: the body comes in several chunks, before the end is read.
        let res = app.client.get(app.url("/api/v1/stories/export?format=jsonl")).send().await.expect("send");
        assert_eq!(res.status(), 200);
        assert!(res.headers().get("content-length").is_none(), "streamed, not buffered");
        let mut stream = res.bytes_stream();
        let mut body = Vec::new();
        let mut chunks = 0;
        while let Some(chunk) = stream.next().await {
            body.extend_from_slice(&chunk.expect("chunk"));
            chunks += 1;
        }
        assert!(chunks > 1, "{chunks} chunks");
        let text = String::from_utf8(body).expect("utf-8");
        let mut ids = HashSet::new();
        let mut last = (chrono::DateTime::<chrono::Utc>::MIN_UTC, 0i64);
        for line in text.lines() {
            let s: Story = serde_json::from_str(line).expect("story");
            // In the order of change, (updated_at, id).
            let here = (s.updated_at, s.id);
            assert!(here > last, "ordered by change: {here:?} after {last:?}");
            last = here;
            assert!(ids.insert(s.id), "story {} twice", s.id);
        }
        assert_eq!(ids.len() as i64, all);
        let (_, csv_text) = export(&app, "format=csv&fields=title", None).await;
        let (_, found) = rows(&csv_text);
        assert_eq!(found.len() as i64, all);
        // With keywords: the ids from the index, the stories from the database.
        let (_, theme) = export(&app, "format=csv&fields=theme&theme=peace", None).await;
        let (_, peace) = rows(&theme);
        let listed: StoryPage = app.get_json("/api/v1/stories?theme=peace&limit=1").await;
        assert_eq!(peace.len() as i64, listed.total);
        let searched: StoryPage = app.get_json("/api/v1/stories?q=rights&limit=1").await;
        let (_, by_q) = export(&app, "format=jsonl&q=rights&fields=slug", None).await;
        assert_eq!(by_q.lines().count() as i64, searched.total);
        assert!(searched.total > 0);
    }
}
