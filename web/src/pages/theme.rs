//! `/:theme`: one theme's fact file and its stories, newest first, paged by `?offset=`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use peoples_stories_shared::{ListStoriesQuery, StoryPage, Theme};

use crate::api;
use crate::app::{SITE_NAME, THEMES};
use crate::components::status::{Loading, ProblemView};
use crate::components::story_card::StoryList;
use crate::pages::not_found::NotFound;

#[component]
pub fn ThemePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("theme").unwrap_or_default());
    // Only the known themes get a page; anything else (`/submit` until it is built) is a 404,
    // decided at once without asking the server.
    let known = Memo::new(move |_| slug.with(|s| THEMES.iter().any(|(t, _)| t == s)));
    move || {
        if known.get() {
            view! { <ThemeView slug /> }.into_any()
        } else {
            view! { <NotFound /> }.into_any()
        }
    }
}

#[component]
fn ThemeView(slug: Memo<String>) -> impl IntoView {
    let query = use_query_map();
    let offset = Memo::new(move |_| {
        query
            .read()
            .get("offset")
            .and_then(|o| o.parse::<u64>().ok())
            .unwrap_or(0)
    });
    let themes = LocalResource::new(|| api::get::<Vec<Theme>>("/api/v1/themes"));
    let stories = LocalResource::new(move || {
        let mut q = ListStoriesQuery::new();
        q.theme = vec![slug.get()];
        q.offset = offset.get();
        async move { api::get::<StoryPage>(&format!("/api/v1/stories?{}", q.to_query_string())).await }
    });
    let retry = Callback::new(move |()| stories.refetch());

    // The theme as the API describes it, once it has answered.
    let theme = move || {
        themes
            .get()
            .and_then(Result::ok)
            .and_then(|ts| slug.with(|s| ts.into_iter().find(|t| &t.slug == s)))
    };
    let name = move || {
        theme().map(|t| t.name).unwrap_or_else(|| {
            slug.with(|s| {
                THEMES
                    .iter()
                    .find(|(t, _)| t == s)
                    .map(|(_, label)| label.to_string())
                    .unwrap_or_default()
            })
        })
    };

    view! {
        <Title text=move || name() />
        <h1>{SITE_NAME} " " {name}</h1>
        {move || theme().map(|t| view! { <p class="lead fact-file">{t.description}</p> })}
        <Suspense fallback=|| view! { <Loading label="Loading stories…" /> }>
            {move || Suspend::new(async move {
                match stories.await {
                    Ok(page) => {
                        let pager = pager(&slug.get_untracked(), &page);
                        view! {
                            <StoryList
                                stories=page.items
                                empty="There are no stories on this page yet."
                            />
                            {pager}
                        }
                            .into_any()
                    }
                    Err(problem) => view! { <ProblemView problem retry /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// "View previous stories" (older: further into the list) and "View more stories" (newer).
fn pager(slug: &str, page: &StoryPage) -> impl IntoView {
    let limit = u64::from(page.limit.max(1));
    let older = (page.offset + limit < page.total.max(0) as u64)
        .then(|| format!("/{slug}?offset={}", page.offset + limit));
    let newer = (page.offset > 0).then(|| match page.offset.saturating_sub(limit) {
        0 => format!("/{slug}"),
        o => format!("/{slug}?offset={o}"),
    });
    (older.is_some() || newer.is_some()).then(|| {
        view! {
            <nav class="pager" aria-label="More stories">
                {older.map(|href| view! { <a href=href rel="prev">"View previous stories"</a> })}
                {newer.map(|href| view! { <a href=href rel="next">"View more stories"</a> })}
            </nav>
        }
    })
}
