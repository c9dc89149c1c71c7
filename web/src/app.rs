//! The router: which page answers which path.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::layout::Layout;
use crate::pages::about::AboutPage;
use crate::pages::admin::{
    accounts::AccountsPage, audit::AuditPage, dashboard::Dashboard, guestbook::GuestbookModeration,
    login::LoginPage, sources::SourcesPage as AdminSourcesPage, stories::StoriesPage,
    story_editor::EditStory, story_editor::NewStory, submission::SubmissionReview,
    submissions::SubmissionsPage, tokens::TokensPage, AdminSession, AdminShell,
};
use crate::pages::guestbook::GuestbookPage;
use crate::pages::search::SearchPage;
use crate::pages::sources::{SourcePage, SourcesPage};
use crate::pages::submit::SubmitPage;
use crate::pages::{home::HomePage, not_found::NotFound, story::StoryPage, theme::ThemePage};

/// The site's name, shown in the header and at the end of every document title.
pub const SITE_NAME: &str = "People's Stories";

/// The themes, in the order the original site listed them: `(slug, label)`.
///
/// The navigation is drawn from this list so that it shows at once, before any request;
/// the theme pages take their names and descriptions from the API.
pub const THEMES: [(&str, &str); 5] = [
    ("justice", "Justice"),
    ("freedom", "Freedom"),
    ("peace", "Peace"),
    ("democracy", "Democracy"),
    ("well-being", "Well Being"),
];

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    AdminSession::provide();
    view! {
        <Title formatter=|text: String| {
            if text.is_empty() { SITE_NAME.to_string() } else { format!("{text} — {SITE_NAME}") }
        } />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <NotFound /> }>
                    // The admin view (pages/admin/): before `/:theme`, which would take `/admin`.
                    <Route path=path!("/admin/login") view=LoginPage />
                    <ParentRoute path=path!("/admin") view=AdminShell>
                        <Route path=path!("") view=Dashboard />
                        <Route path=path!("submissions") view=SubmissionsPage />
                        <Route path=path!("submissions/:id") view=SubmissionReview />
                        <Route path=path!("guestbook") view=GuestbookModeration />
                        <Route path=path!("stories") view=StoriesPage />
                        <Route path=path!("stories/new") view=NewStory />
                        <Route path=path!("stories/:id") view=EditStory />
                        <Route path=path!("sources") view=AdminSourcesPage />
                        <Route path=path!("accounts") view=AccountsPage />
                        <Route path=path!("tokens") view=TokensPage />
                        <Route path=path!("audit") view=AuditPage />
                    </ParentRoute>
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
