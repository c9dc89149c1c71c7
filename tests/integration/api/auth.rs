//! Logging in and out, sessions, throttling, disabled accounts and API tokens.

use peoples_stories_shared::{ApiToken, Me, NewApiToken, Role};
use reqwest::Method;

use crate::support::{add_user, both_databases, session_cookie, TestApp, PASSWORD};

async fn me_status(app: &TestApp, cookie: &str) -> u16 {
    app.client
        .get(app.url("/api/v1/auth/me"))
        .header("cookie", cookie)
        .send()
        .await
        .expect("me")
        .status()
        .as_u16()
}

both_databases! {
    async fn login_me_and_logout(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let res = app.login("Maria", PASSWORD).await;
        assert_eq!(res.status(), 200);
        let set_cookie = res
            .headers()
            .get("set-cookie")
            .and_then(|v| v.to_str().ok())
            .expect("set-cookie")
            .to_string();
        for flag in ["HttpOnly", "SameSite=Strict", "Path=/"] {
            assert!(set_cookie.contains(flag), "{flag} in {set_cookie}");
        }
        assert!(!set_cookie.contains("Secure"), "not Secure on plain http by default");
        // Not `no-referrer`: with it, browsers send `Origin: null` on the app's own changes.
        assert_eq!(
            res.headers().get("referrer-policy").and_then(|v| v.to_str().ok()),
            Some("same-origin")
        );
        let cookie = session_cookie(&res).expect("cookie");
        let me: Me = res.json().await.expect("me");
        assert_eq!(me.username, "maria");
        assert_eq!(me.role, Role::Moderator);
        let csrf = me.csrf_token.clone().expect("csrf");

        // The token is stored only as its hash.
        let token = cookie.split_once('=').expect("name=value").1.to_string();
        {
            use peoples_stories_api::auth::secret::token_hash;
            use peoples_stories_api::db::accounts::session_by_hash;
            let mut conn = app.pool.get().expect("conn");
            assert!(session_by_hash(&mut conn, &token_hash(&token)).expect("q").is_some());
            assert!(session_by_hash(&mut conn, &token).expect("q").is_none());
        }

        let res = app.client.get(app.url("/api/v1/auth/me")).header("cookie", &cookie)
            .send().await.expect("me");
        assert_eq!(res.status(), 200);
        let again: Me = res.json().await.expect("me");
        assert_eq!(again.csrf_token.as_deref(), Some(csrf.as_str()));

        // Logging in again rotates: the browser's old session ends.
        let res = app.client.post(app.url("/api/v1/auth/login"))
            .header("cookie", &cookie)
            .json(&serde_json::json!({"username": "maria", "password": PASSWORD}))
            .send().await.expect("login");
        assert_eq!(res.status(), 200);
        let rotated = session_cookie(&res).expect("new cookie");
        assert_ne!(rotated, cookie);
        assert_eq!(me_status(&app, &cookie).await, 401);
        assert_eq!(me_status(&app, &rotated).await, 200);
        let me: Me = res.json().await.expect("me");
        let session = crate::support::Session { cookie: rotated.clone(), csrf: me.csrf_token.expect("csrf") };

        let res = app.as_browser(Method::POST, "/api/v1/auth/logout", &session).send().await.expect("logout");
        assert_eq!(res.status(), 204);
        let cleared = res.headers().get("set-cookie").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
        assert!(cleared.contains("Max-Age=0"), "{cleared}");
        assert_eq!(me_status(&app, &rotated).await, 401);
    }

    async fn sessions_end_when_idle_or_too_old(app) {
        use diesel::prelude::*;
        use peoples_stories_api::db::schema::sessions;
        add_user(&app.pool, "maria", Role::Moderator);
        let idle = app.session("maria").await;
        let old = app.session("maria").await;
        assert_eq!(me_status(&app, &idle.cookie).await, 200);
        let hash = |s: &crate::support::Session| {
            peoples_stories_api::auth::secret::token_hash(s.cookie.split_once('=').expect("cookie").1)
        };
        let now = chrono::Utc::now().naive_utc();
        let mut conn = app.pool.get().expect("conn");
        // Unused for longer than the idle limit (2 hours by default).
        diesel::update(sessions::table.filter(sessions::token_hash.eq(hash(&idle))))
            .set(sessions::last_seen_at.eq(now - chrono::Duration::hours(3)))
            .execute(&mut conn).expect("age");
        // In use, but past its absolute end.
        diesel::update(sessions::table.filter(sessions::token_hash.eq(hash(&old))))
            .set(sessions::expires_at.eq(now - chrono::Duration::seconds(1)))
            .execute(&mut conn).expect("age");
        drop(conn);
        assert_eq!(me_status(&app, &idle.cookie).await, 401);
        assert_eq!(me_status(&app, &old.cookie).await, 401);
        let left: i64 = sessions::table.count().get_result(&mut app.pool.get().expect("conn")).expect("count");
        assert_eq!(left, 0, "ended sessions are removed");
    }

    async fn unknown_user_and_wrong_password_answer_alike(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let wrong = app.login("maria", "not the password at all").await;
        let wrong_status = wrong.status();
        let wrong_cookie = session_cookie(&wrong);
        let wrong_body = wrong.text().await.expect("body");
        let unknown = app.login("nobody", "not the password at all").await;
        assert_eq!(unknown.status(), wrong_status);
        assert_eq!(wrong_status, 401);
        assert!(wrong_cookie.is_none() && session_cookie(&unknown).is_none());
        assert_eq!(unknown.text().await.expect("body"), wrong_body);
        // A login posted from another site is refused.
        let res = app.client.post(app.url("/api/v1/auth/login"))
            .header("origin", "https://evil.example")
            .json(&serde_json::json!({"username": "maria", "password": PASSWORD}))
            .send().await.expect("login");
        assert_eq!(res.status(), 403);
    }

    async fn repeated_failures_lock_the_username(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        add_user(&app.pool, "omar", Role::Moderator);
        for name in ["maria", "ghost"] {
            for i in 0..5 {
                let started = std::time::Instant::now();
                let res = app.login(name, "wrong password, again").await;
                assert_eq!(res.status(), 401, "{name} attempt {i}");
                // Each failure after the first is answered a quarter second slower.
                let floor = std::time::Duration::from_millis(250 * i);
                assert!(started.elapsed() >= floor, "{name} attempt {i} was not slowed");
            }
            // Locked now, whatever the password, and alike for a real and an unknown name.
            let res = app.login(name, PASSWORD).await;
            assert_eq!(res.status(), 429, "{name} is locked");
            assert!(res.headers().get("retry-after").is_some());
            assert!(session_cookie(&res).is_none());
        }
        // Another account from the same client still logs in.
        assert_eq!(app.login("omar", PASSWORD).await.status(), 200);
        // The throttle keeps neither the typed names nor the address in the clear.
        let keys: Vec<String> = {
            use diesel::prelude::*;
            use peoples_stories_api::db::schema::login_failures;
            let mut conn = app.pool.get().expect("conn");
            login_failures::table.select(login_failures::key).load(&mut conn).expect("keys")
        };
        assert!(!keys.is_empty());
        for k in keys {
            assert!(!k.contains("maria") && !k.contains("ghost") && !k.contains("127.0.0.1"), "{k}");
        }
    }

    async fn a_burst_of_guesses_checks_no_more_than_the_allowance(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        // 40 wrong passwords at once for one username: the lock check, the password check
        // and the count are one step, so at most the allowance (5) is ever checked (401);
        // the rest are refused unchecked (429), or turned away by the password gate (503).
        let burst = (0..40).map(|i| {
            let app = &app;
            async move { app.login("maria", &format!("wrong guess {i}")).await.status().as_u16() }
        });
        let statuses = futures_util::future::join_all(burst).await;
        let checked = statuses.iter().filter(|s| **s == 401).count();
        assert!(statuses.iter().all(|s| [401, 429, 503].contains(s)), "{statuses:?}");
        assert!(checked <= 5, "{checked} guesses were checked: {statuses:?}");
        // The lock holds: a second burst checks nothing, and the right password is refused.
        let burst = (0..20).map(|i| {
            let app = &app;
            async move { app.login("maria", &format!("more {i}")).await.status().as_u16() }
        });
        let again = futures_util::future::join_all(burst).await;
        assert!(!again.contains(&401), "{again:?}");
        assert_eq!(app.login("maria", PASSWORD).await.status(), 429);
        // Exactly as many guesses are counted as were let through, and the lock is stored.
        use diesel::prelude::*;
        use peoples_stories_api::db::schema::login_failures;
        let mut conn = app.pool.get().expect("conn");
        let rows: Vec<(String, i32, Option<chrono::NaiveDateTime>)> = login_failures::table
            .select((login_failures::key, login_failures::failures, login_failures::locked_until))
            .load(&mut conn)
            .expect("rows");
        let user = rows.iter().find(|r| r.0.starts_with("u:")).expect("the username's row");
        assert!(user.2.is_some(), "the username is locked: {rows:?}");
        assert_eq!(usize::try_from(user.1).expect("count"), checked, "{rows:?}");
    }

    async fn a_burst_of_logins_is_turned_away_before_hashing(app) {
        // Logins for many names at once: a few are checked at a time, a few wait, and the
        // rest are told to come back (503 with Retry-After) without costing a hash each.
        let burst = (0..60).map(|i| {
            let app = &app;
            async move {
                let res = app.login(&format!("name{i}"), "some password").await;
                let retry = res.headers().get("retry-after").is_some();
                (res.status().as_u16(), retry)
            }
        });
        let answers = futures_util::future::join_all(burst).await;
        assert!(answers.iter().all(|(s, _)| [401, 429, 503].contains(s)), "{answers:?}");
        let busy: Vec<_> = answers.iter().filter(|(s, _)| *s == 503).collect();
        assert!(!busy.is_empty(), "no login was turned away: {answers:?}");
        assert!(busy.iter().all(|(_, retry)| *retry), "503 without Retry-After");
        assert!(answers.iter().any(|(s, _)| *s == 401), "{answers:?}");
    }

    async fn disabling_an_account_ends_its_sessions_and_tokens(app) {
        add_user(&app.pool, "ada", Role::Admin);
        add_user(&app.pool, "maria", Role::Moderator);
        let admin = app.session("ada").await;
        let maria = app.session("maria").await;
        let res = app.as_browser(Method::POST, "/api/v1/tokens", &admin)
            .json(&serde_json::json!({"name": "maria's script", "username": "maria"}))
            .send().await.expect("token");
        assert_eq!(res.status(), 201);
        let token: NewApiToken = res.json().await.expect("token");
        let res = app.as_script(Method::GET, "/api/v1/auth/me", &token.token).send().await.expect("me");
        assert_eq!(res.status(), 200);

        let res = app.as_browser(Method::POST, "/api/v1/users/maria/disable", &admin).send().await.expect("disable");
        assert_eq!(res.status(), 200);
        let user: peoples_stories_shared::Moderator = res.json().await.expect("user");
        assert!(user.disabled_at.is_some());

        assert_eq!(me_status(&app, &maria.cookie).await, 401);
        let res = app.as_script(Method::GET, "/api/v1/auth/me", &token.token).send().await.expect("me");
        assert_eq!(res.status(), 401);
        let res = app.login("maria", PASSWORD).await;
        assert_eq!(res.status(), 401, "a disabled account cannot log in");
        let tokens: Vec<ApiToken> = app.as_browser(Method::GET, "/api/v1/tokens", &admin)
            .send().await.expect("tokens").json().await.expect("json");
        assert!(tokens.iter().all(|t| t.revoked_at.is_some()));
        // The admin's own session is untouched.
        assert_eq!(me_status(&app, &admin.cookie).await, 200);
        // The last active admin cannot be disabled: nobody could manage accounts then.
        let res = app.as_browser(Method::POST, "/api/v1/users/ada/disable", &admin).send().await.expect("disable");
        assert_eq!(res.status(), 409);
        assert_eq!(me_status(&app, &admin.cookie).await, 200);
    }

    async fn api_tokens_act_for_their_account_without_csrf(app) {
        add_user(&app.pool, "ada", Role::Admin);
        add_user(&app.pool, "maria", Role::Moderator);
        let admin = app.session("ada").await;
        let make = |username: &'static str| {
            app.as_browser(Method::POST, "/api/v1/tokens", &admin)
                .json(&serde_json::json!({"name": "import", "username": username}))
                .send()
        };
        let res = make("maria").await.expect("token");
        assert_eq!(res.status(), 201);
        let maria_token: NewApiToken = res.json().await.expect("json");
        assert!(maria_token.token.starts_with("ps_"));
        let admin_token: NewApiToken = make("ada").await.expect("token").json().await.expect("json");

        // The list never shows secrets.
        let listed = app.as_browser(Method::GET, "/api/v1/tokens", &admin)
            .send().await.expect("list").text().await.expect("body");
        assert!(!listed.contains(&maria_token.token));
        assert!(listed.contains("\"name\":\"import\""));

        // A moderator's token writes stories, with no CSRF header and no Origin.
        let res = app.as_script(Method::POST, "/api/v1/stories", &maria_token.token)
            .json(&serde_json::json!({"title": "Token story", "theme": "peace", "body": "Written by a script."}))
            .send().await.expect("create");
        assert_eq!(res.status(), 201);
        // ...but is no admin.
        let res = app.as_script(Method::GET, "/api/v1/users", &maria_token.token).send().await.expect("users");
        assert_eq!(res.status(), 403);
        let res = app.as_script(Method::GET, "/api/v1/users", &admin_token.token).send().await.expect("users");
        assert_eq!(res.status(), 200);
        let me: Me = app.as_script(Method::GET, "/api/v1/auth/me", &maria_token.token)
            .send().await.expect("me").json().await.expect("json");
        assert_eq!((me.username.as_str(), me.csrf_token), ("maria", None));

        let res = app.as_script(Method::DELETE, &format!("/api/v1/tokens/{}", maria_token.info.id), &admin_token.token)
            .send().await.expect("revoke");
        assert_eq!(res.status(), 200);
        let res = app.as_script(Method::GET, "/api/v1/auth/me", &maria_token.token).send().await.expect("me");
        assert_eq!(res.status(), 401);
        let res = app.as_script(Method::DELETE, "/api/v1/tokens/999999", &admin_token.token).send().await.expect("revoke");
        assert_eq!(res.status(), 404);
    }

    async fn admins_manage_accounts(app) {
        add_user(&app.pool, "ada", Role::Admin);
        let admin = app.session("ada").await;
        let res = app.as_browser(Method::POST, "/api/v1/users", &admin)
            .json(&serde_json::json!({"username": "New.Mod", "password": "long enough password", "role": "moderator"}))
            .send().await.expect("create");
        assert_eq!(res.status(), 201);
        let created: peoples_stories_shared::Moderator = res.json().await.expect("json");
        assert_eq!(created.username, "new.mod");
        assert!(!serde_json::to_string(&created).expect("json").contains("argon2"));
        let res = app.as_browser(Method::POST, "/api/v1/users", &admin)
            .json(&serde_json::json!({"username": "new.mod", "password": "long enough password", "role": "moderator"}))
            .send().await.expect("create");
        assert_eq!(res.status(), 409);
        let res = app.as_browser(Method::POST, "/api/v1/users", &admin)
            .json(&serde_json::json!({"username": "x", "password": "short", "role": "moderator"}))
            .send().await.expect("create");
        assert_eq!(res.status(), 422);
        let p: peoples_stories_shared::Problem = res.json().await.expect("problem");
        let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["username", "password"]);
        assert_eq!(app.login("new.mod", "long enough password").await.status(), 200);
        let users: Vec<peoples_stories_shared::Moderator> = app.as_browser(Method::GET, "/api/v1/users", &admin)
            .send().await.expect("list").json().await.expect("json");
        let names: Vec<&str> = users.iter().map(|u| u.username.as_str()).collect();
        assert_eq!(names, ["ada", "new.mod"]);
    }
}
