//! Submissions and the guestbook: validation, spam defences, idempotency, privacy and
//! durability, on both databases.

use std::time::Duration;

use diesel::prelude::*;
use peoples_stories_api::config::ContributionSettings;
use peoples_stories_api::db::schema::{guestbook_entries, submissions};
use peoples_stories_shared::{Country, GuestbookEntry, GuestbookPage, Problem, SubmissionReceipt};
use serde_json::{json, Value};

use crate::support::{
    both_databases, content_type, test_settings, Backend, ServeProcess, TestApp, TestDb,
};

const EMAIL: &str = "secret.person@example.org";
/// An address from TEST-NET-3, sent as X-Forwarded-For where the server trusts it.
const ADDRESS: &str = "203.0.113.77";

fn submission(title: &str) -> Value {
    json!({
        "title": title,
        "body": "Three land defenders were detained after a peaceful protest against the dam.",
        "theme": "justice",
        "countries": ["KH", "Laos", "Burma"],
        "byline": "A witness",
        "email": EMAIL,
        "links": [{"url": "https://www.ohchr.org/en/press", "title": "OHCHR"}],
        "related_url": "https://www.icj.org/case",
        "consent": true
    })
}

fn signature(name: &str, message: &str) -> Value {
    json!({"name": name, "message": message, "country": "Ivory Coast"})
}

async fn problem(res: reqwest::Response, status: u16) -> Problem {
    assert_eq!(res.status().as_u16(), status);
    assert_eq!(content_type(&res), "application/problem+json");
    let p: Problem = res.json().await.expect("problem json");
    assert_eq!(p.status, status);
    p
}

fn fields(p: &Problem) -> Vec<&str> {
    p.errors.iter().map(|e| e.field.as_str()).collect()
}

fn submission_count(app: &TestApp) -> i64 {
    submissions::table
        .count()
        .get_result(&mut *app.pool.get().expect("conn"))
        .expect("count")
}

fn guestbook_count(app: &TestApp) -> i64 {
    guestbook_entries::table
        .count()
        .get_result(&mut *app.pool.get().expect("conn"))
        .expect("count")
}

both_databases! {
    async fn a_submission_is_stored_pending_with_countries_resolved(app) {
        let res = app.post_json("/api/v1/submissions", &submission("Defenders detained"), &[]).await;
        assert_eq!(res.status(), 202);
        let body = res.text().await.expect("body");
        assert!(!body.contains(EMAIL), "the answer echoes the e-mail: {body}");
        let receipt: SubmissionReceipt = serde_json::from_str(&body).expect("receipt");
        assert_eq!(serde_json::to_value(&receipt).expect("json")["status"], "pending");
        let (title, countries, email, byline, status): (String, String, Option<String>, Option<String>, String) =
            submissions::table
                .find(receipt.id)
                .select((
                    submissions::title,
                    submissions::countries,
                    submissions::email,
                    submissions::byline,
                    submissions::status,
                ))
                .first(&mut *app.pool.get().expect("conn"))
                .expect("stored");
        assert_eq!(title, "Defenders detained");
        assert_eq!(countries, r#"["KH","LA","MM"]"#);
        assert_eq!(email.as_deref(), Some(EMAIL));
        assert_eq!(byline.as_deref(), Some("A witness"));
        assert_eq!(status, "pending");

        // Anonymous: no byline, no e-mail; blanks count as absent.
        let mut anon = submission("Anonymous account of a forced eviction");
        anon["byline"] = json!("  ");
        anon["email"] = json!("");
        anon["body"] = json!("A different text about families evicted without notice.");
        let res = app.post_json("/api/v1/submissions", &anon, &[]).await;
        assert_eq!(res.status(), 202);
        let id = res.json::<SubmissionReceipt>().await.expect("receipt").id;
        let (byline, email): (Option<String>, Option<String>) = submissions::table
            .find(id)
            .select((submissions::byline, submissions::email))
            .first(&mut *app.pool.get().expect("conn"))
            .expect("stored");
        assert_eq!((byline, email), (None, None));
    }

    async fn every_bad_submission_field_is_named_at_once(app) {
        let bad = json!({
            "title": "",
            "body": "too short",
            "theme": "gossip",
            "countries": ["Atlantis", "KH", ""],
            "email": "not-an-address",
            "links": [{"url": "javascript:alert(1)"}, {"url": "https://ok.example.org", "title": "x".repeat(301)}],
            "related_url": "ftp://example.org/file",
            "consent": false
        });
        let p = problem(app.post_json("/api/v1/submissions", &bad, &[]).await, 422).await;
        let mut got = fields(&p);
        got.sort();
        let mut want = vec![
            "title", "body", "theme", "countries[0]", "countries[2]", "email", "links[0].url",
            "links[1].title", "related_url", "consent",
        ];
        want.sort();
        assert_eq!(got, want, "{p:?}");
        let atlantis = p.errors.iter().find(|e| e.field == "countries[0]").expect("country");
        assert!(atlantis.message.contains("Atlantis"), "{}", atlantis.message);
        let theme = p.errors.iter().find(|e| e.field == "theme").expect("theme");
        assert_eq!(theme.message, "unknown theme 'gossip': the themes are justice, freedom, peace, democracy, well-being");

        // Limits: too many links, too many URLs in the text, a title too long, control characters.
        let mut s = submission("x".repeat(301).as_str());
        s["links"] = json!((0..11).map(|i| json!({"url": format!("https://example.org/{i}")})).collect::<Vec<_>>());
        s["body"] = json!("see https://a.example.org https://b.example.org https://c.example.org https://d.example.org");
        s["byline"] = json!("bell\u{7}");
        let p = problem(app.post_json("/api/v1/submissions", &s, &[]).await, 422).await;
        let mut got = fields(&p);
        got.sort();
        assert_eq!(got, ["body", "byline", "links", "title"], "{p:?}");

        // Missing, unknown and wrongly typed fields are named too.
        let p = problem(app.post_json("/api/v1/submissions", &json!({"body": "x"}), &[]).await, 422).await;
        assert_eq!(fields(&p), ["title"]);
        let mut s = submission("Fine title");
        s["colour"] = json!("red");
        let p = problem(app.post_json("/api/v1/submissions", &s, &[]).await, 422).await;
        assert_eq!(fields(&p), ["colour"]);
        let mut s = submission("Fine title");
        s["consent"] = json!("yes");
        let p = problem(app.post_json("/api/v1/submissions", &s, &[]).await, 422).await;
        assert_eq!(fields(&p), ["consent"]);
        let mut s = submission("Fine title");
        s["links"] = json!([{"title": "no url"}]);
        let p = problem(app.post_json("/api/v1/submissions", &s, &[]).await, 422).await;
        assert_eq!(fields(&p), ["links[0].url"]);
        assert_eq!(submission_count(&app), 0);
    }

    async fn the_guestbook_shows_plain_entries_and_holds_links(app) {
        let res = app.post_json("/api/v1/guestbook", &signature("Maria", "Thank you for keeping these stories."), &[]).await;
        assert_eq!(res.status(), 201);
        let shown: GuestbookEntry = res.json().await.expect("entry");
        assert_eq!(shown.country.as_deref(), Some("CI"));
        // The name as the countries list gives it, for pages that show the entry.
        let countries: Vec<Country> = app.get_json("/api/v1/countries?q=CI").await;
        let ci = countries.iter().find(|c| c.code == "CI").expect("CI");
        assert_eq!(shown.country_name.as_deref(), Some(ci.name.as_str()));
        assert_eq!(serde_json::to_value(&shown).expect("json")["status"], "visible");

        let res = app.post_json("/api/v1/guestbook", &signature("Spammy", "Cheap pills at https://spam.example.com now"), &[]).await;
        assert_eq!(res.status(), 202);
        let held: GuestbookEntry = res.json().await.expect("entry");
        assert_eq!(serde_json::to_value(&held).expect("json")["status"], "pending");

        let page: GuestbookPage = app.get_json("/api/v1/guestbook").await;
        assert_eq!(page.total, 1);
        assert_eq!(page.items.len(), 1);
        assert_eq!(page.items[0].id, shown.id);
        assert_eq!(page.items[0].status, None, "the public list does not carry status");
        assert_eq!(guestbook_count(&app), 2);

        // HTML is kept as text, never turned into markup.
        let html = "<script>alert('x')</script><b>bold</b>";
        let res = app.post_json("/api/v1/guestbook", &json!({"name": "Tester", "message": html}), &[]).await;
        assert_eq!(res.status(), 201);
        let page: GuestbookPage = app.get_json("/api/v1/guestbook").await;
        assert_eq!(page.items[0].message, html);
        assert_eq!(page.items[0].country, None);
        assert_eq!(page.items[0].country_name, None);

        let p = problem(app.post_json("/api/v1/guestbook", &json!({"name": "", "message": "", "country": "Narnia"}), &[]).await, 422).await;
        let mut got = fields(&p);
        got.sort();
        assert_eq!(got, ["country", "message", "name"]);
    }

    async fn links_are_held_however_they_are_spelled(app) {
        // Bare domains, full-width schemes and dots, in the message or the name: all held.
        let spelled = [
            ("Pills", "Cheap pills at cheap-pills.com/buy today"),
            ("Pharmacy", "Order from pills.co.uk, fast delivery"),
            ("Wide", "Visit ｈｔｔｐｓ：／／spam-site for more"),
            ("Dots", "Best prices at ｃｈｅａｐ．ｃｏｍ now"),
            ("Ideographic", "Best prices at cheap。com now"),
            ("buy-now.com", "A name that is a link"),
        ];
        for (name, message) in spelled {
            let res = app.post_json("/api/v1/guestbook", &json!({"name": name, "message": message}), &[]).await;
            assert_eq!(res.status(), 202, "{message}");
            let held: GuestbookEntry = res.json().await.expect("entry");
            assert_eq!(serde_json::to_value(&held).expect("json")["status"], "pending", "{message}");
        }
        // Abbreviations, numbers and names with dots are not links.
        let res = app.post_json("/api/v1/guestbook", &signature("Mr.Smith", "Thanks, e.g. for the 3.5 years of work, i.e. all of it."), &[]).await;
        assert_eq!(res.status(), 201);
        let shown: GuestbookEntry = res.json().await.expect("entry");

        let page: GuestbookPage = app.get_json("/api/v1/guestbook").await;
        let ids: Vec<i64> = page.items.iter().map(|e| e.id).collect();
        assert_eq!(ids, [shown.id], "only the plain entry is public");
        assert_eq!(page.total, 1);
        assert_eq!(guestbook_count(&app), spelled.len() as i64 + 1);
    }

    async fn the_guestbook_pages_newest_first(app) {
        for i in 0..5 {
            let res = app.post_json("/api/v1/guestbook", &signature(&format!("Reader {i}"), &format!("Message number {i}")), &[]).await;
            assert_eq!(res.status(), 201);
        }
        let page: GuestbookPage = app.get_json("/api/v1/guestbook?limit=2").await;
        assert_eq!(page.total, 5);
        let names: Vec<&str> = page.items.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Reader 4", "Reader 3"]);
        assert_eq!(page.prev, None);
        let next = page.next.expect("next");
        let page: GuestbookPage = app.get_json(&next).await;
        let names: Vec<&str> = page.items.iter().map(|e| e.name.as_str()).collect();
        assert_eq!(names, ["Reader 2", "Reader 1"]);
        let last: GuestbookPage = app.get_json(&page.next.expect("next")).await;
        assert_eq!(last.items.len(), 1);
        assert_eq!(last.next, None);
        assert_eq!(last.prev.as_deref(), Some("/api/v1/guestbook?limit=2&offset=2"));
        for bad in ["limit=0", "limit=101", "offset=-1", "page=2"] {
            let p = app.get_problem(&format!("/api/v1/guestbook?{bad}"), 400).await;
            assert_eq!(p.errors.len(), 1, "{bad}");
        }
    }

    async fn the_honeypot_catches_robots(app) {
        let mut s = submission("Robot story");
        s["website"] = json!("http://buy.example.com");
        let p = problem(app.post_json("/api/v1/submissions", &s, &[]).await, 422).await;
        assert_eq!(fields(&p), ["website"]);
        let mut g = signature("Robot", "Hello there");
        g["website"] = json!("x");
        let p = problem(app.post_json("/api/v1/guestbook", &g, &[]).await, 422).await;
        assert_eq!(fields(&p), ["website"]);
        assert_eq!((submission_count(&app), guestbook_count(&app)), (0, 0));
        // Empty is what people's browsers send.
        s["website"] = json!("");
        assert_eq!(app.post_json("/api/v1/submissions", &s, &[]).await.status(), 202);
    }

    async fn the_same_text_is_not_stored_twice(app) {
        let s = submission("Defenders detained");
        assert_eq!(app.post_json("/api/v1/submissions", &s, &[]).await.status(), 202);
        let mut again = s.clone();
        again["title"] = json!("DEFENDERS   detained");
        again["byline"] = json!("someone else");
        let p = problem(app.post_json("/api/v1/submissions", &again, &[]).await, 409).await;
        assert!(p.detail.contains("not stored twice"), "{}", p.detail);
        assert_eq!(submission_count(&app), 1);

        let g = signature("Maria", "Thank you.");
        assert_eq!(app.post_json("/api/v1/guestbook", &g, &[]).await.status(), 201);
        problem(app.post_json("/api/v1/guestbook", &g, &[]).await, 409).await;
        // Another person may say the same words.
        assert_eq!(app.post_json("/api/v1/guestbook", &signature("Ahmed", "Thank you."), &[]).await.status(), 201);
        assert_eq!(guestbook_count(&app), 2);
    }

    async fn an_idempotency_key_makes_retries_safe(app) {
        let key = [("Idempotency-Key", "4b2f2a6e-8a6c-4c1e-9f57-1d1f0e2f7a11")];
        let s = submission("Defenders detained");
        let first = app.post_json("/api/v1/submissions", &s, &key).await;
        assert_eq!(first.status(), 202);
        assert!(first.headers().get("idempotent-replayed").is_none());
        let first: Value = first.json().await.expect("json");
        let again = app.post_json("/api/v1/submissions", &s, &key).await;
        assert_eq!(again.status(), 202);
        assert_eq!(again.headers().get("idempotent-replayed").and_then(|v| v.to_str().ok()), Some("true"));
        assert_eq!(again.json::<Value>().await.expect("json"), first);
        assert_eq!(submission_count(&app), 1);

        let mut other = s.clone();
        other["title"] = json!("Another story entirely");
        let p = problem(app.post_json("/api/v1/submissions", &other, &key).await, 422).await;
        assert_eq!(fields(&p), ["Idempotency-Key"]);
        assert_eq!(submission_count(&app), 1);

        // Keys are per form: the same key signs the guestbook once.
        let g = signature("Maria", "Thank you.");
        let first = app.post_json("/api/v1/guestbook", &g, &key).await;
        assert_eq!(first.status(), 201);
        let first: Value = first.json().await.expect("json");
        let again = app.post_json("/api/v1/guestbook", &g, &key).await;
        assert_eq!(again.status(), 201);
        assert_eq!(again.json::<Value>().await.expect("json"), first);
        assert_eq!(guestbook_count(&app), 1);

        let long = "k".repeat(256);
        for bad in [long.as_str(), "has space"] {
            let p = problem(app.post_json("/api/v1/guestbook", &signature("X", "Y y"), &[("Idempotency-Key", bad)]).await, 400).await;
            assert_eq!(fields(&p), ["Idempotency-Key"]);
        }
    }

    async fn unreadable_bodies_get_400_413_and_415(app) {
        let url = app.url("/api/v1/submissions");
        let send = |ct: Option<&'static str>, body: Vec<u8>| {
            let mut req = app.client.post(&url).body(body);
            if let Some(ct) = ct {
                req = req.header("content-type", ct);
            }
            req.send()
        };
        let valid = serde_json::to_vec(&submission("Fine")).expect("json");
        problem(send(Some("text/plain"), valid.clone()).await.expect("send"), 415).await;
        problem(send(None, valid.clone()).await.expect("send"), 415).await;
        problem(send(Some("application/json; charset=latin1"), valid.clone()).await.expect("send"), 415).await;
        problem(send(Some("application/x-www-form-urlencoded"), b"title=x".to_vec()).await.expect("send"), 415).await;
        let p = problem(send(Some("application/json"), b"{\"title\": ".to_vec()).await.expect("send"), 400).await;
        assert!(p.detail.contains("JSON"), "{}", p.detail);
        problem(send(Some("application/json"), b"{\"title\": \"\xff\xfe\"}".to_vec()).await.expect("send"), 400).await;
        problem(send(Some("application/json"), Vec::new()).await.expect("send"), 400).await;
        let mut big = submission("Big");
        big["body"] = json!("a".repeat(200 * 1024));
        let p = problem(send(Some("application/json"), serde_json::to_vec(&big).expect("json")).await.expect("send"), 413).await;
        assert!(p.detail.contains("128 KiB"), "{}", p.detail);
        // Chunked, with no Content-Length to refuse up front: counted as it arrives.
        let chunks: Vec<Result<Vec<u8>, std::io::Error>> = (0..40).map(|_| Ok(vec![b' '; 8 * 1024])).collect();
        let res = app
            .client
            .post(&url)
            .header("content-type", "application/json")
            .body(reqwest::Body::wrap_stream(futures_util::stream::iter(chunks)))
            .send()
            .await
            .expect("send");
        problem(res, 413).await;
        let p = problem(
            app.client.post(app.url("/api/v1/guestbook")).header("content-type", "application/json")
                .body(serde_json::to_vec(&signature("X", &"m".repeat(20 * 1024))).expect("json")).send().await.expect("send"),
            413,
        ).await;
        assert!(p.detail.contains("16 KiB"), "{}", p.detail);
        assert_eq!(submission_count(&app), 0);
    }
}

both_databases! {
    async fn garbage_is_refused_at_the_caps_in_few_words(app) {
        // A list past its cap is one error, whatever its items; the answer stays small.
        let floods = [
            json!(vec![""; 42_000]),
            json!(vec!["zz"; 25_000]),
        ];
        for countries in floods {
            let mut s = submission("Flood");
            s["countries"] = countries;
            let res = app.post_json("/api/v1/submissions", &s, &[]).await;
            let bytes = res.headers().get("content-length").cloned();
            let p = problem(res, 422).await;
            assert_eq!(p.errors.len(), 1, "{:?}", bytes);
            assert_eq!(p.errors[0].field, "countries");
        }
        // One name too long to be a country is refused before it is compared with any.
        let mut s = submission("Long name");
        s["countries"] = json!(["x".repeat(125_000)]);
        let p = problem(app.post_json("/api/v1/submissions", &s, &[]).await, 422).await;
        assert_eq!(p.errors.len(), 1);
        assert_eq!(p.errors[0].field, "countries[0]");
        assert!(p.errors[0].message.contains("too long"), "{}", p.errors[0].message);
        let mut e = signature("A", "A message with a long country");
        e["country"] = json!("y".repeat(15_000));
        let p = problem(app.post_json("/api/v1/guestbook", &e, &[]).await, 422).await;
        assert_eq!(p.errors[0].field, "country");
        assert!(p.errors[0].message.contains("too long"), "{}", p.errors[0].message);
        // Many different bad items: at most ERRORS_MAX are listed, the detail counts the rest.
        let mut s = submission("Links");
        s["countries"] = json!(vec!["qq"; 30]);
        let p = problem(app.post_json("/api/v1/submissions", &s, &[]).await, 422).await;
        assert_eq!(p.errors.len(), peoples_stories_shared::problem::ERRORS_MAX);
        assert!(p.detail.contains("more"), "{}", p.detail);
    }
}

/// Three refused requests a window, then the client is turned away unread.
fn few_refusals() -> ContributionSettings {
    ContributionSettings {
        refusals_per_window: 3,
        ..test_settings()
    }
}

both_databases! {
    settings = few_refusals();

    async fn refused_requests_count_towards_a_limit(app) {
        let mut bad = submission("Bad");
        bad["countries"] = json!(["not a country at all"]);
        assert_eq!(app.post_json("/api/v1/submissions", &bad, &[]).await.status(), 422);
        let res = app.client.post(app.url("/api/v1/guestbook"))
            .header("content-type", "application/json")
            .body("{not json").send().await.expect("post");
        assert_eq!(res.status(), 400);
        assert_eq!(app.post_json("/api/v1/submissions", &bad, &[]).await.status(), 422);
        // Even a good request from this client now waits out the window.
        let res = app.post_json("/api/v1/guestbook", &signature("A", "A fine message"), &[]).await;
        assert!(res.headers().get("retry-after").is_some());
        let p = problem(res, 429).await;
        assert!(p.detail.contains("refused"), "{}", p.detail);
        // Reading is not affected.
        assert_eq!(app.get("/api/v1/guestbook").await.status(), 200);
    }
}

/// Two submissions and two entries per window; a 2-second window so recovery is testable.
fn tight_limits() -> ContributionSettings {
    ContributionSettings {
        submissions_per_window: 2,
        guestbook_per_window: 2,
        rate_window_secs: 2,
        ..test_settings()
    }
}

both_databases! {
    async fn housekeeping_forgets_client_hashes_and_old_answers(app) {
        use peoples_stories_api::db::schema::idempotency_keys;
        let key = [("Idempotency-Key", "0c5e6b1a-3f1d-4f0a-9a51-7f1f2b6c9d01")];
        let res = app.post_json("/api/v1/submissions", &submission("Kept a while"), &key).await;
        assert_eq!(res.status(), 202);
        let settings = test_settings();
        let mut conn = app.pool.get().expect("conn");
        let hashes = |conn: &mut _| -> Vec<Option<String>> {
            submissions::table.select(submissions::client_hash).load(conn).expect("hashes")
        };
        // Within the rate window and the answers' day, nothing goes.
        let forgot = |conn: &mut _| {
            let f = peoples_stories_api::guard::housekeeping(conn, &settings).expect("housekeeping");
            (f.client_hashes, f.answers)
        };
        assert_eq!(forgot(&mut conn), (0, 0));
        assert!(hashes(&mut conn)[0].is_some());
        // Past the window, the hash goes; past a day, the stored answer.
        let now = chrono::Utc::now().naive_utc();
        let past_window = now - chrono::Duration::seconds(settings.rate_window_secs as i64 + 1);
        diesel::update(submissions::table).set(submissions::created_at.eq(past_window)).execute(&mut conn).expect("age");
        assert_eq!(forgot(&mut conn), (1, 0));
        assert_eq!(hashes(&mut conn), [None]);
        diesel::update(idempotency_keys::table)
            .set(idempotency_keys::created_at.eq(now - chrono::Duration::days(2)))
            .execute(&mut conn)
            .expect("age");
        assert_eq!(forgot(&mut conn), (0, 1));
        let left: i64 = idempotency_keys::table.count().get_result(&mut conn).expect("count");
        assert_eq!(left, 0);
    }
}

both_databases! {
    async fn housekeeping_deletes_decided_emails_and_stale_login_keys(app) {
        use peoples_stories_api::db::schema::login_failures;
        for title in ["Decided long ago", "Decided yesterday", "Waiting long"] {
            let mut s = submission(title);
            s["email"] = json!(EMAIL);
            s["body"] = json!(format!("{title}: a body that is long enough to pass the checks."));
            assert_eq!(app.post_json("/api/v1/submissions", &s, &[]).await.status(), 202);
        }
        assert_eq!(app.login("nobody", "a wrong password").await.status(), 401);
        let settings = test_settings();
        let now = chrono::Utc::now().naive_utc();
        let days = |n| now - chrono::Duration::days(n);
        let mut conn = app.pool.get().expect("conn");
        let set = |conn: &mut _, title: &str, status: &str, at| {
            diesel::update(submissions::table.filter(submissions::title.eq(title)))
                .set((submissions::status.eq(status), submissions::updated_at.eq(at)))
                .execute(conn)
                .expect("update");
        };
        set(&mut conn, "Decided long ago", "rejected", days(31));
        set(&mut conn, "Decided yesterday", "approved", days(1));
        set(&mut conn, "Waiting long", "pending", days(90));
        // The login key's window is still open: it stays.
        let f = peoples_stories_api::guard::housekeeping(&mut conn, &settings).expect("housekeeping");
        assert_eq!((f.emails, f.login_keys), (1, 0));
        let emails: Vec<(String, Option<String>)> = submissions::table
            .select((submissions::title, submissions::email))
            .order(submissions::id)
            .load(&mut conn)
            .expect("emails");
        assert_eq!(emails[0], ("Decided long ago".to_string(), None));
        assert_eq!(emails[1].1.as_deref(), Some(EMAIL), "within the retention period");
        assert_eq!(emails[2].1.as_deref(), Some(EMAIL), "pending: no moderator has decided");
        // Past its window, the key goes, with no login needed to prune it.
        diesel::update(login_failures::table)
            .set(login_failures::window_start.eq(now - chrono::Duration::minutes(16)))
            .execute(&mut conn)
            .expect("age");
        let f = peoples_stories_api::guard::housekeeping(&mut conn, &settings).expect("housekeeping");
        assert_eq!((f.emails, f.login_keys), (0, 2), "the username's and the client's keys");
        let left: i64 = login_failures::table.count().get_result(&mut conn).expect("count");
        assert_eq!(left, 0);
    }
}

both_databases! {
    settings = tight_limits();

    async fn rate_limits_answer_429_then_recover(app) {
        for i in 0..2 {
            let mut s = submission(&format!("Story {i}"));
            s["body"] = json!(format!("A different body, number {i}, long enough to pass."));
            assert_eq!(app.post_json("/api/v1/submissions", &s, &[]).await.status(), 202);
        }
        let mut s = submission("Story 2");
        s["body"] = json!("A third body that is long enough to pass the checks.");
        let res = app.post_json("/api/v1/submissions", &s, &[]).await;
        let retry: u64 = res
            .headers()
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse().ok())
            .expect("Retry-After");
        assert!((1..=2).contains(&retry), "Retry-After {retry}");
        let p = problem(res, 429).await;
        assert_eq!(p.type_, "/problems/rate-limited");
        // The guestbook has its own budget.
        assert_eq!(app.post_json("/api/v1/guestbook", &signature("A", "One message"), &[]).await.status(), 201);
        // A retry with a key already answered is not a new request: it is not limited.
        actix_rt::time::sleep(Duration::from_secs(retry)).await;
        let key = [("Idempotency-Key", "retry-1")];
        assert_eq!(app.post_json("/api/v1/submissions", &s, &key).await.status(), 202);
        assert_eq!(app.post_json("/api/v1/submissions", &s, &key).await.status(), 202);
        assert_eq!(submission_count(&app), 3);
    }
}

/// Behind nginx on the same machine, with two guestbook entries a window.
fn behind_trusted_proxy() -> ContributionSettings {
    ContributionSettings {
        trusted_proxies: vec!["127.0.0.1".parse().expect("proxy")],
        ..tight_limits()
    }
}

both_databases! {
    settings = behind_trusted_proxy();

    async fn a_forged_forwarded_for_does_not_buy_a_new_budget(app) {
        // The client writes whatever it likes left of what the proxy appends (203.0.113.9);
        // its budget is still the address the proxy saw.
        for (i, forged) in ["6.6.6.1", "6.6.6.2", "6.6.6.3"].iter().enumerate() {
            let xff = format!("{forged}, 203.0.113.9");
            let entry = signature("A", &format!("Message number {i} from the same client"));
            let res = app.post_json("/api/v1/guestbook", &entry, &[("X-Forwarded-For", &xff)]).await;
            assert_eq!(res.status(), if i < 2 { 201 } else { 429 }, "entry {i} via {xff}");
        }
        // A `Forwarded` header is never read either.
        let entry = signature("A", "Fourth message, claiming another address");
        let headers = [("X-Forwarded-For", "203.0.113.9"), ("Forwarded", "for=198.51.100.1")];
        assert_eq!(app.post_json("/api/v1/guestbook", &entry, &headers).await.status(), 429);
        // Another client behind the same proxy has its own budget.
        let entry = signature("B", "A message from somebody else entirely");
        let res = app.post_json("/api/v1/guestbook", &entry, &[("X-Forwarded-For", "203.0.113.10")]).await;
        assert_eq!(res.status(), 201);
    }
}

/// The sender's e-mail and address appear in no public answer, and the address is stored
/// only as a keyed hash (then forgotten).
async fn nothing_private_is_public(app: TestApp) {
    let forwarded = [("X-Forwarded-For", ADDRESS)];
    let res = app
        .post_json(
            "/api/v1/submissions",
            &submission("Private story"),
            &forwarded,
        )
        .await;
    assert_eq!(res.status(), 202);
    let res = app
        .post_json(
            "/api/v1/guestbook",
            &signature("Maria", "Keep going"),
            &forwarded,
        )
        .await;
    assert_eq!(res.status(), 201);
    let held = app
        .post_json(
            "/api/v1/guestbook",
            &signature("Held", "see https://x.example.org"),
            &forwarded,
        )
        .await;
    assert_eq!(held.status(), 202);

    let spec: Value = app.get_json("/api/openapi.json").await;
    let mut paths: Vec<String> = vec![
        "/".into(),
        "/guestbook".into(),
        "/api/openapi.json".into(),
        "/api/v1/guestbook?limit=100".into(),
        "/api/v1/stories?q=private&facets=country,theme,source,year".into(),
        "/api/v1/stories?q=defenders".into(),
    ];
    for (path, item) in spec["paths"].as_object().expect("paths") {
        if item.get("get").is_some() && !path.contains('{') {
            paths.push(path.clone());
        }
    }
    let mut checked = 0;
    for path in &paths {
        let res = app.get(path).await;
        let headers = format!("{:?}", res.headers());
        let body = res.text().await.expect("body");
        for secret in [EMAIL, ADDRESS] {
            assert!(!body.contains(secret), "GET {path} shows {secret}");
            assert!(
                !headers.contains(secret),
                "GET {path} headers show {secret}"
            );
        }
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} public routes checked");
    // The held entry is not public.
    let page: GuestbookPage = app.get_json("/api/v1/guestbook").await;
    assert!(page.items.iter().all(|e| e.name != "Held"));

    // Stored: the hash, never the address.
    let hashes: Vec<Option<String>> = submissions::table
        .select(submissions::client_hash)
        .load(&mut *app.pool.get().expect("conn"))
        .expect("hashes");
    assert_eq!(hashes.len(), 1);
    let hash = hashes[0].clone().expect("a hash within the window");
    assert!(!hash.contains(ADDRESS) && hash.len() == 32, "{hash}");
}

/// With the server trusting X-Forwarded-For, so the test address really is the client's.
fn behind_proxy() -> ContributionSettings {
    ContributionSettings {
        trust_forwarded_for: true,
        ..test_settings()
    }
}

both_databases! {
    settings = behind_proxy();

    async fn private_details_stay_private(app) {
        nothing_private_is_public(app).await;
    }
}

/// SQLite: the address is nowhere in the database files at all.
#[actix_rt::test]
async fn the_address_is_not_in_the_sqlite_files() {
    let db = TestDb::create(Backend::Sqlite).expect("sqlite");
    let app = TestApp::spawn_on_with(&db, behind_proxy()).await;
    let forwarded = [("X-Forwarded-For", ADDRESS)];
    assert_eq!(
        app.post_json("/api/v1/submissions", &submission("Files"), &forwarded)
            .await
            .status(),
        202
    );
    let dir = std::path::Path::new(&db.url.target)
        .parent()
        .expect("dir")
        .to_path_buf();
    let mut scanned = 0;
    for entry in std::fs::read_dir(&dir).expect("dir") {
        let bytes = std::fs::read(entry.expect("entry").path()).expect("read");
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains(ADDRESS));
        scanned += usize::from(text.contains(EMAIL));
    }
    assert!(
        scanned > 0,
        "the e-mail (private, but stored) should be found: the scan works"
    );
}

/// 200 submissions at once to a real server, SIGKILL right after the last 202, a restart:
/// every one answered 202 is there.
async fn survives_kill_9(backend: Backend) {
    let Some(db) = TestDb::seeded(backend) else {
        return;
    };
    let env = [("PS_SUBMISSIONS_PER_WINDOW", "0")];
    let mut server = ServeProcess::start(&db.url.target, &env).await;
    let client = reqwest::Client::new();
    let url = server.url("/api/v1/submissions");
    let posts = (0..200).map(|i| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let mut s = submission(&format!("Durable story {i}"));
            s["body"] = json!(format!(
                "Body of durable story number {i}, which must survive."
            ));
            let res = client.post(&url).json(&s).send().await.expect("send");
            assert_eq!(
                res.status(),
                202,
                "{}",
                res.text().await.unwrap_or_default()
            );
            res.json::<SubmissionReceipt>().await.expect("receipt").id
        }
    });
    let ids = futures_util::future::join_all(posts).await;
    server.kill_hard();
    let log = server.log_text();
    assert!(
        log.contains("request"),
        "requests are logged at info:\n{log}"
    );
    assert!(!log.contains(EMAIL), "the log shows the e-mail:\n{log}");
    // The listening address is logged at start; client addresses never.
    for line in log.lines().filter(|l| l.contains("127.0.0.1")) {
        assert!(
            line.contains("listening"),
            "the log shows an address: {line}"
        );
    }
    server.restart(&db.url.target, &env).await;
    let stored: Vec<i64> = submissions::table
        .select(submissions::id)
        .load(&mut *db.pool().get().expect("conn"))
        .expect("ids");
    let mut ids = ids;
    ids.sort();
    let mut stored = stored;
    stored.sort();
    assert_eq!(stored, ids);
    assert_eq!(ids.len(), 200);
}

#[actix_rt::test]
async fn accepted_submissions_survive_kill_9_sqlite() {
    survives_kill_9(Backend::Sqlite).await;
}

#[actix_rt::test]
async fn accepted_submissions_survive_kill_9_postgres() {
    survives_kill_9(Backend::Postgres).await;
}
