//! The reader's pages as the server renders them: read and followed with JavaScript off, and
//! with it on, their islands (the forms) hydrated without an error in the console and without
//! the page moving, and no app code loaded by a page without one.

use super::driver::{require_web_dist, Browser};
use super::{SCAM_TITLE, TREATY_TITLE};
use crate::support::{insert_story, Backend, TestApp};

const SCAM_SLUG: &str =
    "hundreds-of-thousands-trafficked-to-work-as-online-scammers-in-south-east-asia";

/// The reader's pages, each with a text it must show.
const PAGES: [(&str, &str); 9] = [
    // The newest ten: the twelve newer stories push the seed stories to the theme's second page.
    ("/", "Justice story number 3"),
    ("/justice", "Justice story number 12"),
    ("/justice?offset=10", TREATY_TITLE),
    (
        "/stories/hundreds-of-thousands-trafficked-to-work-as-online-scammers-in-south-east-asia",
        "Visit the related web page",
    ),
    ("/search?q=trafficked", "1 story matches."),
    ("/sources", "Sources"),
    ("/guestbook", "Sign"),
    ("/submit", "Your story"),
    ("/about", "Where the stories come from"),
];

async fn app_with_stories() -> TestApp {
    require_web_dist();
    let app = TestApp::spawn(Backend::Sqlite).await;
    // Twelve newer justice stories and the two seed stories: two pages.
    for i in 1..=12 {
        insert_story(
            &app.pool,
            &format!("Justice story number {i}"),
            "A story written for the server-rendering test.",
            "justice",
            &["KH"],
            Some(&format!("2024-03-{i:02}")),
        );
    }
    app.reindex_now();
    app
}

/// Whether the page loaded since `mark_document` is the same document (the app's router
/// took the click) or a new one (the browser followed a link).
async fn same_document(browser: &Browser) -> bool {
    browser
        .client
        .execute("return window.__psSameDocument === true;", vec![])
        .await
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}

async fn mark_document(browser: &Browser) {
    if let Err(e) = browser
        .client
        .execute("window.__psSameDocument = true;", vec![])
        .await
    {
        browser
            .fail(&format!("could not mark the document: {e}"))
            .await;
    }
}

#[actix_rt::test]
async fn reader_pages_read_and_link_without_javascript() {
    let app = app_with_stories().await;
    let browser = Browser::start_without_javascript(
        &app.base_url,
        "reader_pages_read_and_link_without_javascript",
    )
    .await;
    for (path, text) in PAGES {
        browser.goto(path).await;
        browser.wait_for_text(text).await;
        if browser
            .console_errors()
            .await
            .iter()
            .any(|e| !e.contains("favicon"))
        {
            browser
                .fail(&format!("{path}: errors in the console"))
                .await;
        }
    }
    // A story whole: its countries and sources are links.
    browser.goto(&format!("/stories/{SCAM_SLUG}")).await;
    browser.wait_for_link("Cambodia").await;
    // Paging is plain links: the browser loads each page (the app is not running).
    browser.goto("/justice").await;
    browser.wait_for_text("Stories 1–10 of 14").await;
    mark_document(&browser).await;
    browser.click_link("View previous stories").await;
    browser.wait_for_path("/justice?offset=10").await;
    browser
        .wait_for_texts(&["Stories 11–14 of 14", SCAM_TITLE, TREATY_TITLE])
        .await;
    if same_document(&browser).await {
        browser.fail("the app ran: JavaScript is not off").await;
    }
    browser.click_link("View more stories").await;
    browser.wait_for_path("/justice").await;
    browser.wait_for_text("Justice story number 12").await;
    // A search is a form the browser sends as the search page's query.
    browser.goto("/search").await;
    browser.fill("#search-q", "universal jurisdiction").await;
    browser
        .click_css("form[role=search] button[type=submit]")
        .await;
    browser.wait_for_text(TREATY_TITLE).await;
    browser.close().await;
}

#[actix_rt::test]
async fn reader_pages_hydrate_without_errors_or_layout_shift() {
    let app = app_with_stories().await;
    let browser = Browser::start(
        &app.base_url,
        "reader_pages_hydrate_without_errors_or_layout_shift",
    )
    .await;
    for (path, text) in PAGES {
        browser.goto(path).await;
        browser.wait_for_text(text).await;
        // Every island hydrated (web/boot.js marks each once its code has run).
        browser.wait_for_idle().await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
        let errors = browser.console_errors().await;
        if !errors.is_empty() {
            browser
                .fail(&format!("{path}: the console has errors: {errors:#?}"))
                .await;
        }
        let shift = browser.layout_shift().await;
        if shift > 0.01 {
            browser
                .fail(&format!(
                    "{path}: the page moved as its islands hydrated (layout shift {shift:.3})"
                ))
                .await;
        }
        // The forms are islands; every other page is HTML and links, and loads no app code.
        let islands = browser
            .client
            .execute(
                "return document.querySelectorAll('leptos-island').length;",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        let loaded_app = browser
            .client
            .execute(
                "return performance.getEntriesByType('resource')
                    .some(r => r.name.includes('peoples_stories_web_bg.wasm'));",
                vec![],
            )
            .await
            .ok()
            .and_then(|v| v.as_bool())
            .unwrap_or(false);
        let has_form = ["/search", "/guestbook", "/submit"]
            .iter()
            .any(|p| path.starts_with(p));
        if has_form != (islands > 0) || has_form != loaded_app {
            browser
                .fail(&format!(
                    "{path}: {islands} islands, app code loaded: {loaded_app}"
                ))
                .await;
        }
    }
    browser.close().await;
}
