//! `/`: the latest stories across themes, and a way into each theme.

use leptos::prelude::*;
use peoples_stories_shared::{StoryPage, Theme};

use crate::api;
use crate::components::page_meta::PageMeta;
use crate::components::status::{Loading, ProblemView};
use crate::components::story_card::StoryList;
use crate::site::THEMES;

#[component]
pub fn HomePage() -> impl IntoView {
    let stories = Resource::new(
        || (),
        |()| api::get::<StoryPage>("/api/v1/stories?limit=10"),
    );
    let themes = Resource::new(|| (), |()| api::get::<Vec<Theme>>("/api/v1/themes"));
    view! {
        <PageMeta
            title="Latest stories"
            description="Human-rights news from around the world, told by the people it happens to \
                         and the organisations that stand with them: justice, freedom, peace, \
                         democracy and well-being."
            path="/"
        />
        <h1>"Latest stories"</h1>
        <p class="lead">
            "Human-rights news from around the world, told by the people it happens to and the \
             organisations that stand with them. Newest first."
        </p>
        <Suspense fallback=|| view! { <Loading label="Loading stories…" /> }>
            {move || Suspend::new(async move {
                match stories.await {
                    Ok(page) => {
                        view! {
                            <StoryList
                                stories=page.items
                                empty="No stories have been published yet."
                            />
                        }
                            .into_any()
                    }
                    Err(problem) => view! { <ProblemView problem /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="theme-index" aria-labelledby="themes-heading">
            <h2 id="themes-heading">"Stories by theme"</h2>
            <Suspense fallback=|| theme_list(Vec::new())>
                {move || Suspend::new(async move {
                    // A failure leaves the themes without their counts.
                    theme_list(themes.await.unwrap_or_default())
                })}
            </Suspense>
        </section>
    }
}

/// Each theme with its fact file's introduction, and how many stories it has once `counted`
/// says.
fn theme_list(counted: Vec<Theme>) -> impl IntoView {
    view! {
        <ul class="theme-list">
            {THEMES
                .iter()
                .map(|theme| {
                    let count = counted
                        .iter()
                        .find(|t| t.slug == theme.slug)
                        .map(|t| {
                            let n = t.story_count;
                            format!("{n} {}", if n == 1 { "story" } else { "stories" })
                        });
                    view! {
                        <li>
                            <a href=format!("/{}", theme.slug) class="theme-link">
                                {theme.name}
                            </a>
                            {count.map(|c| view! { <span class="count">{c}</span> })}
                            <p>{theme.description}</p>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}
