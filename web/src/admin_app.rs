//! The moderators' router: the admin view under `/admin` (pages/admin/), a bundle of its own.

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, Title};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::hooks::use_location;
use leptos_router::path;

use crate::components::elsewhere::{is_admin_path, FullPageLoad};
use crate::components::layout::Layout;
use crate::pages::admin::{
    accounts::AccountsPage, audit::AuditPage, dashboard::Dashboard, guestbook::GuestbookModeration,
    login::LoginPage, sources::SourcesPage, stories::StoriesPage, story_editor::EditStory,
    story_editor::NewStory, submission::SubmissionReview, submissions::SubmissionsPage,
    tokens::TokensPage, AdminSession, AdminShell,
};
use crate::pages::not_found::NotFound;
use crate::site::title_formatter;

#[component]
pub fn AdminApp() -> impl IntoView {
    provide_meta_context();
    AdminSession::provide();
    view! {
        <Title formatter=title_formatter />
        <Router>
            <Layout>
                <Routes fallback=|| view! { <Elsewhere /> }>
                    <Route path=path!("/admin/login") view=LoginPage />
                    <ParentRoute path=path!("/admin") view=AdminShell>
                        <Route path=path!("") view=Dashboard />
                        <Route path=path!("submissions") view=SubmissionsPage />
                        <Route path=path!("submissions/:id") view=SubmissionReview />
                        <Route path=path!("guestbook") view=GuestbookModeration />
                        <Route path=path!("stories") view=StoriesPage />
                        <Route path=path!("stories/new") view=NewStory />
                        <Route path=path!("stories/:id") view=EditStory />
                        <Route path=path!("sources") view=SourcesPage />
                        <Route path=path!("accounts") view=AccountsPage />
                        <Route path=path!("tokens") view=TokensPage />
                        <Route path=path!("audit") view=AuditPage />
                    </ParentRoute>
                </Routes>
            </Layout>
        </Router>
    }
}

/// Any path the admin view has no page for: under `/admin`, "Page not found"; elsewhere (the
/// site's navigation, a story's public page) the reader's bundle, by a full page load.
#[component]
fn Elsewhere() -> impl IntoView {
    let location = use_location();
    move || {
        if is_admin_path(&location.pathname.get()) {
            view! { <NotFound /> }.into_any()
        } else {
            view! { <FullPageLoad /> }.into_any()
        }
    }
}
