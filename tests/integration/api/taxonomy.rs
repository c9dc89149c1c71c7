//! Themes, countries and sources with their counts; health probes.

use peoples_stories_shared::{Country, Source, Theme};

use crate::support::both_databases;

both_databases! {
    async fn themes_have_fact_files_and_counts(app) {
        let themes: Vec<Theme> = app.get_json("/api/v1/themes").await;
        let slugs: Vec<&str> = themes.iter().map(|t| t.slug.as_str()).collect();
        assert_eq!(slugs, ["justice", "freedom", "peace", "democracy", "well-being"]);
        assert!(themes.iter().all(|t| t.description.len() > 100 && !t.name.is_empty()));
        assert_eq!(themes[0].story_count, 2);
        assert!(themes[1..].iter().all(|t| t.story_count == 0));
    }

    async fn countries_are_iso_with_regions_aliases_and_counts(app) {
        let countries: Vec<Country> = app.get_json("/api/v1/countries").await;
        assert!(countries.len() >= 249, "{}", countries.len());
        let get = |code: &str| countries.iter().find(|c| c.code == code).expect(code).clone();
        assert_eq!(get("KH").story_count, 1);
        assert_eq!(get("KH").name, "Cambodia");
        assert_eq!(get("KH").region.as_deref(), Some("Asia"));
        assert_eq!(get("SI").story_count, 1);
        assert_eq!(get("FR").story_count, 0);
        assert!(get("MM").aliases.contains(&"Burma".to_string()));
        assert!(get("LA").aliases.iter().any(|a| a == "Lao PDR"));
        assert!(get("CI").aliases.iter().any(|a| a == "Ivory Coast"));
        assert!(countries.iter().all(|c| c.code.len() == 2));
    }

    async fn sources_have_domains_and_counts(app) {
        let sources: Vec<Source> = app.get_json("/api/v1/sources").await;
        let mut domains: Vec<&str> = sources.iter().map(|s| s.domain.as_str()).collect();
        domains.sort();
        assert_eq!(domains, ["amnesty.org", "fidh.org", "icj.org", "icrc.org", "latimes.com", "ohchr.org", "theguardian.com"]);
        // A story that cites a source three times counts once.
        let amnesty = sources.iter().find(|s| s.slug == "amnesty").expect("amnesty");
        assert_eq!((amnesty.name.as_str(), amnesty.story_count), ("Amnesty International", 1));
        let by_slug: Source = app.get_json("/api/v1/sources/amnesty").await;
        let by_id: Source = app.get_json(&format!("/api/v1/sources/{}", amnesty.id)).await;
        assert_eq!(&by_slug, amnesty);
        assert_eq!(by_id, by_slug);
    }

    async fn health_probes_answer(app) {
        let live: serde_json::Value = app.get_json("/healthz").await;
        assert_eq!(live["status"], "ok");
        let ready: serde_json::Value = app.get_json("/readyz").await;
        assert_eq!(ready["status"], "ready");
    }
}

both_databases! {
    async fn other_sites_may_read_the_api_from_a_browser(app) {
        let res = app
            .client
            .get(app.url("/api/v1/stories?limit=1"))
            .header("Origin", "https://ngo.example")
            .send()
            .await
            .expect("request");
        assert_eq!(res.status(), 200);
        let allow = res.headers().get("access-control-allow-origin").and_then(|v| v.to_str().ok());
        assert!(allow == Some("*") || allow == Some("https://ngo.example"), "{allow:?}");
        assert!(res.headers().get("access-control-allow-credentials").is_none());
        let ready: serde_json::Value = app.get_json("/readyz").await;
        assert_eq!(ready["search"], "ready");
    }
}
