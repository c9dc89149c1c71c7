//! `/`: the latest stories of every theme.

use leptos::prelude::*;
use leptos_meta::Title;
use peoples_stories_shared::StoryPage;

use crate::api;
use crate::components::status::{Loading, ProblemView};
use crate::components::story_card::StoryList;

#[component]
pub fn HomePage() -> impl IntoView {
    let stories = LocalResource::new(|| api::get::<StoryPage>("/api/v1/stories?limit=20"));
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
    }
}
