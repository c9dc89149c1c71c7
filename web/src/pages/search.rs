//! `/search`: "Search by keyword and country". Keywords, a country (name, alias or code, with
//! type-ahead), theme and dates; results with their matching passages; counts by country
//! (a map and a table), theme, source and year to narrow by.
//!
//! The page's query string is the API's (`q`, `country`, `theme`, `source`, `from`, `to`,
//! `sort`, `offset`), read with the shared `ListStoriesQuery`, so every search is a link that
//! can be shared, and back and forward step through searches.
//!
//! The server renders the page whole: it asks two questions at once, the results (one page
//! of stories) and the counts over every match (facets, for the map and the lists to narrow
//! by; the same for every page and order of a search, so the cache answers them when paging).
//! Only the form is an island (it runs in the browser): the type-ahead and the dates' check
//! before a search is made; every other control is a link.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos_router::hooks::use_location;
use peoples_stories_shared::list::FACETS;
use peoples_stories_shared::{
    Facet, FieldError, ListStoriesQuery, PartialDate, Problem, SortOrder, StoryPage,
};

use crate::api;
use crate::components::country_input::CountryOptions;
use crate::components::follow::FollowLinks;
use crate::components::form::{optional, FormErrors, SelectField, TextField};
use crate::components::page_meta::PageMeta;
use crate::components::pager::pager;
use crate::components::status::{Loading, ProblemView};
use crate::components::story_card::StoryList;
use crate::components::world_map::WorldMap;
use crate::site::THEMES;

/// Values shown per facet list (the country table shows all).
const FACET_VALUES: usize = 10;

/// Facet counts by facet name, as a `StoryPage` carries them.
type Facets = BTreeMap<String, Vec<Facet>>;

/// The API request for the counts of a search: every facet over all its matches, with as few
/// stories as the API allows. Neither the page nor the order changes the counts, so paging
/// and reordering ask nothing new.
fn facets_request(q: &ListStoriesQuery) -> String {
    let mut q = q.clone();
    q.offset = 0;
    q.sort = None;
    q.limit = 1;
    q.facets = FACETS.iter().map(|f| f.to_string()).collect();
    format!("/api/v1/stories?{}", q.to_query_string())
}

/// The page's query without its empty fields: the form sent by a browser without the app
/// (`q=court&country=&from=`) names every field, filled in or not.
fn filled_in(query: &str) -> String {
    let pairs = form_urlencoded::parse(query.trim_start_matches('?').as_bytes())
        .filter(|(_, value)| !value.trim().is_empty());
    form_urlencoded::Serializer::new(String::new())
        .extend_pairs(pairs)
        .finish()
}

/// The app's URL for a search.
pub fn search_href(q: &ListStoriesQuery) -> String {
    let mut q = q.clone();
    q.facets.clear();
    let s = q.to_query_string();
    if s.is_empty() {
        "/search".to_string()
    } else {
        format!("/search?{s}")
    }
}

/// The search narrowed to one facet value, from its first page.
fn narrowed(base: &ListStoriesQuery, facet: &str, value: &str) -> ListStoriesQuery {
    let mut q = base.clone();
    q.offset = 0;
    match facet {
        "country" => q.country = vec![value.to_string()],
        "theme" => q.theme = vec![value.to_string()],
        "source" => q.source = vec![value.to_string()],
        "year" => {
            let year = value
                .parse::<i32>()
                .ok()
                .and_then(|y| PartialDate::year(y).ok());
            q.from = year;
            q.to = year;
        }
        _ => {}
    }
    q
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let location = use_location();
    let parsed = Memo::new(move |_| ListStoriesQuery::parse(&filled_in(&location.search.get())));

    let results = Resource::new(
        move || parsed.get(),
        |parsed| {
            let query = parsed.map(|mut query| {
                query.facets.clear();
                api::get::<StoryPage>(&format!("/api/v1/stories?{}", query.to_query_string()))
            });
            async move {
                match query {
                    Ok(answer) => answer.await,
                    Err(errors) => Err(Problem {
                        type_: "/problems/invalid-parameters".into(),
                        title: "Check your search".into(),
                        status: 400,
                        detail: "Some of the search's fields are not right.".into(),
                        errors,
                    }),
                }
            }
        },
    );
    // The counts over every match, asked for beside the results (not after them).
    let facets = Resource::new(
        move || parsed.get().ok().map(|q| facets_request(&q)),
        |request| async move {
            match request {
                Some(request) => api::get::<StoryPage>(&request).await.map(|p| p.facets),
                None => Ok(Facets::new()),
            }
        },
    );

    let title = move || match parsed.get() {
        Ok(p) => {
            let mut parts: Vec<String> = Vec::new();
            if let Some(q) = &p.q {
                parts.push(format!("“{q}”"));
            }
            parts.extend(p.country.iter().cloned());
            if parts.is_empty() {
                "Search".to_string()
            } else {
                format!("Search: {}", parts.join(", "))
            }
        }
        Err(_) => "Search".to_string(),
    };
    let meta = move || {
        let title = title();
        let description = format!(
            "{title}: human-rights news stories on People's Stories, by keyword, country, theme \
             and date."
        );
        let path = match parsed.get() {
            Ok(p) => search_href(&p),
            Err(_) => "/search".to_string(),
        };
        view! { <PageMeta title description path /> }
    };
    // The form shows the search made, as the URL has it.
    let param = move |name: &str| {
        location
            .query
            .with_untracked(|p| p.get(name).unwrap_or_default())
    };
    let fields = SearchFields {
        q: param("q"),
        country: param("country"),
        theme: param("theme"),
        from: param("from"),
        to: param("to"),
        sort: param("sort"),
        source: parsed.get_untracked().map(|p| p.source).unwrap_or_default(),
    };

    // A search the shared parser refuses shows its messages beside the fields they name (the
    // API would refuse it with the same errors).
    let errors = parsed.get_untracked().err().unwrap_or_default();
    let follow = parsed
        .get_untracked()
        .ok()
        .map(|q| view! { <FollowLinks q what="search" /> });

    view! {
        {meta}
        <div class="search-page">
            <h1>"Search by keyword and country"</h1>
            // Outside the `Suspense`: the island's type-ahead is a local resource, which a
            // `Suspense` rendered on the server would answer with its fallback.
            <SearchForm fields errors />
            {follow}
            <Suspense fallback=|| view! { <Loading label="Searching…" /> }>
                {move || Suspend::new(async move {
                    let (result, facets) = answers(results, facets).await;
                    let query = parsed.get_untracked().unwrap_or_else(|_| ListStoriesQuery::new());
                    match result {
                        Ok(page) => view! { <Results page query facets /> }.into_any(),
                        Err(problem) => view! { <ProblemView problem /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// Both answers: the results and the counts.
async fn answers(
    results: Resource<Result<StoryPage, Problem>>,
    facets: Resource<Result<Facets, Problem>>,
) -> (Result<StoryPage, Problem>, Result<Facets, Problem>) {
    let results = results.await;
    let facets = facets.await;
    (results, facets)
}

/// The search form's fields as the page's URL gives them.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
struct SearchFields {
    q: String,
    country: String,
    theme: String,
    from: String,
    to: String,
    sort: String,
    /// Sources chosen from the counts: kept until removed.
    source: Vec<String>,
}

/// The search form: the page's island (it runs in the browser, with the country type-ahead
/// and the dates checked before the search is made). Without JavaScript the browser sends it
/// as the page's own query.
#[island]
fn SearchForm(fields: SearchFields, errors: Vec<FieldError>) -> impl IntoView {
    let SearchFields {
        q,
        country,
        theme,
        from,
        to,
        sort,
        source,
    } = fields;
    let q = RwSignal::new(q);
    let country = RwSignal::new(country);
    let theme = RwSignal::new(theme);
    let from = RwSignal::new(from);
    let to = RwSignal::new(to);
    let sort = RwSignal::new(sort);
    let form_errors = FormErrors::new();
    form_errors.show_fields(errors);
    let errors = form_errors;

    let hidden_sources = source.clone();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut next = ListStoriesQuery::new();
        let mut problems = Vec::new();
        next.q = optional(&q.get_untracked());
        next.country = optional(&country.get_untracked()).into_iter().collect();
        next.theme = optional(&theme.get_untracked()).into_iter().collect();
        next.source = source.clone();
        for (field, value, slot) in [("from", from, &mut next.from), ("to", to, &mut next.to)] {
            if let Some(v) = optional(&value.get_untracked()) {
                match v.parse::<PartialDate>() {
                    Ok(d) => *slot = Some(d),
                    Err(e) => problems.push(FieldError::new(field, e.0)),
                }
            }
        }
        next.sort = match sort.get_untracked().as_str() {
            "newest" => Some(SortOrder::Newest),
            "oldest" => Some(SortOrder::Oldest),
            "relevance" if next.q.is_some() => Some(SortOrder::Relevance),
            _ => None,
        };
        if !problems.is_empty() {
            errors.show_fields(problems);
            return;
        }
        errors.clear();
        if let Some(window) = leptos::web_sys::window() {
            let _ = window.location().assign(&search_href(&next));
        }
    };

    view! {
        <form
            class="search-form"
            role="search"
            action="/search"
            method="get"
            on:submit=on_submit
            novalidate
        >
            <TextField
                id="search-q"
                field="q"
                label="Keywords"
                hint="Every word must match. Use \"quotes\" for a phrase, -word to leave a word out, OR for either."
                value=q
                errors
                input_type="search"
            />
            <TextField
                id="search-country"
                field="country"
                label="Country"
                hint="A name, a common name (Laos, Burma) or a code (KH)."
                value=country
                errors
                list="country-options"
                autocomplete="off"
            />
            <CountryOptions list_id="country-options" typed=country />
            <SelectField
                id="search-theme"
                name="theme"
                label="Theme"
                value=theme
                options=std::iter::once(("", "All themes"))
                    .chain(THEMES.iter().map(|t| (t.slug, t.name)))
                    .collect()
            />
            <div class="field-row">
                <TextField
                    id="search-from"
                    field="from"
                    label="From"
                    hint="YYYY, YYYY-MM or YYYY-MM-DD"
                    value=from
                    errors
                />
                <TextField
                    id="search-to"
                    field="to"
                    label="To"
                    hint="YYYY, YYYY-MM or YYYY-MM-DD"
                    value=to
                    errors
                />
            </div>
            <SelectField
                id="search-sort"
                name="sort"
                label="Order"
                value=sort
                options=vec![
                    ("", "Best match first (newest without keywords)"),
                    ("newest", "Newest first"),
                    ("oldest", "Oldest first"),
                ]
            />
            // The sources chosen from the counts, sent again by a browser without the app.
            {hidden_sources
                .iter()
                .map(|s| view! { <input type="hidden" name="source" value=s.clone() /> })
                .collect_view()}
            <button type="submit">"Search"</button>
        </form>
    }
}

#[component]
fn Results(
    page: StoryPage,
    query: ListStoriesQuery,
    facets: Result<Facets, Problem>,
) -> impl IntoView {
    let count = match page.total {
        0 => "No stories match.".to_string(),
        1 => "1 story matches.".to_string(),
        n => format!("{n} stories match."),
    };
    // The filters, named as the counts name them (as given if the counts failed).
    let filters = active_filters(&query, facets.as_ref().ok());
    let base = query.clone();
    let pager_query = query.clone();
    let pager = pager(
        page.offset,
        page.limit,
        page.total,
        "Results",
        "Next results",
        "Previous results",
        move |o| {
            let mut q = pager_query.clone();
            q.offset = o;
            search_href(&q)
        },
    );
    let map_base = base.clone();
    let href_for =
        Callback::new(move |code: String| search_href(&narrowed(&map_base, "country", &code)));
    let selected = query.country.clone();
    let (map, panel) = match facets {
        Err(problem) => (
            view! { <ProblemView problem=problem.clone() /> }.into_any(),
            view! { <ProblemView problem /> }.into_any(),
        ),
        Ok(f) => {
            let facet = |name: &str| f.get(name).cloned().unwrap_or_default();
            (
                view! { <WorldMap counts=facet("country") selected href_for /> }.into_any(),
                view! {
                    {facet_list("Theme", "theme", facet("theme"), &base)}
                    {facet_list("Year", "year", facet("year"), &base)}
                    {facet_list("Source", "source", facet("source"), &base)}
                }
                .into_any(),
            )
        }
    };
    view! {
        <p class="result-count" role="status">{count}</p>
        {filters}
        <section class="by-country" aria-labelledby="map-heading">
            <h2 id="map-heading">"Where these stories are"</h2>
            {map}
        </section>
        <div class="results-layout">
            <section class="results" aria-label="Results">
                <StoryList stories=page.items empty="Try fewer words, another country or no date limits." />
                {pager}
            </section>
            <aside class="facets" aria-labelledby="facets-heading">
                <h2 id="facets-heading">"Narrow the results"</h2>
                {panel}
            </aside>
        </div>
    }
}

fn facet_list(
    title: &'static str,
    name: &'static str,
    values: Vec<Facet>,
    base: &ListStoriesQuery,
) -> impl IntoView {
    (!values.is_empty()).then(|| {
        let heading_id = format!("facet-{name}");
        let labelled_by = heading_id.clone();
        view! {
            <section class="facet" aria-labelledby=labelled_by>
                <h3 id=heading_id>{title}</h3>
                <ul>
                    {values
                        .into_iter()
                        .take(FACET_VALUES)
                        .map(|f| {
                            let href = search_href(&narrowed(base, name, &f.value));
                            view! {
                                <li>
                                    <a href=href>{f.label}</a>
                                    " "
                                    <span class="count">"(" {f.count} ")"</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    })
}

/// The filters in force, each with a link that removes it; named as `facets` name them, once
/// they have come.
fn active_filters(query: &ListStoriesQuery, facets: Option<&Facets>) -> Option<impl IntoView> {
    let label_of = |facet: &str, value: &str| -> String {
        facets
            .and_then(|f| f.get(facet))
            .and_then(|fs| fs.iter().find(|f| f.value.eq_ignore_ascii_case(value)))
            .map(|f| f.label.clone())
            .unwrap_or_else(|| value.to_string())
    };
    let mut chips: Vec<(String, ListStoriesQuery)> = Vec::new();
    let mut without = |label: String, change: &dyn Fn(&mut ListStoriesQuery)| {
        let mut q = query.clone();
        q.offset = 0;
        change(&mut q);
        chips.push((label, q));
    };
    if let Some(k) = &query.q {
        without(format!("Keywords: {k}"), &|q| q.q = None);
    }
    for c in &query.country {
        let c2 = c.clone();
        without(format!("Country: {}", label_of("country", c)), &move |q| {
            q.country.retain(|x| x != &c2)
        });
    }
    for t in &query.theme {
        let t2 = t.clone();
        without(format!("Theme: {}", label_of("theme", t)), &move |q| {
            q.theme.retain(|x| x != &t2)
        });
    }
    for s in &query.source {
        let s2 = s.clone();
        without(format!("Source: {}", label_of("source", s)), &move |q| {
            q.source.retain(|x| x != &s2)
        });
    }
    if query.from.is_some() || query.to.is_some() {
        let span = match (query.from, query.to) {
            (Some(f), Some(t)) if f == t => format!("Date: {}", f.human()),
            (Some(f), Some(t)) => format!("Date: {} to {}", f.human(), t.human()),
            (Some(f), None) => format!("Date: from {}", f.human()),
            (None, Some(t)) => format!("Date: until {}", t.human()),
            (None, None) => String::new(),
        };
        without(span, &|q| {
            q.from = None;
            q.to = None;
        });
    }
    (!chips.is_empty()).then(|| {
        view! {
            <ul class="active-filters" aria-label="Filters in use">
                {chips
                    .into_iter()
                    .map(|(label, q)| {
                        let remove = format!("Remove {label}");
                        view! {
                            <li>
                                {label}
                                " "
                                <a href=search_href(&q) aria-label=remove class="remove">
                                    "×"
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        }
    })
}
