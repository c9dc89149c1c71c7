//! `/stories/:slug`: one story, whole.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use peoples_stories_shared::Story;

use crate::api;
use crate::components::status::{Loading, ProblemView};
use crate::components::story_card::{byline_text, country_names};
use crate::pages::not_found::NotFound;

#[component]
pub fn StoryPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let story = LocalResource::new(move || {
        let path = format!("/api/v1/stories/{}", api::segment(&slug.get()));
        async move { api::get::<Story>(&path).await }
    });
    let retry = Callback::new(move |()| story.refetch());
    view! {
        <Suspense fallback=|| view! { <Loading label="Loading the story…" /> }>
            {move || Suspend::new(async move {
                match story.await {
                    Ok(story) => view! { <StoryView story /> }.into_any(),
                    Err(problem) if problem.status == 404 => view! { <NotFound /> }.into_any(),
                    Err(problem) => {
                        view! {
                            <Title text="Story unavailable" />
                            <h1>"This story could not be loaded"</h1>
                            <ProblemView problem retry />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn StoryView(story: Story) -> impl IntoView {
    let countries = country_names(&story);
    let date = story
        .date
        .map(|d| view! { <time datetime=d.to_string()>{d.human()}</time> });
    let updates = (!story.updates.is_empty()).then(|| {
        view! {
            <section class="updates" aria-labelledby="updates-heading">
                <h2 id="updates-heading">"Updates"</h2>
                <ol>
                    {story
                        .updates
                        .into_iter()
                        .map(|u| {
                            view! {
                                <li>
                                    <p class="update-date">
                                        {match u.date {
                                            Some(d) => {
                                                view! {
                                                    <time datetime=d.to_string()>{d.human()}</time>
                                                }
                                                    .into_any()
                                            }
                                            None => "Undated".into_any(),
                                        }}
                                    </p>
                                    {paragraphs_view(&u.body)}
                                </li>
                            }
                        })
                        .collect_view()}
                </ol>
            </section>
        }
    });
    let links = (!story.links.is_empty()).then(|| {
        view! {
            <section class="sources" aria-labelledby="sources-heading">
                <h2 id="sources-heading">"Sources"</h2>
                <ul>
                    {story
                        .links
                        .into_iter()
                        .map(|link| {
                            let text = link.title.clone().unwrap_or_else(|| link.url.clone());
                            view! {
                                <li>
                                    <a href=link.url rel="external">{text}</a>
                                    <span class="source-name">" — " {link.source.name}</span>
                                </li>
                            }
                        })
                        .collect_view()}
                </ul>
            </section>
        }
    });
    let related = story.related_url.map(|url| {
        view! {
            <p class="related">
                <a href=url rel="external">"Visit the related web page"</a>
            </p>
        }
    });
    view! {
        <Title text=story.title.clone() />
        <article class="story">
            <header>
                <h1>{story.title}</h1>
                <p class="meta">
                    {story.byline.map(|b| view! { <span class="byline">{byline_text(&b)}</span> })} {date}
                </p>
                {(!countries.is_empty())
                    .then(|| {
                        view! {
                            <p class="countries">
                                <span class="label">"Countries: "</span>
                                {countries}
                            </p>
                        }
                    })}
            </header>
            {story.summary.map(|s| view! { <p class="lead">{s}</p> })}
            <div class="body">{paragraphs_view(&story.body)}</div>
            {updates}
            {links}
            {related}
        </article>
    }
}

fn paragraphs_view(text: &str) -> impl IntoView {
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
