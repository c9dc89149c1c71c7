//! The app in headless Chromium, against the real server on a seeded SQLite database.
//!
//! Needs `web/dist` (scripts/build-web.sh) and chromedriver with Chromium.

pub mod admin;
pub mod driver;
mod paint;
mod reader;

use crate::support::{Backend, TestApp};
use driver::{require_web_dist, Browser};

pub const SCAM_TITLE: &str =
    "Hundreds of thousands trafficked to work as online scammers in South East Asia";
pub const TREATY_TITLE: &str =
    "Amnesty calls on States to uphold human rights principles in new treaty on universal jurisdiction";

#[actix_rt::test]
async fn home_lists_the_seed_stories_and_opens_one() {
    require_web_dist();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let browser = Browser::start(&app.base_url, "home_lists_the_seed_stories_and_opens_one").await;

    browser.goto("/").await;
    browser.wait_for_texts(&[SCAM_TITLE, TREATY_TITLE]).await;
    browser.wait_for_texts(&["Aug. 2023", "May 26, 2023"]).await;
    browser
        .wait_for_title("Latest stories — People's Stories")
        .await;

    // The newest story comes first; open it as a reader would.
    let first = browser.wait_for_css(".story-card h2 a").await;
    let href = first.attr("href").await.ok().flatten().unwrap_or_default();
    assert!(
        href.starts_with("/stories/"),
        "the first card links to {href:?}"
    );
    browser.click(first).await;
    browser.wait_for_path(&href).await;
    browser
        .wait_for_texts(&[
            SCAM_TITLE,
            "by OHCHR, news agencies",
            "Hundreds of thousands of people are being forcibly engaged by organised criminal gangs",
            "They are victims. They are not criminals",
        ])
        .await;
    browser
        .wait_for_title(&format!("{SCAM_TITLE} — People's Stories"))
        .await;
    let related = browser.wait_for_link("Visit the related web page").await;
    let related_href = related
        .attr("href")
        .await
        .ok()
        .flatten()
        .unwrap_or_default();
    if !related_href.starts_with("http://www.ohchr.org/") {
        browser
            .fail(&format!(
                "the related link goes to {related_href:?}, not ohchr.org"
            ))
            .await;
    }
    browser.close().await;
}

#[actix_rt::test]
async fn theme_pages_have_their_heading_and_unknown_paths_are_not_found() {
    require_web_dist();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let browser = Browser::start(
        &app.base_url,
        "theme_pages_have_their_heading_and_unknown_paths_are_not_found",
    )
    .await;

    browser.goto("/justice").await;
    let h1 = browser.wait_for_css("h1").await;
    let heading = h1.text().await.unwrap_or_default();
    if heading != "People's Stories Justice" {
        browser.fail(&format!("the heading is {heading:?}")).await;
    }
    browser.wait_for_texts(&[SCAM_TITLE, TREATY_TITLE]).await;

    browser.goto("/no-such-page").await;
    browser.wait_for_text("Page not found").await;
    browser.close().await;
}
