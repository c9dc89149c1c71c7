//! `/admin/stories/new` and `/admin/stories/:id`: the story editor — every field, a preview
//! as readers will see it, publish and unpublish, and delete (after asking).

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_navigate, use_params_map};
use leptos_router::NavigateOptions;
use peoples_stories_shared::moderation::STORY_LINKS_MAX;
use peoples_stories_shared::{
    CountryRef, FieldError, ManagedStory, PartialDate, StoryInput, StoryPatch, StoryStatus,
    UpdateInput,
};

use super::AdminProblem;
use crate::api;
use crate::components::country_input::CountryPicker;
use crate::components::form::{
    optional, ConfirmButton, ErrorSummary, FieldMessage, FormErrors, TextField, ThemeSelect,
};
use crate::components::link_rows::{LinkRows, LinkRowsEditor};
use crate::components::status::Loading;
use crate::components::story_card::byline_text;
use crate::pages::story::paragraphs;

/// One dated follow-up in the form.
#[derive(Clone, Copy)]
struct UpdateRow {
    key: usize,
    date: RwSignal<String>,
    body: RwSignal<String>,
}

/// Everything the editor holds.
#[derive(Clone, Copy)]
struct Draft {
    title: RwSignal<String>,
    theme: RwSignal<String>,
    byline: RwSignal<String>,
    date: RwSignal<String>,
    summary: RwSignal<String>,
    body: RwSignal<String>,
    related_url: RwSignal<String>,
    countries: RwSignal<Vec<CountryRef>>,
    updates: RwSignal<Vec<UpdateRow>>,
    links: LinkRows,
    next_key: StoredValue<usize>,
}

impl Draft {
    fn empty() -> Draft {
        Draft {
            title: RwSignal::new(String::new()),
            theme: RwSignal::new(String::new()),
            byline: RwSignal::new(String::new()),
            date: RwSignal::new(String::new()),
            summary: RwSignal::new(String::new()),
            body: RwSignal::new(String::new()),
            related_url: RwSignal::new(String::new()),
            countries: RwSignal::new(Vec::new()),
            updates: RwSignal::new(Vec::new()),
            links: LinkRows::new(),
            next_key: StoredValue::new(0),
        }
    }

    fn key(&self) -> usize {
        let k = self.next_key.get_value();
        self.next_key.set_value(k + 1);
        k
    }

    fn add_update(&self, date: String, body: String) {
        let row = UpdateRow {
            key: self.key(),
            date: RwSignal::new(date),
            body: RwSignal::new(body),
        };
        self.updates.update(|u| u.push(row));
    }

    fn load(&self, m: &ManagedStory) {
        let s = &m.story;
        self.title.set(s.title.clone());
        self.theme.set(s.theme.clone());
        self.byline.set(s.byline.clone().unwrap_or_default());
        self.date
            .set(s.date.map(|d| d.to_string()).unwrap_or_default());
        self.summary.set(s.summary.clone().unwrap_or_default());
        self.body.set(s.body.clone());
        self.related_url
            .set(s.related_url.clone().unwrap_or_default());
        self.countries.set(s.countries.clone());
        self.updates.set(Vec::new());
        for u in &s.updates {
            self.add_update(
                u.date.map(|d| d.to_string()).unwrap_or_default(),
                u.body.clone(),
            );
        }
        self.links
            .set(s.links.iter().map(|l| (l.url.clone(), l.title.clone())));
    }

    /// The story as the API takes it, or the fields that cannot be read (dates).
    fn input(&self) -> Result<StoryInput, Vec<FieldError>> {
        // Rows left empty are not links; dropping them keeps `links[i]` on row i.
        self.links.drop_empty(false);
        let mut errors = Vec::new();
        let date = parse_date(&self.date.get_untracked(), "date", &mut errors);
        let updates = self
            .updates
            .get_untracked()
            .iter()
            .enumerate()
            .map(|(i, u)| UpdateInput {
                date: parse_date(
                    &u.date.get_untracked(),
                    &format!("updates[{i}].date"),
                    &mut errors,
                ),
                body: u.body.get_untracked(),
            })
            .collect();
        let input = StoryInput {
            title: self.title.get_untracked(),
            theme: self.theme.get_untracked(),
            byline: optional(&self.byline.get_untracked()),
            date,
            summary: optional(&self.summary.get_untracked()),
            body: self.body.get_untracked(),
            updates,
            countries: self
                .countries
                .get_untracked()
                .into_iter()
                .map(|c| c.code)
                .collect(),
            links: self.links.inputs(),
            related_url: optional(&self.related_url.get_untracked()),
            status: None,
        };
        errors.extend(input.validate());
        if errors.is_empty() {
            Ok(input)
        } else {
            Err(errors)
        }
    }
}

fn parse_date(text: &str, field: &str, errors: &mut Vec<FieldError>) -> Option<PartialDate> {
    let t = text.trim();
    if t.is_empty() {
        return None;
    }
    match t.parse::<PartialDate>() {
        Ok(d) => Some(d),
        Err(e) => {
            errors.push(FieldError::new(
                field,
                format!("use YYYY, YYYY-MM or YYYY-MM-DD ({e})"),
            ));
            None
        }
    }
}

/// What the typed date means: "Precision: month — Aug. 2023".
fn date_meaning(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() {
        return "No date: the story shows undated.".to_string();
    }
    match t.parse::<PartialDate>() {
        Ok(d) => format!(
            "Precision: {} — shown as “{}”.",
            d.precision().as_str(),
            d.human()
        ),
        Err(_) => "Not a date yet: use YYYY, YYYY-MM or YYYY-MM-DD.".to_string(),
    }
}

/// The patch that makes the story equal to `input`: every field, so the form is the truth.
fn full_patch(input: StoryInput) -> StoryPatch {
    StoryPatch {
        title: Some(input.title),
        theme: Some(input.theme),
        byline: Some(input.byline),
        date: Some(input.date),
        summary: Some(input.summary),
        body: Some(input.body),
        updates: Some(input.updates),
        countries: Some(input.countries),
        links: Some(input.links),
        related_url: Some(input.related_url),
        status: None,
    }
}

#[component]
pub fn NewStory() -> impl IntoView {
    view! {
        <Title text="New story — Admin" />
        <Editor existing=None />
    }
}

#[component]
pub fn EditStory() -> impl IntoView {
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").unwrap_or_default());
    let story = LocalResource::new(move || {
        let id = id.get();
        async move { api::managed_story(&id).await }
    });
    let retry = Callback::new(move |()| story.refetch());
    view! {
        <Title text="Edit story — Admin" />
        <Suspense fallback=|| view! { <Loading label="Loading the story…" /> }>
            {move || Suspend::new(async move {
                match story.await {
                    Ok(m) => view! { <Editor existing=Some(m) /> }.into_any(),
                    Err(problem) => {
                        view! {
                            <h1>"Edit story"</h1>
                            <AdminProblem problem retry />
                        }
                            .into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
fn Editor(existing: Option<ManagedStory>) -> impl IntoView {
    let navigate = use_navigate();
    let draft = Draft::empty();
    let current = RwSignal::new(existing.clone());
    if let Some(m) = &existing {
        draft.load(m);
    }
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let saved = RwSignal::new(None::<String>);
    let preview = RwSignal::new(false);

    // Saves the form; `status` publishes or unpublishes at the same time.
    let save = {
        let navigate = navigate.clone();
        move |status: Option<StoryStatus>| {
            errors.clear();
            saved.set(None);
            let input = match draft.input() {
                Ok(i) => i,
                Err(e) => {
                    errors.show_fields(e);
                    return;
                }
            };
            busy.set(true);
            let navigate = navigate.clone();
            spawn_local(async move {
                match current.get_untracked() {
                    None => {
                        let input = StoryInput {
                            status: Some(status.unwrap_or(StoryStatus::Draft)),
                            ..input
                        };
                        match api::create_story(&input).await {
                            Ok(story) => navigate(
                                &format!("/admin/stories/{}", story.id),
                                NavigateOptions::default(),
                            ),
                            Err(p) => errors.show(p),
                        }
                    }
                    Some(m) => {
                        let patch = StoryPatch {
                            status,
                            ..full_patch(input)
                        };
                        match api::patch_story(m.story.id, &patch).await {
                            Ok(story) => {
                                let message = match status {
                                    None => "Saved.",
                                    Some(StoryStatus::Published) => "Saved and published.",
                                    Some(StoryStatus::Draft) => "Saved and unpublished.",
                                };
                                let status = status.unwrap_or(m.status);
                                let updated = ManagedStory { status, story };
                                draft.load(&updated);
                                current.set(Some(updated));
                                saved.set(Some(message.to_string()));
                            }
                            Err(p) => errors.show(p),
                        }
                    }
                }
                busy.set(false);
            });
        }
    };
    let delete = {
        let navigate = navigate.clone();
        Callback::new(move |()| {
            let Some(m) = current.get_untracked() else {
                return;
            };
            let navigate = navigate.clone();
            busy.set(true);
            spawn_local(async move {
                match api::delete_story(m.story.id).await {
                    Ok(()) => navigate("/admin/stories", NavigateOptions::default()),
                    Err(p) => errors.show(p),
                }
                busy.set(false);
            });
        })
    };

    let heading = move || match current.get() {
        Some(m) => format!("Edit: {}", m.story.title),
        None => "New story".to_string(),
    };
    let save_click = save.clone();
    let publish_click = save.clone();
    let unpublish_click = save.clone();
    let update_rows = move || {
        draft
            .updates
            .get()
            .into_iter()
            .enumerate()
            .collect::<Vec<(usize, UpdateRow)>>()
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save(None);
    };

    view! {
        <p class="back">
            <A href="/admin/stories">"← Stories"</A>
        </p>
        <h1>{heading}</h1>
        {move || {
            current
                .get()
                .map(|m| {
                    let public = (m.status == StoryStatus::Published)
                        .then(|| {
                            let href = format!("/stories/{}", api::segment(&m.story.slug));
                            view! {
                                " · "
                                <a href=href id="public-page">
                                    "Its public page"
                                </a>
                            }
                        });
                    view! {
                        <p class="meta">
                            <span class=format!(
                                "badge badge-{}",
                                m.status.as_str(),
                            )>{m.status.as_str()}</span>
                            {public}
                        </p>
                    }
                })
        }}
        <div aria-live="polite">
            {move || saved.get().map(|s| view! { <p class="status success" role="status">{s}</p> })}
        </div>
        <ErrorSummary errors />
        <form class="admin-form story-editor" on:submit=on_submit>
            <TextField label="Title" field="title" value=draft.title errors required=true />
            <ThemeSelect value=draft.theme errors />
            <TextField
                label="Byline"
                optional=true
                field="byline"
                value=draft.byline
                errors
                hint="Authors and/or organisations, e.g. “OHCHR, news agencies”."
            />
            <TextField
                label="Date"
                optional=true
                field="date"
                value=draft.date
                errors
                hint="YYYY, YYYY-MM or YYYY-MM-DD: the precision follows from what you type; never invent a day."
            />
            <p class="hint date-meaning" aria-live="polite">
                {move || date_meaning(&draft.date.get())}
            </p>
            <TextField multiline=true optional=true label="Summary" field="summary" value=draft.summary errors rows=3 />
            <TextField multiline=true
                label="Story"
                field="body"
                value=draft.body
                errors
                rows=14
                required=true
                hint="Plain text; a blank line starts a new paragraph."
            />
            <fieldset class="field repeat">
                <legend>"Updates (dated follow-ups, oldest first)"</legend>
                <FieldMessage errors field="updates" />
                <For
                    each=update_rows
                    key=|(i, row)| (*i, row.key)
                    children=move |(i, row)| {
                        view! {
                            <div class="repeat-row">
                                <TextField
                                    label=format!("Update {} date", i + 1)
                                    field=format!("updates[{i}].date")
                                    value=row.date
                                    errors
                                />
                                <TextField multiline=true
                                    label=format!("Update {} text", i + 1)
                                    field=format!("updates[{i}].body")
                                    value=row.body
                                    errors
                                    rows=3
                                />
                                <button
                                    type="button"
                                    class="secondary small"
                                    on:click=move |_| {
                                        draft.updates.update(|u| u.retain(|r| r.key != row.key))
                                    }
                                >
                                    {format!("Remove update {}", i + 1)}
                                </button>
                            </div>
                        }
                    }
                />
                <button
                    type="button"
                    class="secondary"
                    on:click=move |_| draft.add_update(String::new(), String::new())
                >
                    "Add an update"
                </button>
            </fieldset>
            <CountryPicker selected=draft.countries errors />
            <LinkRowsEditor rows=draft.links errors max=STORY_LINKS_MAX />
            <TextField
                label="Related web page"
                optional=true
                field="related_url"
                value=draft.related_url
                errors
                input_type="url"
                hint="“Visit the related web page”: one primary link."
            />
            <div class="actions">
                {move || {
                    let save_click = save_click.clone();
                    let publish_click = publish_click.clone();
                    let unpublish_click = unpublish_click.clone();
                    match current.get().map(|m| m.status) {
                        None => {
                            view! {
                                <button type="submit" class="secondary" disabled=move || busy.get()>
                                    "Save as draft"
                                </button>
                                " "
                                <button
                                    type="button"
                                    id="publish"
                                    disabled=move || busy.get()
                                    on:click=move |_| publish_click(Some(StoryStatus::Published))
                                >
                                    "Publish"
                                </button>
                            }
                                .into_any()
                        }
                        Some(status) => {
                            view! {
                                <button
                                    type="button"
                                    id="save"
                                    disabled=move || busy.get()
                                    on:click=move |_| save_click(None)
                                >
                                    "Save changes"
                                </button>
                                " "
                                {if status == StoryStatus::Published {
                                    view! {
                                        <button
                                            type="button"
                                            class="secondary"
                                            id="unpublish"
                                            disabled=move || busy.get()
                                            on:click=move |_| unpublish_click(Some(StoryStatus::Draft))
                                        >
                                            "Save and unpublish"
                                        </button>
                                    }
                                        .into_any()
                                } else {
                                    view! {
                                        <button
                                            type="button"
                                            id="publish"
                                            disabled=move || busy.get()
                                            on:click=move |_| publish_click(Some(StoryStatus::Published))
                                        >
                                            "Save and publish"
                                        </button>
                                    }
                                        .into_any()
                                }}
                                " "
                                <ConfirmButton
                                    label="Delete story"
                                    question="Delete this story for good? Readers will no longer find it."
                                    confirm="Yes, delete the story"
                                    on_confirm=delete
                                    disabled=Signal::derive(move || busy.get())
                                />
                            }
                                .into_any()
                        }
                    }
                }}
                " "
                <button
                    type="button"
                    class="secondary"
                    aria-expanded=move || preview.get().to_string()
                    aria-controls="story-preview"
                    on:click=move |_| preview.update(|p| *p = !*p)
                >
                    {move || if preview.get() { "Hide preview" } else { "Preview" }}
                </button>
            </div>
        </form>
        <div id="story-preview">
            {move || preview.get().then(|| view! { <Preview draft /> })}
        </div>
    }
}

/// The story as readers will see it, drawn from the form (links show their addresses until
/// the server names their sources).
#[component]
fn Preview(draft: Draft) -> impl IntoView {
    move || {
        let date = draft.date.get().trim().parse::<PartialDate>().ok();
        let countries = draft
            .countries
            .get()
            .iter()
            .map(|c| c.name.clone())
            .collect::<Vec<_>>()
            .join(", ");
        let byline = optional(&draft.byline.get());
        let summary = optional(&draft.summary.get());
        let related = optional(&draft.related_url.get());
        let updates = draft.updates.get();
        let links = draft.links.get();
        view! {
            <section class="preview" aria-labelledby="preview-heading">
                <h2 id="preview-heading" class="preview-label">
                    "Preview"
                </h2>
                <article class="story">
                    <header>
                        <p class="preview-title">{draft.title.get()}</p>
                        <p class="meta">
                            {byline.map(|b| view! { <span class="byline">{byline_text(&b)}</span> })}
                            " "
                            {date.map(|d| view! { <time datetime=d.to_string()>{d.human()}</time> })}
                        </p>
                        {(!countries.is_empty())
                            .then(|| {
                                view! {
                                    <p class="countries">
                                        <span class="label">"Countries: "</span>
                                        {countries}
                                    </p>
                                }
                            })}
                    </header>
                    {summary.map(|s| view! { <p class="lead">{s}</p> })}
                    <div class="body">
                        {paragraphs(&draft.body.get())
                            .into_iter()
                            .map(|p| view! { <p>{p}</p> })
                            .collect_view()}
                    </div>
                    {(!updates.is_empty())
                        .then(|| {
                            view! {
                                <section class="updates">
                                    <h3>"Updates"</h3>
                                    <ol>
                                        {updates
                                            .iter()
                                            .map(|u| {
                                                let d = u
                                                    .date
                                                    .get()
                                                    .trim()
                                                    .parse::<PartialDate>()
                                                    .map(|d| d.human())
                                                    .unwrap_or_else(|_| "Undated".into());
                                                view! {
                                                    <li>
                                                        <p class="update-date">{d}</p>
                                                        {paragraphs(&u.body.get())
                                                            .into_iter()
                                                            .map(|p| view! { <p>{p}</p> })
                                                            .collect_view()}
                                                    </li>
                                                }
                                            })
                                            .collect_view()}
                                    </ol>
                                </section>
                            }
                        })}
                    {(!links.is_empty())
                        .then(|| {
                            view! {
                                <section class="sources">
                                    <h3>"Sources"</h3>
                                    <ul>
                                        {links
                                            .iter()
                                            .map(|l| {
                                                let url = l.url.get();
                                                let text = optional(&l.title.get()).unwrap_or_else(|| url.clone());
                                                view! { <li>{text} <span class="source-name">" — " {url}</span></li> }
                                            })
                                            .collect_view()}
                                    </ul>
                                </section>
                            }
                        })}
                    {related.map(|_| view! { <p class="related">"Visit the related web page"</p> })}
                </article>
            </section>
        }
    }
}
