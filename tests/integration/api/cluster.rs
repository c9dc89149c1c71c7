//! Several nodes on one PostgreSQL behind Debian's nginx, configured with the repository's
//! `deploy/nginx/` files: the site behaves as one.

use std::time::{Duration, Instant};

use diesel::prelude::*;
use peoples_stories_shared::{Role, StoryPage};
use serde_json::{json, Value};

use crate::support::nginx::{self, Nginx};
use crate::support::{add_user, session_cookie, Backend, ServeProcess, TestDb, PASSWORD};

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port()
}

/// Polls `url` until its page holds `total` stories; returns how long that took.
async fn found_within(url: &str, total: i64, limit: Duration) -> Duration {
    let started = Instant::now();
    loop {
        if let Ok(res) = reqwest::get(url).await {
            if let Ok(page) = res.json::<StoryPage>().await {
                if page.total == total {
                    return started.elapsed();
                }
            }
        }
        assert!(
            started.elapsed() < limit,
            "{url} did not reach {total} within {limit:?}"
        );
        actix_rt::time::sleep(Duration::from_millis(20)).await;
    }
}

#[actix_rt::test]
async fn nodes_behind_nginx_behave_as_one_site() {
    let Some(db) = TestDb::create(Backend::Postgres) else {
        eprintln!("skipped: PostgreSQL not available");
        return;
    };
    if !nginx::available() {
        eprintln!("skipped: nginx not installed");
        return;
    }
    let pool = db.pool();
    db.migrate_and_seed();
    add_user(&pool, "ada", Role::Admin);
    let port = free_port();
    let origin = format!("http://127.0.0.1:{port}");
    let key_dir = tempfile::tempdir().expect("key dir");
    let key_file = key_dir.path().join("client-key");
    let key_file = key_file.to_str().expect("utf-8");
    // As docs/deploy.md says: the proxy trusted, the public origin named, one key file.
    let env = [
        ("PS_TRUSTED_PROXIES", "127.0.0.1"),
        ("PS_PUBLIC_ORIGIN", origin.as_str()),
        ("PS_CLIENT_KEY_FILE", key_file),
        ("PS_SUBMISSIONS_PER_WINDOW", "0"),
        ("PS_GUESTBOOK_PER_WINDOW", "3"),
    ];
    let mut a = ServeProcess::start(&db.url.target, &env).await;
    let b = ServeProcess::start(&db.url.target, &env).await;
    let site = Nginx::start(port, &[&a.base_url, &b.base_url]).await;
    let http = reqwest::Client::new();

    // A login through nginx works (the origin check sees the public origin), and its session
    // holds on every node.
    let res = http
        .post(site.url("/api/v1/auth/login"))
        .header("origin", &origin)
        .json(&json!({"username": "ada", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    let cookie = session_cookie(&res).expect("a session cookie");
    assert_eq!(res.status(), 200);
    let me: Value = res.json().await.expect("me");
    let csrf = me["csrf_token"].as_str().expect("csrf").to_string();
    for base in [&a.base_url, &b.base_url, &site.base_url, &site.base_url] {
        let res = http
            .get(format!("{base}/api/v1/auth/me"))
            .header("cookie", &cookie)
            .send()
            .await
            .expect("me");
        assert_eq!(res.status(), 200, "{base}");
    }

    // A story written through nginx is found by search on every node.
    let res = http
        .post(site.url("/api/v1/stories"))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .header("origin", &origin)
        .json(&json!({
            "title": "Quokkaland tribunal sits",
            "theme": "justice",
            "date": "2026-11-30",
            "body": "The quokkaland hearings opened.",
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
    for base in [&a.base_url, &b.base_url] {
        let took = found_within(
            &format!("{base}/api/v1/stories?q=quokkaland"),
            1,
            Duration::from_secs(10),
        )
        .await;
        eprintln!("found on {base} after {took:?}");
    }

    // An idempotency key holds across nodes: the retry on the other node gets the first answer.
    let submission = json!({
        "title": "Retried across nodes",
        "body": "A story sent twice, once to each node, with one key.",
        "theme": "justice",
        "consent": true,
    });
    let mut receipts = Vec::new();
    for base in [&a.base_url, &b.base_url] {
        let res = http
            .post(format!("{base}/api/v1/submissions"))
            .header("idempotency-key", "one-key-two-nodes")
            .json(&submission)
            .send()
            .await
            .expect("submit");
        assert_eq!(res.status(), 202);
        receipts.push(res.json::<Value>().await.expect("receipt")["id"].clone());
    }
    assert_eq!(receipts[0], receipts[1]);

    // Duplicates and rate limits hold across nodes (the client: what nginx saw, 127.0.0.1).
    let sign = |base: &str, message: &str| {
        http.post(format!("{base}/api/v1/guestbook"))
            .json(&json!({"name": "Maria", "message": message}))
            .send()
    };
    assert_eq!(
        sign(&site.base_url, "Thank you, from one node")
            .await
            .expect("sign")
            .status(),
        201
    );
    assert_eq!(
        sign(&a.base_url, "Thank you, from one node")
            .await
            .expect("sign")
            .status(),
        409
    );
    assert_eq!(
        sign(&b.base_url, "Thank you, from one node")
            .await
            .expect("sign")
            .status(),
        409
    );
    assert_eq!(
        sign(&a.base_url, "A second message")
            .await
            .expect("sign")
            .status(),
        201
    );
    assert_eq!(
        sign(&b.base_url, "A third message")
            .await
            .expect("sign")
            .status(),
        201
    );
    for base in [&a.base_url, &b.base_url, &site.base_url] {
        assert_eq!(
            sign(base, "One too many").await.expect("sign").status(),
            429,
            "{base}"
        );
    }

    // A node killed with SIGKILL under load: every acknowledged write is kept, and the site
    // keeps serving from the other.
    // 24 at once: under the 32 connections per client that deploy/nginx/proxy.conf allows.
    let sends = (0..24).map(|i| {
        let http = http.clone();
        let url = site.url("/api/v1/submissions");
        async move {
            let body = json!({
                "title": format!("Under load {i}"),
                "body": format!("Submission number {i}, sent while a node dies."),
                "theme": "freedom",
                "consent": true,
            });
            match http.post(url).json(&body).send().await {
                Ok(res) => {
                    let status = res.status().as_u16();
                    let id = res
                        .json::<Value>()
                        .await
                        .ok()
                        .and_then(|v| v["id"].as_i64());
                    (status, id)
                }
                Err(_) => (0, None),
            }
        }
    });
    let load = futures_util::future::join_all(sends);
    let kill = async {
        actix_rt::time::sleep(Duration::from_millis(30)).await;
        a.kill_hard();
    };
    let (answers, ()) = futures_util::join!(load, kill);
    assert!(
        answers.iter().all(|(s, _)| [202, 502, 0].contains(s)),
        "{answers:?}"
    );
    let acknowledged: Vec<i64> = answers
        .iter()
        .filter_map(|(s, id)| (*s == 202).then_some(*id).flatten())
        .collect();
    assert!(!acknowledged.is_empty(), "{answers:?}");
    {
        use peoples_stories_api::db::schema::submissions;
        let mut conn = pool.get().expect("conn");
        let stored: Vec<i64> = submissions::table
            .filter(submissions::id.eq_any(&acknowledged))
            .select(submissions::id)
            .load(&mut conn)
            .expect("stored");
        assert_eq!(
            stored.len(),
            acknowledged.len(),
            "an acknowledged write was lost"
        );
    }
    for _ in 0..10 {
        let res = http
            .get(site.url("/api/v1/stories?q=quokkaland"))
            .send()
            .await
            .expect("read");
        assert_eq!(res.status(), 200, "{}", site.error_log());
    }
    drop(b);
}

/// A node started on a database it has never indexed says it is not ready (503) until its
/// index is built, so a proxy sends it no keyword searches (which answer 503 meanwhile).
#[actix_rt::test]
async fn a_fresh_node_is_ready_only_once_its_index_is_built() {
    let db = TestDb::create(Backend::Sqlite).expect("sqlite");
    {
        let mut conn = db.pool().get().expect("conn");
        peoples_stories_api::db::migrate(&mut conn).expect("migrate");
        // Enough stories that building the index takes a while.
        peoples_stories_api::generate::run(&mut conn, 20_000, 7).expect("generate");
        peoples_stories_api::db::changes::record_rebuild(&mut conn).expect("rebuild");
    }
    let node = ServeProcess::launch(&db.url.target, &[]);
    let http = reqwest::Client::new();
    let started = Instant::now();
    let mut seen_building = false;
    loop {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "never ready: {}",
            node.log_text()
        );
        let Ok(ready) = http.get(node.url("/readyz")).send().await else {
            // Not listening yet.
            actix_rt::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let ready = ready.status().as_u16();
        let search = http
            .get(node.url("/api/v1/stories?q=rights"))
            .send()
            .await
            .expect("search");
        let search = search.status().as_u16();
        if ready == 503 {
            seen_building = true;
            // Still building (unless it finished between the two requests).
            assert!([503, 200].contains(&search), "search answered {search}");
        } else {
            assert_eq!(ready, 200);
            // Ready means keyword searches work.
            assert_eq!(search, 200, "ready, yet the search answered {search}");
            break;
        }
        actix_rt::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(
        seen_building,
        "the node said it was ready before its index was built"
    );
}
