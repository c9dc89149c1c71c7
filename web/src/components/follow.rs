//! "Follow this theme (Atom)": links to the feeds of a page's stories, written from the
//! same `ListStoriesQuery` the page asks the API with (`ListStoriesQuery::feed_href`).

use leptos::prelude::*;
use peoples_stories_shared::ListStoriesQuery;

/// The Atom and RSS feeds of `q`'s filters; `what` names the page ("theme", "search").
/// `rel="external"`: the browser, not the app's router, opens a feed.
#[component]
pub fn FollowLinks(q: ListStoriesQuery, what: &'static str) -> impl IntoView {
    let atom = q.feed_href("atom");
    let rss = q.feed_href("rss");
    view! {
        <p class="follow">
            <a href=atom rel="external" type="application/atom+xml">
                {format!("Follow this {what} (Atom)")}
            </a>
            " · "
            <a href=rss rel="external" type="application/rss+xml">
                {format!("Follow this {what} (RSS)")}
            </a>
        </p>
    }
}
