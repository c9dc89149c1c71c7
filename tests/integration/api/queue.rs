//! The moderators' queue: submissions edited, approved into stories (found by search at
//! once) or rejected; guestbook entries shown, hidden and deleted, one by one and in bulk.

use peoples_stories_shared::{
    AuditPage, BulkResult, GuestbookEntry, GuestbookPage, GuestbookStatus, Problem, Role, Story,
    StoryPage, Submission, SubmissionPage, SubmissionReceipt, SubmissionStatus,
};
use reqwest::Method;
use serde_json::json;

use crate::support::{add_user, both_databases, TestApp};

async fn submit(app: &TestApp, title: &str) -> i64 {
    let res = app
        .client
        .post(app.url("/api/v1/submissions"))
        .json(&json!({
            "title": title,
            "body": "Three land defenders were detained after a peaceful protest against the dam.",
            "theme": "justice",
            "countries": ["KH", "Laos"],
            "byline": "A witness",
            "email": "witness@example.org",
            "links": [{"url": "https://www.ohchr.org/en/press", "title": "OHCHR"}],
            "related_url": "https://www.icj.org/case",
            "consent": true
        }))
        .send()
        .await
        .expect("submit");
    assert_eq!(res.status(), 202);
    let r: SubmissionReceipt = res.json().await.expect("receipt");
    r.id
}

async fn sign(app: &TestApp, message: &str) -> i64 {
    // A link holds an entry for moderation.
    let res = app
        .client
        .post(app.url("/api/v1/guestbook"))
        .json(&json!({"name": "Maria", "message": message}))
        .send()
        .await
        .expect("sign");
    assert!(
        res.status() == 201 || res.status() == 202,
        "{}",
        res.status()
    );
    let e: GuestbookEntry = res.json().await.expect("entry");
    e.id
}

async fn hits(app: &TestApp, q: &str) -> i64 {
    let page: StoryPage = app.get_json(&format!("/api/v1/stories?q={q}")).await;
    page.total
}

both_databases! {
    async fn submissions_are_edited_approved_and_rejected(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        add_user(&app.pool, "ada", Role::Admin);
        let s = app.session("maria").await;
        let first = submit(&app, "Pelican wetland defenders detained").await;
        let second = submit(&app, "A story that will be rejected").await;

        let page: SubmissionPage = app.as_browser(Method::GET, "/api/v1/submissions?status=pending", &s)
            .send().await.expect("list").json().await.expect("json");
        assert_eq!(page.total, 2);
        assert_eq!(page.items[0].id, first, "oldest first");
        let one: Submission = app.as_browser(Method::GET, &format!("/api/v1/submissions/{first}"), &s)
            .send().await.expect("get").json().await.expect("json");
        assert_eq!(one.email.as_deref(), Some("witness@example.org"), "moderators see the e-mail");
        let codes: Vec<&str> = one.countries.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["KH", "LA"]);

        let res = app.as_browser(Method::PATCH, &format!("/api/v1/submissions/{first}"), &s)
            .json(&json!({"title": "Pelican wetland defenders freed", "countries": ["KH", "Cambodja", " "]}))
            .send().await.expect("edit");
        assert_eq!(res.status(), 422);
        let p: Problem = res.json().await.expect("problem");
        let errors: Vec<(&str, &str)> = p.errors.iter().map(|e| (e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(errors, [
            ("countries[1]", "unknown country 'Cambodja': did you mean Cambodia, Canada, Cabo Verde?"),
            ("countries[2]", "is empty: give a country's code or name"),
        ]);
        let res = app.as_browser(Method::PATCH, &format!("/api/v1/submissions/{first}"), &s)
            .json(&json!({"title": "Pelican wetland defenders freed", "byline": null}))
            .send().await.expect("edit");
        assert_eq!(res.status(), 200);
        let edited: Submission = res.json().await.expect("json");
        assert_eq!((edited.title.as_str(), edited.byline.as_deref()), ("Pelican wetland defenders freed", None));

        assert_eq!(hits(&app, "pelican").await, 0, "nothing is public before approval");
        let res = app.as_browser(Method::POST, &format!("/api/v1/submissions/{first}/approve"), &s)
            .send().await.expect("approve");
        assert_eq!(res.status(), 201);
        let story: Story = res.json().await.expect("story");
        assert_eq!(story.title, "Pelican wetland defenders freed");
        assert_eq!(story.links[0].source.domain, "ohchr.org");
        assert_eq!(story.related_url.as_deref(), Some("https://www.icj.org/case"));
        assert_eq!(story.countries.len(), 2);
        assert_eq!(hits(&app, "pelican").await, 1, "found at once");
        let page: StoryPage = app.get_json("/api/v1/stories?country=Laos&q=pelican").await;
        assert_eq!(page.total, 1);
        let approved: Submission = app.as_browser(Method::GET, &format!("/api/v1/submissions/{first}"), &s)
            .send().await.expect("get").json().await.expect("json");
        assert_eq!((approved.status, approved.story_id), (SubmissionStatus::Approved, Some(story.id)));
        let res = app.as_browser(Method::POST, &format!("/api/v1/submissions/{first}/approve"), &s)
            .send().await.expect("approve again");
        assert_eq!(res.status(), 409, "approved once only");
        let res = app.as_browser(Method::PATCH, &format!("/api/v1/submissions/{first}"), &s)
            .json(&json!({"title": "late"})).send().await.expect("edit");
        assert_eq!(res.status(), 409);

        let res = app.as_browser(Method::POST, &format!("/api/v1/submissions/{second}/reject"), &s)
            .json(&json!({"reason": " "})).send().await.expect("reject");
        assert_eq!(res.status(), 422);
        let res = app.as_browser(Method::POST, &format!("/api/v1/submissions/{second}/reject"), &s)
            .json(&json!({"reason": "Not a human-rights story"})).send().await.expect("reject");
        assert_eq!(res.status(), 200);
        let rejected: Submission = res.json().await.expect("json");
        assert_eq!(rejected.status, SubmissionStatus::Rejected);
        assert_eq!(rejected.reject_reason.as_deref(), Some("Not a human-rights story"));
        let res = app.as_browser(Method::POST, &format!("/api/v1/submissions/{second}/approve"), &s)
            .send().await.expect("approve");
        assert_eq!(res.status(), 409);

        let page: SubmissionPage = app.as_browser(Method::GET, "/api/v1/submissions?status=pending", &s)
            .send().await.expect("list").json().await.expect("json");
        assert_eq!(page.total, 0);
        let page: SubmissionPage = app.as_browser(Method::GET, "/api/v1/submissions", &s)
            .send().await.expect("list").json().await.expect("json");
        assert_eq!(page.total, 2);
        let res = app.as_browser(Method::GET, "/api/v1/submissions?status=maybe", &s).send().await.expect("list");
        assert_eq!(res.status(), 400);
        let res = app.as_browser(Method::GET, "/api/v1/submissions/999999", &s).send().await.expect("get");
        assert_eq!(res.status(), 404);

        let admin = app.session("ada").await;
        let audit: AuditPage = app.as_browser(Method::GET, "/api/v1/audit?target_type=submission", &admin)
            .send().await.expect("audit").json().await.expect("json");
        let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
        assert_eq!(actions, ["submission.reject", "submission.approve", "submission.update"]);
        assert_eq!(audit.items[1].details["story_id"], story.id);
    }

    async fn guestbook_entries_are_moderated_one_by_one_and_in_bulk(app) {
        add_user(&app.pool, "maria", Role::Moderator);
        let s = app.session("maria").await;
        let held: Vec<i64> = {
            let mut ids = Vec::new();
            for i in 0..3 {
                ids.push(sign(&app, &format!("Visit https://spam{i}.example for more")).await);
            }
            ids
        };
        let public: GuestbookPage = app.get_json("/api/v1/guestbook").await;
        assert!(public.items.iter().all(|e| !held.contains(&e.id)), "held entries are not public");

        let pending: GuestbookPage = app.as_browser(Method::GET, "/api/v1/manage/guestbook", &s)
            .send().await.expect("list").json().await.expect("json");
        assert_eq!(pending.total, 3);
        assert!(pending.items.iter().all(|e| e.status == Some(GuestbookStatus::Pending)));

        let res = app.as_browser(Method::PATCH, &format!("/api/v1/guestbook/{}", held[0]), &s)
            .json(&json!({"status": "visible"})).send().await.expect("show");
        assert_eq!(res.status(), 200);
        let shown: GuestbookEntry = res.json().await.expect("json");
        assert_eq!(shown.status, Some(GuestbookStatus::Visible));
        let public: GuestbookPage = app.get_json("/api/v1/guestbook").await;
        assert!(public.items.iter().any(|e| e.id == held[0]));
        let res = app.as_browser(Method::PATCH, &format!("/api/v1/guestbook/{}", held[0]), &s)
            .json(&json!({"status": "gone"})).send().await.expect("bad");
        assert_eq!(res.status(), 422);

        let res = app.as_browser(Method::POST, "/api/v1/guestbook/bulk", &s)
            .json(&json!({"ids": [held[0], held[1], 999999], "action": "hide"}))
            .send().await.expect("bulk");
        assert_eq!(res.status(), 200);
        let r: BulkResult = res.json().await.expect("json");
        assert_eq!(r.affected, 2);
        let hidden: GuestbookPage = app.as_browser(Method::GET, "/api/v1/manage/guestbook?status=hidden", &s)
            .send().await.expect("list").json().await.expect("json");
        assert_eq!(hidden.total, 2);

        let res = app.as_browser(Method::DELETE, &format!("/api/v1/guestbook/{}", held[2]), &s)
            .send().await.expect("delete");
        assert_eq!(res.status(), 204);
        let res = app.as_browser(Method::DELETE, &format!("/api/v1/guestbook/{}", held[2]), &s)
            .send().await.expect("delete again");
        assert_eq!(res.status(), 404);
        let r: BulkResult = app.as_browser(Method::POST, "/api/v1/guestbook/bulk", &s)
            .json(&json!({"ids": held, "action": "delete"}))
            .send().await.expect("bulk").json().await.expect("json");
        assert_eq!(r.affected, 2);
        let res = app.as_browser(Method::POST, "/api/v1/guestbook/bulk", &s)
            .json(&json!({"ids": [], "action": "delete"}))
            .send().await.expect("bulk");
        assert_eq!(res.status(), 422);
    }
}
