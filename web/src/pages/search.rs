//! `/search`: "Search by keyword and country". Keywords, a country (name, alias or code, with
//! type-ahead), theme and dates; results with their matching passages; counts by country
//! (a map and a table), theme, source and year to narrow by.
//!
//! The page's query string is the API's (`q`, `country`, `theme`, `source`, `from`, `to`,
//! `sort`, `offset`), read with the shared `ListStoriesQuery`, so every search is a link that
//! can be shared, and back and forward step through searches.
//!
//! The page asks two questions at once: the results (one page of stories, quick) and the
//! counts over every match (facets, which take longer on a large archive). The stories are
//! shown as soon as they come; the map and the counts fill in when theirs arrive, each with
//! its own loading and error states. Paging asks only for results: the counts stay.

use std::collections::BTreeMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};
use peoples_stories_shared::list::FACETS;
use peoples_stories_shared::{
    Facet, FieldError, ListStoriesQuery, PartialDate, Problem, SortOrder, StoryPage,
};

use crate::api;
use crate::components::country_input::CountryOptions;
use crate::components::follow::FollowLinks;
use crate::components::form::{optional, FormErrors, TextField};
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

/// The facets' state: `None` while asked for, then the counts or the problem.
type FacetState = Option<Result<Facets, Problem>>;

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
    let navigate = use_navigate();
    let parsed = Memo::new(move |_| ListStoriesQuery::parse(&filled_in(&location.search.get())));

    // The form's fields, from the URL (so the server's page shows the search made), then set
    // again whenever it changes (also on back and forward).
    let param = move |name: &str| {
        location
            .query
            .with_untracked(|p| p.get(name).unwrap_or_default())
    };
    let q = RwSignal::new(param("q"));
    let country = RwSignal::new(param("country"));
    let theme = RwSignal::new(param("theme"));
    let from = RwSignal::new(param("from"));
    let to = RwSignal::new(param("to"));
    let sort = RwSignal::new(param("sort"));
    let errors = FormErrors::new();
    Effect::new(move |_| {
        let params = location.query.get();
        q.set(params.get("q").unwrap_or_default());
        country.set(params.get("country").unwrap_or_default());
        theme.set(params.get("theme").unwrap_or_default());
        from.set(params.get("from").unwrap_or_default());
        to.set(params.get("to").unwrap_or_default());
        sort.set(params.get("sort").unwrap_or_default());
    });

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

    // The counts, asked for beside the results (not after them) and kept while only the
    // page or the order changes. An answer for a search no longer shown is dropped.
    let facets_for = Memo::new(move |_| parsed.get().ok().map(|q| facets_request(&q)));
    let facets = RwSignal::new(None::<Result<Facets, Problem>>);
    let load_facets = move |request: String| {
        facets.set(None);
        spawn_local(async move {
            let answer = api::get::<StoryPage>(&request).await.map(|p| p.facets);
            // The reader may have left the page meanwhile: then nothing is shown.
            if facets_for.try_get_untracked().flatten().as_deref() == Some(request.as_str()) {
                facets.try_set(Some(answer));
            }
        });
    };
    Effect::new(move |_| {
        if let Some(request) = facets_for.get() {
            load_facets(request);
        }
    });
    let retry_facets = Callback::new(move |()| {
        if let Some(request) = facets_for.get_untracked() {
            load_facets(request);
        }
    });
    // A refused search (400) shows its messages beside the fields they name.
    Effect::new(move |_| match results.get() {
        Some(Err(p)) if p.status == 400 => errors.show_fields(p.errors),
        Some(_) => errors.clear(),
        None => {}
    });
    let retry = Callback::new(move |()| results.refetch());

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let mut next = ListStoriesQuery::new();
        let mut problems = Vec::new();
        next.q = optional(&q.get_untracked());
        next.country = optional(&country.get_untracked()).into_iter().collect();
        next.theme = optional(&theme.get_untracked()).into_iter().collect();
        // A source chosen from the counts stays until it is removed.
        next.source = parsed.get_untracked().map(|p| p.source).unwrap_or_default();
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
        navigate(&search_href(&next), Default::default());
    };

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

    view! {
        {meta}
        <div class="search-page">
            <h1>"Search by keyword and country"</h1>
            // Without JavaScript the browser sends the form as the page's own query.
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
                <div class="field">
                    <label for="search-theme">"Theme"</label>
                    <select
                        id="search-theme"
                        name="theme"
                        prop:value=move || theme.get()
                        on:change=move |ev| theme.set(event_target_value(&ev))
                    >
                        <option value="">"All themes"</option>
                        {THEMES
                            .iter()
                            .map(|t| view! { <option value=t.slug>{t.name}</option> })
                            .collect_view()}
                    </select>
                </div>
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
                <div class="field">
                    <label for="search-sort">"Order"</label>
                    <select
                        id="search-sort"
                        name="sort"
                        prop:value=move || sort.get()
                        on:change=move |ev| sort.set(event_target_value(&ev))
                    >
                        <option value="">"Best match first (newest without keywords)"</option>
                        <option value="newest">"Newest first"</option>
                        <option value="oldest">"Oldest first"</option>
                    </select>
                </div>
                <button type="submit">"Search"</button>
            </form>
            {move || parsed.get().ok().map(|q| view! { <FollowLinks q what="search" /> })}
            <Suspense fallback=|| view! { <Loading label="Searching…" /> }>
                {move || Suspend::new(async move {
                    let result = results.await;
                    let query = parsed.get_untracked().unwrap_or_else(|_| ListStoriesQuery::new());
                    match result {
                        Ok(page) => {
                            view! { <Results page query facets retry_facets /> }.into_any()
                        }
                        Err(problem) => view! { <ProblemView problem retry /> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

#[component]
fn Results(
    page: StoryPage,
    query: ListStoriesQuery,
    facets: RwSignal<FacetState>,
    retry_facets: Callback<()>,
) -> impl IntoView {
    let count = match page.total {
        0 => "No stories match.".to_string(),
        1 => "1 story matches.".to_string(),
        n => format!("{n} stories match."),
    };
    // The filters' names come with the counts; until then they show as given.
    let filters = {
        let query = query.clone();
        move || {
            facets.with(|f| {
                let names = f.as_ref().and_then(|f| f.as_ref().ok());
                active_filters(&query, names)
            })
        }
    };
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
    let map = move || match facets.get() {
        // As tall as the map will be, so the stories below do not jump when it comes.
        None => view! {
            <div class="map-pending">
                <Loading label="Counting stories by country…" />
            </div>
        }
        .into_any(),
        Some(Err(problem)) => view! { <ProblemView problem retry=retry_facets /> }.into_any(),
        Some(Ok(f)) => {
            let counts = f.get("country").cloned().unwrap_or_default();
            view! { <WorldMap counts selected=selected.clone() href_for /> }.into_any()
        }
    };
    let panel = move || match facets.get() {
        None => view! { <Loading label="Counting the results…" /> }.into_any(),
        Some(Err(problem)) => view! { <ProblemView problem retry=retry_facets /> }.into_any(),
        Some(Ok(f)) => {
            let facet = |name: &str| f.get(name).cloned().unwrap_or_default();
            view! {
                {facet_list("Theme", "theme", facet("theme"), &base)}
                {facet_list("Year", "year", facet("year"), &base)}
                {facet_list("Source", "source", facet("source"), &base)}
            }
            .into_any()
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
