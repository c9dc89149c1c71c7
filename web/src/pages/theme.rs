//! `/:theme`: one theme's fact file and its stories whole, newest first, paged by `?offset=`
//! through the whole archive with "View previous stories" / "View more stories".

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use peoples_stories_shared::{ListStoriesQuery, StoryPage};

use crate::api;
use crate::components::follow::FollowLinks;
use crate::components::page_meta::PageMeta;
use crate::components::pager::pager;
use crate::components::status::{Empty, Loading, ProblemView};
use crate::components::story_card::FullStory;
use crate::pages::not_found::NotFound;
use crate::site::{offset_param, theme, ThemeDef, SITE_NAME};

/// Stories per page, as many as the original's pages held.
const PER_PAGE: u32 = 10;

#[component]
pub fn ThemePage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("theme").unwrap_or_default());
    // Only the site's themes get a page; anything else is a 404, decided at once without
    // asking the server.
    move || match slug.with(|s| theme(s)) {
        Some(theme) => view! { <ThemeView theme /> }.into_any(),
        None => view! { <NotFound /> }.into_any(),
    }
}

/// The theme page's address at `offset`.
fn theme_href(slug: &str, offset: u64) -> String {
    match offset {
        0 => format!("/{slug}"),
        o => format!("/{slug}?offset={o}"),
    }
}

#[component]
fn ThemeView(theme: &'static ThemeDef) -> impl IntoView {
    let offset = offset_param();
    let stories = Resource::new(
        move || offset.get(),
        move |offset| {
            let mut q = ListStoriesQuery::new();
            q.theme = vec![theme.slug.to_string()];
            q.offset = offset;
            q.limit = PER_PAGE;
            api::get::<StoryPage>(&format!("/api/v1/stories?{}", q.to_query_string()))
        },
    );
    let meta = move || {
        let offset = offset.get();
        let page = offset / u64::from(PER_PAGE) + 1;
        let title = if page > 1 {
            format!("{} (page {page})", theme.name)
        } else {
            theme.name.to_string()
        };
        view! {
            <PageMeta title description=theme.description path=theme_href(theme.slug, offset) />
        }
    };
    let mut follow = ListStoriesQuery::new();
    follow.theme = vec![theme.slug.to_string()];

    view! {
        {meta}
        <h1>{SITE_NAME} " " {theme.name}</h1>
        <section class="fact-file" aria-label="Fact file">
            <p>{theme.description}</p>
        </section>
        <FollowLinks q=follow what="theme" />
        <Suspense fallback=|| view! { <Loading label="Loading stories…" /> }>
            {move || Suspend::new(async move {
                match stories.await {
                    Ok(page) => {
                        let pager = pager(
                            page.offset,
                            page.limit,
                            page.total,
                            "Stories",
                            "View previous stories",
                            "View more stories",
                            move |o| theme_href(theme.slug, o),
                        );
                        if page.items.is_empty() {
                            return view! {
                                <Empty message="There are no stories on this page." />
                                {pager}
                            }
                                .into_any();
                        }
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
                    Err(problem) => view! { <ProblemView problem /> }.into_any(),
                }
            })}
        </Suspense>
    }
}
