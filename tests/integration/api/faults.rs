//! Faults: the database going away under a running node, and coming back.

use std::net::{Shutdown, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::support::{content_type, Backend, ServeProcess, TestDb};

/// A TCP cable between a node and PostgreSQL that the test can cut and mend: while cut, every
/// open connection is closed and new ones are dropped at once, as when the server is stopped.
struct Cable {
    port: u16,
    cut: Arc<AtomicBool>,
    open: Arc<Mutex<Vec<TcpStream>>>,
}

impl Cable {
    fn to(upstream: std::net::SocketAddr) -> Cable {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let cut = Arc::new(AtomicBool::new(false));
        let open: Arc<Mutex<Vec<TcpStream>>> = Arc::default();
        let (cut2, open2) = (cut.clone(), open.clone());
        std::thread::spawn(move || {
            for client in listener.incoming() {
                let Ok(client) = client else { continue };
                if cut2.load(Ordering::SeqCst) {
                    let _ = client.shutdown(Shutdown::Both);
                    continue;
                }
                let Ok(server) = TcpStream::connect(upstream) else {
                    continue;
                };
                let pipes = [
                    (client.try_clone(), server.try_clone()),
                    (server.try_clone(), client.try_clone()),
                ];
                {
                    let mut open = open2.lock().expect("lock");
                    open.extend(client.try_clone().ok());
                    open.extend(server.try_clone().ok());
                }
                for (from, to) in pipes {
                    if let (Ok(mut from), Ok(mut to)) = (from, to) {
                        std::thread::spawn(move || {
                            let _ = std::io::copy(&mut from, &mut to);
                            let _ = to.shutdown(Shutdown::Both);
                        });
                    }
                }
            }
        });
        Cable { port, cut, open }
    }

    fn cut(&self) {
        self.cut.store(true, Ordering::SeqCst);
        for s in self.open.lock().expect("lock").drain(..) {
            let _ = s.shutdown(Shutdown::Both);
        }
    }

    fn mend(&self) {
        self.cut.store(false, Ordering::SeqCst);
    }
}

#[actix_rt::test]
async fn postgres_going_away_is_a_503_and_coming_back_needs_no_restart() {
    let Some(db) = TestDb::seeded(Backend::Postgres) else {
        return;
    };
    // The node reaches PostgreSQL through the cable.
    let mut url = url::Url::parse(&db.url.target).expect("url");
    let host = url.host_str().unwrap_or("127.0.0.1").to_string();
    let upstream = (host.as_str(), url.port().unwrap_or(5432));
    let upstream = std::net::ToSocketAddrs::to_socket_addrs(&upstream)
        .expect("resolve")
        .next()
        .expect("an address");
    let cable = Cable::to(upstream);
    url.set_host(Some("127.0.0.1")).expect("host");
    url.set_port(Some(cable.port)).expect("port");
    let node = ServeProcess::start(url.as_str(), &[("PS_GUESTBOOK_PER_WINDOW", "0")]).await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");

    cable.cut();
    // Reads the response cache cannot answer, and writes: each a 503 problem with
    // Retry-After, never a 500 or a hang.
    let mut slowest = Duration::ZERO;
    for i in 0..2 {
        for (method, path) in [
            ("GET", format!("/api/v1/stories?offset={i}")),
            ("GET", "/api/v1/stories/1".to_string()),
            ("POST", "/api/v1/guestbook".to_string()),
        ] {
            let started = Instant::now();
            let req = if method == "GET" {
                http.get(node.url(&path))
            } else {
                http.post(node.url(&path))
                    .json(&json!({"name": "Maria", "message": format!("Written while the database was away {i}")}))
            };
            let res = req.send().await.expect("an answer");
            slowest = slowest.max(started.elapsed());
            assert_eq!(res.status(), 503, "{method} {path}");
            assert!(
                res.headers().get("retry-after").is_some(),
                "{method} {path}"
            );
            assert_eq!(
                content_type(&res),
                "application/problem+json",
                "{method} {path}"
            );
        }
    }
    // Many at once, as under load: every one a 503 too.
    let answers = futures_util::future::join_all((0..32).map(|i| {
        let (http, url) = (
            http.clone(),
            node.url(&format!("/api/v1/stories?offset={}", 10 + i)),
        );
        async move {
            let started = Instant::now();
            let status = http.get(url).send().await.map(|r| r.status().as_u16());
            (status, started.elapsed())
        }
    }))
    .await;
    for (status, took) in answers {
        assert_eq!(status.ok(), Some(503));
        slowest = slowest.max(took);
    }
    // Not a timing claim but "no hung requests": with the database unreachable a request is
    // not kept for the pool's 10 s wait for a connection (see BENCHMARKS.md, "Faults", for
    // how promptly it is answered).
    assert!(
        slowest < Duration::from_secs(5),
        "a request waited {slowest:?}"
    );
    eprintln!("slowest answer while the database was away: {slowest:?}");
    assert_eq!(
        http.get(node.url("/readyz"))
            .send()
            .await
            .expect("readyz")
            .status(),
        503
    );

    // Back: the node recovers by itself.
    cable.mend();
    let started = Instant::now();
    loop {
        let ready = http
            .get(node.url("/readyz"))
            .send()
            .await
            .is_ok_and(|r| r.status() == 200);
        if ready {
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "not ready again: {}",
            node.log_text()
        );
        actix_rt::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(
        http.get(node.url("/api/v1/stories?offset=99"))
            .send()
            .await
            .expect("read")
            .status(),
        200
    );
    let res = http
        .post(node.url("/api/v1/guestbook"))
        .json(&json!({"name": "Maria", "message": "Written once the database was back"}))
        .send()
        .await
        .expect("write");
    assert_eq!(res.status(), 201);
    // No 500 was logged as an internal error.
    assert!(
        !node.log_text().contains("internal error"),
        "{}",
        node.log_text()
    );
}

/// A small filesystem of its own (tmpfs), unmounted when dropped.
struct SmallDisk {
    dir: tempfile::TempDir,
}

impl SmallDisk {
    /// Mounts `size` (as `mount -o size=` takes it) on a fresh folder, or None when this
    /// process may not mount (not root); as root, a failing mount is a failure.
    fn mount(size: &str) -> Option<SmallDisk> {
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|o| o.stdout.trim_ascii() == b"0");
        if !root {
            eprintln!("skipped: mounting a small filesystem needs root");
            return None;
        }
        let dir = tempfile::tempdir().expect("dir");
        let status = std::process::Command::new("mount")
            .args([
                "-t",
                "tmpfs",
                "-o",
                &format!("size={size},mode=0700"),
                "tmpfs",
            ])
            .arg(dir.path())
            .status()
            .expect("mount");
        assert!(status.success(), "mount -t tmpfs failed: {status}");
        Some(SmallDisk { dir })
    }

    fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// Fills what is left with a file; returns its path.
    fn fill(&self) -> std::path::PathBuf {
        use std::io::Write;
        let path = self.path("filler");
        let mut file = std::fs::File::create(&path).expect("filler");
        let chunk = vec![0x5au8; 16 * 1024];
        loop {
            if file
                .write_all(&chunk)
                .and_then(|()| file.sync_all())
                .is_err()
            {
                break;
            }
        }
        // Down to the last byte: a few more, one at a time.
        while file.write_all(b"z").and_then(|()| file.sync_all()).is_ok() {}
        path
    }
}

impl Drop for SmallDisk {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount")
            .arg("-l")
            .arg(self.dir.path())
            .status();
    }
}

/// A submission of about `len` characters, different for each `i`.
fn long_submission(i: usize, len: usize) -> serde_json::Value {
    let mut body = format!("Story {i} written while the disk was full. ");
    let mut n = 0;
    while body.len() < len {
        body.push_str(&format!(
            "Witness {i}-{n} saw the land defenders taken away. "
        ));
        n += 1;
    }
    json!({
        "title": format!("Disk full story {i}"),
        "body": body,
        "theme": "justice",
        "countries": ["KH"],
        "consent": true
    })
}

/// SQLite's disk fills up under a running node: writes are answered 503 problem+json with
/// Retry-After (never a 500), reads are still served, writes work again once there is room,
/// and the database passes `PRAGMA integrity_check` holding every acknowledged write.
#[actix_rt::test]
async fn a_full_sqlite_disk_refuses_writes_and_keeps_serving_reads() {
    let Some(disk) = SmallDisk::mount("6m") else {
        return;
    };
    let db_path = disk.path("stories.db");
    let url = peoples_stories_api::db::DatabaseUrl::parse(&db_path.to_string_lossy()).expect("url");
    {
        let pool = peoples_stories_api::db::connect_pool(&url, 1).expect("pool");
        let mut conn = pool.get().expect("conn");
        peoples_stories_api::db::migrate(&mut conn).expect("migrate");
        peoples_stories_api::seed::run(&mut conn).expect("seed");
    }
    let node = ServeProcess::start(
        &url.target,
        &[
            ("PS_SUBMISSIONS_PER_WINDOW", "0"),
            ("PS_GUESTBOOK_PER_WINDOW", "0"),
        ],
    )
    .await;
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("client");
    let mut acknowledged = Vec::new();
    let submit = |i: usize| {
        let http = http.clone();
        let url = node.url("/api/v1/submissions");
        async move {
            let res = http
                .post(url)
                .json(&long_submission(i, 19_000))
                .send()
                .await
                .expect("an answer");
            let status = res.status().as_u16();
            let retry = res.headers().get("retry-after").is_some();
            (status, retry, content_type(&res))
        }
    };
    let (status, _, _) = submit(0).await;
    assert_eq!(status, 202, "{}", node.log_text());
    acknowledged.push(0);

    let filler = disk.fill();
    let mut refused = 0;
    for i in 1..=40 {
        let (status, retry, ct) = submit(i).await;
        match status {
            202 => acknowledged.push(i),
            503 => {
                assert!(retry, "a 503 without Retry-After");
                assert_eq!(ct, "application/problem+json");
                refused += 1;
            }
            other => panic!("submission {i} answered {other}; log:\n{}", node.log_text()),
        }
    }
    assert!(
        refused > 0,
        "no write was refused on a full disk; log:\n{}",
        node.log_text()
    );
    // Reads the response cache has never seen are still served from the database.
    for path in [
        "/api/v1/stories/1",
        "/api/v1/stories?offset=1",
        "/api/v1/stories?theme=justice",
        "/api/v1/guestbook",
    ] {
        let res = http.get(node.url(path)).send().await.expect("read");
        assert_eq!(res.status(), 200, "{path}; log:\n{}", node.log_text());
    }

    // Room again: writes are accepted again, without a restart.
    std::fs::remove_file(&filler).expect("remove filler");
    let (status, _, _) = submit(100).await;
    assert_eq!(status, 202, "{}", node.log_text());
    acknowledged.push(100);
    assert!(
        !node.log_text().contains("internal error"),
        "{}",
        node.log_text()
    );

    node.signal("TERM");
    let mut node = node;
    let exit = node
        .wait_exit(Duration::from_secs(30))
        .await
        .expect("exited");
    assert!(exit.success(), "{exit}");
    use diesel::prelude::*;
    use diesel::sql_types::Text;
    #[derive(QueryableByName)]
    struct Row {
        #[diesel(sql_type = Text)]
        v: String,
    }
    let mut conn = diesel::SqliteConnection::establish(&url.target).expect("open the database");
    let check: Vec<Row> =
        diesel::sql_query("SELECT integrity_check AS v FROM pragma_integrity_check")
            .load(&mut conn)
            .expect("integrity_check");
    assert_eq!(
        check.iter().map(|r| r.v.as_str()).collect::<Vec<_>>(),
        ["ok"]
    );
    let stored: Vec<Row> = diesel::sql_query("SELECT title AS v FROM submissions")
        .load(&mut conn)
        .expect("titles");
    for i in &acknowledged {
        let title = format!("Disk full story {i}");
        assert!(
            stored.iter().any(|r| r.v == title),
            "acknowledged {title:?} is missing"
        );
    }
    eprintln!(
        "disk full: {refused} of 40 writes refused, {} acknowledged, all kept",
        acknowledged.len()
    );
}
