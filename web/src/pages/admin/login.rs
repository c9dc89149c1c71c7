//! `/admin/login`: signing in with a username and password; `?next=` names the admin page to
//! return to.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use peoples_stories_shared::Problem;

use super::{safe_next, use_session};
use crate::api;

#[component]
pub fn LoginPage() -> impl IntoView {
    let session = use_session();
    let query = use_query_map();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let error = RwSignal::new(None::<Problem>);

    let sign_in = Action::new_local(move |(u, p): &(String, String)| {
        let (u, p) = (u.clone(), p.clone());
        async move { api::login(u, p).await }
    });
    Effect::new(move || {
        if let Some(result) = sign_in.value().get() {
            match result {
                Ok(me) => {
                    error.set(None);
                    password.set(String::new());
                    session.me.set(Some(me));
                    let next = safe_next(query.read_untracked().get("next"));
                    navigate(&next, NavigateOptions::default());
                }
                Err(p) => error.set(Some(p)),
            }
        }
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        error.set(None);
        sign_in.dispatch((username.get_untracked(), password.get_untracked()));
    };
    let message = move || {
        error.get().map(|p| {
            let text = match p.status {
                401 => "The username or password is wrong.".to_string(),
                429 => format!("Too many failed attempts. {}", p.detail),
                _ => p.detail.clone(),
            };
            view! {
                <div class="status error" role="alert" id="login-error">
                    <p class="error-title">"Could not sign in"</p>
                    <p>{text}</p>
                </div>
            }
        })
    };
    view! {
        <Title text="Sign in — Admin" />
        <div class="admin admin-login">
            <h1>"Sign in"</h1>
            <p class="lead">"For moderators and admins of People's Stories."</p>
            {message}
            <form class="admin-form" on:submit=on_submit>
                <div class="field">
                    <label for="username">"Username"</label>
                    <input
                        id="username"
                        name="username"
                        type="text"
                        autocomplete="username"
                        autocapitalize="none"
                        required=true
                        prop:value=move || username.get()
                        on:input=move |ev| username.set(event_target_value(&ev))
                    />
                </div>
                <div class="field">
                    <label for="password">"Password"</label>
                    <input
                        id="password"
                        name="password"
                        type="password"
                        autocomplete="current-password"
                        required=true
                        prop:value=move || password.get()
                        on:input=move |ev| password.set(event_target_value(&ev))
                    />
                </div>
                <button type="submit" disabled=move || sign_in.pending().get()>
                    {move || if sign_in.pending().get() { "Signing in…" } else { "Sign in" }}
                </button>
            </form>
        </div>
    }
}
