//! `/sources`: every source (publisher) with its story count; `/sources/:slug`: one source
//! and the stories that cite it, newest first, paged by `?offset=`.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use peoples_stories_shared::{ListStoriesQuery, Source, StoryPage};

use crate::api;
use crate::components::page_meta::PageMeta;
use crate::components::pager::pager;
use crate::components::status::{Empty, Loading, ProblemView};
use crate::components::story_card::StoryList;
use crate::pages::not_found::NotFound;
use crate::site::offset_param;

fn stories_label(n: i64) -> String {
    format!("{n} {}", if n == 1 { "story" } else { "stories" })
}

#[component]
pub fn SourcesPage() -> impl IntoView {
    let sources = Resource::new(|| (), |()| api::get::<Vec<Source>>("/api/v1/sources"));
    view! {
        <PageMeta
            title="Sources"
            description="The organisations and news agencies People's Stories cites, with how many stories cite each."
            path="/sources"
        />
        <h1>"Sources"</h1>
        <p class="lead">"The organisations and news agencies our stories cite."</p>
        <Suspense fallback=|| view! { <Loading label="Loading sources…" /> }>
            {move || Suspend::new(async move {
                match sources.await {
                    Ok(list) if list.is_empty() => {
                        view! { <Empty message="No sources yet." /> }.into_any()
                    }
                    Ok(list) => {
                        view! {
                            <ul class="source-list">
                                {list
                                    .into_iter()
                                    .map(|s| {
                                        let href = format!("/sources/{}", api::segment(&s.slug));
                                        view! {
                                            <li>
                                                <a href=href>{s.name}</a>
                                                " "
                                                <span class="meta">
                                                    {s.domain} " · " {stories_label(s.story_count)}
                                                </span>
                                            </li>
                                        }
                                    })
                                    .collect_view()}
                            </ul>
                        }
                            .into_any()
                    }
                    Err(problem) => view! { <ProblemView problem /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn SourcePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let offset = offset_param();
    let source = Resource::new(
        move || slug.get(),
        |slug| api::get::<Source>(&format!("/api/v1/sources/{}", api::segment(&slug))),
    );
    let stories = Resource::new(
        move || (slug.get(), offset.get()),
        |(slug, offset)| {
            let mut q = ListStoriesQuery::new();
            q.source = vec![slug];
            q.offset = offset;
            api::get::<StoryPage>(&format!("/api/v1/stories?{}", q.to_query_string()))
        },
    );
    let list = move || {
        view! {
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
                                move |o| {
                                    let base = format!("/sources/{}", api::segment(&slug));
                                    if o == 0 { base } else { format!("{base}?offset={o}") }
                                },
                            );
                            view! {
                                <StoryList stories=page.items empty="No stories cite this source yet." />
                                {pager}
                            }
                                .into_any()
                        }
                        Err(problem) => view! { <ProblemView problem /> }.into_any(),
                    }
                })}
            </Suspense>
        }
    };
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading the source…" /> }>
            {move || Suspend::new(async move {
                match source.await {
                    Ok(s) => {
                        let base = format!("/sources/{}", api::segment(&s.slug));
                        let path = match offset.get_untracked() {
                            0 => base,
                            o => format!("{base}?offset={o}"),
                        };
                        let description = format!(
                            "Stories that cite {} ({}): {}.",
                            s.name,
                            s.domain,
                            stories_label(s.story_count)
                        );
                        view! {
                            <PageMeta title=s.name.clone() description path />
                            <h1>{s.name.clone()}</h1>
                            <p class="lead">
                                {s.domain.clone()} " · " {stories_label(s.story_count)}
                            </p>
                            <p>
                                <a href="/sources">"All sources"</a>
                            </p>
                            {list()}
                        }
                            .into_any()
                    }
                    Err(problem) if problem.status == 404 => view! { <NotFound /> }.into_any(),
                    Err(problem) => {
                        view! {
                            <Title text="Source unavailable" />
                            <h1>"This source could not be loaded"</h1>
                            <ProblemView problem />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}
