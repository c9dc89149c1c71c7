//! The one form kit, for the reader's forms (submit, guestbook, search) and the admin view's:
//! labelled fields that show their own error, an error summary that links to them, a theme
//! select, the honeypot, and a button that asks before it does something that cannot be undone.
//!
//! Errors are [`FieldError`]s named as the API names them (`title`, `links[0].url`), whether
//! they come from the shared `validate()` before sending or from the server's problem+json.
//! A field shows its own errors and those of its items: `countries[1]` shows under
//! `countries`, so an error about one entry of a list field is never lost.

use leptos::html;
use leptos::prelude::*;
use peoples_stories_shared::{messages_for, FieldError, Problem};

use crate::site::THEMES;

/// The errors a form shows: field errors beside their fields, and the problem itself when it
/// is not about fields (403, 409, a lost connection).
#[derive(Clone, Copy)]
pub struct FormErrors {
    pub fields: RwSignal<Vec<FieldError>>,
    pub problem: RwSignal<Option<Problem>>,
}

impl Default for FormErrors {
    fn default() -> Self {
        Self::new()
    }
}

impl FormErrors {
    pub fn new() -> Self {
        FormErrors {
            fields: RwSignal::new(Vec::new()),
            problem: RwSignal::new(None),
        }
    }

    // These may be called when a request's answer arrives, after the reader has left the
    // form (and its signals are gone): then they do nothing.

    pub fn clear(&self) {
        self.fields.try_set(Vec::new());
        self.problem.try_set(None);
    }

    /// Shows a failed request: its field errors by their fields, the problem at the top.
    pub fn show(&self, problem: Problem) {
        self.fields.try_set(problem.errors.clone());
        self.problem.try_set(Some(problem));
    }

    /// Shows errors about fields alone (found before sending, or the server's).
    pub fn show_fields(&self, errors: Vec<FieldError>) {
        self.problem.try_set(None);
        self.fields.try_set(errors);
    }

    /// The messages for `field` and its items, joined, if any. (A field's view may be asked
    /// once more while the page that owns the errors is being taken down: none then.)
    pub fn message(&self, field: &str) -> Option<String> {
        self.fields
            .try_with(|errors| messages_for(errors, field))
            .flatten()
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields
            .try_with(|errors| errors.iter().any(|e| e.belongs_to(field)))
            .unwrap_or(false)
    }
}

/// The default id of a field's control: `title` → `f-title`, `links[0].url` → `f-links-0--url`.
pub fn field_id(field: &str) -> String {
    let part: String = field
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    format!("f-{part}")
}

/// The id of the error message of the control `control_id`, for `aria-describedby`.
pub fn error_id(control_id: &str) -> String {
    format!("{control_id}-error")
}

/// One field's error, shown where it is placed (empty, and hidden by the style sheet, while
/// the field is fine). `id` is the control's id, `field_id(field)` by default.
#[component]
pub fn FieldMessage(
    errors: FormErrors,
    #[prop(into)] field: String,
    #[prop(optional, into)] id: Option<String>,
) -> impl IntoView {
    let id = error_id(&id.unwrap_or_else(|| field_id(&field)));
    view! {
        <p class="field-error" id=id>
            {move || errors.message(&field)}
        </p>
    }
}

/// A field's `aria-describedby` (its hint, then its error) and `aria-invalid`.
fn described_and_invalid(
    errors: FormErrors,
    field: &str,
    id: &str,
    has_hint: bool,
) -> (
    String,
    impl Fn() -> Option<&'static str> + Send + Sync + 'static,
) {
    let error = error_id(id);
    let described = if has_hint {
        format!("{id}-hint {error}")
    } else {
        error
    };
    let field = field.to_string();
    (described, move || errors.has(&field).then_some("true"))
}

/// The label of a control: its text, and "(optional)" when the form asks for it.
fn label_text(label: String, optional: bool) -> impl IntoView {
    view! {
        {label}
        {optional.then(|| view! { <span class="optional">" (optional)"</span> })}
    }
}

/// A labelled text input (or text area, `multiline`) bound to `value`, with an optional hint
/// and its error, both tied to the control by `aria-describedby`.
#[component]
pub fn TextField(
    /// The server's name of the field (`title`, `links[0].url`); the control's `name`.
    #[prop(into)]
    field: String,
    #[prop(into)] label: String,
    value: RwSignal<String>,
    errors: FormErrors,
    /// The control's id; `field_id(field)` by default.
    #[prop(optional, into)]
    id: Option<String>,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] multiline: bool,
    #[prop(default = 6)] rows: u32,
    /// The field must be filled in (`aria-required`; the form's own checks say so, not the
    /// browser's).
    #[prop(optional)]
    required: bool,
    /// Says "(optional)" after the label, in forms where most fields are required.
    #[prop(optional)]
    optional: bool,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] autocomplete: Option<&'static str>,
    /// The id of a `<datalist>` of suggestions.
    #[prop(optional, into)]
    list: Option<String>,
    #[prop(optional)] maxlength: Option<usize>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id(&field));
    let hint_id = format!("{id}-hint");
    let (described, invalid) = described_and_invalid(errors, &field, &id, hint.is_some());
    let control = if multiline {
        view! {
            <textarea
                id=id.clone()
                name=field.clone()
                rows=rows
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
                type=input_type
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
    let has_error = {
        let field = field.clone();
        move || errors.has(&field)
    };
    view! {
        <div class="field" class:has-error=has_error>
            <label for=id.clone()>{label_text(label, optional)}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id>{h}</p> })}
            <FieldMessage errors field id=id />
            {control}
        </div>
    }
}

/// The theme, chosen from the five.
#[component]
pub fn ThemeSelect(
    value: RwSignal<String>,
    errors: FormErrors,
    /// The control's id; `f-theme` by default.
    #[prop(optional, into)]
    id: Option<String>,
) -> impl IntoView {
    let id = id.unwrap_or_else(|| field_id("theme"));
    let (described, invalid) = described_and_invalid(errors, "theme", &id, false);
    view! {
        <div class="field" class:has-error=move || errors.has("theme")>
            <label for=id.clone()>"Theme"</label>
            <FieldMessage errors field="theme" id=id.clone() />
            <select
                id=id
                name="theme"
                aria-required="true"
                aria-invalid=invalid
                aria-describedby=described
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                <option value="">"Choose a theme"</option>
                {THEMES
                    .iter()
                    .map(|t| {
                        let slug = t.slug;
                        view! {
                            <option value=slug selected=move || value.with(|v| v == slug)>
                                {t.name}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// A labelled choice that has no errors of its own (the search's theme and order): `options`
/// as (value, label); the chosen one is `selected` in the server's HTML too.
#[component]
pub fn SelectField(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    value: RwSignal<String>,
    options: Vec<(&'static str, &'static str)>,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id>{label}</label>
            <select
                id=id
                name=name
                prop:value=move || value.get()
                on:change=move |ev| value.set(event_target_value(&ev))
            >
                {options
                    .into_iter()
                    .map(|(v, text)| {
                        view! {
                            <option value=v selected=move || value.with(|x| x == v)>
                                {text}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
        </div>
    }
}

/// Where an error summary's entry leads: the field's label and its control's id.
pub type Locate = fn(&str) -> (String, String);

/// The form's errors at the top, moved into focus when they appear: the problem's title and
/// detail, then every field error linking to its field (`locate` names the field and its
/// control; by default the field's own name and `field_id`), so errors on fields the form
/// does not show are not lost either.
#[component]
pub fn ErrorSummary(errors: FormErrors, #[prop(optional)] locate: Option<Locate>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    let shown =
        move || errors.fields.with(|f| !f.is_empty()) || errors.problem.with(Option::is_some);
    // Runs in the browser only, after each new set of errors.
    Effect::new(move |_| {
        if shown() {
            focus_soon(node);
        }
    });
    let locate = move |field: &str| match locate {
        Some(locate) => locate(field),
        None => (field.to_string(), field_id(field)),
    };
    view! {
        <div
            class="error-summary"
            tabindex="-1"
            node_ref=node
            hidden=move || !shown()
        >
            <h2>
                {move || {
                    errors
                        .problem
                        .with(|p| {
                            p.as_ref()
                                .filter(|p| p.errors.is_empty())
                                .map(|p| p.title.clone())
                                .unwrap_or_else(|| "Please check these fields".to_string())
                        })
                }}
            </h2>
            {move || {
                errors
                    .problem
                    .with(|p| {
                        p.as_ref()
                            .filter(|p| p.errors.is_empty())
                            .map(|p| view! { <p>{p.detail.clone()}</p> })
                    })
            }}
            <ul>
                {move || {
                    errors
                        .fields
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

/// A button that asks "Are you sure?" in place before running `on_confirm`.
#[component]
pub fn ConfirmButton(
    /// The button's text, e.g. "Delete".
    #[prop(into)]
    label: String,
    /// The question, e.g. "Delete this story? This cannot be undone."
    #[prop(into)]
    question: String,
    /// The confirming button's text, e.g. "Yes, delete".
    #[prop(into)]
    confirm: String,
    on_confirm: Callback<()>,
    #[prop(optional, into)] disabled: Signal<bool>,
) -> impl IntoView {
    let asking = RwSignal::new(false);
    move || {
        if asking.get() {
            view! {
                <span class="confirm" role="group" aria-label=question.clone()>
                    <span class="confirm-question">{question.clone()}</span>
                    " "
                    <button
                        type="button"
                        class="danger"
                        autofocus=true
                        on:click=move |_| {
                            asking.set(false);
                            on_confirm.run(());
                        }
                    >
                        {confirm.clone()}
                    </button>
                    " "
                    <button type="button" class="secondary" on:click=move |_| asking.set(false)>
                        "Cancel"
                    </button>
                </span>
            }
            .into_any()
        } else {
            view! {
                <button
                    type="button"
                    class="danger"
                    disabled=move || disabled.get()
                    on:click=move |_| asking.set(true)
                >
                    {label.clone()}
                </button>
            }
            .into_any()
        }
    }
}
