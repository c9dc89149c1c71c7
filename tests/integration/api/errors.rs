//! Bad input gets a 400 problem naming the parameter; unknown things get 404 problems.

use crate::support::{both_databases, content_type};

both_databases! {
    async fn bad_parameters_are_named(app) {
        for (q, field, hint) in [
            ("limit=0", "limit", "1 to 100"),
            ("limit=1000", "limit", "1 to 100"),
            ("limit=ten", "limit", "1 to 100"),
            ("offset=-1", "offset", "from 0"),
            ("from=2023-13", "from", "month 13"),
            ("to=yesterday", "to", "YYYY-MM-DD"),
            ("from=2024&to=2023", "to", "before"),
            ("sort=sideways", "sort", "'newest', 'oldest' or 'relevance'"),
            ("country=Atlantis", "country", "unknown country 'Atlantis'"),
            ("country=Cambodja", "country", "did you mean Cambodia"),
            ("theme=happiness", "theme", "justice, freedom, peace, democracy, well-being"),
            ("source=nobody", "source", "unknown source 'nobody'"),
            ("colour=red", "colour", "unknown parameter"),
            ("limit=5&limit=6", "limit", "only once"),
        ] {
            let p = app.get_problem(&format!("/api/v1/stories?{q}"), 400).await;
            assert_eq!(p.errors.len(), 1, "{q}: {p:?}");
            assert_eq!(p.errors[0].field, field, "{q}");
            assert!(p.errors[0].message.contains(hint), "{q}: {}", p.errors[0].message);
            assert!(p.detail.contains(hint) , "{q}: {}", p.detail);
            assert_eq!(p.type_, "/problems/invalid-input");
        }
        // Several bad parameters are all named at once.
        let p = app.get_problem("/api/v1/stories?limit=0&sort=up", 400).await;
        let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "sort"]);
    }

    async fn unknown_things_are_404_problems(app) {
        let p = app.get_problem("/api/v1/stories/no-such-story", 404).await;
        assert!(p.detail.contains("no-such-story"));
        app.get_problem("/api/v1/stories/999999", 404).await;
        app.get_problem("/api/v1/sources/no-such-source", 404).await;
        app.get_problem("/api/v1/nothing-here", 404).await;
        app.get_problem("/api/v2/stories", 404).await;
    }

    async fn other_methods_on_known_paths_are_405_with_allow(app) {
        for (method, path, allow) in [
            ("TRACE", "/api/v1/stories", "GET, POST"),
            ("PUT", "/api/v1/stories", "GET, POST"),
            ("DELETE", "/api/v1/themes", "GET"),
            ("PUT", "/api/v1/stories/some-story", "GET, PATCH, DELETE"),
            ("GET", "/api/v1/guestbook/7", "PATCH, DELETE"),
            ("OPTIONS", "/api/v1/submissions", "GET, POST"),
            // A literal path is its own resource, not also its parent's `{id}` (Schemathesis
            // found `Allow` naming the `{id}` methods too).
            ("OPTIONS", "/api/v1/stories/import", "POST"),
            ("TRACE", "/api/v1/guestbook/bulk", "POST"),
            // Outside /api too: documented paths and the app's pages, not the app's page or
            // its "not built" 503.
            ("TRACE", "/healthz", "GET"),
            ("DELETE", "/robots.txt", "GET"),
            ("POST", "/sitemaps/stories-1.xml", "GET"),
            ("PUT", "/about", "GET"),
        ] {
            let res = app
                .client
                .request(reqwest::Method::from_bytes(method.as_bytes()).expect("method"), app.url(path))
                .send()
                .await
                .expect("send");
            assert_eq!(res.status(), 405, "{method} {path}");
            assert_eq!(
                res.headers().get("allow").and_then(|v| v.to_str().ok()),
                Some(allow),
                "{method} {path}"
            );
            assert_eq!(content_type(&res), "application/problem+json");
            let p: peoples_stories_shared::Problem = res.json().await.expect("problem");
            assert_eq!(p.type_, "/problems/method-not-allowed");
        }
    }

    // A path segment that does not read as its id is a 404 problem like any unknown id (it
    // was actix's text/plain), and `PATCH /api/v1/guestbook/bulk`, which the `{id}` route
    // would take, a 405; ids in a body read `7.0` as JSON's 7.
    async fn path_ids_that_do_not_parse_are_problems(app) {
        use reqwest::Method;
        crate::support::add_user(&app.pool, "ada", peoples_stories_shared::Role::Admin);
        let s = app.session("ada").await;
        for (method, path, status) in [
            (Method::GET, "/api/v1/submissions/9223372036854775808", 404),
            (Method::PATCH, "/api/v1/guestbook/abc", 404),
            (Method::POST, "/api/v1/submissions/1.5/approve", 404),
            (Method::PATCH, "/api/v1/guestbook/bulk", 405),
        ] {
            let res = app.as_browser(method.clone(), path, &s)
                .json(&serde_json::json!({"status": "hidden"}))
                .send().await.expect("send");
            assert_eq!(res.status(), status, "{method} {path}");
            assert_eq!(content_type(&res), "application/problem+json", "{method} {path}");
            if status == 405 {
                assert_eq!(res.headers().get("allow").and_then(|v| v.to_str().ok()), Some("POST"));
            }
        }
        for (ids, status) in [(serde_json::json!([1.0, 2]), 200), (serde_json::json!([1.5]), 422)] {
            let res = app.as_browser(Method::POST, "/api/v1/guestbook/bulk", &s)
                .json(&serde_json::json!({"ids": ids, "action": "hide"}))
                .send().await.expect("bulk");
            assert_eq!(res.status(), status, "{ids}");
        }
    }

    async fn public_bodies_must_be_json_objects(app) {
        for (body, status) in [("[]", 422), ("[\"Maria\", \"Hello\"]", 422), ("\"hi\"", 422), ("[1", 400)] {
            let res = app
                .client
                .post(app.url("/api/v1/guestbook"))
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("send");
            assert_eq!(res.status(), status, "{body}");
            assert_eq!(content_type(&res), "application/problem+json");
        }
    }
}

/// Sends `head` on a raw connection and nothing more; returns what the server answers before
/// it closes the connection (waiting at most 40 s: a server that never closes fails).
async fn answer_to_a_stalled_request(app: &crate::support::TestApp, head: &str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let addr = app.base_url.trim_start_matches("http://");
    let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connect");
    stream.write_all(head.as_bytes()).await.expect("write");
    let mut answer = Vec::new();
    let read = stream.read_to_end(&mut answer);
    tokio::time::timeout(std::time::Duration::from_secs(40), read)
        .await
        .expect("the server kept a stalled connection open")
        .expect("read");
    String::from_utf8_lossy(&answer).into_owned()
}

#[actix_rt::test]
async fn slow_bodies_and_heads_do_not_hold_connections() {
    let app = crate::support::TestApp::spawn(crate::support::Backend::Sqlite).await;
    // A body announced and never sent: 408, then the connection closes.
    let head = "POST /api/v1/guestbook HTTP/1.1\r\nHost: 127.0.0.1\r\n\
                Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{\"na";
    let answer = answer_to_a_stalled_request(&app, head).await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    assert!(answer.contains("did not arrive within"), "{answer}");
    // A head that never ends: 408 too.
    let answer = answer_to_a_stalled_request(&app, "GET /api/v1/stories HTTP/1.1\r\nHost: x").await;
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
