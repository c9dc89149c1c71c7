//! "Follow this theme (Atom)": links to the feeds of a page's stories, written from the
//! same `ListStoriesQuery` the page asks the API with (`ListStoriesQuery::feed_href`).

use leptos::prelude::*;
use leptos_meta::Link;
use peoples_stories_shared::ListStoriesQuery;

/// The Atom and RSS feeds of `q`'s filters; `what` names the page ("theme", "search").
/// `rel="external"`: the browser, not the app's router, opens a feed. The same feeds go into
/// the document's `<head>` for feed readers' autodiscovery.
#[component]
pub fn FollowLinks(q: ListStoriesQuery, what: &'static str) -> impl IntoView {
    let atom = q.feed_href("atom");
    let rss = q.feed_href("rss");
    let title = format!("People's Stories: this {what}");
    view! {
        <Link rel="alternate" type_="application/atom+xml" title=title.clone() href=atom.clone() />
        <Link rel="alternate" type_="application/rss+xml" title=format!("{title} (RSS)") href=rss.clone() />
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
