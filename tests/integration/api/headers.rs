//! The security headers of every kind of answer (the app, Swagger UI, the API), HSTS only on
//! https, and `Cache-Control: no-store` on every answer that carries private data.

use peoples_stories_api::auth::AuthConfig;
use peoples_stories_shared::{NewApiToken, Role};
use reqwest::Method;
use serde_json::json;

use super::access::protected_routes;
use crate::support::{add_user, both_databases, Backend, TestApp};

/// The API's content security policy: its answers load nothing and are framed nowhere.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

fn header<'a>(res: &'a reqwest::Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

/// The headers every answer carries, whatever it is.
fn assert_common(res: &reqwest::Response, what: &str) {
    let policy = header(res, "permissions-policy").unwrap_or_default();
    for feature in [
        "camera=()",
        "microphone=()",
        "geolocation=()",
        "interest-cohort=()",
    ] {
        assert!(
            policy.contains(feature),
            "{what}: Permissions-Policy {policy:?} lacks {feature}"
        );
    }
    let csp = header(res, "content-security-policy").unwrap_or_default();
    assert!(
        csp.contains("frame-ancestors 'none'"),
        "{what}: Content-Security-Policy {csp:?}"
    );
    assert_eq!(
        header(res, "x-content-type-options"),
        Some("nosniff"),
        "{what}"
    );
    assert_eq!(header(res, "x-frame-options"), Some("DENY"), "{what}");
    assert_eq!(
        header(res, "referrer-policy"),
        Some("same-origin"),
        "{what}"
    );
}

/// Private: `no-store`, and never anything a shared cache may keep.
fn assert_private(res: &reqwest::Response, what: &str) {
    assert_eq!(header(res, "cache-control"), Some("no-store"), "{what}");
}

both_databases! {
    async fn every_answer_has_its_security_headers_and_private_ones_are_not_stored(app) {
        add_user(&app.pool, "ada", Role::Admin);
        add_user(&app.pool, "maria", Role::Moderator);

        // The app (or, unbuilt, the page saying so).
        let res = app.get("/").await;
        assert_common(&res, "GET /");
        assert!(header(&res, "strict-transport-security").is_none(), "no HSTS on http");

        // Swagger UI: a policy of its own that lets its own files run and nothing else.
        let res = app.get("/api/docs/").await;
        assert_eq!(res.status(), 200);
        assert_common(&res, "GET /api/docs/");
        let csp = header(&res, "content-security-policy").unwrap_or_default().to_string();
        assert!(csp.starts_with("default-src 'none'"), "{csp}");
        let script_src = csp
            .split(';')
            .map(str::trim)
            .find(|d| d.starts_with("script-src"))
            .unwrap_or_default();
        assert_eq!(script_src, "script-src 'self'", "{csp}");
        assert!(!csp.contains("unsafe"), "{csp}");
        // What the policy allows is all the page needs: no inline script or style.
        let html = res.text().await.expect("docs page");
        assert!(html.contains("swagger-ui-bundle.js"), "{html}");
        for (i, tag) in html.split("<script").skip(1).enumerate() {
            let open = tag.split('>').next().unwrap_or_default();
            assert!(open.contains("src="), "script {i} of /api/docs/ is inline: {tag}");
        }
        assert!(!html.contains("<style"), "/api/docs/ has an inline style:\n{html}");
        for path in ["/api/docs/swagger-initializer.js", "/api/docs/swagger-ui.css"] {
            let res = app.get(path).await;
            assert_eq!(res.status(), 200, "{path}");
            assert_common(&res, path);
        }

        // The API: public reads are cacheable by anyone; every answer has the API's policy.
        let res = app.get("/api/v1/stories").await;
        assert_eq!(res.status(), 200);
        assert_common(&res, "GET /api/v1/stories");
        assert_eq!(header(&res, "content-security-policy"), Some(API_CSP));
        assert!(
            header(&res, "cache-control").is_some_and(|c| c.starts_with("public")),
            "{:?}",
            header(&res, "cache-control")
        );
        for path in ["/api/openapi.json", "/healthz", "/api/v1/nothing-here"] {
            let res = app.get(path).await;
            assert_common(&res, path);
            assert_eq!(header(&res, "content-security-policy"), Some(API_CSP), "{path}");
        }

        // Private: a login, who is signed in, the queue with its e-mails, a token's secret.
        let res = app.login("ada", crate::support::PASSWORD).await;
        assert_eq!(res.status(), 200);
        assert_private(&res, "POST /api/v1/auth/login");
        let res = app.login("ada", "wrong password").await;
        assert_eq!(res.status(), 401);
        assert_private(&res, "a refused login");
        let admin = app.session("ada").await;
        let res = app.as_browser(Method::GET, "/api/v1/auth/me", &admin).send().await.expect("me");
        assert_eq!(res.status(), 200);
        assert_common(&res, "GET /api/v1/auth/me");
        assert_private(&res, "GET /api/v1/auth/me");

        let res = app
            .post_json(
                "/api/v1/submissions",
                &json!({
                    "title": "Detained after a protest",
                    "body": "Three land defenders were detained after a peaceful protest.",
                    "theme": "justice",
                    "email": "witness@example.org",
                    "consent": true
                }),
                &[],
            )
            .await;
        assert_eq!(res.status(), 202);
        let moderator = app.session("maria").await;
        let res = app
            .as_browser(Method::GET, "/api/v1/submissions?status=pending", &moderator)
            .send()
            .await
            .expect("queue");
        assert_eq!(res.status(), 200);
        assert_private(&res, "GET /api/v1/submissions");
        assert_eq!(header(&res, "content-security-policy"), Some(API_CSP));
        let text = res.text().await.expect("queue");
        assert!(text.contains("witness@example.org"), "the queue holds the e-mail: {text}");

        let res = app
            .as_browser(Method::POST, "/api/v1/tokens", &admin)
            .json(&json!({"name": "nightly import", "username": "maria"}))
            .send()
            .await
            .expect("token");
        assert_eq!(res.status(), 201);
        assert_private(&res, "POST /api/v1/tokens");
        let token: NewApiToken = res.json().await.expect("token");
        let res = app
            .as_script(Method::GET, "/api/v1/auth/me", &token.token)
            .send()
            .await
            .expect("me by token");
        assert_eq!(res.status(), 200);
        assert_private(&res, "GET /api/v1/auth/me with a token");

        // Every route behind a role guard, read as an admin: never anything but no-store.
        for r in protected_routes(&app).await.iter().filter(|r| r.method == Method::GET) {
            let what = format!("GET {}", r.path);
            let res = app.as_browser(Method::GET, &r.path, &admin).send().await.expect("get");
            assert_private(&res, &what);
            assert_common(&res, &what);
        }
    }
}

async fn hsts_follows_the_public_origin(backend: Backend) {
    for (origin, hsts) in [
        ("https://stories.example.org", true),
        ("http://stories.example.org", false),
    ] {
        let auth = AuthConfig {
            public_origins: vec![origin.to_string()],
            secure_cookie: hsts,
            ..AuthConfig::default()
        };
        let Some(app) = TestApp::try_spawn_with_auth(backend, auth).await else {
            eprintln!("skipped: PostgreSQL not available");
            return;
        };
        for path in ["/", "/api/docs/", "/api/v1/stories", "/api/v1/nothing-here"] {
            let res = app.get(path).await;
            assert_common(&res, path);
            let expected = hsts.then_some("max-age=63072000; includeSubDomains");
            assert_eq!(
                header(&res, "strict-transport-security"),
                expected,
                "{path} with the public origin {origin}"
            );
        }
    }
}

#[actix_rt::test]
async fn hsts_only_when_the_public_origin_is_https_on_sqlite() {
    hsts_follows_the_public_origin(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn hsts_only_when_the_public_origin_is_https_on_postgres() {
    hsts_follows_the_public_origin(Backend::Postgres).await;
}
