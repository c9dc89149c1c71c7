//! `/admin/tokens` (admins): API tokens for scripts — list, create (the secret is shown
//! once), revoke.

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use peoples_stories_shared::{CreateApiToken, NewApiToken, Problem};

use super::{when, AdminOnly, AdminProblem};
use crate::api;
use crate::components::form::{ConfirmButton, ErrorSummary, FormErrors, TextField};
use crate::components::status::{Empty, Loading, ProblemView};

#[component]
pub fn TokensPage() -> impl IntoView {
    view! {
        <Title text="API tokens — Admin" />
        <AdminOnly>
            <Tokens />
        </AdminOnly>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let tokens = LocalResource::new(api::tokens);
    let retry = Callback::new(move |()| tokens.refetch());
    let action_problem = RwSignal::new(None::<Problem>);
    let created = RwSignal::new(None::<NewApiToken>);
    let errors = FormErrors::new();
    let name = RwSignal::new(String::new());
    let username = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        created.set(None);
        let n = name.get_untracked().trim().to_string();
        if n.is_empty() {
            errors.show_fields(vec![peoples_stories_shared::FieldError::new(
                "name",
                "say what it is for",
            )]);
            return;
        }
        let u = username.get_untracked().trim().to_lowercase();
        let input = CreateApiToken {
            name: n,
            username: (!u.is_empty()).then_some(u),
        };
        busy.set(true);
        spawn_local(async move {
            match api::create_token(&input).await {
                Ok(t) => {
                    created.set(Some(t));
                    name.set(String::new());
                    tokens.refetch();
                }
                Err(p) => errors.show(p),
            }
            busy.set(false);
        });
    };
    let revoke = move |id: i64| {
        action_problem.set(None);
        spawn_local(async move {
            match api::revoke_token(id).await {
                Ok(_) => tokens.refetch(),
                Err(p) => action_problem.set(Some(p)),
            }
        });
    };
    view! {
        <h1>"API tokens"</h1>
        <p class="lead">
            "Scripts send a token as " <code>"Authorization: Bearer <token>"</code>
            "; it acts as its account, with that account's role."
        </p>
        {move || {
            created
                .get()
                .map(|t| {
                    view! {
                        <div class="status success new-token" role="status">
                            <p class="error-title">"Token “" {t.info.name.clone()} "” made"</p>
                            <p>"Copy it now: it is shown only this once."</p>
                            <p>
                                <code class="token-secret">{t.token}</code>
                            </p>
                        </div>
                    }
                })
        }}
        <form class="admin-form compact" on:submit=submit aria-labelledby="new-token-heading">
            <h2 id="new-token-heading">"Make a token"</h2>
            <ErrorSummary errors />
            <TextField
                label="What it is for"
                field="name"
                value=name
                errors
                required=true
                hint="e.g. “nightly import”."
            />
            <TextField
                label="Account it acts as"
                field="username"
                value=username
                errors
                hint="Empty: your own account."
            />
            <button type="submit" disabled=move || busy.get()>"Make token"</button>
        </form>
        <h2>"Tokens"</h2>
        {move || action_problem.get().map(|problem| view! { <ProblemView problem retry /> })}
        <Suspense fallback=|| view! { <Loading label="Loading tokens…" /> }>
            {move || Suspend::new(async move {
                match tokens.await {
                    Ok(list) if list.is_empty() => view! { <Empty message="No tokens yet." /> }.into_any(),
                    Ok(list) => {
                        view! {
                            <table class="admin-table">
                                <caption class="visually-hidden">"API tokens"</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">"Name"</th>
                                        <th scope="col">"Account"</th>
                                        <th scope="col">"Created"</th>
                                        <th scope="col">"Last used"</th>
                                        <th scope="col">"State"</th>
                                    </tr>
                                </thead>
                                <tbody>
                                    {list
                                        .into_iter()
                                        .map(|t| {
                                            let id = t.id;
                                            view! {
                                                <tr>
                                                    <td>{t.name.clone()}</td>
                                                    <td>{t.username.clone()}</td>
                                                    <td>{when(&t.created_at)}</td>
                                                    <td>{t.last_used_at.map(|x| when(&x)).unwrap_or_else(|| "never".into())}</td>
                                                    <td>
                                                        {match t.revoked_at {
                                                            Some(r) => format!("revoked {}", when(&r)).into_any(),
                                                            None => view! {
                                                                <ConfirmButton
                                                                    label=format!("Revoke “{}”", t.name)
                                                                    question="Revoke this token? Scripts using it stop working."
                                                                    confirm="Yes, revoke"
                                                                    on_confirm=Callback::new(move |()| revoke(id))
                                                                />
                                                            }.into_any(),
                                                        }}
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
