//! Harvesting: `updated_since` and `cursor` on the list (ordered by change, no story skipped
//! or repeated while stories are added), and tombstones of unpublished and deleted stories.

use std::collections::HashSet;
use std::time::Duration;

use peoples_stories_shared::{RemovalReason, Role, StoryPage, TombstonePage};
use reqwest::Method;

use super::seed::{SCAM_SLUG, TREATY_SLUG};
use crate::support::{add_user, both_databases, insert_story, TestApp};

/// A change reaches harvest pages this long after it is made (`reading::harvest::SETTLE`),
/// with a margin.
const SETTLED: Duration = Duration::from_millis(2_300);

fn enc(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)
        .replace('+', "%2B")
}

/// Every published story id, from the database.
fn published_ids(app: &TestApp) -> HashSet<i64> {
    let mut conn = app.pool.get().expect("conn");
    peoples_stories_api::db::changes::published_ids_after(&mut conn, 0, 1_000_000)
        .expect("ids")
        .into_iter()
        .collect()
}

both_databases! {
    async fn a_cursor_walk_neither_skips_nor_repeats_while_stories_arrive(app) {
        for i in 0..25 {
            insert_story(&app.pool, &format!("Before the walk {i}"), "text", "justice", &["KH"], None);
        }
        tokio::time::sleep(SETTLED).await;
        // A writer adds stories while the walk goes on.
        let pool = app.pool.clone();
        let writer = tokio::task::spawn_blocking(move || {
            for i in 0..40 {
                insert_story(&pool, &format!("During the walk {i}"), "text", "peace", &["LA"], None);
                std::thread::sleep(Duration::from_millis(40));
            }
        });
        let mut seen: Vec<i64> = Vec::new();
        let mut path = "/api/v1/stories?updated_since=2000-01-01T00:00:00Z&limit=7".to_string();
        let mut last_change = None;
        let mut quiet_since_writer_done = None;
        loop {
            let page: StoryPage = app.get_json(&path).await;
            assert!(page.prev.is_none());
            for s in &page.items {
                let here = (s.updated_at, s.id);
                if let Some(before) = last_change {
                    assert!(here > before, "ordered by change");
                }
                last_change = Some(here);
                seen.push(s.id);
            }
            let cursor = page.cursor.clone().expect("a harvest page has a cursor");
            if let Some(next) = page.next.clone() {
                assert!(next.contains("cursor="), "{next}");
                path = next;
                continue;
            }
            // The end, for now: ask again later with the cursor.
            path = format!("/api/v1/stories?cursor={cursor}&limit=7");
            if writer.is_finished() {
                match quiet_since_writer_done {
                    None => {
                        quiet_since_writer_done = Some(());
                        tokio::time::sleep(SETTLED).await;
                    }
                    Some(()) => break,
                }
            } else {
                tokio::time::sleep(Duration::from_millis(150)).await;
            }
        }
        writer.await.expect("writer");
        let unique: HashSet<i64> = seen.iter().copied().collect();
        assert_eq!(unique.len(), seen.len(), "no story repeated");
        assert_eq!(unique, published_ids(&app), "no story skipped");
        assert_eq!(unique.len(), 2 + 25 + 40);
        // Filters hold across a walk.
        let page: StoryPage = app.get_json("/api/v1/stories?updated_since=2000-01-01T00:00:00Z&theme=peace&limit=100").await;
        assert_eq!(page.total, 40);
        assert!(page.items.iter().all(|s| s.theme == "peace"));
        // And fields.
        let page: serde_json::Value = app.get_json("/api/v1/stories?updated_since=2000-01-01T00:00:00Z&fields=title&limit=3").await;
        assert_eq!(page["items"][0].as_object().map(|o| o.len()), Some(2));
        assert!(page["cursor"].is_string());
    }

    async fn updated_since_sees_edits_and_tombstones_see_removals(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        tokio::time::sleep(SETTLED).await;
        let t0 = chrono::Utc::now();
        let page: StoryPage = app.get_json(&format!("/api/v1/stories?updated_since={}", enc(t0))).await;
        assert!(page.items.is_empty());
        assert_eq!(page.total, 0);
        let idle = page.cursor.expect("cursor of an empty page");
        let stones: TombstonePage = app.get_json(&format!("/api/v1/stories/tombstones?since={}", enc(t0))).await;
        assert!(stones.items.is_empty());

        // An edit, an unpublish and a delete.
        let res = app.as_browser(Method::PATCH, &format!("/api/v1/stories/{TREATY_SLUG}"), &s)
            .json(&serde_json::json!({"title": "Amnesty on universal jurisdiction"}))
            .send().await.expect("send");
        assert_eq!(res.status(), 200);
        let res = app.as_browser(Method::PATCH, &format!("/api/v1/stories/{SCAM_SLUG}"), &s)
            .json(&serde_json::json!({"status": "draft"}))
            .send().await.expect("send");
        assert_eq!(res.status(), 200);
        let doomed = insert_story(&app.pool, "Soon gone", "text", "peace", &["FR"], None);
        let res = app.as_browser(Method::DELETE, &format!("/api/v1/stories/{doomed}"), &s)
            .send().await.expect("send");
        assert!(res.status().is_success(), "{}", res.status());
        // A draft deleted without ever being public leaves no tombstone.
        let res = app.as_browser(Method::POST, "/api/v1/stories", &s)
            .json(&serde_json::json!({"title": "Never public", "theme": "peace", "body": "x", "status": "draft"}))
            .send().await.expect("send");
        assert_eq!(res.status(), 201);
        let draft: serde_json::Value = res.json().await.expect("story");
        let res = app.as_browser(Method::DELETE, &format!("/api/v1/stories/{}", draft["id"]), &s)
            .send().await.expect("send");
        assert!(res.status().is_success());
        tokio::time::sleep(SETTLED).await;

        let page: StoryPage = app.get_json(&format!("/api/v1/stories?cursor={idle}")).await;
        let slugs: Vec<&str> = page.items.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(slugs, [TREATY_SLUG], "the edit, not the unpublished or deleted");
        assert_eq!(page.items[0].title, "Amnesty on universal jurisdiction");

        let stones: TombstonePage = app.get_json(&format!("/api/v1/stories/tombstones?since={}", enc(t0))).await;
        let got: Vec<(&str, RemovalReason)> = stones.items.iter().map(|t| (t.slug.as_str(), t.reason)).collect();
        assert_eq!(got, [(SCAM_SLUG, RemovalReason::Unpublished), ("soon-gone", RemovalReason::Deleted)]);
        assert_eq!(stones.items[1].id, doomed);
        assert!(stones.items[0].removed_at >= t0);
        assert!(stones.next.is_none());
        // Walked one at a time by cursor.
        let first: TombstonePage = app.get_json(&format!("/api/v1/stories/tombstones?since={}&limit=1", enc(t0))).await;
        assert_eq!(first.items.len(), 1);
        let next = first.next.clone().expect("next page");
        let second: TombstonePage = app.get_json(&next).await;
        assert_eq!(second.items[0].id, doomed);
        let after: TombstonePage = app.get_json(&format!("/api/v1/stories/tombstones?cursor={}", second.cursor)).await;
        assert!(after.items.is_empty());
        assert_eq!(after.cursor, second.cursor, "an empty page keeps its place");

        // Published again: no longer a tombstone, and seen again through updated_since.
        let res = app.as_browser(Method::PATCH, &format!("/api/v1/stories/{SCAM_SLUG}"), &s)
            .json(&serde_json::json!({"status": "published"}))
            .send().await.expect("send");
        assert_eq!(res.status(), 200);
        tokio::time::sleep(SETTLED).await;
        let stones: TombstonePage = app.get_json(&format!("/api/v1/stories/tombstones?since={}", enc(t0))).await;
        assert_eq!(stones.items.iter().map(|t| t.id).collect::<Vec<_>>(), [doomed]);
        let page: StoryPage = app.get_json(&format!("/api/v1/stories?cursor={}", page.cursor.expect("cursor"))).await;
        assert_eq!(page.items.iter().map(|s| s.slug.as_str()).collect::<Vec<_>>(), [SCAM_SLUG]);
        // The export takes updated_since too.
        let res = app.get(&format!("/api/v1/stories/export?format=jsonl&updated_since={}", enc(t0))).await;
        let text = res.text().await.expect("body");
        assert_eq!(text.lines().count(), 2, "{text}");
    }

    async fn exports_chain_by_their_cursor(app) {
        tokio::time::sleep(SETTLED).await;
        let res = app.get("/api/v1/stories/export?format=jsonl&fields=slug").await;
        assert_eq!(res.status(), 200);
        let cursor = res.headers().get("x-cursor").and_then(|v| v.to_str().ok()).expect("X-Cursor").to_string();
        assert_eq!(res.text().await.expect("body").lines().count(), 2);
        let id = insert_story(&app.pool, "After the export", "text", "peace", &["FR"], None);
        tokio::time::sleep(SETTLED).await;
        let res = app.get(&format!("/api/v1/stories/export?format=jsonl&fields=slug&cursor={cursor}")).await;
        assert_eq!(res.status(), 200);
        let text = res.text().await.expect("body");
        let ids: Vec<i64> = text.lines().map(|l| serde_json::from_str::<serde_json::Value>(l).expect("line")["id"].as_i64().expect("id")).collect();
        assert_eq!(ids, [id], "only what changed after the first export");
        // The list walks on from an export's cursor too.
        let page: StoryPage = app.get_json(&format!("/api/v1/stories?cursor={cursor}")).await;
        assert_eq!(page.items.iter().map(|s| s.id).collect::<Vec<_>>(), [id]);
        let p = app.get_problem(&format!("/api/v1/stories/export?cursor={cursor}&updated_since=2026-01-01T00:00:00Z"), 400).await;
        assert_eq!(p.errors[0].field, "cursor");
    }

    async fn bad_harvest_parameters_are_named(app) {
        for (q, field) in [
            ("updated_since=yesterday", "updated_since"),
            ("updated_since=2026-11-30", "updated_since"),
            ("cursor=not-a-cursor", "cursor"),
            ("cursor=dDEuMS4y", "cursor"),
            ("cursor=abc&updated_since=2026-11-30T00:00:00Z", "cursor"),
            ("updated_since=2026-11-30T00:00:00Z&q=scam", "q"),
            ("updated_since=2026-11-30T00:00:00Z&sort=oldest", "sort"),
            ("updated_since=2026-11-30T00:00:00Z&offset=20", "offset"),
            ("updated_since=2026-11-30T00:00:00Z&facets=year", "facets"),
        ] {
            let p = app.get_problem(&format!("/api/v1/stories?{q}"), 400).await;
            assert_eq!(p.errors.first().map(|e| e.field.as_str()), Some(field), "{q}: {p:?}");
        }
        for (q, field) in [
            ("since=now", "since"),
            ("cursor=xyz", "cursor"),
            ("limit=0", "limit"),
            ("offset=1", "offset"),
        ] {
            let p = app.get_problem(&format!("/api/v1/stories/tombstones?{q}"), 400).await;
            assert_eq!(p.errors.first().map(|e| e.field.as_str()), Some(field), "{q}: {p:?}");
        }
        // A stories cursor is not a tombstones cursor, nor the other way round.
        let page: StoryPage = app.get_json("/api/v1/stories?updated_since=2000-01-01T00:00:00Z").await;
        let c = page.cursor.expect("cursor");
        let p = app.get_problem(&format!("/api/v1/stories/tombstones?cursor={c}"), 400).await;
        assert_eq!(p.errors[0].field, "cursor");
    }
}
