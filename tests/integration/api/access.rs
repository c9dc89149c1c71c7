//! Every route that needs a role, found in the OpenAPI document, refuses callers without
//! it: 401 without credentials, 403 for a role that may not use it, 403 for a cookie change
//! without CSRF proof or from another origin. A new route cannot slip through: every change
//! under /api/v1 must declare a security requirement unless it is on the public list.

use peoples_stories_shared::Role;
use reqwest::Method;

use crate::support::{add_user, both_databases, TestApp};

/// Changes anyone may make.
const PUBLIC_CHANGES: &[(&str, &str)] = &[
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/submissions"),
    ("post", "/api/v1/guestbook"),
];

pub(super) struct Route {
    pub(super) method: Method,
    pub(super) path: String,
    admin_only: bool,
}

/// Every route the OpenAPI document says needs a role, its path parameters filled with 1.
pub(super) async fn protected_routes(app: &TestApp) -> Vec<Route> {
    let spec: serde_json::Value = app.get_json("/api/openapi.json").await;
    let mut routes = Vec::new();
    for (path, item) in spec["paths"].as_object().expect("paths") {
        for (method, op) in item.as_object().expect("item") {
            let security = op.get("security").and_then(|s| s.as_array());
            let Some(security) = security.filter(|s| !s.is_empty()) else {
                assert!(
                    method == "get" || PUBLIC_CHANGES.contains(&(method.as_str(), path.as_str())),
                    "{method} {path} changes something but declares no security requirement"
                );
                continue;
            };
            let scopes: Vec<&str> = security
                .iter()
                .flat_map(|req| req.as_object().expect("requirement").values())
                .flat_map(|v| v.as_array().expect("scopes").iter())
                .filter_map(|s| s.as_str())
                .collect();
            assert!(
                scopes.iter().all(|s| *s == "admin" || *s == "moderator") && !scopes.is_empty(),
                "{method} {path}: scopes name the role needed: {scopes:?}"
            );
            // Fill every path parameter with 1: the guard answers before the path is used.
            let mut concrete = String::new();
            let mut in_param = false;
            for c in path.chars() {
                match c {
                    '{' => in_param = true,
                    '}' => {
                        in_param = false;
                        concrete.push('1');
                    }
                    _ if in_param => {}
                    _ => concrete.push(c),
                }
            }
            routes.push(Route {
                method: Method::from_bytes(method.to_uppercase().as_bytes()).expect("method"),
                path: concrete,
                admin_only: scopes.contains(&"admin"),
            });
        }
    }
    routes
}

both_databases! {
    async fn every_protected_route_refuses_callers_without_the_right(app) {
        add_user(&app.pool, "ada", Role::Admin);
        add_user(&app.pool, "moe", Role::Moderator);
        let admin = app.session("ada").await;
        let moderator = app.session("moe").await;
        let routes = protected_routes(&app).await;
        for expected in [
            "POST /api/v1/stories",
            "PATCH /api/v1/stories/1",
            "DELETE /api/v1/stories/1",
            "GET /api/v1/audit",
            "POST /api/v1/users",
            "DELETE /api/v1/tokens/1",
            "GET /api/v1/auth/me",
        ] {
            assert!(
                routes.iter().any(|r| format!("{} {}", r.method, r.path) == expected),
                "{expected} is documented as protected"
            );
        }
        for r in &routes {
            let what = format!("{} {}", r.method, r.path);
            let send = |rb: reqwest::RequestBuilder| async move {
                let res = rb
                    .header("content-type", "application/json")
                    .body("{}")
                    .send()
                    .await
                    .expect("request");
                let status = res.status().as_u16();
                if status == 401 || status == 403 {
                    let ct = res.headers().get("content-type").cloned();
                    assert_eq!(
                        ct.as_ref().and_then(|v| v.to_str().ok()),
                        Some("application/problem+json")
                    );
                }
                status
            };
            let anonymous = app.client.request(r.method.clone(), app.url(&r.path));
            assert_eq!(send(anonymous).await, 401, "{what} without credentials");
            let bad_token = app.as_script(r.method.clone(), &r.path, "ps_not-a-token");
            assert_eq!(send(bad_token).await, 401, "{what} with a bad token");
            let bad_cookie = app
                .client
                .request(r.method.clone(), app.url(&r.path))
                .header("cookie", "ps_session=forged");
            assert_eq!(send(bad_cookie).await, 401, "{what} with a forged cookie");
            if r.admin_only {
                let as_moderator = app.as_browser(r.method.clone(), &r.path, &moderator);
                assert_eq!(send(as_moderator).await, 403, "{what} as a moderator");
            }
            if r.method != Method::GET {
                let no_csrf = app
                    .client
                    .request(r.method.clone(), app.url(&r.path))
                    .header("cookie", &admin.cookie)
                    .header("origin", &app.base_url);
                assert_eq!(send(no_csrf).await, 403, "{what} without the CSRF header");
                let wrong_csrf = app
                    .client
                    .request(r.method.clone(), app.url(&r.path))
                    .header("cookie", &admin.cookie)
                    .header("origin", &app.base_url)
                    .header("x-csrf-token", &moderator.csrf);
                assert_eq!(send(wrong_csrf).await, 403, "{what} with another session's CSRF token");
                let foreign = app
                    .client
                    .request(r.method.clone(), app.url(&r.path))
                    .header("cookie", &admin.cookie)
                    .header("x-csrf-token", &admin.csrf)
                    .header("origin", "https://evil.example");
                assert_eq!(send(foreign).await, 403, "{what} from a foreign Origin");
                let foreign_referer = app
                    .client
                    .request(r.method.clone(), app.url(&r.path))
                    .header("cookie", &admin.cookie)
                    .header("x-csrf-token", &admin.csrf)
                    .header("referer", "https://evil.example/page");
                assert_eq!(send(foreign_referer).await, 403, "{what} from a foreign Referer");
                let nowhere = app
                    .client
                    .request(r.method.clone(), app.url(&r.path))
                    .header("cookie", &admin.cookie)
                    .header("x-csrf-token", &admin.csrf);
                assert_eq!(send(nowhere).await, 403, "{what} naming no origin");
            }
        }
        // The admin session still works: the checks above refused, they did not log out.
        let res = app.as_browser(Method::GET, "/api/v1/auth/me", &admin).send().await.expect("me");
        assert_eq!(res.status(), 200);
    }
}
