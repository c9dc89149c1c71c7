//! Form pieces shared by the submission and guestbook forms: labelled fields that show their
//! own error, an error summary, and the hidden honeypot field.
//!
//! Errors are [`FieldError`]s named as the API names them (`title`, `links[0].url`), whether
//! they come from the shared `validate()` before sending or from the server's problem+json.

use leptos::html;
use leptos::prelude::*;
use peoples_stories_shared::FieldError;

/// Whether an error about `err_field` belongs under the field `key`: the same name, or an
/// item of it (`countries[1]` under `countries`).
pub fn belongs(err_field: &str, key: &str) -> bool {
    err_field == key
        || err_field
            .strip_prefix(key)
            .is_some_and(|r| r.starts_with('[') && r.ends_with(']') && !r[1..].contains('['))
}

/// The messages for `key`, joined, if any.
pub fn message_for(errors: &[FieldError], key: &str) -> Option<String> {
    let messages: Vec<&str> = errors
        .iter()
        .filter(|e| belongs(&e.field, key))
        .map(|e| e.message.as_str())
        .collect();
    (!messages.is_empty()).then(|| messages.join("; "))
}

/// A labelled text input or text area bound to `value`, with an optional hint and the
/// error the `errors` hold for `field`, both tied to the control by `aria-describedby`.
#[component]
pub fn TextField(
    #[prop(into)] id: String,
    #[prop(into)] field: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] multiline: bool,
    #[prop(optional)] required: bool,
    #[prop(optional)] input_type: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
    #[prop(optional, into)] list: Option<String>,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let described = if hint.is_some() {
        format!("{hint_id} {error_id}")
    } else {
        error_id.clone()
    };
    let field_for_msg = field.clone();
    let message = Memo::new(move |_| errors.with(|e| message_for(e, &field_for_msg)));
    let invalid = move || message.with(Option::is_some).then_some("true");
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=field.clone()
                rows="8"
                aria-required=required.then_some("true")
                aria-invalid=invalid
                aria-describedby=described
                maxlength=maxlength.map(|m| m.to_string())
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
        }
        .into_any()
    } else {
        view! {
            <input
                id=id.clone()
                name=field.clone()
                type=input_type.unwrap_or("text")
                aria-required=required.then_some("true")
                aria-invalid=invalid
                aria-describedby=described
                autocomplete=autocomplete
                list=list
                maxlength=maxlength.map(|m| m.to_string())
                // The value as the page was made (a search's words, rendered on the server);
                // then the property follows the signal.
                value=value.get_untracked()
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        }
        .into_any()
    };
    view! {
        <div class="field" class:has-error=move || message.with(Option::is_some)>
            <label for=id>
                {label}
                {(!required).then(|| view! { <span class="optional">" (optional)"</span> })}
            </label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <p class="field-error" id=error_id>
                {move || message.get()}
            </p>
            {control}
        </div>
    }
}

/// The list of every error, focused when it appears, each linking to its field.
/// `locate(field)` gives the field's label and the id of its control.
#[component]
pub fn ErrorSummary(
    errors: RwSignal<Vec<FieldError>>,
    node_ref: NodeRef<html::Div>,
    locate: fn(&str) -> (String, String),
) -> impl IntoView {
    view! {
        <div
            class="error-summary"
            tabindex="-1"
            node_ref=node_ref
            aria-labelledby="error-summary-heading"
            hidden=move || errors.with(Vec::is_empty)
        >
            <h2 id="error-summary-heading">"Please check these fields"</h2>
            <ul>
                {move || {
                    errors
                        .get()
                        .into_iter()
                        .map(|e| {
                            let (label, id) = locate(&e.field);
                            view! {
                                <li>
                                    <a href=format!("#{id}") rel="external">
                                        {label}
                                        ": "
                                        {e.message}
                                    </a>
                                </li>
                            }
                        })
                        .collect_view()
                }}
            </ul>
        </div>
    }
}

/// Moves focus to `node` once the page has drawn it (after the current update).
pub fn focus_soon<E>(node: NodeRef<E>)
where
    E: leptos::html::ElementType + 'static,
    E::Output: AsRef<leptos::web_sys::HtmlElement> + wasm_bindgen::JsCast + Clone + 'static,
{
    request_animation_frame(move || {
        // The page may have gone (the reader left while a request was out).
        if let Some(el) = node.try_get_untracked().flatten() {
            let el: &leptos::web_sys::HtmlElement = el.as_ref();
            let _ = el.focus();
        }
    });
}

/// The honeypot: a field people never see or reach, which form-filling robots fill in.
#[component]
pub fn Honeypot(value: RwSignal<String>) -> impl IntoView {
    view! {
        <div class="hp" aria-hidden="true">
            <label for="website">"Leave this empty"</label>
            <input
                id="website"
                name="website"
                type="text"
                tabindex="-1"
                autocomplete="off"
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
        </div>
    }
}

/// `Some(trimmed)` unless blank.
pub fn optional(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}
