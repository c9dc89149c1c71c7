//! A story in a list: its title linking to the story, byline, date and countries.

use leptos::prelude::*;
use peoples_stories_shared::Story;

#[component]
pub fn StoryCard(story: Story) -> impl IntoView {
    let href = format!("/stories/{}", crate::api::segment(&story.slug));
    let date = story
        .date
        .map(|d| view! { <time datetime=d.to_string()>{d.human()}</time> });
    let countries = country_names(&story);
    view! {
        <article class="story-card">
            <h2>
                <a href=href>{story.title}</a>
            </h2>
            <p class="meta">
                {story.byline.map(|b| view! { <span class="byline">{byline_text(&b)}</span> })}
                {date}
            </p>
            {story.summary.map(|s| view! { <p class="summary">{s}</p> })}
            {(!countries.is_empty())
                .then(|| view! { <p class="countries">{countries}</p> })}
        </article>
    }
}

/// A byline as printed: "by OHCHR, news agencies", whether or not the data starts with "by".
pub fn byline_text(byline: &str) -> String {
    let b = byline.trim();
    if b.get(..3).is_some_and(|p| p.eq_ignore_ascii_case("by ")) {
        b.to_string()
    } else {
        format!("by {b}")
    }
}

/// The story's countries' names, comma-separated.
pub fn country_names(story: &Story) -> String {
    story
        .countries
        .iter()
        .map(|c| c.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The list of stories, or a message when there are none.
#[component]
pub fn StoryList(stories: Vec<Story>, #[prop(into)] empty: String) -> impl IntoView {
    if stories.is_empty() {
        return view! { <crate::components::status::Empty message=empty /> }.into_any();
    }
    view! {
        <div class="story-list">
            {stories.into_iter().map(|story| view! { <StoryCard story /> }).collect_view()}
        </div>
    }
    .into_any()
}
