//! The moderators' view under `/admin`: one module per page, and here the frame they share —
//! who is signed in, the admin navigation, and the rule that sends anyone not signed in to
//! `/admin/login` (and back afterwards).

pub mod accounts;
pub mod audit;
pub mod dashboard;
pub mod guestbook;
pub mod login;
pub mod sources;
pub mod stories;
pub mod story_editor;
pub mod submission;
pub mod submissions;
pub mod tokens;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{Outlet, A};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use peoples_stories_shared::{Me, Problem};

use crate::api;
use crate::components::status::{Loading, ProblemView};

/// Who is signed in, as the server last said; `None` until it has, or after signing out.
#[derive(Clone, Copy)]
pub struct AdminSession {
    pub me: RwSignal<Option<Me>>,
}

impl AdminSession {
    pub fn provide() {
        provide_context(AdminSession {
            me: RwSignal::new(None),
        });
    }

    pub fn is_admin(&self) -> bool {
        self.me
            .with(|me| me.as_ref().is_some_and(|m| m.role.is_admin()))
    }
}

pub fn use_session() -> AdminSession {
    // The App provides it; outside the App a page gets a session of its own.
    use_context::<AdminSession>().unwrap_or_else(|| AdminSession {
        me: RwSignal::new(None),
    })
}

/// The sign-in page's address that comes back to `path` afterwards.
pub fn login_path(path: &str) -> String {
    let next: String = form_urlencoded::byte_serialize(path.as_bytes()).collect();
    format!("/admin/login?next={next}")
}

/// The page shown now, path and query (the router keeps the query without its `?`).
fn current_path(location: &leptos_router::location::Location) -> String {
    let path = location.pathname.get_untracked();
    let search = location.search.get_untracked();
    if search.is_empty() {
        path
    } else {
        format!("{path}?{search}")
    }
}

/// Where to go after signing in: `next` when it is a page of the admin view on this site,
/// else the dashboard (`shared::paths::safe_admin_next` says exactly what passes).
pub fn safe_next(next: Option<String>) -> String {
    peoples_stories_shared::paths::safe_admin_next(next.as_deref())
}

/// The frame of every admin page but sign-in.
#[component]
pub fn AdminShell() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    let navigate = use_navigate();
    let problem = RwSignal::new(None::<Problem>);

    // Ask the server who is signed in, unless this tab already knows.
    let check = {
        let navigate = navigate.clone();
        move || {
            let here = current_path(&location);
            let navigate = navigate.clone();
            problem.set(None);
            spawn_local(async move {
                match api::me().await {
                    Ok(me) => session.me.set(Some(me)),
                    Err(p) if p.status == 401 => navigate(
                        &login_path(&here),
                        NavigateOptions {
                            replace: true,
                            ..Default::default()
                        },
                    ),
                    Err(p) => problem.set(Some(p)),
                }
            });
        }
    };
    if session.me.get_untracked().is_none() {
        check();
    }
    let retry = Callback::new(move |()| check());

    let sign_out = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            // Signed out locally whatever the server says; the cookie ends with the session.
            let _ = api::logout().await;
            session.me.set(None);
            navigate("/admin/login", NavigateOptions::default());
        });
    };

    view! {
        <div class="admin">
            {move || {
                session
                    .me
                    .get()
                    .map(|me| {
                        let admin = me.role.is_admin();
                        view! {
                            <nav class="admin-nav" aria-label="Admin">
                                <ul>
                                    <li>
                                        <A href="/admin" exact=true>
                                            "Dashboard"
                                        </A>
                                    </li>
                                    <li>
                                        <A href="/admin/submissions?status=pending">"Submissions"</A>
                                    </li>
                                    <li>
                                        <A href="/admin/guestbook?status=pending">"Guestbook"</A>
                                    </li>
                                    <li>
                                        <A href="/admin/stories">"Stories"</A>
                                    </li>
                                    <li>
                                        <A href="/admin/sources">"Sources"</A>
                                    </li>
                                    {admin
                                        .then(|| {
                                            view! {
                                                <li>
                                                    <A href="/admin/accounts">"Accounts"</A>
                                                </li>
                                                <li>
                                                    <A href="/admin/tokens">"API tokens"</A>
                                                </li>
                                                <li>
                                                    <A href="/admin/audit">"Audit log"</A>
                                                </li>
                                            }
                                        })}
                                </ul>
                                <p class="signed-in">
                                    "Signed in as " <strong>{me.username}</strong> " ("
                                    {me.role.as_str()} ") "
                                    <button type="button" class="secondary" on:click=sign_out.clone()>
                                        "Sign out"
                                    </button>
                                </p>
                            </nav>
                        }
                    })
            }}
            <Show
                when=move || session.me.with(Option::is_some)
                fallback=move || {
                    move || match problem.get() {
                        Some(problem) => {
                            view! {
                                <h1>"The admin view could not load"</h1>
                                <ProblemView problem retry />
                            }
                                .into_any()
                        }
                        None => view! { <Loading label="Checking your session…" /> }.into_any(),
                    }
                }
            >
                <Outlet />
            </Show>
        </div>
    }
}

/// Shows its children to admins only; moderators get a plain refusal.
#[component]
pub fn AdminOnly(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        if session.is_admin() {
            children().into_any()
        } else {
            view! {
                <leptos_meta::Title text="Admins only" />
                <h1>"Admins only"</h1>
                <p>"This page is for admins. Ask an admin if you need something done here."</p>
            }
            .into_any()
        }
    }
}

/// A failed request in the admin view: a session that has ended gets a way back in.
#[component]
pub fn AdminProblem(problem: Problem, retry: Callback<()>) -> impl IntoView {
    if problem.status == 401 {
        let location = use_location();
        let here = current_path(&location);
        return view! {
            <div class="status error" role="alert">
                <p class="error-title">"Your session has ended"</p>
                <p>
                    <A href=login_path(&here)>"Sign in again"</A>
                </p>
            </div>
        }
        .into_any();
    }
    view! { <ProblemView problem retry /> }.into_any()
}

/// The links to the pages before and after an admin list's, whose page is `?offset=` in its
/// URL: `href_for(offset)` is the URL of the page starting there; `labels` are the nav's
/// accessible name and the two links' texts.
pub fn admin_pager(
    offset: u64,
    total: i64,
    page: u32,
    labels: (&'static str, &'static str, &'static str),
    href_for: impl Fn(u64) -> String,
) -> impl IntoView {
    let (name, back_text, more_text) = labels;
    let step = u64::from(page);
    let more = (offset + step < total.max(0) as u64).then(|| href_for(offset + step));
    let back = (offset > 0).then(|| href_for(offset.saturating_sub(step)));
    view! {
        <nav class="pager" aria-label=name>
            {back.map(|h| view! { <a href=h>{back_text}</a> })}
            {more.map(|h| view! { <a href=h rel="next">{more_text}</a> })}
        </nav>
    }
}

/// A date and time as moderators read it: `2026-11-28 14:05 UTC`.
pub fn when(t: &chrono::DateTime<chrono::Utc>) -> String {
    t.format("%Y-%m-%d %H:%M UTC").to_string()
}
