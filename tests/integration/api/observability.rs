//! Observability: every answer's `X-Request-Id`, JSON log lines carrying it, the Prometheus
//! metrics on their own listener, and what neither logs nor metrics may ever hold.

use serde_json::{json, Value};

use crate::support::{both_databases, content_type, Backend, ServeProcess, TestDb};

/// The response's `X-Request-Id`.
fn request_id(res: &reqwest::Response) -> String {
    res.headers()
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("{} {} has no X-Request-Id", res.url(), res.status()))
        .to_string()
}

/// A fresh id, as the server makes them: 16 hex digits.
fn assert_fresh(id: &str) {
    assert!(
        id.len() == 16 && id.bytes().all(|b| b.is_ascii_hexdigit()),
        "not a fresh id: {id:?}"
    );
}

fn guestbook_entry(name: &str, message: &str) -> Value {
    json!({"name": name, "message": message, "country": "Ivory Coast"})
}

both_databases! {
    async fn every_answer_carries_a_request_id(app) {
        // A public read, a 404, a write (201), a refused write (422).
        let read = app.get("/api/v1/stories").await;
        assert_eq!(read.status(), 200);
        let missing = app.get("/api/v1/no-such-route").await;
        assert_eq!(missing.status(), 404);
        let written = app
            .post_json(
                "/api/v1/guestbook",
                &guestbook_entry("Ana", "Thank you for keeping these stories."),
                &[],
            )
            .await;
        assert_eq!(written.status(), 201);
        let refused = app
            .post_json("/api/v1/guestbook", &json!({"name": "", "message": ""}), &[])
            .await;
        assert_eq!(refused.status(), 422);
        let ids: Vec<String> = [&read, &missing, &written, &refused]
            .iter()
            .map(|r| request_id(r))
            .collect();
        for id in &ids {
            assert_fresh(id);
        }
        let mut distinct = ids.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), ids.len(), "ids repeat: {ids:?}");

        // A proxy's id is kept when it is safe to log and to send back.
        let longest = "a".repeat(64);
        for sent in ["abc-123", "edge.7:req_42-x", "0", longest.as_str()] {
            let res = app
                .client
                .get(app.url("/api/v1/themes"))
                .header("x-request-id", sent)
                .send()
                .await
                .expect("request");
            assert_eq!(request_id(&res), sent);
            let res = app
                .post_json(
                    "/api/v1/guestbook",
                    &json!({"name": "", "message": ""}),
                    &[("x-request-id", sent)],
                )
                .await;
            assert_eq!(res.status(), 422);
            assert_eq!(request_id(&res), sent, "a refused POST keeps the id too");
        }
        // Anything else is replaced by a fresh one: too long, spaces, other characters,
        // empty.
        let too_long = "a".repeat(65);
        for sent in [too_long.as_str(), "has space", "semi;colon", "a/b", "<b>", "x\ty", ""] {
            let res = app
                .client
                .get(app.url("/api/v1/stories/no-such-story"))
                .header("x-request-id", sent)
                .send()
                .await
                .expect("request");
            assert_eq!(res.status(), 404);
            let id = request_id(&res);
            assert_ne!(id, sent);
            assert_fresh(&id);
        }
    }
}

/// A migrated, seeded database and a real `serve` on it with these variables; None when
/// the backend is not available.
async fn serve(backend: Backend, env: &[(&str, &str)]) -> Option<(TestDb, ServeProcess)> {
    let db = TestDb::seeded(backend)?;
    let server = ServeProcess::start(&db.url.target, env).await;
    Some((db, server))
}

#[actix_rt::test]
async fn json_log_lines_carry_the_answers_request_id() {
    let env = [("PS_LOG_FORMAT", "json"), ("RUST_LOG", "info")];
    let (_db, server) = serve(Backend::Sqlite, &env).await.expect("SQLite");
    let client = reqwest::Client::new();
    let read = client
        .get(server.url("/api/v1/stories"))
        .header("x-request-id", "from-the-proxy-1")
        .send()
        .await
        .expect("read");
    assert_eq!(read.status(), 200);
    let missing = client
        .get(server.url("/api/v1/no-such-route"))
        .send()
        .await
        .expect("404");
    assert_eq!(missing.status(), 404);
    let refused = client
        .post(server.url("/api/v1/guestbook"))
        .json(&json!({"name": "", "message": ""}))
        .send()
        .await
        .expect("422");
    assert_eq!(refused.status(), 422);
    let expected = [
        (request_id(&read), "/api/v1/stories", 200),
        (request_id(&missing), "/api/v1/no-such-route", 404),
        (request_id(&refused), "/api/v1/guestbook", 422),
    ];
    assert_eq!(expected[0].0, "from-the-proxy-1");

    let log = server.log_text();
    let lines: Vec<Value> = log
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not a JSON line ({e}): {l}")))
        .collect();
    assert!(
        lines.iter().any(|l| l["message"]
            .as_str()
            .is_some_and(|m| m.contains("listening"))),
        "the start is logged too:\n{log}"
    );
    for (id, path, status) in expected {
        let line = lines
            .iter()
            .find(|l| l["message"] == "request" && l["span"]["request_id"] == id.as_str())
            .unwrap_or_else(|| panic!("no request line with request_id {id}:\n{log}"));
        assert_eq!(line["path"], path, "{line}");
        assert_eq!(line["status"], status, "{line}");
        assert_eq!(line["level"], "INFO", "{line}");
    }
}

/// The value of an unlabelled series (or one named with its labels) in a scrape.
fn series(text: &str, name: &str) -> Option<f64> {
    text.lines()
        .filter(|l| !l.starts_with('#'))
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
}

async fn metrics_listener_serves_prometheus_text(backend: Backend) {
    let Some((_db, server)) = serve(backend, &[]).await else {
        return;
    };
    let client = reqwest::Client::new();
    let list: Value = client
        .get(server.url("/api/v1/stories"))
        .send()
        .await
        .expect("list")
        .json()
        .await
        .expect("json");
    let published = list["total"].as_f64().expect("total");
    let slug = list["items"][0]["slug"]
        .as_str()
        .expect("a slug")
        .to_string();
    for _ in 0..2 {
        let res = client
            .get(server.url(&format!("/api/v1/stories/{slug}")))
            .send()
            .await
            .expect("story");
        assert_eq!(res.status(), 200);
    }
    let res = client
        .get(server.url("/api/v1/stories/no-such-story-7x"))
        .send()
        .await
        .expect("404");
    assert_eq!(res.status(), 404);
    let res = client
        .get(server.url("/api/v1/definitely-not-a-route-7x"))
        .send()
        .await
        .expect("404");
    assert_eq!(res.status(), 404);
    let res = client
        .post(server.url("/api/v1/submissions"))
        .json(&json!({
            "title": "A dam and a detention",
            "body": "Three land defenders were detained after a peaceful protest against the dam.",
            "theme": "justice",
            "countries": ["KH"],
            "consent": true
        }))
        .send()
        .await
        .expect("submission");
    assert_eq!(
        res.status(),
        202,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let res = client
        .post(server.url("/api/v1/guestbook"))
        .json(&guestbook_entry(
            "Ana",
            "See https://example.org/more for more.",
        ))
        .send()
        .await
        .expect("guestbook");
    assert_eq!(res.status(), 202, "an entry with a link is held");

    // Not on the public listener.
    let res = client
        .get(server.url("/metrics"))
        .send()
        .await
        .expect("public /metrics");
    assert_eq!(res.status(), 404);

    // The index follows within a second: wait until it has applied every change.
    let started = std::time::Instant::now();
    let text = loop {
        let res = client
            .get(server.metrics_url("/metrics"))
            .send()
            .await
            .expect("scrape");
        assert_eq!(res.status(), 200);
        let ct = content_type(&res);
        assert!(ct.starts_with("application/openmetrics-text"), "{ct}");
        let text = res.text().await.expect("text");
        if series(&text, "search_index_lag_changes") == Some(0.0)
            || started.elapsed() > std::time::Duration::from_secs(10)
        {
            break text;
        }
        actix_rt::time::sleep(std::time::Duration::from_millis(200)).await;
    };
    assert!(text.ends_with("# EOF\n"), "{text}");
    let want = [
        "http_requests_total{route=\"/api/v1/stories/{id_or_slug}\",method=\"GET\",status=\"200\"} 2",
        "http_requests_total{route=\"/api/v1/stories/{id_or_slug}\",method=\"GET\",status=\"404\"} 1",
        "http_requests_total{route=\"unmatched\",method=\"GET\",status=\"404\"} 1",
        "http_requests_total{route=\"/api/v1/submissions\",method=\"POST\",status=\"202\"} 1",
        "http_request_duration_seconds_count{route=\"/api/v1/stories/{id_or_slug}\",method=\"GET\"} 3",
        "# TYPE http_request_duration_seconds histogram",
        "# TYPE db_pool_waits counter",
        "db_pool_waits_total ",
        "db_pool_connections{state=\"in_use\"} ",
        "db_pool_connections{state=\"idle\"} ",
    ];
    for line in want {
        assert!(text.contains(line), "no {line} in:\n{text}");
    }
    // Routes by their patterns only: no path a client typed is a label.
    assert!(!text.contains("no-such-story-7x"), "{text}");
    assert!(!text.contains("definitely-not-a-route-7x"), "{text}");
    assert!(!text.contains(&slug), "{text}");
    assert_eq!(series(&text, "db_pool_max"), Some(16.0), "{text}");
    assert_eq!(series(&text, "metrics_database_ok"), Some(1.0), "{text}");
    assert_eq!(series(&text, "db_reachable"), Some(1.0), "{text}");
    assert_eq!(
        series(&text, "search_index_lag_changes"),
        Some(0.0),
        "{text}"
    );
    assert_eq!(
        series(&text, "search_index_documents"),
        Some(published),
        "{text}"
    );
    assert!(
        series(&text, "search_index_bytes").is_some_and(|b| b > 0.0),
        "{text}"
    );
    assert_eq!(
        series(&text, "queue_pending_submissions"),
        Some(1.0),
        "{text}"
    );
    assert_eq!(
        series(&text, "queue_held_guestbook_entries"),
        Some(1.0),
        "{text}"
    );
}

#[actix_rt::test]
async fn metrics_listener_serves_prometheus_text_sqlite() {
    metrics_listener_serves_prometheus_text(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn metrics_listener_serves_prometheus_text_postgres() {
    metrics_listener_serves_prometheus_text(Backend::Postgres).await;
}

#[actix_rt::test]
async fn metrics_bind_off_turns_the_listener_off() {
    let (_db, server) = serve(Backend::Sqlite, &[("PS_METRICS_BIND", "off")])
        .await
        .expect("SQLite");
    let log = server.log_text();
    assert!(log.contains("listening on"), "{log}");
    assert!(!log.contains("metrics listening"), "{log}");
    let res = reqwest::get(server.url("/metrics")).await.expect("public");
    assert_eq!(res.status(), 404);
}

const EMAIL: &str = "private.person@example.org";
/// An address from TEST-NET-2, sent as X-Forwarded-For through a trusted proxy.
const ADDRESS: &str = "198.51.100.77";
const BODY: &str = "Marguerite Okonkwo-Lindqvist saw the quarry trucks at dawn near the river.";
const USERNAME: &str = "zephyrine.quillfeather";
const SIGNATURE: &str = "Heliotrope greetings from Bartholomew Vandersloot";

async fn logs_and_metrics_hold_no_private_data(backend: Backend) {
    let env = [("PS_TRUSTED_PROXIES", "127.0.0.1"), ("RUST_LOG", "debug")];
    let Some((_db, server)) = serve(backend, &env).await else {
        return;
    };
    let client = reqwest::Client::new();
    let post = |path: &str, body: Value| {
        client
            .post(server.url(path))
            .header("x-forwarded-for", ADDRESS)
            .header("user-agent", "Mozilla/5.0 (Distinctive-Agent-Marker)")
            .json(&body)
            .send()
    };
    let res = post(
        "/api/v1/submissions",
        json!({
            "title": "Trucks at the quarry",
            "body": BODY,
            "theme": "justice",
            "countries": ["KH"],
            "email": EMAIL,
            "consent": true
        }),
    )
    .await
    .expect("submission");
    assert_eq!(
        res.status(),
        202,
        "{}",
        res.text().await.unwrap_or_default()
    );
    let res = post(
        "/api/v1/guestbook",
        guestbook_entry("Bartholomew", SIGNATURE),
    )
    .await
    .expect("guestbook");
    assert_eq!(res.status(), 201);
    let res = post(
        "/api/v1/auth/login",
        json!({"username": USERNAME, "password": "not the password"}),
    )
    .await
    .expect("login");
    assert_eq!(res.status(), 401);
    let res = post(
        "/api/v1/submissions",
        json!({"title": "", "body": BODY, "theme": "no-such-theme", "email": EMAIL}),
    )
    .await
    .expect("refused submission");
    assert_eq!(res.status(), 422);
    let metrics = client
        .get(server.metrics_url("/metrics"))
        .send()
        .await
        .expect("scrape")
        .text()
        .await
        .expect("text");
    assert!(metrics.contains("http_requests_total{"), "{metrics}");
    let log = server.log_text();
    // The scan works: the requests are there, each with its id.
    let request_lines: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("request_id=") && l.contains(" request "))
        .collect();
    assert!(
        request_lines.len() >= 4,
        "the requests are logged with their ids:\n{log}"
    );
    for secret in [
        EMAIL,
        ADDRESS,
        BODY,
        USERNAME,
        SIGNATURE,
        "Distinctive-Agent-Marker",
    ] {
        assert!(!log.contains(secret), "the log holds {secret:?}:\n{log}");
        assert!(
            !metrics.contains(secret),
            "the metrics hold {secret:?}:\n{metrics}"
        );
    }
    // Nor a piece of them.
    for piece in [
        "private.person",
        "Okonkwo",
        "quillfeather",
        "Vandersloot",
        "100.77",
    ] {
        assert!(!log.contains(piece), "the log holds {piece:?}");
        assert!(!metrics.contains(piece), "the metrics hold {piece:?}");
    }
}

#[actix_rt::test]
async fn logs_and_metrics_hold_no_private_data_sqlite() {
    logs_and_metrics_hold_no_private_data(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn logs_and_metrics_hold_no_private_data_postgres() {
    logs_and_metrics_hold_no_private_data(Backend::Postgres).await;
}
