//! `/admin/accounts` (admins): moderator and admin accounts — list, create, disable.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use peoples_stories_shared::{CreateModerator, FieldError, Problem, Role};

use super::{when, AdminOnly, AdminProblem};
use crate::api;
use crate::components::form::{ConfirmButton, ErrorSummary, FieldMessage, FormErrors, TextField};
use crate::components::status::{Loading, ProblemView};

#[component]
pub fn AccountsPage() -> impl IntoView {
    view! {
        <Title text="Accounts — Admin" />
        <AdminOnly>
            <Accounts />
        </AdminOnly>
    }
}

#[component]
fn Accounts() -> impl IntoView {
    let users = LocalResource::new(api::users);
    let retry = Callback::new(move |()| users.refetch());
    let action_problem = RwSignal::new(None::<Problem>);
    let disable = move |username: String| {
        action_problem.set(None);
        spawn_local(async move {
            match api::disable_user(&username).await {
                Ok(_) => users.refetch(),
                Err(p) => action_problem.set(Some(p)),
            }
        });
    };
    view! {
        <h1>"Accounts"</h1>
        <NewAccount reload=retry />
        <h2>"Everyone who can sign in"</h2>
        {move || action_problem.get().map(|problem| view! { <ProblemView problem retry /> })}
        <Suspense fallback=|| view! { <Loading label="Loading accounts…" /> }>
            {move || Suspend::new(async move {
                match users.await {
                    Ok(list) => {
                        view! {
                            <table class="admin-table">
                                <caption class="visually-hidden">"Accounts"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Username"</th>
                                        <th scope="col">"Role"</th>
                                        <th scope="col">"Created"</th>
                                        <th scope="col">"State"</th>
                                        <th scope="col">"Actions"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|u| {
                                            let name = u.username.clone();
                                            let state = match u.disabled_at {
                                                Some(t) => format!("disabled {}", when(&t)),
                                                None => "active".to_string(),
                                            };
                                            let active = u.disabled_at.is_none();
                                            view! {
                                                <tr>
                                                    <td>{u.username.clone()}</td>
                                                    <td>{u.role.as_str()}</td>
                                                    <td>{when(&u.created_at)}</td>
                                                    <td>{state}</td>
                                                    <td>
                                                        {active.then(|| view! {
                                                            <ConfirmButton
                                                                label=format!("Disable {}", u.username)
                                                                question=format!("Disable {}? Their sessions and API tokens end now.", u.username)
                                                                confirm="Yes, disable"
                                                                on_confirm=Callback::new(move |()| disable(name.clone()))
                                                            />
                                                        })}
                                                    </td>
                                                </tr>
                                            }
                                        })
                                        .collect_view()}
                                </tbody>
                            </table>
                        }
                            .into_any()
                    }
                    Err(problem) => view! { <AdminProblem problem retry /> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn NewAccount(reload: Callback<()>) -> impl IntoView {
    let errors = FormErrors::new();
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Moderator);
    let busy = RwSignal::new(false);
    let done = RwSignal::new(None::<String>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        done.set(None);
        let input = CreateModerator {
            username: username.get_untracked().trim().to_lowercase(),
            password: password.get_untracked(),
            role: role.get_untracked(),
        };
        let mut problems = Vec::new();
        if let Err(m) = peoples_stories_shared::moderation::check_username(&input.username) {
            problems.push(FieldError::new("username", m));
        }
        if let Err(m) = peoples_stories_shared::moderation::check_password(&input.password) {
            problems.push(FieldError::new("password", m));
        }
        if !problems.is_empty() {
            errors.show_fields(problems);
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match api::create_user(&input).await {
                Ok(u) => {
                    done.set(Some(format!(
                        "Made the account {} ({}).",
                        u.username, u.role
                    )));
                    username.set(String::new());
                    password.set(String::new());
                    reload.run(());
                }
                Err(p) => errors.show(p),
            }
            busy.set(false);
        });
    };
    view! {
        <form class="admin-form compact" on:submit=submit aria-labelledby="new-account-heading">
            <h2 id="new-account-heading">"Make an account"</h2>
            <div aria-live="polite">
                {move || done.get().map(|d| view! { <p class="status success" role="status">{d}</p> })}
            </div>
            <ErrorSummary errors />
            <TextField
                label="Username"
                field="username"
                value=username
                errors
                required=true
                autocomplete="off"
                hint="3 to 64 of a-z, 0-9, '.', '_' and '-'."
            />
            <TextField
                label="Password"
                field="password"
                value=password
                errors
                required=true
                input_type="password"
                autocomplete="new-password"
                hint="At least 12 characters. Give it to the person by a private channel."
            />
            <div class="field">
                <label for="f-role">"Role"</label>
                <select
                    id="f-role"
                    on:change=move |ev| {
                        if let Some(r) = Role::parse(&event_target_value(&ev)) {
                            role.set(r);
                        }
                    }
                >
                    <option value="moderator" selected=true>"moderator: queue, stories, sources"</option>
                    <option value="admin">"admin: also accounts, tokens, audit log"</option>
                </select>
                <FieldMessage errors field="role" />
            </div>
            <button type="submit" disabled=move || busy.get()>"Make account"</button>
        </form>
    }
}
