//! The one link-row editor: a story's source links as rows of address and title, with
//! "Add"/"Remove" buttons, for the reader's submission form and the admin view's story editor
//! and submission review. Row `i` is the API's `links[i]`, so the server's errors
//! (`links[1].url`) show on the row they are about.

use leptos::prelude::*;
use peoples_stories_shared::moderation::LinkInput;
use peoples_stories_shared::SubmittedLink;

use crate::components::form::{optional, FieldMessage, FormErrors, TextField};

/// One row: its key (stable while rows are added and removed), address and title.
#[derive(Clone, Copy)]
pub struct LinkRow {
    key: usize,
    pub url: RwSignal<String>,
    pub title: RwSignal<String>,
}

impl LinkRow {
    fn is_empty(&self) -> bool {
        self.url.with_untracked(|u| u.trim().is_empty())
            && self.title.with_untracked(|t| t.trim().is_empty())
    }
}

/// The rows of a form, and the keys to tell them apart.
#[derive(Clone, Copy)]
pub struct LinkRows {
    rows: RwSignal<Vec<LinkRow>>,
    next_key: StoredValue<usize>,
}

impl Default for LinkRows {
    fn default() -> Self {
        Self::new()
    }
}

impl LinkRows {
    pub fn new() -> Self {
        LinkRows {
            rows: RwSignal::new(Vec::new()),
            next_key: StoredValue::new(0),
        }
    }

    /// Rows holding these links (`(address, title)`).
    pub fn with(links: impl IntoIterator<Item = (String, Option<String>)>) -> Self {
        let rows = Self::new();
        rows.set(links);
        rows
    }

    /// Replaces the rows with these links.
    pub fn set(&self, links: impl IntoIterator<Item = (String, Option<String>)>) {
        self.rows.set(Vec::new());
        for (url, title) in links {
            self.push(url, title.unwrap_or_default());
        }
    }

    pub fn push(&self, url: String, title: String) {
        let key = self.next_key.get_value();
        self.next_key.set_value(key + 1);
        let row = LinkRow {
            key,
            url: RwSignal::new(url),
            title: RwSignal::new(title),
        };
        self.rows.update(|r| r.push(row));
    }

    /// Drops the rows left wholly empty (they are not links), so that `links[i]` in the
    /// server's answer is row `i` on screen; `keep_one` leaves one empty row to fill in.
    pub fn drop_empty(&self, keep_one: bool) {
        self.rows.update(|rows| rows.retain(|r| !r.is_empty()));
        if keep_one && self.rows.with_untracked(Vec::is_empty) {
            self.push(String::new(), String::new());
        }
    }

    /// The links as `(address, title)`, trimmed, empty rows left out.
    fn pairs(&self) -> Vec<(String, Option<String>)> {
        self.rows
            .get_untracked()
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| {
                (
                    r.url.get_untracked().trim().to_string(),
                    optional(&r.title.get_untracked()),
                )
            })
            .collect()
    }

    /// The links as the moderators' API takes them.
    pub fn inputs(&self) -> Vec<LinkInput> {
        self.pairs()
            .into_iter()
            .map(|(url, title)| LinkInput { url, title })
            .collect()
    }

    /// The links as a submission carries them.
    pub fn submitted(&self) -> Vec<SubmittedLink> {
        self.pairs()
            .into_iter()
            .map(|(url, title)| SubmittedLink { url, title })
            .collect()
    }

    /// The rows as they are now (for a preview).
    pub fn get(&self) -> Vec<LinkRow> {
        self.rows.get()
    }
}

/// The rows, each with its address and title fields and a "Remove" button, and an "Add"
/// button while fewer than `max` rows are shown. `optional` says "(optional)" in the legend.
#[component]
pub fn LinkRowsEditor(
    rows: LinkRows,
    errors: FormErrors,
    max: usize,
    #[prop(optional, into)] hint: Option<String>,
    #[prop(optional)] optional: bool,
) -> impl IntoView {
    let numbered = move || {
        rows.rows
            .get()
            .into_iter()
            .enumerate()
            .collect::<Vec<(usize, LinkRow)>>()
    };
    let legend = if optional {
        "Source links (optional)"
    } else {
        "Source links"
    };
    view! {
        <fieldset class="field links">
            <legend>{legend}</legend>
            {hint.map(|h| view! { <p class="hint">{h}</p> })}
            <FieldMessage errors field="links" id="links" />
            <For
                each=numbered
                key=|(i, row)| (*i, row.key)
                children=move |(i, row)| {
                    view! {
                        <div class="link-row">
                            <TextField
                                id=format!("link-{i}-url")
                                field=format!("links[{i}].url")
                                label=format!("Link {} address", i + 1)
                                value=row.url
                                errors
                                input_type="url"
                            />
                            <TextField
                                id=format!("link-{i}-title")
                                field=format!("links[{i}].title")
                                label=format!("Link {} title", i + 1)
                                value=row.title
                                errors
                                optional=true
                            />
                            <button
                                type="button"
                                class="secondary small"
                                on:click=move |_| {
                                    rows.rows.update(|r| r.retain(|x| x.key != row.key))
                                }
                            >
                                {format!("Remove link {}", i + 1)}
                            </button>
                        </div>
                    }
                }
            />
            <button
                type="button"
                class="secondary"
                disabled=move || rows.rows.with(|r| r.len() >= max)
                on:click=move |_| rows.push(String::new(), String::new())
            >
                "Add a link"
            </button>
        </fieldset>
    }
}

/// A field's label and its control's id for a `links…` error, for an error summary.
pub fn locate_link(field: &str) -> Option<(String, String)> {
    if field == "links" {
        return Some(("Source links".to_string(), "link-0-url".to_string()));
    }
    let inner = field.strip_prefix("links[")?;
    let (index, rest) = inner.split_once(']')?;
    let n = index.parse::<usize>().ok()?;
    Some(if rest == ".title" {
        (
            format!("Source link {} title", n + 1),
            format!("link-{n}-title"),
        )
    } else {
        (
            format!("Source link {} address", n + 1),
            format!("link-{n}-url"),
        )
    })
}
