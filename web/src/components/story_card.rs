//! Stories in lists: a short card (title, byline, date, summary, countries, and the matching
//! passage of a search) and the whole story as the theme pages print it.

use leptos::prelude::*;
use peoples_stories_shared::highlight::parse_highlight;
use peoples_stories_shared::{PartialDate, Story, StoryLink};

use crate::api;

/// A story's address in the app.
pub fn story_href(slug: &str) -> String {
    format!("/stories/{}", api::segment(slug))
}

/// A date as people write it ("May 26, 2023", "Aug. 2023"), machine-readable too.
pub fn date_view(date: PartialDate) -> impl IntoView {
    view! { <time datetime=date.to_string()>{date.human()}</time> }
}

fn meta_view(byline: Option<String>, date: Option<PartialDate>) -> impl IntoView {
    view! {
        <p class="meta">
            {byline.map(|b| view! { <span class="byline">{byline_text(&b)}</span> })}
            {date.map(date_view)}
        </p>
    }
}

#[component]
pub fn StoryCard(story: Story) -> impl IntoView {
    let href = story_href(&story.slug);
    let countries = country_names(&story);
    let highlight = story.highlight.as_deref().and_then(highlight_view);
    let summary = if highlight.is_some() {
        None
    } else {
        story.summary.map(|s| view! { <p class="summary">{s}</p> })
    };
    view! {
        <article class="story-card">
            <h2>
                <a href=href>{story.title}</a>
            </h2>
            {meta_view(story.byline, story.date)}
            {highlight}
            {summary}
            {(!countries.is_empty()).then(|| view! { <p class="countries">{countries}</p> })}
        </article>
    }
}

/// The matching passage of a search result, rebuilt from text pieces and `<mark>` elements:
/// the API's HTML is never given to the browser's parser (see `parse_highlight`).
fn highlight_view(html: &str) -> Option<AnyView> {
    let parts = parse_highlight(html)?;
    if parts.is_empty() {
        return None;
    }
    Some(
        view! {
            <p class="highlight">
                "… "
                {parts
                    .into_iter()
                    .map(|p| {
                        if p.marked {
                            view! { <mark>{p.text}</mark> }.into_any()
                        } else {
                            p.text.into_any()
                        }
                    })
                    .collect_view()}
                " …"
            </p>
        }
        .into_any(),
    )
}

/// A story whole, as the original theme pages printed it: title, byline, date, text, updates,
/// sources and "Visit the related web page".
#[component]
pub fn FullStory(story: Story) -> impl IntoView {
    let href = story_href(&story.slug);
    let updates = sorted_updates(story.updates);
    view! {
        <article class="story-full">
            <h2>
                <a href=href>{story.title}</a>
            </h2>
            {meta_view(story.byline, story.date)}
            {story.summary.map(|s| view! { <p class="summary">{s}</p> })}
            <div class="body">{paragraphs_view(&story.body)}</div>
            {updates
                .into_iter()
                .map(|u| {
                    view! {
                        <div class="update">
                            <p class="update-date">
                                {u.date.map(|d| date_view(d).into_any()).unwrap_or_else(|| "Update".into_any())}
                            </p>
                            {paragraphs_view(&u.body)}
                        </div>
                    }
                })
                .collect_view()}
            {(!story.links.is_empty())
                .then(|| {
                    view! {
                        <p class="source-links">
                            <span class="label">"Sources: "</span>
                            {sources_inline(story.links)}
                        </p>
                    }
                })}
            {story
                .related_url
                .map(|url| {
                    view! {
                        <p class="related">
                            <a href=url rel="external noopener">
                                "Visit the related web page"
                            </a>
                        </p>
                    }
                })}
        </article>
    }
}

/// Each link as its source's name, linking to the page it cites.
fn sources_inline(links: Vec<StoryLink>) -> impl IntoView {
    let n = links.len();
    links
        .into_iter()
        .enumerate()
        .map(|(i, link)| {
            let label = link
                .title
                .clone()
                .unwrap_or_else(|| link.source.name.clone());
            view! {
                <a href=link.url rel="external noopener">{label}</a>
                {(i + 1 < n).then_some(", ")}
            }
        })
        .collect_view()
}

/// Updates in date order, oldest first; undated ones keep their place after the dated.
pub fn sorted_updates(
    mut updates: Vec<peoples_stories_shared::StoryUpdate>,
) -> Vec<peoples_stories_shared::StoryUpdate> {
    updates.sort_by_key(|u| u.date.map(|d| d.first_day_key()).unwrap_or(i32::MAX));
    updates
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

pub fn paragraphs_view(text: &str) -> impl IntoView {
    paragraphs(text)
        .into_iter()
        .map(|p| view! { <p>{p}</p> })
        .collect_view()
}

/// Splits text into paragraphs on blank lines; lines within a paragraph stay joined by `\n`
/// (shown as line breaks by the style sheet). Text only: it is never parsed as HTML.
pub fn paragraphs(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push('\n');
            }
            current.push_str(line.trim_end());
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// The list of stories as cards, or a message when there are none.
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

#[cfg(test)]
mod tests {
    use super::paragraphs;

    #[test]
    fn splits_on_blank_lines() {
        assert_eq!(
            paragraphs("One.\n\nTwo,\nstill two.\r\n \r\n\r\nThree."),
            ["One.", "Two,\nstill two.", "Three."]
        );
        assert!(paragraphs("\n \n").is_empty());
    }
}
