//! The reader's router: which page answers which path, run on the server (the admin view is
//! `admin_app`, whose page the server sends for `/admin` and every path under it).

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::Layout;
use crate::pages::about::AboutPage;
use crate::pages::guestbook::GuestbookPage;
use crate::pages::search::SearchPage;
use crate::pages::sources::{SourcePage, SourcesPage};
use crate::pages::submit::SubmitPage;
use crate::pages::{home::HomePage, not_found::NotFound, story::StoryPage, theme::ThemePage};
use crate::site::title_formatter;

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Title formatter=title_formatter />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound /> }>
                    <Route path=path!("/") view=HomePage />
                    <Route path=path!("/stories/:slug") view=StoryPage />
                    <Route path=path!("/search") view=SearchPage />
                    <Route path=path!("/submit") view=SubmitPage />
                    <Route path=path!("/guestbook") view=GuestbookPage />
                    <Route path=path!("/sources") view=SourcesPage />
                    <Route path=path!("/sources/:slug") view=SourcePage />
                    <Route path=path!("/about") view=AboutPage />
                    // Any other single segment is a theme; `ThemePage` answers unknown ones
                    // with the 404 page.
                    <Route path=path!("/:theme") view=ThemePage />
                </Routes>
            </Layout>
        </Router>
    }
}
