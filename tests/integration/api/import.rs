//! Importing an archive (`moderation::import`, `peoples-stories import`): stories in the
//! API's own shape, one a line, upserted by slug into another database; bad lines reported
//! by number and field; a second run changes nothing.

use std::collections::BTreeMap;

use diesel::prelude::*;
use peoples_stories_api::db::schema::stories;
use peoples_stories_api::moderation::{import, Actor};
use peoples_stories_shared::{Story, StoryPage};

use crate::support::{both_databases, TestApp, TestDb};

/// Every published story of `app`, as JSON Lines, read through the public API.
async fn export_by_paging(app: &TestApp) -> (String, Vec<Story>) {
    let mut all = Vec::new();
    let mut offset = 0;
    loop {
        let page: StoryPage = app
            .get_json(&format!(
                "/api/v1/stories?limit=100&offset={offset}&sort=oldest"
            ))
            .await;
        let n = page.items.len();
        all.extend(page.items);
        if n < 100 {
            break;
        }
        offset += 100;
    }
    let lines: Vec<String> = all
        .iter()
        .map(|s| serde_json::to_string(s).expect("json"))
        .collect();
    (lines.join("\n") + "\n", all)
}

fn run(db: &TestDb, text: &str, dry_run: bool) -> peoples_stories_shared::ImportReport {
    run_bytes(db, text.as_bytes(), dry_run)
}

fn run_bytes(db: &TestDb, bytes: &[u8], dry_run: bool) -> peoples_stories_shared::ImportReport {
    run_format(db, bytes, import::Format::JsonLines, dry_run)
}

fn run_format(
    db: &TestDb,
    bytes: &[u8],
    format: import::Format,
    dry_run: bool,
) -> peoples_stories_shared::ImportReport {
    let mut conn = db.pool().get().expect("conn");
    import::import(
        &mut conn,
        Actor::COMMAND_LINE,
        bytes,
        format,
        dry_run,
        &|_| {},
    )
    .expect("import")
}

/// (line, the fields named) of each refused line.
fn refused_fields(report: &peoples_stories_shared::ImportReport) -> Vec<(usize, Vec<&str>)> {
    report
        .refused
        .iter()
        .map(|r| (r.line, r.errors.iter().map(|e| e.field.as_str()).collect()))
        .collect()
}

/// A new, migrated database of the same kind as `app`'s.
fn empty_like(app: &TestApp) -> TestDb {
    let target = TestDb::create(app.backend()).expect("target database");
    let mut conn = target.pool().get().expect("conn");
    peoples_stories_api::db::migrate(&mut conn).expect("migrate");
    drop(conn);
    target
}

/// Every story in `pool`'s database, whole, as its API would show them.
fn stories_of(pool: &peoples_stories_api::db::Pool) -> Vec<Story> {
    let mut conn = pool.get().expect("conn");
    let ids: Vec<i64> = stories::table
        .select(stories::id)
        .load(&mut conn)
        .expect("ids");
    peoples_stories_api::db::stories::load_whole(&mut conn, &ids).expect("load")
}

/// (slug → the story as the other database's API shows it, without ids and times of change)
fn comparable(stories: &[Story]) -> BTreeMap<String, serde_json::Value> {
    stories
        .iter()
        .map(|s| {
            let mut v = serde_json::to_value(s).expect("json");
            let o = v.as_object_mut().expect("object");
            o.remove("id");
            o.remove("updated_at");
            // Sources are numbered by each database.
            for link in o["links"].as_array_mut().expect("links") {
                link["source"].as_object_mut().expect("source").remove("id");
            }
            (s.slug.clone(), v)
        })
        .collect()
}

both_databases! {
    async fn an_export_imports_into_another_database_and_again_changes_nothing(app) {
        {
            let mut conn = app.pool.get().expect("conn");
            peoples_stories_api::generate::run(&mut conn, 60, 11).expect("generate");
            peoples_stories_api::db::changes::record_rebuild(&mut conn).expect("rebuild");
        }
        app.search.catch_up(&app.pool).expect("index");
        let (text, originals) = export_by_paging(&app).await;
        assert_eq!(originals.len(), 62);

        let target = empty_like(&app);
        let count = |db: &TestDb| -> i64 {
            stories::table
                .count()
                .get_result(&mut *db.pool().get().expect("conn"))
                .expect("count")
        };

        // A dry run counts and writes nothing.
        let dry = run(&target, &text, true);
        assert_eq!((dry.lines, dry.created, dry.updated), (62, 62, 0));
        assert_eq!(count(&target), 0);

        let done = run(&target, &text, false);
        assert_eq!((done.created, done.updated, done.unchanged), (62, 0, 0));
        assert!(done.refused.is_empty(), "{:?}", done.refused);
        let imported = {
            let mut conn = target.pool().get().expect("conn");
            let ids: Vec<i64> = stories::table
                .select(stories::id)
                .load(&mut conn)
                .expect("ids");
            peoples_stories_api::db::stories::load_whole(&mut conn, &ids).expect("load")
        };
        // The same stories, slugs and creation times included.
        let (imported, originals_c) = (comparable(&imported), comparable(&originals));
        assert_eq!(imported.len(), originals_c.len());
        for (slug, want) in &originals_c {
            assert_eq!(imported.get(slug), Some(want), "{slug}");
        }

        // Again: nothing changes, not even a story's time of change.
        let changed_before: Vec<chrono::NaiveDateTime> = stories::table
            .select(stories::updated_at)
            .order(stories::id)
            .load(&mut *target.pool().get().expect("conn"))
            .expect("times");
        let again = run(&target, &text, false);
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 62));
        let changed_after: Vec<chrono::NaiveDateTime> = stories::table
            .select(stories::updated_at)
            .order(stories::id)
            .load(&mut *target.pool().get().expect("conn"))
            .expect("times");
        assert_eq!(changed_before, changed_after);

        // One story edited in the file is rewritten; bad lines are named and skipped.
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        let mut edited: serde_json::Value = serde_json::from_str(&lines[5]).expect("json");
        edited["title"] = "A corrected title".into();
        lines[5] = edited.to_string();
        lines.insert(10, r#"{"slug": "Not A Slug", "title": "", "theme": "happiness", "body": "Text."}"#.into());
        lines.insert(11, "{ not json".into());
        lines.push(r#"{"slug": "a-new-story", "title": "A new story", "theme": "justice", "body": "Three land defenders were detained.", "countries": [{"code": "KH", "name": "Cambodia"}, "Laos"]}"#.into());
        // A line that is not UTF-8 is refused by its number too, not the whole import.
        let mut bytes = (lines.join("\n") + "\n").into_bytes();
        bytes.extend_from_slice(b"{\"slug\": \"caf\xe9\"}\n");
        let third = run_bytes(&target, &bytes, false);
        assert_eq!((third.created, third.updated, third.unchanged), (1, 1, 61));
        let refused = refused_fields(&third);
        assert_eq!(
            refused,
            [(11, vec!["slug", "title", "theme"]), (12, vec!["line"]), (66, vec!["line"])]
        );
        let title: String = stories::table
            .filter(stories::slug.eq(&originals[5].slug))
            .select(stories::title)
            .first(&mut *target.pool().get().expect("conn"))
            .expect("title");
        assert_eq!(title, "A corrected title");
        assert_eq!(count(&target), 63);
    }
}

/// Runs `peoples-stories import` on a file named `name` holding `contents`, into a new
/// SQLite database: (exit status, standard output, standard error).
fn import_command(name: &str, contents: &str) -> (Option<i32>, String, String) {
    let db = TestDb::create(crate::support::Backend::Sqlite).expect("sqlite");
    let dir = tempfile::tempdir().expect("dir");
    let file = dir.path().join(name);
    std::fs::write(&file, contents).expect("write");
    let out = std::process::Command::new(crate::support::server_binary())
        .env("DATABASE_URL", &db.url.target)
        .arg("--index-dir")
        .arg(dir.path().join("index"))
        .arg("import")
        .arg(&file)
        .output()
        .expect("run");
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The command: the report on standard output, each bad line on standard error, exit
/// status 2 when a line was refused.
#[test]
fn the_import_command_reports_and_fails_on_bad_lines() {
    let (status, stdout, stderr) = import_command(
        "stories.jsonl",
        concat!(
            r#"{"slug": "land-defenders-detained", "title": "Land defenders detained", "theme": "justice", "body": "Three land defenders were detained.", "countries": ["KH"]}"#,
            "\n",
            r#"{"slug": "x", "title": "A story", "theme": "justice", "body": "Text.", "date": "2023-13"}"#,
            "\n"
        ),
    );
    assert_eq!(status, Some(2), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 created, 0 updated, 0 unchanged, 1 refused"),
        "{stdout}"
    );
    assert!(stderr.contains("line 2: "), "{stderr}");
    assert!(stderr.contains("date"), "{stderr}");
}

/// The command reads a `*.csv` file as the export's CSV.
#[test]
fn the_import_command_reads_a_csv_file_as_the_exports_csv() {
    let (status, stdout, stderr) = import_command(
        "stories.csv",
        "slug,title,theme,body,countries\r\n\
         land-defenders-detained,Land defenders detained,justice,\"Three, detained.\",KH\r\n",
    );
    assert_eq!(status, Some(0), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("imported 1 lines") && stdout.contains("1 created"),
        "{stdout}"
    );
}

both_databases! {
    async fn admins_import_through_the_api_with_the_same_report(app) {
        use peoples_stories_shared::{ImportReport, Role};
        use reqwest::Method;
        crate::support::add_user(&app.pool, "ada", Role::Admin);
        crate::support::add_user(&app.pool, "maria", Role::Moderator);
        let admin = app.session("ada").await;
        let moderator = app.session("maria").await;
        let lines = concat!(
            r#"{"slug": "land-defenders-detained", "title": "Land defenders detained", "theme": "justice", "body": "Three land defenders were detained.", "countries": ["KH"]}"#,
            "\n",
            r#"{"slug": "x", "title": "", "theme": "justice", "body": "Text."}"#,
            "\n"
        );
        let send = |session, query: &str, content_type: &str| {
            app.as_browser(Method::POST, &format!("/api/v1/stories/import{query}"), session)
                .header("content-type", content_type)
                .body(lines)
                .send()
        };
        let res = send(&moderator, "", "application/x-ndjson").await.expect("send");
        assert_eq!(res.status(), 403);
        let res = send(&admin, "", "application/json").await.expect("send");
        assert_eq!(res.status(), 415);
        let res = send(&admin, "?dry_run=maybe", "application/x-ndjson").await.expect("send");
        assert_eq!(res.status(), 400);

        let res = send(&admin, "?dry_run=true", "application/x-ndjson").await.expect("send");
        assert_eq!(res.status(), 200);
        let dry: ImportReport = res.json().await.expect("report");
        assert!(dry.dry_run);
        assert_eq!((dry.lines, dry.created), (2, 1));
        let missing: StoryPage = app.get_json("/api/v1/stories?q=defenders%20detained").await;
        assert_eq!(missing.total, 0);

        let res = send(&admin, "", "application/x-ndjson").await.expect("send");
        assert_eq!(res.status(), 200);
        let done: ImportReport = res.json().await.expect("report");
        assert_eq!((done.created, done.updated, done.unchanged), (1, 0, 0));
        assert_eq!(done.refused.len(), 1);
        assert_eq!(done.refused[0].line, 2);
        assert_eq!(done.refused[0].errors[0].field, "title");
        // Found by search at once, like any moderator's write.
        let found: StoryPage = app.get_json("/api/v1/stories?q=defenders%20detained").await;
        assert_eq!(found.total, 1);
        assert_eq!(found.items[0].slug, "land-defenders-detained");
    }
}

both_databases! {
    async fn a_csv_export_imports_as_it_is_and_bad_rows_are_named(app) {
        {
            let mut conn = app.pool.get().expect("conn");
            peoples_stories_api::generate::run(&mut conn, 40, 5).expect("generate");
            peoples_stories_api::db::changes::record_rebuild(&mut conn).expect("rebuild");
        }
        // Cells a spreadsheet would run (defused by the export) and a body of several lines
        // with quotes and commas come back as they were.
        crate::support::insert_story(
            &app.pool,
            "=HYPERLINK(\"http://example.org\")",
            "-5 degrees, \"cold\"; people queued.\n\n@night, +3 more arrived.",
            "justice",
            &["KH", "LA"],
            Some("2024-03"),
        );
        app.search.catch_up(&app.pool).expect("index");
        let res = app.get("/api/v1/stories/export?format=csv").await;
        assert_eq!(res.status(), 200);
        let csv = res.text().await.expect("csv");
        let originals = stories_of(&app.pool);
        assert_eq!(originals.len(), 43);

        let target = empty_like(&app);
        let dry = run_format(&target, csv.as_bytes(), import::Format::Csv, true);
        assert_eq!((dry.lines, dry.created, dry.updated), (43, 43, 0), "{:?}", dry.refused);
        assert!(stories_of(&target.pool()).is_empty());

        let done = run_format(&target, csv.as_bytes(), import::Format::Csv, false);
        assert_eq!((done.created, done.updated, done.unchanged), (43, 0, 0), "{:?}", done.refused);
        let (imported, want) = (comparable(&stories_of(&target.pool())), comparable(&originals));
        assert_eq!(imported.len(), want.len());
        for (slug, story) in &want {
            assert_eq!(imported.get(slug), Some(story), "{slug}");
        }
        // The JSON Lines of the same stories find nothing to change: both shapes are one story.
        let again = run_format(&target, csv.as_bytes(), import::Format::Csv, false);
        assert_eq!((again.created, again.updated, again.unchanged), (0, 0, 43));

        // Bad rows are named by the line they start on; the others are imported.
        let header = csv.lines().next().expect("header");
        let columns: Vec<&str> = header.split(',').collect();
        let row = |cells: &[(&str, &str)]| -> String {
            let mut w = ::csv::WriterBuilder::new().from_writer(Vec::new());
            w.write_record(columns.iter().map(|c| {
                cells.iter().find(|(k, _)| k == c).map_or("", |(_, v)| *v)
            }))
            .expect("row");
            String::from_utf8(w.into_inner().expect("csv")).expect("utf-8")
        };
        let file = [
            header.to_string() + "\r\n",
            row(&[("slug", "two-lines"), ("title", "Two lines"), ("theme", "justice"), ("body", "First line.\nSecond line.")]),
            row(&[("slug", "bad-links"), ("title", "Bad links"), ("theme", "justice"), ("body", "Text."), ("links", "not json")]),
            "too,few\r\n".to_string(),
            row(&[("slug", "no-title"), ("theme", "peace"), ("body", "Text.")]),
            row(&[("slug", "nowhere"), ("title", "Nowhere"), ("theme", "peace"), ("body", "Text."), ("countries", "KH;Atlantis")]),
        ]
        .concat();
        let third = run_format(&target, file.as_bytes(), import::Format::Csv, false);
        let refused = refused_fields(&third);
        // Line 2 holds a row of two lines; the bad rows are lines 4 to 7.
        assert_eq!(
            refused,
            [(4, vec!["links"]), (5, vec!["line"]), (6, vec!["title"]), (7, vec!["countries[1]"])]
        );
        assert_eq!((third.lines, third.created), (5, 1));

        // A file without the export's header is refused whole, naming it.
        let mut conn = target.pool().get().expect("conn");
        let err = import::import(
            &mut conn,
            Actor::COMMAND_LINE,
            &b"title,body\r\nA,B\r\n"[..],
            import::Format::Csv,
            false,
            &|_| {},
        )
        .expect_err("no slug column");
        assert_eq!(err.problem().errors[0].field, "header");
    }
}

both_databases! {
    async fn admins_import_the_exports_csv_through_the_api(app) {
        use peoples_stories_shared::{ImportReport, Role};
        use reqwest::Method;
        crate::support::add_user(&app.pool, "ada", Role::Admin);
        let admin = app.session("ada").await;
        let csv = concat!(
            "slug,title,theme,body,countries\r\n",
            "land-defenders-detained,Land defenders detained,justice,\"Three land defenders, detained.\",KH;LA\r\n",
        );
        let res = app
            .as_browser(Method::POST, "/api/v1/stories/import", &admin)
            .header("content-type", "text/csv; charset=utf-8")
            .body(csv)
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 200);
        let done: ImportReport = res.json().await.expect("report");
        assert_eq!((done.lines, done.created), (1, 1), "{:?}", done.refused);
        let story: Story = app.get_json("/api/v1/stories/land-defenders-detained").await;
        assert_eq!(story.body, "Three land defenders, detained.");
        let codes: Vec<&str> = story.countries.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["KH", "LA"]);
    }
}
