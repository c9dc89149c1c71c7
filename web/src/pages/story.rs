//! `/stories/:slug`: one story, whole: updates in date order, its countries (each a search by
//! that country) and its sources (each the source's page, beside the cited page).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;
use peoples_stories_shared::Story;

use crate::api;
use crate::components::page_meta::{news_article_json_ld, story_description, Article, PageMeta};
use crate::components::status::{Loading, ProblemView};
use crate::components::story_card::{byline_text, date_view, paragraphs_view, sorted_updates};
use crate::pages::not_found::NotFound;
use crate::site::{origin, theme};

/// Text into paragraphs (the admin view previews with it too).
pub use crate::components::story_card::paragraphs;

#[component]
pub fn StoryPage() -> impl IntoView {
    let params = use_params_map();
    let slug = Memo::new(move |_| params.read().get("slug").unwrap_or_default());
    let story = Resource::new(
        move || slug.get(),
        |slug| api::get::<Story>(&format!("/api/v1/stories/{}", api::segment(&slug))),
    );
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
                            <ProblemView problem />
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
    let theme_label = theme(&story.theme)
        .map(|t| t.name.to_string())
        .unwrap_or_else(|| story.theme.clone());
    let path = crate::components::story_card::story_href(&story.slug);
    let json_ld = news_article_json_ld(&story, &format!("{}{path}", origin()));
    let meta = view! {
        <PageMeta
            title=story.title.clone()
            description=story_description(&story)
            path
            article=Article { published: story.date, section: theme_label.clone() }
        />
    };
    let theme_href = format!("/{}", api::segment(&story.theme));
    let updates = sorted_updates(story.updates);
    let updates = (!updates.is_empty()).then(|| {
        view! {
            <section class="updates" aria-labelledby="updates-heading">
                <h2 id="updates-heading">"Updates"</h2>
                <ol>
                    {updates
                        .into_iter()
                        .map(|u| {
                            view! {
                                <li>
                                    <p class="update-date">
                                        {match u.date {
                                            Some(d) => date_view(d).into_any(),
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
    let countries = (!story.countries.is_empty()).then(|| {
        view! {
            <p class="countries">
                <span class="label">"Countries: "</span>
                {
                    let n = story.countries.len();
                    story
                        .countries
                        .into_iter()
                        .enumerate()
                        .map(|(i, c)| {
                            let href = format!("/search?country={}", api::query_value(&c.code));
                            view! {
                                <a href=href>{c.name}</a>
                                {(i + 1 < n).then_some(", ")}
                            }
                        })
                        .collect_view()
                }
            </p>
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
                            let source_href = format!("/sources/{}", api::segment(&link.source.slug));
                            view! {
                                <li>
                                    <a href=link.url rel="external noopener">{text}</a>
                                    " — "
                                    <a href=source_href class="source-name">
                                        {link.source.name}
                                    </a>
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
                <a href=url rel="external noopener">"Visit the related web page"</a>
            </p>
        }
    });
    view! {
        {meta}
        <script type="application/ld+json" inner_html=json_ld></script>
        <article class="story">
            <header>
                <p class="kicker">
                    <a href=theme_href>{theme_label}</a>
                </p>
                <h1>{story.title}</h1>
                <p class="meta">
                    {story.byline.map(|b| view! { <span class="byline">{byline_text(&b)}</span> })}
                    {story.date.map(date_view)}
                </p>
                {countries}
            </header>
            {story.summary.map(|s| view! { <p class="lead">{s}</p> })}
            <div class="body">{paragraphs_view(&story.body)}</div>
            {updates}
            {links}
            {related}
        </article>
    }
}
