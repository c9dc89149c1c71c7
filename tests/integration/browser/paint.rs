//! How soon the first stories are painted, measured in Chromium against a running server:
//!
//! ```sh
//! PS_BENCH_URL=http://127.0.0.1:18090 cargo test -p peoples-stories-tests --test integration \
//!     first_stories_paint -- --ignored --nocapture
//! ```
//!
//! The stories are in the page's HTML (rendered on the server; only the forms' islands run in
//! the browser), so they are on screen at the first contentful paint; the measure also checks
//! that the page holds them (`article` elements) when it is painted. Times are milliseconds
//! from the start of navigation. The first load of each page runs on an empty cache; the next
//! ones reuse the browser's cache (as a returning reader).

use super::driver::Browser;

const RUNS: usize = 5;

/// Milliseconds from navigation start to first contentful paint and to the end of the
/// HTML's response, and the number of stories (`article`s) in the document.
const MEASURE: &str = r#"
    const done = arguments[arguments.length - 1];
    const started = performance.now();
    const check = () => {
        const fcp = performance.getEntriesByName('first-contentful-paint')[0];
        const nav = performance.getEntriesByType('navigation')[0] || {};
        if (fcp || performance.now() - started > 15000) {
            done([fcp ? fcp.startTime : -1, nav.responseEnd || -1,
                document.querySelectorAll('article').length]);
        } else {
            setTimeout(check, 20);
        }
    };
    check();
"#;

#[actix_rt::test]
#[ignore = "a benchmark: needs PS_BENCH_URL, a server with data"]
async fn first_stories_paint() {
    let Ok(base) = std::env::var("PS_BENCH_URL") else {
        eprintln!("set PS_BENCH_URL to a running server, e.g. http://127.0.0.1:18090");
        return;
    };
    // The newest story's page, as a reader following a shared link reaches it.
    let newest: serde_json::Value = reqwest::get(format!("{base}/api/v1/stories?limit=1"))
        .await
        .expect("the list answers")
        .json()
        .await
        .expect("the list is JSON");
    let slug = newest["items"][0]["slug"]
        .as_str()
        .expect("the server holds a story")
        .to_string();
    let story = format!("/stories/{slug}");
    println!(
        "| page | load | first contentful paint ms | HTML received ms | stories in the HTML |"
    );
    println!("|---|---|---:|---:|---:|");
    for path in [
        "/",
        "/justice",
        "/justice?offset=2000",
        story.as_str(),
        "/search?q=court",
    ] {
        // A fresh browser (and profile) per page, so its first load has an empty cache.
        let browser = Browser::start(&base, "first_stories_paint").await;
        let mut warm = Vec::new();
        for run in 0..=RUNS {
            browser.goto(path).await;
            let v = browser
                .client
                .execute_async(MEASURE, vec![])
                .await
                .unwrap_or_else(|e| panic!("{path}: {e}"));
            let ms: Vec<f64> = serde_json::from_value(v).unwrap_or_default();
            let row = |label: &str, ms: &[f64]| {
                println!(
                    "| `{path}` | {label} | {:.0} | {:.0} | {:.0} |",
                    ms[0], ms[1], ms[2]
                );
            };
            if run == 0 {
                row("first (cold cache)", &ms);
            } else {
                warm.push(ms);
            }
        }
        warm.sort_by(|a, b| a[0].total_cmp(&b[0]));
        row_median(path, &warm);
        browser.close().await;
    }
}

fn row_median(path: &str, warm: &[Vec<f64>]) {
    let m = &warm[warm.len() / 2];
    println!(
        "| `{path}` | median of {} (warm cache) | {:.0} | {:.0} | {:.0} |",
        warm.len(),
        m[0],
        m[1],
        m[2]
    );
}
