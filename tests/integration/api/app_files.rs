//! The built app is served with its pages (the admin view's, the reader's rendered on the
//! server: see pages.rs for their content), a strict CSP and revalidation.

use crate::support::{header, repo_root, Backend, TestApp};

#[actix_rt::test]
async fn app_pages_are_served_with_csp_and_fallback() {
    assert!(
        repo_root().join("web/dist/index.html").exists(),
        "web/dist is missing: build the app first with scripts/build-web.sh"
    );
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in [
        "/",
        "/justice",
        "/stories/some-story",
        "/search",
        "/sources/ohchr",
        "/no/such/page",
        "/nope",
        "/admin",
        "/admin/",
        "/admin/login",
        "/admin/submissions/3",
        "/administrators",
    ] {
        let res = app.get(path).await;
        // Paths the app has no page for (or no story) get "Page not found" with 404.
        let expected = if path.starts_with("/no")
            || path == "/administrators"
            || path == "/stories/some-story"
        {
            404
        } else {
            200
        };
        assert_eq!(res.status(), expected, "{path}");
        let header = |name: &str| {
            res.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .unwrap_or("")
                .to_string()
        };
        let csp = header("content-security-policy");
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{path}: {csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        let admin = path == "/admin" || path.starts_with("/admin/");
        // A reader's page is kept like the API's reads; a 404 and the admin view's page are
        // revalidated every time.
        let cache_control = if admin || expected == 404 {
            "no-cache"
        } else {
            "public, max-age=30, stale-while-revalidate=60"
        };
        assert_eq!(header("cache-control"), cache_control, "{path}");
        assert!(header("content-type").starts_with("text/html"), "{path}");
        let html = res.text().await.expect("html");
        // The moderators' view is a bundle of its own; readers never load it.
        if admin {
            assert!(html.contains("/admin-boot.js?v="), "{path}");
            assert!(html.contains("/peoples_stories_admin_bg.wasm?v="), "{path}");
            assert!(!html.contains("peoples_stories_web"), "{path}");
        } else {
            // boot.js loads the reader's bundle only on a page with an island (a form).
            assert!(html.contains("\"/boot.js?v="), "{path}");
            assert!(!html.contains("admin"), "{path}");
        }
        // No inline code: the admin page has none; a reader's page has only its hydration
        // data, each script allowed by its hash (pages.rs checks them).
        assert!(
            !html.contains("<script type=\"module\">"),
            "no inline module: {path}"
        );
        if admin {
            assert!(!html.contains("<script>"), "no inline script: {path}");
        }
    }
    for (boot, module) in [
        ("/boot.js", "/peoples_stories_web.js"),
        ("/admin-boot.js", "/peoples_stories_admin.js"),
    ] {
        let res = app.get(boot).await;
        assert_eq!(res.status(), 200, "{boot}");
        let js = res.text().await.expect("js");
        // Each boot module loads and starts its bundle (the reader's by a dynamic import).
        assert!(js.contains(module), "{boot}");
        assert!(js.contains("_bg.wasm"), "{boot}");
    }
    let wasm = app.get("/peoples_stories_web_bg.wasm").await;
    assert_eq!(
        wasm.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/wasm")
    );
    app.get_problem("/missing-file.js", 404).await;
    // The API has a policy of its own, not the app's: its JSON loads nothing.
    let api = app.get("/api/v1/themes").await;
    assert_eq!(
        api.headers()
            .get("content-security-policy")
            .and_then(|v| v.to_str().ok()),
        Some("default-src 'none'; frame-ancestors 'none'")
    );
}

#[actix_rt::test]
async fn app_code_is_sent_precompressed_and_versioned_urls_are_immutable() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let html = app.get("/").await.text().await.expect("html");
    let start = html.find("?v=").expect("a versioned asset URL") + 3;
    let version: String = html[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    let dist = repo_root().join("web/dist");
    for (file, mime) in [
        ("peoples_stories_web_bg.wasm", "application/wasm"),
        ("peoples_stories_web.js", "text/javascript"),
        ("peoples_stories_admin_bg.wasm", "application/wasm"),
        ("peoples_stories_admin.js", "text/javascript"),
        ("admin-boot.js", "text/javascript"),
        ("style.css", "text/css"),
    ] {
        let get = |path: String, accept: &'static str| {
            let client = app.client.clone();
            let url = app.url(&path);
            async move {
                client
                    .get(url)
                    .header("accept-encoding", accept)
                    .send()
                    .await
                    .expect("request")
            }
        };
        let res = get(format!("/{file}?v={version}"), "gzip, deflate, br").await;
        assert_eq!(res.status(), 200, "{file}");
        assert!(header(&res, "content-type").starts_with(mime), "{file}");
        assert_eq!(
            header(&res, "cache-control"),
            "public, max-age=31536000, immutable",
            "{file}"
        );
        assert_eq!(header(&res, "vary"), "accept-encoding", "{file}");
        if dist.join(format!("{file}.br")).exists() {
            assert_eq!(header(&res, "content-encoding"), "br", "{file}");
            let body = res.bytes().await.expect("body");
            let br = std::fs::read(dist.join(format!("{file}.br"))).expect("br file");
            assert_eq!(body.len(), br.len(), "{file}: the precompressed copy");
        }
        let gz = get(format!("/{file}?v={version}"), "gzip").await;
        assert_eq!(header(&gz, "content-encoding"), "gzip", "{file}");
        // Not this build's version (or none): revalidated, never cached for good.
        let old = get(format!("/{file}?v=000000000000"), "identity").await;
        assert_eq!(header(&old, "cache-control"), "no-cache", "{file}");
        assert_eq!(header(&old, "content-encoding"), "", "{file}");
        let plain = get(format!("/{file}"), "br").await;
        assert_eq!(header(&plain, "cache-control"), "no-cache", "{file}");
    }
}
