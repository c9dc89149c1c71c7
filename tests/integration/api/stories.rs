//! Listing stories: every parameter, paging links and sort orders.

use peoples_stories_shared::StoryPage;

use super::seed::{SCAM_SLUG, TREATY_SLUG};
use crate::support::both_databases;

fn slugs(page: &StoryPage) -> Vec<&str> {
    page.items.iter().map(|s| s.slug.as_str()).collect()
}

both_databases! {
    async fn lists_newest_first_by_default(app) {
        let page: StoryPage = app.get_json("/api/v1/stories").await;
        assert_eq!(page.total, 2);
        assert_eq!((page.limit, page.offset), (20, 0));
        assert_eq!(slugs(&page), [SCAM_SLUG, TREATY_SLUG]);
        assert_eq!((page.next.as_deref(), page.prev.as_deref()), (None, None));
        let oldest: StoryPage = app.get_json("/api/v1/stories?sort=oldest").await;
        assert_eq!(slugs(&oldest), [TREATY_SLUG, SCAM_SLUG]);
        let newest: StoryPage = app.get_json("/api/v1/stories?sort=newest").await;
        assert_eq!(slugs(&newest), slugs(&page));
    }

    async fn pages_with_next_and_prev_links(app) {
        let first: StoryPage = app.get_json("/api/v1/stories?limit=1").await;
        assert_eq!(slugs(&first), [SCAM_SLUG]);
        assert_eq!(first.total, 2);
        assert_eq!(first.prev, None);
        let next = first.next.clone().expect("a next page");
        assert_eq!(next, "/api/v1/stories?limit=1&offset=1");
        let second: StoryPage = app.get_json(&next).await;
        assert_eq!(slugs(&second), [TREATY_SLUG]);
        assert_eq!(second.next, None);
        assert_eq!(second.prev.as_deref(), Some("/api/v1/stories?limit=1"));
        let beyond: StoryPage = app.get_json("/api/v1/stories?offset=5").await;
        assert!(beyond.items.is_empty());
        assert_eq!(beyond.total, 2);
        // Links keep the filters.
        let filtered: StoryPage = app.get_json("/api/v1/stories?theme=justice&limit=1").await;
        assert_eq!(filtered.next.as_deref(), Some("/api/v1/stories?theme=justice&limit=1&offset=1"));
    }

    async fn filters_by_country_code_name_or_alias(app) {
        for (q, expected) in [
            ("country=KH", vec![SCAM_SLUG]),
            ("country=kh", vec![SCAM_SLUG]),
            ("country=Cambodia", vec![SCAM_SLUG]),
            ("country=Laos", vec![SCAM_SLUG]),
            ("country=Lao%20PDR", vec![SCAM_SLUG]),
            ("country=Burma", vec![SCAM_SLUG]),
            ("country=Myanmar", vec![SCAM_SLUG]),
            ("country=Slovenia", vec![TREATY_SLUG]),
            ("country=KH&country=SI", vec![SCAM_SLUG, TREATY_SLUG]),
            ("country=France", vec![]),
        ] {
            let page: StoryPage = app.get_json(&format!("/api/v1/stories?{q}")).await;
            assert_eq!(slugs(&page), expected, "{q}");
            assert_eq!(page.total, expected.len() as i64, "{q}");
        }
    }

    async fn filters_by_theme_source_and_date(app) {
        for (q, expected) in [
            ("theme=justice", vec![SCAM_SLUG, TREATY_SLUG]),
            ("theme=freedom", vec![]),
            ("theme=freedom&theme=justice", vec![SCAM_SLUG, TREATY_SLUG]),
            ("source=amnesty", vec![TREATY_SLUG]),
            ("source=ohchr", vec![SCAM_SLUG]),
            ("source=the-guardian&source=icj", vec![SCAM_SLUG, TREATY_SLUG]),
            ("from=2023-06", vec![SCAM_SLUG]),
            ("to=2023-05", vec![TREATY_SLUG]),
            ("from=2023&to=2023", vec![SCAM_SLUG, TREATY_SLUG]),
            // A story dated Aug. 2023 covers the whole month.
            ("from=2023-08-31&to=2023-08-31", vec![SCAM_SLUG]),
            ("from=2023-05-27&to=2023-07-31", vec![]),
            ("from=2023-05-26&to=2023-05-26", vec![TREATY_SLUG]),
            ("from=2024", vec![]),
            ("theme=justice&country=KH&source=ohchr&from=2023", vec![SCAM_SLUG]),
            ("country=KH&source=amnesty", vec![]),
        ] {
            let page: StoryPage = app.get_json(&format!("/api/v1/stories?{q}")).await;
            assert_eq!(slugs(&page), expected, "{q}");
        }
        // A year covers the whole year, on a list (the database) and a search (the index):
        // a story dated 2019 ends on Dec. 31 and starts on Jan. 1.
        crate::support::insert_story(&app.pool, "A year-long story", "Dated by year.", "peace", &["FR"], Some("2019"));
        crate::support::insert_story(&app.pool, "A day in 2018", "Dated by day.", "peace", &["FR"], Some("2018-12-31"));
        app.reindex_now();
        // (list total, search total: only the two new stories say "dated")
        for (q, list, search) in [
            ("from=2019-12-31", 3, 1),
            ("from=2019-12-31&to=2019-12-31", 1, 1),
            ("from=2019-01-01&to=2019-01-01", 1, 1),
            ("from=2018-12-31&to=2019-01-01", 2, 2),
            ("to=2018-12-31", 1, 1),
            ("from=2020&to=2022", 0, 0),
        ] {
            let page: StoryPage = app.get_json(&format!("/api/v1/stories?{q}")).await;
            assert_eq!((page.total, page.items.len()), (list, list as usize), "{q}");
            let page: StoryPage = app.get_json(&format!("/api/v1/stories?{q}&q=dated")).await;
            assert_eq!((page.total, page.items.len()), (search, search as usize), "{q}&q=dated");
        }
        // A source by numeric id works as by slug.
        let sources: Vec<peoples_stories_shared::Source> = app.get_json("/api/v1/sources").await;
        let fidh = sources.iter().find(|s| s.slug == "fidh").expect("fidh");
        let page: StoryPage = app.get_json(&format!("/api/v1/stories?source={}", fidh.id)).await;
        assert_eq!(slugs(&page), [TREATY_SLUG]);
    }
}

both_databases! {
    async fn totals_stay_exact_while_the_index_catches_up(app) {
        crate::support::insert_story(&app.pool, "A fresh story", "Just written.", "peace", &["KH"], Some("2025"));
        // Whether or not the index has seen it yet, the total counts it.
        let page: StoryPage = app.get_json("/api/v1/stories").await;
        assert_eq!((page.total, page.items.len()), (3, 3));
        let kh: StoryPage = app.get_json("/api/v1/stories?country=KH").await;
        assert_eq!(kh.total, 2);
    }

    async fn index_totals_equal_database_counts(app) {
        use peoples_stories_api::db::{changes, stories as db_stories};
        {
            let mut conn = app.pool.get().expect("conn");
            peoples_stories_api::generate::run(&mut conn, 300, 7).expect("generate");
            changes::record_rebuild(&mut conn).expect("rebuild request");
        }
        app.reindex_now();
        // In step with the database, so lists take their totals from the index.
        // (`exact_seq` is None for the moment the follower holds the index's state.)
        let latest = changes::latest(&mut app.pool.get().expect("conn")).expect("latest");
        let started = std::time::Instant::now();
        while app.search.exact_seq() != Some(latest) {
            assert!(started.elapsed().as_secs() < 5, "the index did not reach change {latest}");
            actix_rt::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        let themes: Vec<peoples_stories_shared::Theme> = app.get_json("/api/v1/themes").await;
        let sources: Vec<peoples_stories_shared::Source> = app.get_json("/api/v1/sources").await;
        let mut queries = vec![String::new(), "from=2010&to=2015".to_string(), "to=2001".to_string()];
        queries.extend(themes.iter().map(|t| format!("theme={}", t.slug)));
        queries.extend(sources.iter().take(5).map(|s| format!("source={}", s.slug)));
        queries.extend(["country=KH", "country=US&theme=justice", "country=FR&country=DE&from=2020"].map(String::from));
        for q in queries {
            let page: StoryPage = app.get_json(&format!("/api/v1/stories?{q}&limit=1")).await;
            // The same filter counted by the database.
            let parsed = peoples_stories_shared::ListStoriesQuery::parse(&q).expect("query");
            let mut filter = db_stories::StoryFilter {
                from_key: parsed.from.map(|d| d.first_day_key()),
                to_key: parsed.to.map(|d| d.last_day_key()),
                country_codes: parsed.country.clone(),
                ..Default::default()
            };
            filter.theme_ids = themes
                .iter()
                .enumerate()
                .filter(|(_, t)| parsed.theme.contains(&t.slug))
                .map(|(i, _)| i as i64 + 1)
                .collect();
            filter.source_ids = sources.iter().filter(|s| parsed.source.contains(&s.slug)).map(|s| s.id).collect();
            let counted = db_stories::count(&mut app.pool.get().expect("conn"), &filter).expect("count");
            assert_eq!(page.total, counted, "{q}");
        }
    }
}

both_databases! {
    async fn country_lists_follow_changes_to_a_story(app) {
        use diesel::prelude::*;
        use peoples_stories_api::db::{changes, schema::stories as t};
        let update = |set_theme: Option<i64>, set_status: Option<&str>| {
            let mut conn = app.pool.get().expect("conn");
            let id: i64 = t::table.filter(t::slug.eq(SCAM_SLUG)).select(t::id).first(&mut conn).expect("id");
            if let Some(theme) = set_theme {
                diesel::update(t::table.find(id)).set(t::theme_id.eq(theme)).execute(&mut conn).expect("theme");
            }
            if let Some(status) = set_status {
                diesel::update(t::table.find(id)).set(t::status.eq(status)).execute(&mut conn).expect("status");
            }
            changes::record(&mut conn, id).expect("change");
        };
        // Theme 2 is freedom.
        update(Some(2), None);
        app.reindex_now();
        let justice: StoryPage = app.get_json("/api/v1/stories?country=KH&theme=justice").await;
        assert_eq!((justice.total, justice.items.len()), (0, 0));
        let freedom: StoryPage = app.get_json("/api/v1/stories?country=Cambodia&theme=freedom").await;
        assert_eq!(slugs(&freedom), [SCAM_SLUG]);
        update(None, Some("draft"));
        app.reindex_now();
        let hidden: StoryPage = app.get_json("/api/v1/stories?country=KH").await;
        assert_eq!((hidden.total, hidden.items.len()), (0, 0));
        let searched: StoryPage = app.get_json("/api/v1/stories?q=scam").await;
        assert_eq!(searched.total, 0, "a draft is not searchable");
    }
}

both_databases! {
    async fn lists_paged_by_the_index_are_in_the_databases_order(app) {
        use peoples_stories_api::db::stories::{list, StoryFilter};
        use peoples_stories_shared::SortOrder;
        // Many stories share a day, and some have no date: the order among them is by id.
        for i in 0..14 {
            let countries: &[&str] = if i % 2 == 0 { &["FR"] } else { &["BR", "FR"] };
            let date = [Some("2022-03-04"), Some("2022-03-05"), Some("2022"), None][i % 4];
            crate::support::insert_story(&app.pool, &format!("Same day story {i}"), "Text.", "peace", countries, date);
        }
        app.reindex_now();
        let mut conn = app.pool.get().expect("conn");
        let database = |conn: &mut _, codes: &[&str], sort| -> Vec<String> {
            let filter = StoryFilter {
                country_codes: codes.iter().map(|c| c.to_string()).collect(),
                ..StoryFilter::default()
            };
            list(conn, &filter, sort, 100, 0, None).expect("list").0.into_iter().map(|s| s.slug).collect()
        };
        for (query, codes) in [("country=FR&country=BR", vec!["FR", "BR"]), ("country=BR&country=KH", vec!["BR", "KH"])] {
            for (sort, order) in [("&sort=newest", SortOrder::Newest), ("&sort=oldest", SortOrder::Oldest), ("", SortOrder::Newest)] {
                // Several countries: the index pages these (it reflects every change).
                let mut slugs = Vec::new();
                let mut url = format!("/api/v1/stories?{query}{sort}&limit=4");
                loop {
                    let page: StoryPage = app.get_json(&url).await;
                    slugs.extend(page.items.iter().map(|s| s.slug.clone()));
                    match page.next { Some(next) => url = next, None => break }
                }
                assert_eq!(slugs, database(&mut conn, &codes, order), "{query} {sort}");
                assert!(slugs.len() >= 7, "{query}: {}", slugs.len());
            }
        }
        // A search by date breaks ties the same way.
        let searched: StoryPage = app.get_json("/api/v1/stories?q=%22same+day+story%22&sort=newest&limit=50").await;
        let slugs: Vec<String> = searched.items.iter().map(|s| s.slug.clone()).collect();
        let in_france: Vec<String> = database(&mut conn, &["FR"], SortOrder::Newest)
            .into_iter()
            .filter(|s| s.starts_with("same-day-story"))
            .collect();
        assert_eq!((slugs.len(), slugs), (14, in_france));
    }
}
