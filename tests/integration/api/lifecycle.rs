//! Stopping the real `peoples-stories serve`: SIGTERM and SIGINT stop it accepting, let the
//! requests in flight finish within the grace period, and it exits 0.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::mpsc;
use std::time::{Duration, Instant};

use diesel::prelude::*;
use peoples_stories_api::db::schema::submissions;
use peoples_stories_shared::SubmissionReceipt;
use serde_json::{json, Value};

use crate::support::{Backend, ServeProcess, TestDb};

/// The server's grace period in these tests.
const GRACE_SECS: u64 = 10;

pub(crate) fn submission(title: &str) -> Value {
    json!({
        "title": title,
        "body": format!("{title}: three land defenders were detained after a peaceful protest."),
        "theme": "justice",
        "countries": ["KH"],
        "consent": true
    })
}

/// A migrated, seeded database, or None when the backend is not available.
pub(crate) fn prepared(backend: Backend) -> Option<TestDb> {
    TestDb::seeded(backend)
}

async fn serve(db: &TestDb, grace_secs: u64) -> ServeProcess {
    let grace = grace_secs.to_string();
    ServeProcess::start(
        &db.url.target,
        &[
            ("PS_SUBMISSIONS_PER_WINDOW", "0"),
            ("PS_SHUTDOWN_GRACE_SECS", grace.as_str()),
        ],
    )
    .await
}

fn titles_stored(db: &TestDb) -> Vec<String> {
    submissions::table
        .select(submissions::title)
        .load(&mut *db.pool().get().expect("conn"))
        .expect("titles")
}

/// The process said it shut down, with its three background threads (housekeeping, the
/// search follower, the data versions' reader) stopped, and closed its pool: on SQLite the
/// last connection's close checkpointed the write-ahead log and removed it. Call before the
/// test opens the database itself.
fn assert_shut_down(db: &TestDb, log: &str) {
    let line = log
        .lines()
        .map(without_colours)
        .find(|l| l.contains("shut down"))
        .unwrap_or_else(|| panic!("no 'shut down' line:\n{log}"));
    assert!(line.contains("background_threads_stopped=3"), "{line}");
    if db.url.backend == peoples_stories_api::db::Backend::Sqlite {
        let wal = format!("{}-wal", db.url.target);
        assert!(
            !std::path::Path::new(&wal).exists(),
            "the database was not closed: {wal} is left"
        );
    }
}

/// A log line without its terminal colours (`ESC [ ... m`).
fn without_colours(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            for c in chars.by_ref() {
                if c == 'm' {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

/// The head of one answer read from `conn` (empty when the connection was closed).
fn read_head(conn: &mut TcpStream) -> String {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match conn.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => break,
        }
    }
    // The body: its length is in the head.
    let text = String::from_utf8_lossy(&head).into_owned();
    let length = text
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0);
    let mut body = vec![0u8; length];
    let _ = conn.read_exact(&mut body);
    text
}

/// A submission sent by hand over one connection: the head and the first third of the body
/// at once, the rest in two pieces `pause` apart. `started` hears when the first piece is
/// out; the answer's status line (or the I/O error) is returned.
fn slow_post(
    addr: String,
    title: &str,
    pause: Duration,
    started: mpsc::Sender<()>,
) -> std::thread::JoinHandle<Result<String, std::io::Error>> {
    let body = serde_json::to_vec(&submission(title)).expect("json");
    std::thread::spawn(move || {
        let mut conn = TcpStream::connect(&addr)?;
        let head = format!(
            "POST /api/v1/submissions HTTP/1.1\r\nHost: {addr}\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\
             Connection: close\r\n\r\n",
            body.len()
        );
        let third = body.len() / 3;
        conn.write_all(head.as_bytes())?;
        conn.write_all(&body[..third])?;
        conn.flush()?;
        let _ = started.send(());
        std::thread::sleep(pause);
        conn.write_all(&body[third..2 * third])?;
        conn.flush()?;
        std::thread::sleep(pause);
        conn.write_all(&body[2 * third..])?;
        conn.flush()?;
        let mut answer = String::new();
        conn.read_to_string(&mut answer)?;
        Ok(answer.lines().next().unwrap_or_default().to_string())
    })
}

/// A slow submission is in flight when the signal comes: it is answered 202 and stored, and
/// the process exits 0 within the grace period, saying so in its log.
async fn slow_request_finishes(backend: Backend, signal: &str) {
    let Some(db) = prepared(backend) else { return };
    let mut server = serve(&db, GRACE_SECS).await;
    let (tx, rx) = mpsc::channel();
    let title = format!("Slow story under SIG{signal}");
    let post = slow_post(server.addr(), &title, Duration::from_millis(1000), tx);
    rx.recv_timeout(Duration::from_secs(5))
        .expect("the first piece is sent");
    // Let the server read the head and start on the request.
    actix_rt::time::sleep(Duration::from_millis(200)).await;
    let signalled = Instant::now();
    server.signal(signal);
    let status = server
        .wait_exit(Duration::from_secs(GRACE_SECS + 5))
        .await
        .unwrap_or_else(|| panic!("still running; its log:\n{}", server.log_text()));
    let took = signalled.elapsed();
    let answer = post.join().expect("thread");
    let log = server.log_text();
    assert_eq!(
        answer.as_ref().map(String::as_str).ok(),
        Some("HTTP/1.1 202 Accepted"),
        "{answer:?}; log:\n{log}"
    );
    assert!(status.success(), "exit status {status}; log:\n{log}");
    assert!(
        took >= Duration::from_millis(1500) && took < Duration::from_secs(GRACE_SECS),
        "exited {took:?} after the signal (the body took 2 s); log:\n{log}"
    );
    assert_shut_down(&db, &log);
    assert_eq!(titles_stored(&db), vec![title]);
}

#[actix_rt::test]
async fn sigterm_lets_a_slow_request_finish_sqlite() {
    slow_request_finishes(Backend::Sqlite, "TERM").await;
}

#[actix_rt::test]
async fn sigterm_lets_a_slow_request_finish_postgres() {
    slow_request_finishes(Backend::Postgres, "TERM").await;
}

/// actix's own handling of SIGINT is a forced stop, which would cut the request off.
#[actix_rt::test]
async fn sigint_is_as_graceful_as_sigterm_sqlite() {
    slow_request_finishes(Backend::Sqlite, "INT").await;
}

/// The grace period bounds the wait: a request slower than it is cut off, and the process
/// still exits 0, on time.
#[actix_rt::test]
async fn the_grace_period_bounds_a_shutdown() {
    let Some(db) = prepared(Backend::Sqlite) else {
        return;
    };
    let mut server = serve(&db, 1).await;
    let (tx, rx) = mpsc::channel();
    let post = slow_post(
        server.addr(),
        "Too slow a story",
        Duration::from_millis(2500),
        tx,
    );
    rx.recv_timeout(Duration::from_secs(5))
        .expect("the first piece is sent");
    actix_rt::time::sleep(Duration::from_millis(200)).await;
    let signalled = Instant::now();
    server.signal("TERM");
    let status = server
        .wait_exit(Duration::from_secs(10))
        .await
        .expect("exited");
    let took = signalled.elapsed();
    let log = server.log_text();
    assert!(status.success(), "exit status {status}; log:\n{log}");
    assert!(
        took < Duration::from_millis(2500),
        "exited {took:?} after the signal with a grace of 1 s; log:\n{log}"
    );
    let answer = post.join().expect("thread");
    assert!(
        !matches!(&answer, Ok(line) if line.contains("202")),
        "answered after the grace period: {answer:?}"
    );
    assert!(titles_stored(&db).is_empty());
}

/// Once the signal came, the listener is closed: new connections are refused while the
/// request in flight is still being finished.
async fn new_connections_are_refused(backend: Backend) {
    let Some(db) = prepared(backend) else { return };
    let mut server = serve(&db, GRACE_SECS).await;
    let (tx, rx) = mpsc::channel();
    let post = slow_post(
        server.addr(),
        "A story that keeps the server up",
        Duration::from_millis(1500),
        tx,
    );
    rx.recv_timeout(Duration::from_secs(5))
        .expect("the first piece is sent");
    actix_rt::time::sleep(Duration::from_millis(200)).await;
    // Before the signal a new connection gets an answer.
    let before = reqwest::get(server.url("/healthz")).await.expect("healthz");
    assert_eq!(before.status(), 200);
    // A kept-alive connection, as a proxy keeps: ready before the signal.
    let mut kept = TcpStream::connect(server.addr()).expect("connect");
    kept.set_read_timeout(Some(Duration::from_secs(5)))
        .expect("timeout");
    let readyz = b"GET /readyz HTTP/1.1\r\nHost: localhost\r\n\r\n";
    kept.write_all(readyz).expect("write");
    let first = read_head(&mut kept);
    assert!(first.starts_with("HTTP/1.1 200"), "{first}");
    server.signal("TERM");
    actix_rt::time::sleep(Duration::from_millis(500)).await;
    // After it, the node never says it is ready: actix closes idle kept-alive connections
    // at once (seen here); a request it still reads hears 503 and `Connection: close`.
    let after = kept
        .write_all(readyz)
        .map(|()| read_head(&mut kept))
        .unwrap_or_default();
    assert!(
        after.is_empty()
            || (after.starts_with("HTTP/1.1 503")
                && after.to_ascii_lowercase().contains("connection: close")),
        "{after}"
    );
    assert!(
        server.running(),
        "exited before the request in flight was answered"
    );
    let refused = TcpStream::connect_timeout(
        &server.addr().parse().expect("address"),
        Duration::from_secs(2),
    );
    assert!(
        matches!(&refused, Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused),
        "a new connection after SIGTERM: {refused:?}"
    );
    let fresh = reqwest::Client::new()
        .get(server.url("/healthz"))
        .send()
        .await;
    assert!(fresh.as_ref().is_err_and(|e| e.is_connect()), "{fresh:?}");
    let answer = post.join().expect("thread");
    assert_eq!(
        answer.as_ref().map(String::as_str).ok(),
        Some("HTTP/1.1 202 Accepted")
    );
    let status = server
        .wait_exit(Duration::from_secs(GRACE_SECS))
        .await
        .expect("exited");
    assert!(status.success(), "exit status {status}");
}

#[actix_rt::test]
async fn new_connections_are_refused_after_sigterm_sqlite() {
    new_connections_are_refused(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn new_connections_are_refused_after_sigterm_postgres() {
    new_connections_are_refused(Backend::Postgres).await;
}

/// 50 submissions at once, SIGTERM once the first is answered: every 202 is stored, every
/// other one failed to connect or got a 503, never a 500; the process exits 0.
async fn burst_survives_sigterm(backend: Backend) {
    let Some(db) = prepared(backend) else { return };
    let mut server = serve(&db, GRACE_SECS).await;
    let client = reqwest::Client::new();
    let url = server.url("/api/v1/submissions");
    let answered = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let posts = (0..50).map(|i| {
        let client = client.clone();
        let url = url.clone();
        let answered = answered.clone();
        actix_rt::spawn(async move {
            let title = format!("Burst story {i}");
            let res = client.post(&url).json(&submission(&title)).send().await;
            answered.store(true, std::sync::atomic::Ordering::SeqCst);
            let res = res?;
            let status = res.status().as_u16();
            let id = match status {
                202 => Some(res.json::<SubmissionReceipt>().await?.id),
                _ => None,
            };
            Ok::<_, reqwest::Error>((status, id))
        })
    });
    let posts: Vec<_> = posts.collect();
    let started = Instant::now();
    while !answered.load(std::sync::atomic::Ordering::SeqCst) {
        assert!(started.elapsed() < Duration::from_secs(20), "no answer");
        actix_rt::time::sleep(Duration::from_millis(2)).await;
    }
    server.signal("TERM");
    let mut accepted = Vec::new();
    let mut refused = 0;
    for post in posts {
        match post.await.expect("task") {
            Ok((202, Some(id))) => accepted.push(id),
            Ok((503, _)) => refused += 1,
            Ok((status, _)) => panic!("a submission got {status}; log:\n{}", server.log_text()),
            Err(e) => {
                assert!(
                    e.is_connect() || e.is_request() || e.is_body(),
                    "unexpected error: {e:?}"
                );
                refused += 1;
            }
        }
    }
    let status = server
        .wait_exit(Duration::from_secs(GRACE_SECS + 5))
        .await
        .expect("exited");
    let log = server.log_text();
    assert!(status.success(), "exit status {status}; log:\n{log}");
    assert_shut_down(&db, &log);
    assert!(!accepted.is_empty());
    assert_eq!(accepted.len() + refused, 50);
    let mut stored: Vec<i64> = submissions::table
        .select(submissions::id)
        .load(&mut *db.pool().get().expect("conn"))
        .expect("ids");
    stored.sort_unstable();
    accepted.sort_unstable();
    assert_eq!(
        stored, accepted,
        "stored ≠ answered 202 ({refused} refused)"
    );
}

#[actix_rt::test]
async fn a_write_burst_survives_sigterm_sqlite() {
    burst_survives_sigterm(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn a_write_burst_survives_sigterm_postgres() {
    burst_survives_sigterm(Backend::Postgres).await;
}
