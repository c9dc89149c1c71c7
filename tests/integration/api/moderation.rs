//! Moderators writing stories and sources, what search sees right after, and the audit log.

use std::time::{Duration, Instant};

use peoples_stories_shared::{
    AuditPage, ManagedStory, ManagedStoryPage, NewApiToken, Problem, Role, Source, Story,
    StoryPage, StoryStatus,
};
use reqwest::Method;

use crate::support::{
    add_user, both_databases, session_cookie, Backend, ServeProcess, TestApp, TestDb, PASSWORD,
};

async fn hits(app: &TestApp, q: &str) -> i64 {
    let page: StoryPage = app.get_json(&format!("/api/v1/stories?q={q}")).await;
    page.total
}

both_databases! {
    async fn moderators_bodies_are_limited_and_typed_with_problems(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        let huge = serde_json::json!({"title": "x", "theme": "justice", "body": "a".repeat(600 * 1024)});
        let res = app.as_browser(Method::POST, "/api/v1/stories", &s).json(&huge).send().await.expect("send");
        assert_eq!(res.status(), 413);
        assert_eq!(
            res.headers().get("content-type").and_then(|v| v.to_str().ok()),
            Some("application/problem+json")
        );
        let p: Problem = res.json().await.expect("problem");
        assert!(p.detail.contains("512 KiB"), "{}", p.detail);
        let res = app.as_browser(Method::POST, "/api/v1/sources", &s)
            .header("content-type", "text/plain")
            .body("name=x")
            .send()
            .await
            .expect("send");
        assert_eq!(res.status(), 415);
        // A JSON array is not an object: serde would read `[]` as an empty patch.
        for body in ["[]", "[\"Renamed\"]", "\"name\"", "7", "null"] {
            let res = app.as_browser(Method::PATCH, "/api/v1/sources/1", &s)
                .header("content-type", "application/json")
                .body(body)
                .send()
                .await
                .expect("send");
            assert_eq!(res.status(), 422, "{body}");
            let p: Problem = res.json().await.expect("problem");
            assert_eq!(p.errors[0].field, "body", "{body}");
        }
        // Without a session, the size of the body does not matter: the answer is 401.
        let res = app.client.post(app.url("/api/v1/stories")).json(&huge).send().await.expect("send");
        assert_eq!(res.status(), 401);
    }

    async fn written_stories_are_found_at_once_and_gone_at_once(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        let res = app.as_browser(Method::POST, "/api/v1/stories", &s)
            .json(&serde_json::json!({
                "title": "Quokka habitat cleared",
                "theme": "well-being",
                "byline": "by Field Notes",
                "date": "2024-05",
                "body": "Bulldozers arrived at dawn.",
                "countries": ["AU", "Laos"],
                "links": [{"url": "https://www.example.org/report", "title": "Report"}],
                "related_url": "https://example.org/",
                "updates": [{"date": "2024-06-01", "body": "Work stopped."}]
            }))
            .send().await.expect("create");
        assert_eq!(res.status(), 201);
        let story: Story = res.json().await.expect("story");
        assert_eq!(story.slug, "quokka-habitat-cleared");
        let codes: Vec<&str> = story.countries.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["AU", "LA"]);
        assert_eq!(story.links[0].source.domain, "example.org");
        assert_eq!(story.updates.len(), 1);
        // Found on this node before the response returned: no waiting for the follower.
        assert_eq!(hits(&app, "quokka").await, 1);
        let page: StoryPage = app.get_json("/api/v1/stories?country=Laos&theme=well-being").await;
        assert_eq!(page.total, 1);

        let path = format!("/api/v1/stories/{}", story.id);
        let res = app.as_browser(Method::PATCH, &path, &s)
            .json(&serde_json::json!({"title": "Numbat burrows cleared", "byline": null}))
            .send().await.expect("patch");
        assert_eq!(res.status(), 200);
        let edited: Story = res.json().await.expect("story");
        assert_eq!(edited.title, "Numbat burrows cleared");
        assert_eq!(edited.byline, None);
        assert_eq!(edited.slug, story.slug, "the slug stays");
        assert_eq!(edited.countries, story.countries, "absent fields stay");
        assert_eq!(hits(&app, "numbat").await, 1);
        assert_eq!(hits(&app, "quokka").await, 0);

        let res = app.as_browser(Method::POST, &format!("{path}/updates"), &s)
            .json(&serde_json::json!({"date": "2024-07", "body": "A court ordered a review."}))
            .send().await.expect("add update");
        assert_eq!(res.status(), 200);
        let updated: Story = res.json().await.expect("story");
        assert_eq!(updated.updates.len(), 2);
        assert_eq!(hits(&app, "court+review+numbat").await, 1);

        // Unpublished: gone from search, lists and the public page at once.
        let res = app.as_browser(Method::PATCH, &path, &s)
            .json(&serde_json::json!({"status": "draft"}))
            .send().await.expect("unpublish");
        assert_eq!(res.status(), 200);
        assert_eq!(hits(&app, "numbat").await, 0);
        app.get_problem(&path, 404).await;
        // Moderators still see it, with its status.
        let managed: ManagedStory = app.as_browser(Method::GET, &format!("/api/v1/manage/stories/{}", story.id), &s)
            .send().await.expect("manage").json().await.expect("json");
        assert_eq!((managed.status, managed.story.title.as_str()), (StoryStatus::Draft, "Numbat burrows cleared"));
        let drafts: ManagedStoryPage = app.as_browser(Method::GET, "/api/v1/manage/stories?status=draft", &s)
            .send().await.expect("manage").json().await.expect("json");
        assert_eq!(drafts.total, 1);
        let all: ManagedStoryPage = app.as_browser(Method::GET, "/api/v1/manage/stories", &s)
            .send().await.expect("manage").json().await.expect("json");
        assert_eq!(all.total, 3, "two seed stories and the draft");
        let res = app.as_browser(Method::GET, "/api/v1/manage/stories?status=gone", &s).send().await.expect("manage");
        assert_eq!(res.status(), 400);
        let res = app.as_browser(Method::PATCH, &path, &s)
            .json(&serde_json::json!({"status": "published"}))
            .send().await.expect("publish");
        assert_eq!(res.status(), 200);
        assert_eq!(hits(&app, "numbat").await, 1);

        let res = app.as_browser(Method::DELETE, &path, &s).send().await.expect("delete");
        assert_eq!(res.status(), 204);
        assert_eq!(hits(&app, "numbat").await, 0);
        app.get_problem(&path, 404).await;
        let res = app.as_browser(Method::DELETE, &path, &s).send().await.expect("delete again");
        assert_eq!(res.status(), 404);
    }

    async fn bad_stories_get_one_problem_naming_every_field(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        let res = app.as_browser(Method::POST, "/api/v1/stories", &s)
            .json(&serde_json::json!({
                "title": " ",
                "theme": "gossip",
                "body": "Fine body.",
                "countries": ["KH", "Atlantis"],
                "links": [{"url": "javascript:alert(1)"}],
                "related_url": "not a url"
            }))
            .send().await.expect("create");
        assert_eq!(res.status(), 422);
        let p: Problem = res.json().await.expect("problem");
        let mut fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["countries[1]", "links[0].url", "related_url", "theme", "title"]);
        let atlantis = p.errors.iter().find(|e| e.field == "countries[1]").expect("country");
        assert!(atlantis.message.starts_with("unknown country 'Atlantis': "), "{}", atlantis.message);
        let res = app.as_browser(Method::POST, "/api/v1/stories", &s)
            .json(&serde_json::json!({"title": "x", "theme": "peace", "body": "y", "colour": "red"}))
            .send().await.expect("create");
        assert_eq!(res.status(), 422, "unknown fields are refused");
        let res = app.as_browser(Method::PATCH, "/api/v1/stories/999999", &s)
            .json(&serde_json::json!({"title": "x"}))
            .send().await.expect("patch");
        assert_eq!(res.status(), 404);
    }

    async fn sources_are_made_and_edited(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        let res = app.as_browser(Method::POST, "/api/v1/sources", &s)
            .json(&serde_json::json!({"name": "Human Rights Watch", "domain": "hrw.org"}))
            .send().await.expect("create");
        assert_eq!(res.status(), 201);
        let source: Source = res.json().await.expect("source");
        assert_eq!(source.slug, "human-rights-watch");
        let res = app.as_browser(Method::POST, "/api/v1/sources", &s)
            .json(&serde_json::json!({"name": "HRW again", "domain": "hrw.org"}))
            .send().await.expect("create");
        assert_eq!(res.status(), 409);
        let res = app.as_browser(Method::POST, "/api/v1/sources", &s)
            .json(&serde_json::json!({"name": "", "domain": "HRW"}))
            .send().await.expect("create");
        assert_eq!(res.status(), 422);
        let p: Problem = res.json().await.expect("problem");
        assert_eq!(p.errors.len(), 2);

        // A story citing it, then a rename: search finds the story by the new name at once.
        let res = app.as_browser(Method::POST, "/api/v1/stories", &s)
            .json(&serde_json::json!({"title": "Detentions documented", "theme": "justice",
                "body": "A report.", "links": [{"url": "https://www.hrw.org/news/1"}]}))
            .send().await.expect("story");
        assert_eq!(res.status(), 201);
        let res = app.as_browser(Method::PATCH, "/api/v1/sources/human-rights-watch", &s)
            .json(&serde_json::json!({"name": "Wombat Watch"}))
            .send().await.expect("patch");
        assert_eq!(res.status(), 200);
        let renamed: Source = res.json().await.expect("source");
        assert_eq!((renamed.name.as_str(), renamed.story_count), ("Wombat Watch", 1));
        assert_eq!(hits(&app, "wombat").await, 1);
    }

    async fn the_audit_log_records_every_action(app) {
        add_user(&app.pool, "ada", Role::Admin);
        add_user(&app.pool, "maria", Role::Moderator);
        let admin = app.session("ada").await;
        let s = app.session("maria").await;
        let story: Story = app.as_browser(Method::POST, "/api/v1/stories", &s)
            .json(&serde_json::json!({"title": "Audit me", "theme": "peace", "body": "Text."}))
            .send().await.expect("create").json().await.expect("story");
        let path = format!("/api/v1/stories/{}", story.id);
        for body in [
            serde_json::json!({"title": "Audited"}),
            serde_json::json!({"status": "draft"}),
        ] {
            let res = app.as_browser(Method::PATCH, &path, &s).json(&body).send().await.expect("patch");
            assert_eq!(res.status(), 200);
        }
        let res = app.as_browser(Method::DELETE, &path, &s).send().await.expect("delete");
        assert_eq!(res.status(), 204);

        let q = format!("/api/v1/audit?target_type=story&target_id={}", story.id);
        let page: AuditPage = app.as_browser(Method::GET, &q, &admin)
            .send().await.expect("audit").json().await.expect("json");
        let actions: Vec<&str> = page.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["story.delete", "story.unpublish", "story.update", "story.create"]);
        assert!(page.items.iter().all(|e| e.actor.as_deref() == Some("maria")));
        let update = &page.items[2];
        assert_eq!(update.details["title"]["from"], "Audit me");
        assert_eq!(update.details["title"]["to"], "Audited");
        assert_eq!(page.items[0].details["title"], "Audited", "a deletion keeps what was deleted");

        // Filters and pages.
        let page: AuditPage = app.as_browser(Method::GET, "/api/v1/audit?actor=maria&limit=2", &admin)
            .send().await.expect("audit").json().await.expect("json");
        assert_eq!(page.items.len(), 2);
        assert!(page.total >= 5, "4 story actions and a login: {}", page.total);
        let second: AuditPage = app.as_browser(Method::GET, "/api/v1/audit?actor=maria&limit=2&offset=2", &admin)
            .send().await.expect("audit").json().await.expect("json");
        assert!(second.items.iter().all(|e| !page.items.iter().any(|f| f.id == e.id)));
        let page: AuditPage = app.as_browser(Method::GET, "/api/v1/audit?action=auth.login", &admin)
            .send().await.expect("audit").json().await.expect("json");
        assert_eq!(page.total, 2);
        let page: AuditPage = app.as_browser(Method::GET, "/api/v1/audit?from=2000-01-01&to=2000-12-31", &admin)
            .send().await.expect("audit").json().await.expect("json");
        assert_eq!(page.total, 0);
        let res = app.as_browser(Method::GET, "/api/v1/audit?actor=nobody&limit=0&colour=red", &admin)
            .send().await.expect("audit");
        assert_eq!(res.status(), 400);
        let p: Problem = res.json().await.expect("problem");
        let mut fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["colour", "limit"]);
    }

    async fn actions_with_a_token_name_the_token_and_the_admin_who_made_it(app) {
        add_user(&app.pool, "ada", Role::Admin);
        add_user(&app.pool, "maria", Role::Moderator);
        let admin = app.session("ada").await;
        // Ada makes a token that acts as Maria.
        let res = app.as_browser(Method::POST, "/api/v1/tokens", &admin)
            .json(&serde_json::json!({"name": "nightly import", "username": "maria"}))
            .send().await.expect("token");
        assert_eq!(res.status(), 201);
        let token: NewApiToken = res.json().await.expect("token");
        assert_eq!(token.info.username, "maria");

        // With it: a story made and unpublished. With Maria's own session: published again.
        let res = app.as_script(Method::POST, "/api/v1/stories", &token.token)
            .json(&serde_json::json!({"title": "Made by a script", "theme": "peace", "body": "Text."}))
            .send().await.expect("create");
        assert_eq!(res.status(), 201);
        let story: Story = res.json().await.expect("story");
        let path = format!("/api/v1/stories/{}", story.id);
        let res = app.as_script(Method::PATCH, &path, &token.token)
            .json(&serde_json::json!({"status": "draft"}))
            .send().await.expect("unpublish");
        assert_eq!(res.status(), 200);
        let maria = app.session("maria").await;
        let res = app.as_browser(Method::PATCH, &path, &maria)
            .json(&serde_json::json!({"status": "published"}))
            .send().await.expect("publish");
        assert_eq!(res.status(), 200);

        let q = format!("/api/v1/audit?target_type=story&target_id={}", story.id);
        let page: AuditPage = app.as_browser(Method::GET, &q, &admin)
            .send().await.expect("audit").json().await.expect("json");
        let seen: Vec<_> = page.items.iter()
            .map(|e| (e.action.as_str(), e.actor.as_deref(), e.via_token_id, e.token_maker.as_deref()))
            .collect();
        assert_eq!(seen, [
            ("story.publish", Some("maria"), None::<i64>, None::<&str>),
            ("story.unpublish", Some("maria"), Some(token.info.id), Some("ada")),
            ("story.create", Some("maria"), Some(token.info.id), Some("ada")),
        ]);

        // The token's own making was Ada's, by session.
        let page: AuditPage = app.as_browser(Method::GET, "/api/v1/audit?action=token.create", &admin)
            .send().await.expect("audit").json().await.expect("json");
        assert_eq!(page.items.len(), 1);
        let made = &page.items[0];
        assert_eq!(
            (made.actor.as_deref(), made.via_token_id, made.token_maker.as_deref()),
            (Some("ada"), None, None)
        );
    }
}

/// Two `serve` processes on one PostgreSQL share sessions: log in on one, write through
/// the other, log out on the first, and the second no longer knows the session.
#[actix_rt::test]
async fn sessions_hold_across_two_serve_processes_on_one_postgres() {
    let Some(db) = TestDb::create(Backend::Postgres) else {
        eprintln!("skipped: PostgreSQL not available");
        return;
    };
    let pool = db.pool();
    peoples_stories_api::db::migrate(&mut pool.get().expect("conn")).expect("migrate");
    peoples_stories_api::seed::run(&mut pool.get().expect("conn")).expect("seed");
    add_user(&pool, "maria", Role::Moderator);
    let url = db.url.target.clone();
    let a = ServeProcess::start(&url, &[("PS_POOL_SIZE", "4")]).await;
    let b = ServeProcess::start(&url, &[("PS_POOL_SIZE", "4")]).await;
    let client = reqwest::Client::new();

    let res = client
        .post(format!("{}/api/v1/auth/login", a.base_url))
        .json(&serde_json::json!({"username": "maria", "password": PASSWORD}))
        .send()
        .await
        .expect("login");
    assert_eq!(res.status(), 200);
    let cookie = session_cookie(&res).expect("cookie");
    let me: peoples_stories_shared::Me = res.json().await.expect("me");
    let csrf = me.csrf_token.expect("csrf");

    let res = client
        .get(format!("{}/api/v1/auth/me", b.base_url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("me on b");
    assert_eq!(res.status(), 200, "node b knows node a's session");

    let res = client
        .post(format!("{}/api/v1/stories", b.base_url))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .header("origin", &b.base_url)
        .json(&serde_json::json!({"title": "Dugong seagrass dredged", "theme": "well-being", "body": "Dredging began."}))
        .send()
        .await
        .expect("create on b");
    assert_eq!(res.status(), 201);
    let total = |base: String| async move {
        let page: StoryPage = reqwest::get(format!("{base}/api/v1/stories?q=dugong"))
            .await
            .expect("search")
            .json()
            .await
            .expect("json");
        page.total
    };
    assert_eq!(
        total(b.base_url.clone()).await,
        1,
        "found at once on the writing node"
    );
    let started = Instant::now();
    while total(a.base_url.clone()).await != 1 {
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "node a did not see the story in 2 s"
        );
        actix_rt::time::sleep(Duration::from_millis(50)).await;
    }

    let res = client
        .post(format!("{}/api/v1/auth/logout", a.base_url))
        .header("cookie", &cookie)
        .header("x-csrf-token", &csrf)
        .header("origin", &a.base_url)
        .send()
        .await
        .expect("logout on a");
    assert_eq!(res.status(), 204);
    let res = client
        .get(format!("{}/api/v1/auth/me", b.base_url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("me on b");
    assert_eq!(res.status(), 401, "logged out everywhere");
}

/// `peoples-stories user add` reads the password from stdin when it is not a terminal;
/// `user list` shows the account; `token create` prints a working token once.
#[actix_rt::test]
async fn the_command_line_adds_users_and_tokens() {
    use std::io::Write;
    let db = TestDb::create(Backend::Sqlite).expect("sqlite");
    let bin = crate::support::server_binary();
    let run = |args: &[&str], stdin: Option<&str>| {
        let mut child = std::process::Command::new(&bin)
            .args(["--database-url", &db.url.target])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("spawn");
        if let Some(input) = stdin {
            child
                .stdin
                .take()
                .expect("stdin")
                .write_all(input.as_bytes())
                .expect("write");
        }
        drop(child.stdin.take());
        let out = child.wait_with_output().expect("wait");
        (
            out.status.success(),
            String::from_utf8_lossy(&out.stdout).to_string(),
            String::from_utf8_lossy(&out.stderr).to_string(),
        )
    };
    let (ok, _, err) = run(
        &["user", "add", "--username", "Ada", "--role", "admin"],
        Some(&format!("{PASSWORD}\n")),
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run(
        &["user", "add", "--username", "bob", "--role", "moderator"],
        Some("short\n"),
    );
    assert!(!ok && err.contains("password"), "{err}");
    let (ok, out, _) = run(&["user", "list"], None);
    assert!(ok);
    assert!(out.contains("ada\tadmin\tactive"), "{out}");
    let (ok, token, err) = run(
        &["token", "create", "--username", "ada", "--name", "cli"],
        None,
    );
    assert!(ok, "{err}");
    let token = token.trim().to_string();

    let app = TestApp::spawn_on(&db).await;
    assert_eq!(app.login("ada", PASSWORD).await.status(), 200);
    let res = app
        .as_script(Method::GET, "/api/v1/users", &token)
        .send()
        .await
        .expect("users");
    assert_eq!(res.status(), 200);
    let (ok, _, err) = run(&["user", "disable", "--username", "ada"], None);
    assert!(!ok && err.contains("last active admin"), "{err}");
    let (ok, _, err) = run(
        &["user", "add", "--username", "bea", "--role", "admin"],
        Some(PASSWORD),
    );
    assert!(ok, "{err}");
    let (ok, _, err) = run(&["user", "disable", "--username", "ada"], None);
    assert!(ok, "{err}");
    let res = app
        .as_script(Method::GET, "/api/v1/users", &token)
        .send()
        .await
        .expect("users");
    assert_eq!(res.status(), 401);
}
