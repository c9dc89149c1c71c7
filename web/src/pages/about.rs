//! `/about`: what People's Stories is, and how stories get here.

use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::page_meta::PageMeta;

#[component]
pub fn AboutPage() -> impl IntoView {
    view! {
        <PageMeta
            title="About"
            description="People's Stories publishes human-rights news from around the world, grouped \
                         by theme: justice, freedom, peace, democracy and well-being."
            path="/about"
        />
        <h1>"About People's Stories"</h1>
        <p class="lead">
            "People's Stories publishes human-rights news from around the world, grouped by \
             theme: justice, freedom, peace, democracy and well-being."
        </p>
        <h2>"Where the stories come from"</h2>
        <p>
            "Each story cites its sources: the human-rights bodies, organisations and news \
             agencies that reported it. Readers can browse every "
            <A href="/sources">"source"</A>
            " and the stories that cite it."
        </p>
        <h2>"Sending a story"</h2>
        <p>
            "Anyone can "
            <A href="/submit">"submit a story"</A>
            ". A moderator reads every submission before anything is published; your e-mail \
             address, if you give one, is only for the moderators and is never shown."
        </p>
        <h2>"For researchers and organisations"</h2>
        <p>
            "Every story is also available through a public, documented "
            <a href="/api/docs/" rel="external">"REST API"</a>
            ": search by keyword, country, theme, source and date, with counts by each."
        </p>
        <h2>"Accessibility"</h2>
        <p>
            "These pages aim to meet WCAG 2.1 level AA: they work with a keyboard and screen \
             readers, on phones, and the world map has a table of the same numbers."
        </p>
    }
}
