//! `/`: the latest stories across themes, and a way into each theme.

use leptos::prelude::*;
use leptos_meta::Title;
use peoples_stories_shared::{StoryPage, Theme};

use crate::api;
use crate::app::THEMES;
use crate::components::status::{Loading, ProblemView};
use crate::components::story_card::StoryList;

#[component]
pub fn HomePage() -> impl IntoView {
    let stories = LocalResource::new(|| api::get::<StoryPage>("/api/v1/stories?limit=10"));
    let themes = LocalResource::new(|| api::get::<Vec<Theme>>("/api/v1/themes"));
    let retry = Callback::new(move |()| stories.refetch());
    view! {
        <Title text="Latest stories" />
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
                    Err(problem) => view! { <ProblemView problem retry /> }.into_any(),
                }
            })}
        </Suspense>
        <section class="theme-index" aria-labelledby="themes-heading">
            <h2 id="themes-heading">"Stories by theme"</h2>
            <ul class="theme-list">
                {move || {
                    // The themes show at once from the built-in list; descriptions and counts
                    // join them when the API answers (a failure leaves the plain links).
                    let loaded = themes.get().and_then(Result::ok).unwrap_or_default();
                    THEMES
                        .iter()
                        .map(|(slug, label)| {
                            let theme = loaded.iter().find(|t| t.slug == *slug).cloned();
                            let name = theme
                                .as_ref()
                                .map(|t| t.name.clone())
                                .unwrap_or_else(|| label.to_string());
                            view! {
                                <li>
                                    <a href=format!("/{slug}") class="theme-link">
                                        {name}
                                    </a>
                                    {theme
                                        .map(|t| {
                                            let count = format!(
                                                "{} {}",
                                                t.story_count,
                                                if t.story_count == 1 { "story" } else { "stories" },
                                            );
                                            view! {
                                                <span class="count">{count}</span>
                                                <p>{t.description}</p>
                                            }
                                        })}
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </section>
    }
}
