//! The built app is served with client-side routes, a strict CSP and revalidation.

use crate::support::{repo_root, Backend, TestApp};

#[actix_rt::test]
async fn app_pages_are_served_with_csp_and_fallback() {
    assert!(
        repo_root().join("web/dist/index.html").exists(),
        "web/dist is missing: build the app first with scripts/build-web.sh"
    );
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/", "/justice", "/stories/some-story", "/no/such/page"] {
        let res = app.get(path).await;
        assert_eq!(res.status(), 200, "{path}");
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
        assert_eq!(header("cache-control"), "no-cache", "{path}");
        assert!(header("content-type").starts_with("text/html"), "{path}");
        let html = res.text().await.expect("html");
        assert!(html.contains("/boot.js?v="), "{path}");
        assert!(
            !html.contains("<script type=\"module\">"),
            "no inline script: {path}"
        );
    }
    let boot = app.get("/boot.js").await;
    assert_eq!(boot.status(), 200);
    assert!(boot.text().await.expect("js").contains("init("));
    let wasm = app.get("/peoples_stories_web_bg.wasm").await;
    assert_eq!(
        wasm.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/wasm")
    );
    app.get_problem("/missing-file.js", 404).await;
    // The API keeps its own headers: JSON, no app CSP needed.
    let api = app.get("/api/v1/themes").await;
    assert!(api.headers().get("content-security-policy").is_none());
}
