//! The seed stories, field by field, against the original page they come from.

use peoples_stories_shared::{DatePrecision, Story};

use crate::support::{both_databases, repo_root};

pub const SCAM_SLUG: &str =
    "hundreds-of-thousands-trafficked-to-work-as-online-scammers-in-south-east-asia";
pub const TREATY_SLUG: &str =
    "amnesty-calls-on-states-to-uphold-human-rights-principles-in-new-treaty-on-universal-jurisdiction";

/// The paragraphs of the original page, as printed (non-breaking spacer lines dropped).
fn original_paragraphs() -> Vec<String> {
    let path = repo_root().join("tests/fixtures/peoples-stories-justice.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("the seed page {} must be readable: {e}", path.display()));
    text.lines()
        .map(|l| {
            l.trim_matches(|c: char| c == '\u{a0}' || c.is_whitespace())
                .to_string()
        })
        .filter(|l| !l.is_empty())
        .collect()
}

/// Every paragraph between two lines of the original page.
fn paragraphs_between(all: &[String], first: &str, end: &str) -> Vec<String> {
    let start = all
        .iter()
        .position(|p| p.starts_with(first))
        .expect("start line");
    let stop = start
        + all[start..]
            .iter()
            .position(|p| p.starts_with(end))
            .expect("end line");
    all[start..stop].to_vec()
}

fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n").map(str::to_string).collect()
}

both_databases! {
    async fn scam_story_is_held_exactly(app) {
        let s: Story = app.get_json(&format!("/api/v1/stories/{SCAM_SLUG}")).await;
        let page = original_paragraphs();
        assert_eq!(s.title, "Hundreds of thousands trafficked to work as online scammers in South East Asia");
        assert_eq!(s.theme, "justice");
        assert_eq!(s.byline.as_deref(), Some("OHCHR, news agencies"));
        assert_eq!(s.date.map(|d| d.to_string()).as_deref(), Some("2023-08"));
        assert_eq!(s.date_precision, Some(DatePrecision::Month));
        assert_eq!(s.human_date().as_deref(), Some("Aug. 2023"));
        assert!(page.contains(&"Aug. 2023".to_string()));
        assert_eq!(s.summary, None);
        let body = paragraphs_between(&page, "Hundreds of thousands of people are being forcibly", "http://");
        assert_eq!(paragraphs(&s.body), body);
        assert_eq!(body.len(), 16);
        assert!(s.updates.is_empty());
        let codes: Vec<&str> = s.countries.iter().map(|c| c.code.as_str()).collect();
        assert_eq!(codes, ["MM", "KH", "LA", "PH", "TH"]);
        assert_eq!(s.countries[2].name, "Laos");
        let link_line = page.iter().find(|p| p.starts_with("http://www.ohchr.org")).expect("links");
        let urls: Vec<&str> = s.links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls, link_line.split_whitespace().collect::<Vec<_>>());
        let domains: Vec<&str> = s.links.iter().map(|l| l.source.domain.as_str()).collect();
        assert_eq!(domains, ["ohchr.org", "ohchr.org", "theguardian.com", "theguardian.com", "latimes.com"]);
        assert_eq!(s.links[4].source.name, "Los Angeles Times");
        assert_eq!(s.related_url.as_deref(), Some(urls[0]));
        // Same story by numeric id.
        let by_id: Story = app.get_json(&format!("/api/v1/stories/{}", s.id)).await;
        assert_eq!(by_id, s);
    }

    async fn treaty_story_is_held_exactly(app) {
        let s: Story = app.get_json(&format!("/api/v1/stories/{TREATY_SLUG}")).await;
        let page = original_paragraphs();
        assert_eq!(s.byline.as_deref(), Some("Agnes Callamard, Fisseha Tekle\nAmnesty International"));
        assert_eq!(s.date.map(|d| d.to_string()).as_deref(), Some("2023-05-26"));
        assert_eq!(s.date_precision, Some(DatePrecision::Day));
        assert_eq!(s.human_date().as_deref(), Some("May 26, 2023"));
        let main = paragraphs_between(&page, "States agree to landmark treaty", "12 May 2023");
        assert_eq!(s.summary.as_deref(), Some(main[0].as_str()));
        assert_eq!(paragraphs(&s.body), main[1..].to_vec());
        assert_eq!(s.updates.len(), 1);
        let u = &s.updates[0];
        assert_eq!(u.date.map(|d| d.to_string()).as_deref(), Some("2023-05-12"));
        assert_eq!(u.date_precision, Some(DatePrecision::Day));
        let update = paragraphs_between(&page, "States must adopt a landmark treaty", "http://");
        assert_eq!(paragraphs(&u.body), update);
        let domains: Vec<&str> = s.links.iter().map(|l| l.source.domain.as_str()).collect();
        assert_eq!(domains, ["amnesty.org", "amnesty.org", "icj.org", "amnesty.org", "icrc.org", "fidh.org"]);
        assert!(s.links.iter().all(|l| l.url.starts_with("http://www.")));
        assert_eq!(s.related_url.as_deref(), Some(s.links[0].url.as_str()));
        assert_eq!(s.countries.iter().map(|c| c.code.as_str()).collect::<Vec<_>>(), ["SI"]);
    }

    async fn seeding_again_changes_nothing(app) {
        let before: serde_json::Value = app.get_json("/api/v1/stories").await;
        let added = peoples_stories_api::seed::run(&mut app.pool.get().expect("conn")).expect("seed");
        assert_eq!(added, 0);
        let after: serde_json::Value = app.get_json("/api/v1/stories").await;
        assert_eq!(before, after);
        let sources: Vec<serde_json::Value> = app.get_json("/api/v1/sources").await;
        assert_eq!(sources.len(), 7);
    }
}
