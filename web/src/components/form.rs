//! Form pieces the admin view shares: server field errors shown next to their fields, a
//! summary of them, and a button that asks before it does something that cannot be undone.

use leptos::prelude::*;
use peoples_stories_shared::{FieldError, Problem};

/// The field errors a form shows, from the server's problem+json `errors` or from the shared
/// `validate()` run before sending. Field names are the server's: `title`, `links[0].url`.
#[derive(Clone, Copy)]
pub struct FormErrors {
    pub fields: RwSignal<Vec<FieldError>>,
    /// The problem itself when it is not about fields (403, 409, network).
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

    pub fn clear(&self) {
        self.fields.set(Vec::new());
        self.problem.set(None);
    }

    /// Shows a failed request: its field errors by their fields, the rest as a problem.
    pub fn show(&self, problem: Problem) {
        self.fields.set(problem.errors.clone());
        self.problem.set(Some(problem));
    }

    /// Shows errors found before sending.
    pub fn show_fields(&self, errors: Vec<FieldError>) {
        self.problem.set(None);
        self.fields.set(errors);
    }

    /// The messages for one field, joined.
    pub fn message(&self, field: &str) -> Option<String> {
        self.fields.with(|errors| {
            let messages: Vec<&str> = errors
                .iter()
                .filter(|e| e.field == field)
                .map(|e| e.message.as_str())
                .collect();
            (!messages.is_empty()).then(|| messages.join("; "))
        })
    }

    pub fn has(&self, field: &str) -> bool {
        self.fields
            .with(|errors| errors.iter().any(|e| e.field == field))
    }
}

/// A field name as an id part: `links[0].url` → `links-0--url`.
fn id_part(field: &str) -> String {
    field
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

/// The id of a field's input: `f-title`, `f-links-0--url`.
pub fn field_id(field: &str) -> String {
    format!("f-{}", id_part(field))
}

/// The id of a field's error message, for `aria-describedby`.
pub fn error_id(field: &str) -> String {
    format!("error-{}", id_part(field))
}

/// One field's error, shown under it; nothing when the field is fine.
#[component]
pub fn FieldMessage(errors: FormErrors, #[prop(into)] field: String) -> impl IntoView {
    let id = error_id(&field);
    move || {
        errors.message(&field).map(|m| {
            view! {
                <p class="field-error" id=id.clone()>
                    {m}
                </p>
            }
        })
    }
}

/// A field's `aria-describedby` (its hint, then its error while it has one) and its
/// `aria-invalid`, both following the form's errors.
fn described_and_invalid(
    errors: FormErrors,
    field: &str,
    hint_id: Option<String>,
) -> (
    impl Fn() -> Option<String> + Send + Sync + 'static,
    impl Fn() -> Option<&'static str> + Send + Sync + 'static,
) {
    let described = {
        let field = field.to_string();
        move || {
            let mut ids: Vec<String> = hint_id.iter().cloned().collect();
            if errors.has(&field) {
                ids.push(error_id(&field));
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    let invalid = {
        let field = field.to_string();
        move || errors.has(&field).then_some("true")
    };
    (described, invalid)
}

/// A labelled text input bound to `value`, with its error under it.
#[component]
pub fn TextField(
    #[prop(into)] label: String,
    /// The server's name of the field; also the input's id.
    #[prop(into)]
    field: String,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] autocomplete: Option<String>,
) -> impl IntoView {
    let id = field_id(&field);
    let hint_id = format!("{id}-hint");
    let (described, invalid) =
        described_and_invalid(errors, &field, hint.is_some().then(|| hint_id.clone()));
    view! {
        <div class="field">
            <label for=id.clone()>{label} {required.then_some(" (required)")}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <input
                id=id
                name=field.clone()
                type=kind
                required=required
                autocomplete=autocomplete
                aria-invalid=invalid
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            />
            <FieldMessage errors field />
        </div>
    }
}

/// A labelled text area bound to `value`, with its error under it.
#[component]
pub fn TextArea(
    #[prop(into)] label: String,
    #[prop(into)] field: String,
    value: RwSignal<String>,
    errors: FormErrors,
    #[prop(default = 6)] rows: u32,
    #[prop(optional)] required: bool,
    #[prop(optional, into)] hint: Option<String>,
) -> impl IntoView {
    let id = field_id(&field);
    let hint_id = format!("{id}-hint");
    let (described, invalid) =
        described_and_invalid(errors, &field, hint.is_some().then(|| hint_id.clone()));
    view! {
        <div class="field">
            <label for=id.clone()>{label} {required.then_some(" (required)")}</label>
            {hint.map(|h| view! { <p class="hint" id=hint_id.clone()>{h}</p> })}
            <textarea
                id=id
                name=field.clone()
                rows=rows
                required=required
                aria-invalid=invalid
                aria-describedby=described
                prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))
            ></textarea>
            <FieldMessage errors field />
        </div>
    }
}

/// The form's errors at the top: the problem's detail and every field error, so errors on
/// fields the form does not show are not lost.
#[component]
pub fn ErrorSummary(errors: FormErrors) -> impl IntoView {
    move || {
        let problem = errors.problem.get();
        let fields = errors.fields.get();
        if problem.is_none() && fields.is_empty() {
            return None;
        }
        let title = problem
            .as_ref()
            .map(|p| p.title.clone())
            .unwrap_or_else(|| "Please correct the form".to_string());
        let detail = problem.map(|p| p.detail);
        Some(view! {
            <div class="status error error-summary" role="alert">
                <p class="error-title">{title}</p>
                {detail.map(|d| view! { <p>{d}</p> })}
                {(!fields.is_empty())
                    .then(|| {
                        view! {
                            <ul>
                                {fields
                                    .into_iter()
                                    .map(|e| view! { <li>{e.field} ": " {e.message}</li> })
                                    .collect_view()}
                            </ul>
                        }
                    })}
            </div>
        })
    }
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
