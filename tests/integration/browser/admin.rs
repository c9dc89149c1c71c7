//! The admin view in headless Chromium: signing in, the queue, guestbook moderation and the
//! story editor, each against the real server on its own database.

use fantoccini::Locator;
use peoples_stories_shared::{GuestbookPage, Role, StoryPage, SubmissionReceipt};
use serde_json::json;

use super::driver::{require_web_dist, Browser};
use crate::support::{add_user, Backend, TestApp, PASSWORD};

const MODERATOR: &str = "maria";

/// Types into the field matching `selector`, replacing what it held.
async fn fill(browser: &Browser, selector: &str, text: &str) {
    let field = browser.wait_for_css(selector).await;
    if let Err(e) = field.clear().await {
        browser
            .fail(&format!("could not clear {selector}: {e}"))
            .await;
    }
    if let Err(e) = field.send_keys(text).await {
        browser
            .fail(&format!("could not type into {selector}: {e}"))
            .await;
    }
}

/// Fills the sign-in form on the page now shown and sends it.
async fn submit_login(browser: &Browser, password: &str) {
    fill(browser, "#username", MODERATOR).await;
    fill(browser, "#password", password).await;
    let button = browser.wait_for_css("form button[type=submit]").await;
    browser.click(button).await;
}

/// Signs in as the moderator from the sign-in page and waits for the dashboard.
async fn sign_in(browser: &Browser) {
    browser.goto("/admin/login").await;
    submit_login(browser, PASSWORD).await;
    browser.wait_for_path("/admin").await;
    browser.wait_for_text("pending submissions").await;
}

/// Starts the server with a moderator account and a browser.
async fn start(name: &str) -> (TestApp, Browser) {
    require_web_dist();
    let app = TestApp::spawn(Backend::Sqlite).await;
    add_user(&app.pool, MODERATOR, Role::Moderator);
    let browser = Browser::start(&app.base_url, name).await;
    (app, browser)
}

#[actix_rt::test]
async fn signing_in_guards_the_admin_pages_and_refuses_a_wrong_password() {
    let (_app, browser) =
        start("signing_in_guards_the_admin_pages_and_refuses_a_wrong_password").await;

    // Signed out, a protected page sends to sign-in, remembering where it was going.
    browser.goto("/admin/stories").await;
    browser
        .wait_for_path("/admin/login?next=%2Fadmin%2Fstories")
        .await;
    browser
        .wait_for_title("Sign in — Admin — People's Stories")
        .await;

    submit_login(&browser, "not the password at all").await;
    browser
        .wait_for_text("The username or password is wrong.")
        .await;

    // The right password goes back to the page asked for.
    submit_login(&browser, PASSWORD).await;
    browser.wait_for_path("/admin/stories").await;
    browser
        .wait_for_title("Stories — Admin — People's Stories")
        .await;

    // The dashboard shows the queue counts; moderators see no admin-only pages.
    let dashboard = browser.wait_for_link("Dashboard").await;
    browser.click(dashboard).await;
    browser.wait_for_path("/admin").await;
    browser
        .wait_for_texts(&["pending submissions", "pending guestbook entries"])
        .await;
    let text = browser.text().await;
    assert!(
        !text.contains("Audit log") && !text.contains("API tokens"),
        "a moderator sees admin-only links:\n{text}"
    );

    // Signing out ends the session: protected pages ask again.
    let sign_out = browser.wait_for_css(".signed-in button").await;
    browser.click(sign_out).await;
    browser.wait_for_path("/admin/login").await;
    browser.goto("/admin").await;
    browser.wait_for_path("/admin/login?next=%2Fadmin").await;
    browser.close().await;
}

/// A `?next=` that leads out of the admin view (here by `..` and a doubled slash, which a
/// browser reads as another host) is ignored: signing in lands on the dashboard, on this
/// site. One that stays inside is followed, normalised.
#[actix_rt::test]
async fn signing_in_never_follows_next_out_of_the_admin_view() {
    let (_app, browser) = start("signing_in_never_follows_next_out_of_the_admin_view").await;

    browser
        .goto("/admin/login?next=/admin/..//evil.example/")
        .await;
    browser
        .wait_for_title("Sign in — Admin — People's Stories")
        .await;
    submit_login(&browser, PASSWORD).await;
    browser.wait_for_path("/admin").await;
    browser.wait_for_text("pending submissions").await;
    let url = match browser.client.current_url().await {
        Ok(u) => u,
        Err(e) => browser.fail(&format!("no current URL: {e}")).await,
    };
    let ours = url::Url::parse(&browser.base_url).expect("base URL");
    assert_eq!(
        url.origin(),
        ours.origin(),
        "signing in left the site: {url}"
    );
    assert_eq!(url.path(), "/admin", "{url}");

    // Signed out again, a `next` inside the admin view is followed, `..` resolved.
    let sign_out = browser.wait_for_css(".signed-in button").await;
    browser.click(sign_out).await;
    browser.wait_for_path("/admin/login").await;
    browser
        .goto("/admin/login?next=/admin//stories/../sources")
        .await;
    submit_login(&browser, PASSWORD).await;
    browser.wait_for_path("/admin/sources").await;
    browser.close().await;
}

#[actix_rt::test]
async fn editing_a_title_shows_on_the_public_story_page() {
    let (app, browser) = start("editing_a_title_shows_on_the_public_story_page").await;
    let page: StoryPage = app.get_json("/api/v1/stories?limit=1").await;
    let story = page.items.into_iter().next().expect("a seed story");
    sign_in(&browser).await;

    browser.goto(&format!("/admin/stories/{}", story.id)).await;
    browser
        .wait_for_text(&format!("Edit: {}", story.title))
        .await;
    let new_title = "Scam centres: hundreds of thousands held, UN report says";
    fill(&browser, "#f-title", new_title).await;
    let save = browser.wait_for_css("#save").await;
    browser.click(save).await;
    browser.wait_for_text("Saved.").await;

    // The public page, as readers open it, has the new title.
    let public = browser.wait_for_css("#public-page").await;
    browser.click(public).await;
    browser
        .wait_for_title(&format!("{new_title} — People's Stories"))
        .await;
    let h1 = browser.wait_for_css("h1").await;
    assert_eq!(h1.text().await.unwrap_or_default(), new_title);
    let fresh: peoples_stories_shared::Story =
        app.get_json(&format!("/api/v1/stories/{}", story.id)).await;
    assert_eq!(fresh.title, new_title);
    browser.close().await;
}

/// A story submitted through the public API is approved in the queue and read on its page.
#[actix_rt::test]
async fn approving_a_submission_publishes_its_story() {
    let (app, browser) = start("approving_a_submission_publishes_its_story").await;
    let title = "Land defenders detained after a peaceful protest";
    let res = app
        .client
        .post(app.url("/api/v1/submissions"))
        .json(&json!({
            "title": title,
            "body": "Three land defenders were detained after a peaceful protest against an eviction.",
            "theme": "justice",
            "countries": ["KH"],
            "email": "witness@example.org",
            "consent": true
        }))
        .send()
        .await
        .expect("submit");
    assert_eq!(res.status(), 202, "submission accepted");
    let receipt: SubmissionReceipt = res.json().await.expect("receipt");
    sign_in(&browser).await;

    browser.goto("/admin/submissions?status=pending").await;
    let link = browser.wait_for_link(title).await;
    browser.click(link).await;
    browser
        .wait_for_path(&format!("/admin/submissions/{}", receipt.id))
        .await;
    // Moderators see the private contact address.
    browser.wait_for_text("witness@example.org").await;
    let approve = browser.wait_for_css("#approve").await;
    browser.click(approve).await;
    let story_link = browser.wait_for_css("#approved-story").await;
    browser.click(story_link).await;
    browser
        .wait_for_title(&format!("{title} — People's Stories"))
        .await;
    browser
        .wait_for_text("Three land defenders were detained")
        .await;
    browser.close().await;
}

/// A guestbook entry hidden with a bulk action leaves the public guestbook.
#[actix_rt::test]
async fn hiding_a_guestbook_entry_takes_it_off_the_public_guestbook() {
    let (app, browser) = start("hiding_a_guestbook_entry_takes_it_off_the_public_guestbook").await;
    let message = "Thank you for keeping these stories.";
    let res = app
        .client
        .post(app.url("/api/v1/guestbook"))
        .json(&json!({"name": "Sokha", "message": message, "country": "KH"}))
        .send()
        .await
        .expect("sign");
    assert!(res.status().is_success(), "signed: {}", res.status());
    let visible: GuestbookPage = app.get_json("/api/v1/guestbook").await;
    let entry = visible
        .items
        .iter()
        .find(|e| e.message == message)
        .expect("the entry shows at once")
        .id;
    sign_in(&browser).await;

    browser.goto("/admin/guestbook?status=visible").await;
    browser.wait_for_text(message).await;
    let check = browser
        .wait_for_css(&format!("tr[data-entry-id='{entry}'] .select-entry"))
        .await;
    browser.click(check).await;
    let hide = browser.wait_for_css("#bulk-hide").await;
    browser.click(hide).await;
    browser.wait_for_text("1 entry hidden.").await;

    let after: GuestbookPage = app.get_json("/api/v1/guestbook").await;
    assert!(
        after.items.iter().all(|e| e.id != entry),
        "the hidden entry is still public"
    );
    // And it is listed among the hidden ones.
    browser.goto("/admin/guestbook?status=hidden").await;
    browser.wait_for_text(message).await;
    assert!(browser
        .client
        .find(Locator::Css(&format!("tr[data-entry-id='{entry}']")))
        .await
        .is_ok());
    browser.close().await;
}

#[actix_rt::test]
async fn the_stories_list_pages_forward_and_back() {
    let (app, browser) = start("the_stories_list_pages_forward_and_back").await;
    // The two seed stories and 27 more: two pages of 25.
    for i in 0..27 {
        crate::support::insert_story(
            &app.pool,
            &format!("Paged story {i:02}"),
            "Text.",
            "peace",
            &["FR"],
            Some("2024"),
        );
    }
    sign_in(&browser).await;
    browser.goto("/admin/stories").await;
    browser.wait_for_text("29 in all").await;
    browser.wait_for_text("Paged story 26").await;
    let next = browser.wait_for_css("nav.pager a[rel=next]").await;
    assert_eq!(next.text().await.expect("text"), "Next page");
    browser.click(next).await;
    browser.wait_for_path("/admin/stories?offset=25").await;
    // Oldest last: the seed stories (2023) and the first paged ones are on the second page.
    browser
        .wait_for_texts(&["Paged story 00", "Previous page"])
        .await;
    assert!(!browser.text().await.contains("Next page"), "a third page");
    browser.click_link("Previous page").await;
    browser.wait_for_path("/admin/stories?offset=0").await;
    browser.wait_for_text("Paged story 26").await;
    browser.close().await;
}
