//! The served OpenAPI document equals the committed one, and its browsable UI works offline.

use crate::support::{repo_root, Backend, TestApp};

#[actix_rt::test]
async fn committed_openapi_matches_the_served_document() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status(), 200);
    let served: serde_json::Value = res.json().await.expect("json");
    assert_eq!(served["openapi"], "3.1.0");
    let path = repo_root().join("openapi/openapi.json");
    let generated = peoples_stories_api::app::openapi_json().expect("spec");
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(&path, &generated).expect("write spec");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    let committed_json: serde_json::Value = serde_json::from_str(&committed).unwrap_or_default();
    assert!(
        committed_json == served && committed == generated,
        "openapi/openapi.json is out of date: regenerate it with \
         `cargo run -p peoples-stories-api -- openapi --output openapi/openapi.json` \
         (or run the tests with UPDATE_OPENAPI=1) and commit it"
    );
    // Every documented operation has an id, a tag and a 2xx response.
    for (path, item) in served["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            assert!(op["operationId"].is_string(), "{method} {path}");
            assert!(op["tags"].is_array(), "{method} {path}");
            let responses = op["responses"].as_object().expect("responses");
            assert!(
                responses.keys().any(|k| k.starts_with('2')),
                "{method} {path}"
            );
        }
    }
    for p in [
        "/api/v1/stories",
        "/api/v1/stories/{id_or_slug}",
        "/api/v1/themes",
        "/api/v1/countries",
        "/api/v1/sources",
        "/api/v1/sources/{id_or_slug}",
        "/healthz",
        "/readyz",
    ] {
        assert!(served["paths"].get(p).is_some(), "{p} is documented");
    }
}

#[actix_rt::test]
async fn api_docs_are_served_without_a_cdn() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let res = app.get("/api/docs/").await;
    assert_eq!(res.status(), 200);
    let html = res.text().await.expect("html");
    assert!(html.contains("swagger-ui"), "{html}");
    assert!(
        !html.contains("https://"),
        "the docs page must not load anything from elsewhere"
    );
    for asset in [
        "swagger-ui.css",
        "swagger-ui-bundle.js",
        "swagger-initializer.js",
    ] {
        let res = app.get(&format!("/api/docs/{asset}")).await;
        assert_eq!(res.status(), 200, "{asset}");
    }
    let init = app
        .get("/api/docs/swagger-initializer.js")
        .await
        .text()
        .await
        .expect("js");
    assert!(init.contains("/api/openapi.json"));
}
