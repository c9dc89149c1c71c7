//! `peoples-stories backup` while the real server takes writes, and `restore` into a fresh
//! database, on both databases.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use diesel::sql_types::Text;
use peoples_stories_api::db::schema::{stories, submissions};
use peoples_stories_api::db::{self, Backend as DbBackend, DatabaseUrl};
use peoples_stories_shared::SubmissionReceipt;

use super::lifecycle::{prepared, submission};
use crate::support::{cli, insert_story, Backend, ServeProcess, TestDb};

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Runs the binary on this database; panics with its output unless it succeeds.
fn run_ok(url: &str, args: &[&str]) -> String {
    let mut all = vec!["--database-url", url];
    all.extend_from_slice(args);
    let out = cli(&all);
    assert!(
        out.status.success(),
        "peoples-stories {args:?} failed: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// Runs the binary on this database expecting a refusal; returns what it said on stderr.
fn run_refused(url: &str, args: &[&str]) -> String {
    let mut all = vec!["--database-url", url];
    all.extend_from_slice(args);
    let out = cli(&all);
    assert!(
        !out.status.success(),
        "peoples-stories {args:?} succeeded: {}",
        text(&out.stdout)
    );
    text(&out.stderr)
}

#[derive(QueryableByName)]
struct Check {
    #[diesel(sql_type = Text)]
    integrity_check: String,
}

/// The restored database is sound: SQLite's own check; on both, every migration is there
/// already and the rows read back.
fn assert_sound(url: &DatabaseUrl) {
    if url.backend == DbBackend::Sqlite {
        let mut conn =
            diesel::SqliteConnection::establish(&url.target).expect("open the restored file");
        let checks: Vec<Check> = diesel::sql_query("PRAGMA integrity_check")
            .load(&mut conn)
            .expect("integrity_check");
        let checks: Vec<String> = checks.into_iter().map(|c| c.integrity_check).collect();
        assert_eq!(checks, ["ok"]);
    }
    let out = run_ok(&url.target, &["migrate"]);
    assert!(out.contains("(0 new migrations)"), "{out}");
}

/// 100 submissions over a few seconds; a backup in the middle of them; every submission
/// answered before the backup began is in the database restored from it.
async fn backup_under_load_restores(backend: Backend) {
    let Some(db) = prepared(backend) else { return };
    let mut server =
        ServeProcess::start(&db.url.target, &[("PS_SUBMISSIONS_PER_WINDOW", "0")]).await;
    let files = tempfile::tempdir().expect("dir");
    let file = files.path().join(match backend {
        Backend::Sqlite => "stories.db",
        Backend::Postgres => "stories.dump",
    });
    let client = reqwest::Client::new();
    let url = server.url("/api/v1/submissions");
    // Two writers, 50 submissions each, a little apart: the load runs for a few seconds.
    let writers: Vec<_> = (0..2)
        .map(|w| {
            let client = client.clone();
            let url = url.clone();
            actix_rt::spawn(async move {
                let mut acked = Vec::new();
                for i in 0..50 {
                    let title = format!("Backed-up story {w}-{i}");
                    let res = client
                        .post(&url)
                        .json(&submission(&title))
                        .send()
                        .await
                        .expect("send");
                    assert_eq!(
                        res.status(),
                        202,
                        "{}",
                        res.text().await.unwrap_or_default()
                    );
                    let id = res.json::<SubmissionReceipt>().await.expect("receipt").id;
                    acked.push((id, Instant::now()));
                    actix_rt::time::sleep(Duration::from_millis(30)).await;
                }
                acked
            })
        })
        .collect();
    actix_rt::time::sleep(Duration::from_millis(1000)).await;
    let backup_began = Instant::now();
    let target = db.url.target.clone();
    let file_arg = file.to_str().expect("utf-8").to_string();
    let out =
        actix_rt::task::spawn_blocking(move || run_ok(&target, &["backup", "--to", &file_arg]))
            .await
            .expect("backup");
    let size = std::fs::metadata(&file).expect("backup file").len();
    assert!(
        out.contains(file.to_str().expect("utf-8")) && out.contains(&format!("{size} bytes")),
        "{out}"
    );
    assert!(
        !out.contains(":peoples_stories@"),
        "the password is shown: {out}"
    );
    let mut acked = Vec::new();
    for w in writers {
        acked.extend(w.await.expect("writer"));
    }
    assert_eq!(acked.len(), 100);
    let before: Vec<i64> = acked
        .iter()
        .filter(|(_, at)| *at < backup_began)
        .map(|(id, _)| *id)
        .collect();
    assert!(
        !before.is_empty() && before.len() < 100,
        "the backup ran after {} of 100 submissions",
        before.len()
    );

    // A backup never overwrites a file unless told to.
    let refused = run_refused(
        &db.url.target,
        &["backup", "--to", file.to_str().expect("utf-8")],
    );
    assert!(
        refused.contains("exists") && refused.contains("--force"),
        "{refused}"
    );

    // Restoring over the database a server is using is refused, even with --force.
    let refused = run_refused(
        &db.url.target,
        &[
            "restore",
            "--from",
            file.to_str().expect("utf-8"),
            "--force",
        ],
    );
    assert!(refused.contains("stop every server"), "{refused}");

    server.signal("TERM");
    let status = server
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("exited");
    assert!(status.success());

    // A fresh database, and a search index of this node that the restore must drop.
    let fresh = match backend {
        Backend::Sqlite => fresh_sqlite(&files.path().join("restored.db")),
        Backend::Postgres => TestDb::create(Backend::Postgres).expect("PostgreSQL"),
    };
    let index = files.path().join("search-index");
    std::fs::create_dir(&index).expect("index dir");
    std::fs::write(index.join("meta.json"), "{}").expect("meta.json");
    let index_arg = index.to_str().expect("utf-8");
    let from = file.to_str().expect("utf-8");
    let out = run_ok(
        &fresh.url.target,
        &["restore", "--from", from, "--index-dir", index_arg],
    );
    assert!(out.contains("restored"), "{out}");
    assert!(!index.exists(), "the search index was left: {out}");

    assert_sound(&fresh.url);
    {
        let pool = db::connect_pool(&fresh.url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        let restored: Vec<i64> = submissions::table
            .select(submissions::id)
            .load(&mut conn)
            .expect("ids");
        let missing: Vec<&i64> = before.iter().filter(|id| !restored.contains(id)).collect();
        assert!(
            missing.is_empty(),
            "acknowledged before the backup, missing from it: {missing:?}"
        );
        let published: i64 = stories::table
            .count()
            .get_result(&mut conn)
            .expect("stories");
        assert_eq!(published, 2, "the seed stories");
    }

    // The restored database now holds stories: a second restore needs --force.
    let refused = run_refused(
        &fresh.url.target,
        &["restore", "--from", from, "--index-dir", index_arg],
    );
    assert!(
        refused.contains("holds 2 stories") && refused.contains("--force"),
        "{refused}"
    );
    run_ok(
        &fresh.url.target,
        &[
            "restore",
            "--from",
            from,
            "--index-dir",
            index_arg,
            "--force",
        ],
    );
    assert_sound(&fresh.url);

    // A file that is no backup is refused before the database is touched, --force or not.
    let junk = files.path().join("junk.backup");
    std::fs::write(&junk, "not a backup at all").expect("junk");
    let refused = run_refused(
        &fresh.url.target,
        &[
            "restore",
            "--from",
            junk.to_str().expect("utf-8"),
            "--index-dir",
            index_arg,
            "--force",
        ],
    );
    assert!(refused.contains("is not a"), "{refused}");
    assert_sound(&fresh.url);
}

/// A SQLite database that does not exist yet, in a folder that outlives the test.
fn fresh_sqlite(path: &std::path::Path) -> TestDb {
    let mut db = TestDb::create(Backend::Sqlite).expect("SQLite");
    db.url = DatabaseUrl::parse(path.to_str().expect("utf-8")).expect("url");
    db
}

#[actix_rt::test]
async fn backup_under_load_and_restore_sqlite() {
    backup_under_load_restores(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn backup_under_load_and_restore_postgres() {
    backup_under_load_restores(Backend::Postgres).await;
}

/// A restored database is older than the search index a node kept: the node rebuilds its
/// index rather than keep showing stories the database no longer has.
async fn an_index_ahead_of_a_restored_database_is_rebuilt(backend: Backend) {
    let Some(db) = prepared(backend) else { return };
    let env = [("PS_SUBMISSIONS_PER_WINDOW", "0")];
    let mut server = ServeProcess::start(&db.url.target, &env).await;
    let files = tempfile::tempdir().expect("dir");
    let file = files.path().join("before.backup");
    let from = file.to_str().expect("utf-8");
    run_ok(&db.url.target, &["backup", "--to", from]);
    {
        let pool = db.pool();
        insert_story(
            &pool,
            "Zebrafinch archive opened",
            "A story written after the backup.",
            "justice",
            &["KH"],
            Some("2024-05-01"),
        );
    }
    let search = server.url("/api/v1/stories?q=zebrafinch");
    let started = Instant::now();
    loop {
        let page: serde_json::Value = reqwest::get(&search)
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        if page["total"] == 1 {
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(10), "never indexed");
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    server.signal("TERM");
    assert!(server
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("exited")
        .success());
    // Restored without naming the server's index folder: the index stays, ahead.
    let elsewhere = files.path().join("no-index-here");
    run_ok(
        &db.url.target,
        &[
            "restore",
            "--from",
            from,
            "--force",
            "--index-dir",
            elsewhere.to_str().expect("utf-8"),
        ],
    );
    server.restart(&db.url.target, &env).await;
    // Restarted on a port of its own.
    let search = server.url("/api/v1/stories?q=zebrafinch");
    let page: serde_json::Value = reqwest::get(&search)
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert_eq!(
        page["total"],
        0,
        "the index shows a story the restored database does not hold: {page}\n{}",
        server.log_text()
    );
    let page: serde_json::Value = reqwest::get(server.url("/api/v1/stories?q=justice"))
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    assert!(page["total"].as_u64().unwrap_or(0) >= 1, "{page}");
}

#[actix_rt::test]
async fn an_index_ahead_of_a_restored_database_is_rebuilt_sqlite() {
    an_index_ahead_of_a_restored_database_is_rebuilt(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn an_index_ahead_of_a_restored_database_is_rebuilt_postgres() {
    an_index_ahead_of_a_restored_database_is_rebuilt(Backend::Postgres).await;
}
