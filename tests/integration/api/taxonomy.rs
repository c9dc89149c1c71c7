//! Themes, countries and sources with their counts; health probes.

use peoples_stories_shared::{Country, Source, Theme};

use peoples_stories_api::db::{sources, taxonomy};
use peoples_stories_api::search::Facet;

use crate::support::{both_databases, insert_story};

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

    async fn the_index_counts_as_the_database_does(app) {
        for i in 0..7 {
            let (theme, countries): (&str, &[&str]) = match i % 3 {
                0 => ("peace", &["FR"]),
                1 => ("justice", &["KH", "FR"]),
                _ => ("freedom", &["BR", "KH", "FR"]),
            };
            insert_story(&app.pool, &format!("Counted story {i}"), "Text.", theme, countries, Some("2021"));
        }
        app.reindex_now();
        let mut conn = app.pool.get().expect("conn");
        // The index is ready: the responses' counts come from it.
        for facet in [Facet::Theme, Facet::Country, Facet::Source] {
            assert!(app.search.published_counts(facet).expect("counts").is_some());
        }
        let themes: Vec<Theme> = app.get_json("/api/v1/themes").await;
        assert_eq!(themes, taxonomy::list_themes(&mut conn, None).expect("themes"));
        let count = |slug: &str| themes.iter().find(|t| t.slug == slug).expect(slug).story_count;
        assert_eq!((count("justice"), count("peace"), count("freedom")), (2 + 2, 3, 2));
        let countries: Vec<Country> = app.get_json("/api/v1/countries").await;
        assert_eq!(countries, taxonomy::list_countries(&mut conn, None).expect("countries"));
        let count = |code: &str| countries.iter().find(|c| c.code == code).expect(code).story_count;
        assert_eq!((count("FR"), count("KH"), count("BR")), (7, 1 + 4, 2));
        let picked: Vec<Country> = app.get_json("/api/v1/countries?q=cam").await;
        assert_eq!(picked[0].code, "KH");
        assert_eq!(picked[0].story_count, 5);
        let listed: Vec<Source> = app.get_json("/api/v1/sources").await;
        assert_eq!(listed, sources::list(&mut conn, None).expect("sources"));
        let amnesty: Source = app.get_json("/api/v1/sources/amnesty").await;
        assert_eq!(Some(amnesty), sources::find(&mut conn, "amnesty", None).expect("source"));
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
