//! `/:theme`: one theme's fact file and its stories whole, newest first, paged by `?offset=`
//! through the whole archive with "View previous stories" / "View more stories".

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_params_map, use_query_map};
use peoples_stories_shared::{ListStoriesQuery, StoryPage, Theme};

use crate::api;
use crate::app::{SITE_NAME, THEMES};
use crate::components::follow::FollowLinks;
use crate::components::pager::pager;
use crate::components::status::{Empty, Loading, ProblemView};
use crate::components::story_card::FullStory;
use crate::pages::not_found::NotFound;

/// Stories per page, as many as the original's pages held.
const PER_PAGE: u32 = 10;

#[component]
pub fn ThemePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("theme").unwrap_or_default());
    // Only the known themes get a page; anything else is a 404, decided at once without
    // asking the server.
    let known = Memo::new(move |_| slug.with(|s| THEMES.iter().any(|(t, _)| t == s)));
    move || {
        if known.get() {
            view! { <ThemeView slug /> }.into_any()
        } else {
            view! { <NotFound /> }.into_any()
        }
    }
}

/// The `offset` in the page's query, 0 when absent or not a number.
pub fn offset_param() -> Memo<u64> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("offset")
            .and_then(|o| o.parse::<u64>().ok())
            .unwrap_or(0)
    })
}

#[component]
fn ThemeView(slug: Memo<String>) -> impl IntoView {
    let offset = offset_param();
    let themes = LocalResource::new(|| api::get::<Vec<Theme>>("/api/v1/themes"));
    let stories = LocalResource::new(move || {
        let mut q = ListStoriesQuery::new();
        q.theme = vec![slug.get()];
        q.offset = offset.get();
        q.limit = PER_PAGE;
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
    let title = move || {
        let page = offset.get() / u64::from(PER_PAGE) + 1;
        if page > 1 {
            format!("{} (page {page})", name())
        } else {
            name()
        }
    };

    view! {
        <Title text=title />
        <h1>{SITE_NAME} " " {name}</h1>
        {move || {
            theme()
                .map(|t| {
                    view! {
                        <section class="fact-file" aria-label="Fact file">
                            <p>{t.description}</p>
                        </section>
                    }
                })
        }}
        {move || {
            let mut q = ListStoriesQuery::new();
            q.theme = vec![slug.get()];
            view! { <FollowLinks q what="theme" /> }
        }}
        <Suspense fallback=|| view! { <Loading label="Loading stories…" /> }>
            {move || Suspend::new(async move {
                match stories.await {
                    Ok(page) => {
                        let slug = slug.get_untracked();
                        let pager = pager(
                            page.offset,
                            page.limit,
                            page.total,
                            "Stories",
                            "View previous stories",
                            "View more stories",
                            move |o| match o {
                                0 => format!("/{slug}"),
                                o => format!("/{slug}?offset={o}"),
                            },
                        );
                        if page.items.is_empty() {
                            return view! {
                                <Empty message="There are no stories on this page." />
                                {pager}
                            }
                                .into_any();
                        }
                        crate::components::story_card::mark_stories_painted();
                        view! {
                            <div class="story-list full">
                                {page
                                    .items
                                    .into_iter()
                                    .map(|story| view! { <FullStory story /> })
                                    .collect_view()}
                            </div>
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
