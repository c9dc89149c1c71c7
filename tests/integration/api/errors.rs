//! Bad input gets a 400 problem naming the parameter; unknown things get 404 problems.

use crate::support::both_databases;

both_databases! {
    async fn bad_parameters_are_named(app) {
        for (q, field, hint) in [
            ("limit=0", "limit", "1 to 100"),
            ("limit=1000", "limit", "1 to 100"),
            ("limit=ten", "limit", "1 to 100"),
            ("offset=-1", "offset", "from 0"),
            ("from=2023-13", "from", "month 13"),
            ("to=yesterday", "to", "YYYY-MM-DD"),
            ("from=2024&to=2023", "to", "before"),
            ("sort=sideways", "sort", "'newest', 'oldest' or 'relevance'"),
            ("country=Atlantis", "country", "unknown country 'Atlantis'"),
            ("country=Cambodja", "country", "did you mean Cambodia"),
            ("theme=happiness", "theme", "justice, freedom, peace, democracy, well-being"),
            ("source=nobody", "source", "unknown source 'nobody'"),
            ("colour=red", "colour", "unknown parameter"),
            ("limit=5&limit=6", "limit", "only once"),
        ] {
            let p = app.get_problem(&format!("/api/v1/stories?{q}"), 400).await;
            assert_eq!(p.errors.len(), 1, "{q}: {p:?}");
            assert_eq!(p.errors[0].field, field, "{q}");
            assert!(p.errors[0].message.contains(hint), "{q}: {}", p.errors[0].message);
            assert!(p.detail.contains(hint) , "{q}: {}", p.detail);
            assert_eq!(p.type_, "/problems/invalid-input");
        }
        // Several bad parameters are all named at once.
        let p = app.get_problem("/api/v1/stories?limit=0&sort=up", 400).await;
        let fields: Vec<&str> = p.errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["limit", "sort"]);
    }

    async fn unknown_things_are_404_problems(app) {
        let p = app.get_problem("/api/v1/stories/no-such-story", 404).await;
        assert!(p.detail.contains("no-such-story"));
        app.get_problem("/api/v1/stories/999999", 404).await;
        app.get_problem("/api/v1/sources/no-such-source", 404).await;
        app.get_problem("/api/v1/nothing-here", 404).await;
        app.get_problem("/api/v2/stories", 404).await;
    }
}
