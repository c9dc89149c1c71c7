//! The reader's pages in headless Chromium: paging a theme, a story and its sources, search
//! (keywords, countries by name and alias, facets, the map), the two forms, accessibility
//! (axe-core) and a 360 px wide screen.

use super::driver::{require_web_dist, Browser};
use super::{SCAM_TITLE, TREATY_TITLE};
use crate::support::{add_user, insert_story, Backend, TestApp};
use peoples_stories_shared::{Role, SubmissionPage, SubmissionStatus};

const SCAM_SLUG: &str =
    "hundreds-of-thousands-trafficked-to-work-as-online-scammers-in-south-east-asia";

async fn start(name: &str) -> (TestApp, Browser) {
    require_web_dist();
    let app = TestApp::spawn(Backend::Sqlite).await;
    let browser = Browser::start(&app.base_url, name).await;
    (app, browser)
}

#[actix_rt::test]
async fn a_theme_pages_back_to_its_oldest_story_and_forward_again() {
    let (app, browser) = start("a_theme_pages_back_to_its_oldest_story_and_forward_again").await;
    // 23 newer stories and the two seed stories: three pages of ten.
    for i in 1..=23 {
        insert_story(
            &app.pool,
            &format!("Justice story number {i}"),
            "A story written for the paging test, with enough words in it.",
            "justice",
            &["KH"],
            Some(&format!("2024-02-{i:02}")),
        );
    }
    app.reindex_now();

    browser.goto("/justice").await;
    browser
        .wait_for_texts(&["Justice story number 23", "Stories 1–10 of 25"])
        .await;
    browser.wait_for_title("Justice — People's Stories").await;
    // The fact file: the theme's description from the API.
    browser.wait_for_css(".fact-file p").await;

    browser.click_link("View previous stories").await;
    browser.wait_for_path("/justice?offset=10").await;
    browser.wait_for_text("Stories 11–20 of 25").await;
    browser.click_link("View previous stories").await;
    browser.wait_for_path("/justice?offset=20").await;
    browser
        .wait_for_texts(&["Stories 21–25 of 25", SCAM_TITLE, TREATY_TITLE])
        .await;
    // The oldest story is last, printed whole with its sources and related link.
    browser
        .wait_for_texts(&["May 26, 2023", "Visit the related web page"])
        .await;
    if browser.text().await.contains("View previous stories") {
        browser
            .fail("the last page still offers older stories")
            .await;
    }

    // Back and forward work, as every page state is in the URL.
    browser.client.back().await.expect("back");
    browser.wait_for_path("/justice?offset=10").await;
    browser.wait_for_text("Stories 11–20 of 25").await;
    browser.client.forward().await.expect("forward");
    browser.wait_for_path("/justice?offset=20").await;
    browser.wait_for_text("Stories 21–25 of 25").await;

    browser.click_link("View more stories").await;
    browser.wait_for_path("/justice?offset=10").await;
    browser.wait_for_text("Stories 11–20 of 25").await;
    browser.click_link("View more stories").await;
    browser.wait_for_path("/justice").await;
    browser
        .wait_for_texts(&["Stories 1–10 of 25", "Justice story number 23"])
        .await;
    browser.close().await;
}

#[actix_rt::test]
async fn a_story_links_its_countries_and_sources() {
    let (_app, browser) = start("a_story_links_its_countries_and_sources").await;
    browser.goto(&format!("/stories/{SCAM_SLUG}")).await;
    browser
        .wait_for_texts(&[SCAM_TITLE, "Countries:", "Sources"])
        .await;

    // A country is a search by that country.
    browser.click_link("Laos").await;
    browser.wait_for_path("/search?country=LA").await;
    browser
        .wait_for_texts(&[SCAM_TITLE, "1 story matches."])
        .await;

    browser.client.back().await.expect("back");
    browser
        .wait_for_path(&format!("/stories/{SCAM_SLUG}"))
        .await;
    // A source is its page, with the stories that cite it.
    browser
        .click_css("a.source-name[href='/sources/ohchr']")
        .await;
    browser.wait_for_path("/sources/ohchr").await;
    let h1 = browser.wait_for_css("h1").await;
    browser.wait_for_text(SCAM_TITLE).await;
    let heading = h1.text().await.unwrap_or_default();
    if heading != "OHCHR" {
        browser
            .fail(&format!("the source page's heading is {heading:?}"))
            .await;
    }
    browser.wait_for_title("OHCHR — People's Stories").await;

    browser.click_link("All sources").await;
    browser.wait_for_path("/sources").await;
    browser
        .wait_for_texts(&["OHCHR", "The Guardian", "Amnesty International"])
        .await;
    browser.close().await;
}

#[actix_rt::test]
async fn search_by_keyword_country_alias_facet_and_map() {
    let (_app, browser) = start("search_by_keyword_country_alias_facet_and_map").await;

    // Keywords: the matching passage comes with the matches marked.
    browser.goto("/search").await;
    browser.wait_for_idle().await;
    browser.fill("#search-q", "scams").await;
    browser.click_css(".search-form button[type=submit]").await;
    browser.wait_for_path("/search?q=scams").await;
    browser
        .wait_for_texts(&[SCAM_TITLE, "1 story matches."])
        .await;
    let mark = browser.wait_for_css(".highlight mark").await;
    let marked = mark.text().await.unwrap_or_default().to_lowercase();
    if !marked.starts_with("scam") {
        browser
            .fail(&format!("the highlight marks {marked:?}"))
            .await;
    }
    browser
        .wait_for_title("Search: “scams” — People's Stories")
        .await;

    // A country by its name, with type-ahead offering names and aliases.
    browser.goto("/search").await;
    browser.wait_for_idle().await;
    browser.fill("#search-country", "Bur").await;
    browser
        .wait_for_css("#country-options option[value='Myanmar']")
        .await;
    browser
        .wait_for_css("#country-options option[value='Burma']")
        .await;
    browser.fill("#search-country", "Cambodia").await;
    browser.click_css(".search-form button[type=submit]").await;
    browser.wait_for_path("/search?country=Cambodia").await;
    browser
        .wait_for_texts(&[SCAM_TITLE, "1 story matches."])
        .await;
    // The search's feed, with the search's filters.
    let follow = browser.wait_for_link("Follow this search (Atom)").await;
    let href = follow.attr("href").await.ok().flatten();
    if href.as_deref() != Some("/feeds/stories.atom?country=Cambodia") {
        browser
            .fail(&format!("the search's feed link is {href:?}"))
            .await;
    }
    if browser.text().await.contains(TREATY_TITLE) {
        browser
            .fail("the Cambodia search shows the treaty story")
            .await;
    }

    // By an alias, and keywords with a country together.
    browser.goto("/search?country=Laos").await;
    browser
        .wait_for_texts(&[SCAM_TITLE, "1 story matches."])
        .await;
    browser.goto("/search").await;
    browser.wait_for_idle().await;
    browser.fill("#search-q", "universal jurisdiction").await;
    browser.fill("#search-country", "Burma").await;
    browser.click_css(".search-form button[type=submit]").await;
    browser
        .wait_for_path("/search?q=universal+jurisdiction&country=Burma")
        .await;
    browser.wait_for_text("No stories match.").await;
    browser.fill("#search-q", "scam").await;
    browser.click_css(".search-form button[type=submit]").await;
    browser.wait_for_path("/search?q=scam&country=Burma").await;
    browser
        .wait_for_texts(&[SCAM_TITLE, "1 story matches."])
        .await;

    // Narrow by a facet.
    browser.goto("/search?q=scam+OR+jurisdiction").await;
    browser
        .wait_for_texts(&[SCAM_TITLE, TREATY_TITLE, "2 stories match."])
        .await;
    browser.click_css(".facet a[href*='from=2023']").await;
    browser
        .wait_for_path("/search?q=scam+OR+jurisdiction&from=2023&to=2023")
        .await;
    browser.wait_for_text("2 stories match.").await;
    browser.click_link("The Guardian").await;
    browser.wait_for_text("1 story matches.").await;
    browser.wait_for_text(SCAM_TITLE).await;

    // The map: countries with stories are coloured; clicking one filters by it; the table
    // says the same in words.
    browser.goto("/search?q=scam+OR+jurisdiction").await;
    browser.wait_for_text("2 stories match.").await;
    browser
        .wait_for_css(".country-counts a[href*='country=KH']")
        .await;
    browser.click_css(".world-map use[data-code='KH']").await;
    browser
        .wait_for_path("/search?q=scam+OR+jurisdiction&country=KH")
        .await;
    browser
        .wait_for_texts(&["1 story matches.", SCAM_TITLE])
        .await;
    browser
        .wait_for_css(".world-map use.selected[data-code='KH']")
        .await;
    // Back restores the search and its form.
    browser.client.back().await.expect("back");
    browser
        .wait_for_path("/search?q=scam+OR+jurisdiction")
        .await;
    browser.wait_for_text("2 stories match.").await;
    browser
        .wait_until(
            "the keyword field shows the search again",
            "return document.querySelector('#search-q').value === 'scam OR jurisdiction';",
        )
        .await;
    browser.close().await;
}

/// Fills the submission form with a good story; `countries` as typed.
async fn fill_submission(browser: &Browser, countries: &str) {
    browser
        .fill("#sub-title", "Land defenders detained after a protest")
        .await;
    browser
        .fill(
            "#sub-body",
            "Seven land defenders were detained after a peaceful protest against an eviction.",
        )
        .await;
    let theme = browser.wait_for_css("#sub-theme").await;
    theme
        .select_by_value("justice")
        .await
        .expect("select theme");
    browser.fill("#sub-countries", countries).await;
    browser
        .fill("#link-0-url", "https://www.ohchr.org/en/press-releases")
        .await;
}

#[actix_rt::test]
async fn submit_a_story() {
    let (app, browser) = start("submit_a_story").await;
    browser.goto("/submit").await;
    browser
        .wait_for_title("Submit a Story — People's Stories")
        .await;
    // The page says how long the e-mail is kept.
    browser
        .wait_for_text("it is deleted 30 days after they decide on your story")
        .await;

    // The honeypot is there for robots, hidden from people and out of the tab order.
    let honeypot = browser
        .wait_for_css(".hp[aria-hidden='true'] input#website")
        .await;
    assert_eq!(
        honeypot.attr("tabindex").await.ok().flatten().as_deref(),
        Some("-1")
    );

    // Sending it empty: the shared rules answer at once, beside each field.
    browser
        .click_css(".contribution-form button[type=submit]")
        .await;
    browser
        .wait_for_texts(&["Please check these fields", "Title: is required"])
        .await;
    browser
        .wait_for_css("#sub-title[aria-invalid='true']")
        .await;
    browser
        .wait_for_css("#sub-consent[aria-invalid='true']")
        .await;

    // A country the server does not know: its error comes back beside the countries field.
    fill_submission(&browser, "Atlantis").await;
    browser.click_css("#sub-consent").await;
    browser
        .click_css(".contribution-form button[type=submit]")
        .await;
    browser
        .wait_until(
            "the server's error shows beside the countries field",
            "return document.querySelector('#sub-countries-error').textContent.length > 0;",
        )
        .await;

    browser.fill("#sub-countries", "Cambodia, Laos").await;
    browser
        .click_css(".contribution-form button[type=submit]")
        .await;
    browser
        .wait_for_texts(&[
            "Thank you: your story has reached us",
            "nothing appears on the site without review",
        ])
        .await;
    // The API stored it: 202 Accepted.
    browser
        .wait_until(
            "the submission was answered 202",
            "return performance.getEntriesByType('resource').some(e => \
                e.name.endsWith('/api/v1/submissions') && e.responseStatus === 202);",
        )
        .await;
    browser.close().await;

    // A moderator finds it in the queue through the API, as the reader sent it.
    add_user(&app.pool, "queue-moderator", Role::Moderator);
    let session = app.session("queue-moderator").await;
    let res = app
        .as_browser(
            reqwest::Method::GET,
            "/api/v1/submissions?status=pending",
            &session,
        )
        .send()
        .await
        .expect("queue request");
    assert_eq!(res.status(), 200);
    let queue: SubmissionPage = res.json().await.expect("queue json");
    let mine: Vec<_> = queue
        .items
        .iter()
        .filter(|s| s.title == "Land defenders detained after a protest")
        .collect();
    assert_eq!(
        mine.len(),
        1,
        "one pending submission with that title: {queue:?}"
    );
    let sub = mine[0];
    assert_eq!(sub.status, SubmissionStatus::Pending);
    assert_eq!(sub.theme, "justice");
    let codes: Vec<&str> = sub.countries.iter().map(|c| c.code.as_str()).collect();
    assert_eq!(codes, ["KH", "LA"]);
    assert!(sub.body.starts_with("Seven land defenders were detained"));
    assert_eq!(sub.links.len(), 1);
}

#[actix_rt::test]
async fn sign_the_guestbook() {
    let (_app, browser) = start("sign_the_guestbook").await;
    browser.goto("/guestbook").await;
    browser.wait_for_idle().await;
    browser.wait_for_title("Guestbook — People's Stories").await;

    browser
        .click_css(".contribution-form button[type=submit]")
        .await;
    browser
        .wait_for_texts(&["Please check these fields", "Your name: is required"])
        .await;

    browser.fill("#gb-name", "Maria").await;
    browser.fill("#gb-country", "Cambodia").await;
    browser
        .fill("#gb-message", "Thank you for keeping these stories.")
        .await;
    browser
        .click_css(".contribution-form button[type=submit]")
        .await;
    browser.wait_for_text("Thank you for signing").await;
    let text = browser.text().await;
    if text.contains("your message is now in the guestbook") {
        // Shown at once (201): it is in the list, with its country's name (not "KH").
        browser
            .wait_for_texts(&[
                "Maria",
                "(Cambodia)",
                "Thank you for keeping these stories.",
            ])
            .await;
    } else if !text.contains("held for a moderator") {
        browser
            .fail("the reader is not told whether the message shows")
            .await;
    }
    browser.close().await;
}

/// Every reader page, as loaded by a reader.
const PAGES: [&str; 11] = [
    "/",
    "/justice",
    "/well-being",
    "/stories/hundreds-of-thousands-trafficked-to-work-as-online-scammers-in-south-east-asia",
    "/search?q=scam",
    "/submit",
    "/guestbook",
    "/sources",
    "/sources/ohchr",
    "/about",
    "/no-such-page",
];

#[actix_rt::test]
async fn every_page_passes_axe_and_has_one_h1_and_a_title() {
    let (_app, browser) = start("every_page_passes_axe_and_has_one_h1_and_a_title").await;
    let mut failures = Vec::new();
    for path in PAGES {
        browser.goto(path).await;
        browser.wait_for_idle().await;
        let h1s = browser
            .client
            .execute("return document.querySelectorAll('h1').length;", vec![])
            .await
            .ok()
            .and_then(|v| v.as_u64());
        if h1s != Some(1) {
            failures.push(format!("{path}: {h1s:?} h1 elements"));
        }
        let title = browser.client.title().await.unwrap_or_default();
        if !title.ends_with(" — People's Stories") {
            failures.push(format!(
                "{path}: the title {title:?} does not name the page"
            ));
        }
        for v in browser.axe_violations().await {
            failures.push(format!("{path}: {v}"));
        }
    }
    if !failures.is_empty() {
        browser.fail(&failures.join("\n")).await;
    }
    browser.close().await;
}

#[actix_rt::test]
async fn no_page_scrolls_sideways_at_360_px() {
    let (_app, browser) = start("no_page_scrolls_sideways_at_360_px").await;
    browser
        .client
        .set_window_size(360, 800)
        .await
        .expect("window size");
    let mut failures = Vec::new();
    for path in PAGES {
        browser.goto(path).await;
        browser.wait_for_idle().await;
        if let Some((scroll, inner)) = browser.horizontal_overflow().await {
            failures.push(format!("{path}: {scroll} px wide in a {inner} px window"));
        }
    }
    if !failures.is_empty() {
        browser.fail(&failures.join("\n")).await;
    }
    browser.close().await;
}
