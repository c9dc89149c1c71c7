//! Writing stories: create, edit (including publish and unpublish), delete, add a dated
//! update. Each write records a change for the search index and an audit entry in its own
//! transaction; callers then bring this node's index up to date.

use chrono::Utc;
use peoples_stories_shared::{
    FieldError, LinkInput, Story, StoryInput, StoryPatch, StoryStatus, UpdateInput,
};

use super::{check, diff, Actor};
use crate::countries::Catalog;
use crate::db::stories::{self, NewStory, DRAFT, PUBLISHED};
use crate::db::{audit, sources, taxonomy, tombstones, DbConn};
use crate::error::{AppError, AppResult};
use crate::seed::registrable_domain;

/// A story checked against the data: its theme id, country codes and link domains.
pub(super) struct Checked {
    pub(super) story: NewStory,
    /// (url, title, registrable domain)
    links: Vec<(String, Option<String>, String)>,
}

impl Checked {
    /// Whether one of its links belongs to `domain`.
    pub(super) fn has_domain(&self, domain: &str) -> bool {
        self.links.iter().any(|(_, _, d)| d == domain)
    }

    /// Whether two checked stories say the same (the slug and creation time aside).
    pub(super) fn same_as(&self, other: &Checked) -> bool {
        let (a, b) = (&self.story, &other.story);
        self.links == other.links
            && (&a.title, a.theme_id, &a.byline, a.date, &a.summary, &a.body)
                == (&b.title, b.theme_id, &b.byline, b.date, &b.summary, &b.body)
            && (&a.related_url, a.status, &a.updates, &a.country_codes)
                == (&b.related_url, b.status, &b.updates, &b.country_codes)
    }
}

fn trimmed(s: Option<String>) -> Option<String> {
    s.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Checks the shape, then the theme, countries and links; names every bad field at once.
pub(super) fn check_input(conn: &mut DbConn, input: StoryInput) -> AppResult<Checked> {
    let mut errors = input.validate();
    let theme_id = taxonomy::resolve_theme(&taxonomy::theme_rows(conn)?, &input.theme, &mut errors)
        .unwrap_or(0);
    let codes =
        Catalog::get().resolve_all(&input.countries, |i| format!("countries[{i}]"), &mut errors);
    let mut links = Vec::new();
    for (i, LinkInput { url, title }) in input.links.into_iter().enumerate() {
        let url = url.trim().to_string();
        match registrable_domain(&url) {
            Some(domain) => links.push((url, trimmed(title), domain)),
            None => {
                if !errors.iter().any(|e| e.field == format!("links[{i}].url")) {
                    errors.push(FieldError::new(
                        format!("links[{i}].url"),
                        "must name a host, like https://example.org/page",
                    ));
                }
            }
        }
    }
    check(errors)?;
    Ok(Checked {
        story: NewStory {
            slug: String::new(),
            title: input.title.trim().to_string(),
            theme_id,
            byline: trimmed(input.byline),
            date: input.date,
            summary: trimmed(input.summary),
            body: input.body.trim().to_string(),
            related_url: trimmed(input.related_url),
            status: match input.status.unwrap_or(StoryStatus::Published) {
                StoryStatus::Published => PUBLISHED,
                StoryStatus::Draft => DRAFT,
            },
            updates: input
                .updates
                .into_iter()
                .map(|u| (u.date, u.body.trim().to_string()))
                .collect(),
            country_codes: codes,
            links: Vec::new(),
            created_at: None,
        },
        links,
    })
}

/// Gives each link its source, making sources for new domains. Inside the transaction.
pub(super) fn attach_sources(conn: &mut DbConn, c: &mut Checked) -> AppResult<()> {
    c.story.links.clear();
    for (url, title, domain) in &c.links {
        let slug = sources::unique_slug(conn, &slug::slugify(domain))?;
        let source_id = sources::find_or_create(conn, domain, domain, &slug)?;
        c.story.links.push((url.clone(), title.clone(), source_id));
    }
    Ok(())
}

/// The story as the audit log records it: the public fields and its status.
fn snapshot(story: &Story, status: &str) -> serde_json::Value {
    let mut v = serde_json::to_value(story).unwrap_or(serde_json::Value::Null);
    if let Some(o) = v.as_object_mut() {
        o.insert("status".into(), serde_json::Value::from(status));
    }
    v
}

pub(super) fn load(conn: &mut DbConn, id: i64) -> AppResult<Story> {
    Ok(stories::load_whole(conn, &[id])?
        .pop()
        .ok_or_else(|| anyhow::anyhow!("story {id} vanished"))?)
}

fn find(conn: &mut DbConn, id_or_slug: &str) -> AppResult<i64> {
    stories::find_id(conn, id_or_slug)?
        .ok_or_else(|| AppError::NotFound(format!("no story has the id or slug '{id_or_slug}'")))
}

/// Writes a new story; published unless `status` says `draft`.
pub fn create(conn: &mut DbConn, actor: Actor, input: StoryInput) -> AppResult<Story> {
    crate::db::write_transaction::<_, AppError, _>(conn, |conn| create_within(conn, actor, input))
}

/// As `create`, inside the caller's transaction (approving a submission).
pub fn create_within(conn: &mut DbConn, actor: Actor, input: StoryInput) -> AppResult<Story> {
    let mut checked = check_input(conn, input)?;
    checked.story.slug = stories::unique_slug(conn, &checked.story.title)?;
    attach_sources(conn, &mut checked)?;
    let id = stories::insert(conn, &checked.story)?;
    let story = load(conn, id)?;
    audit::record(
        conn,
        &audit::NewEntry {
            actor,
            action: "story.create",
            target_type: "story",
            target_id: Some(id.to_string()),
            details: snapshot(&story, checked.story.status),
        },
        Utc::now().naive_utc(),
    )?;
    Ok(story)
}

/// A story as input again, so a patch can be applied to it.
pub(super) fn as_input(story: &Story, status: &str) -> StoryInput {
    StoryInput {
        title: story.title.clone(),
        theme: story.theme.clone(),
        byline: story.byline.clone(),
        date: story.date,
        summary: story.summary.clone(),
        body: story.body.clone(),
        updates: story
            .updates
            .iter()
            .map(|u| UpdateInput {
                date: u.date,
                body: u.body.clone(),
            })
            .collect(),
        countries: story.countries.iter().map(|c| c.code.clone()).collect(),
        links: story
            .links
            .iter()
            .map(|l| LinkInput {
                url: l.url.clone(),
                title: l.title.clone(),
            })
            .collect(),
        related_url: story.related_url.clone(),
        status: StoryStatus::parse(status),
    }
}

/// Applies a patch; `status` publishes or unpublishes. The audit entry holds what changed.
pub fn update(
    conn: &mut DbConn,
    actor: Actor,
    id_or_slug: &str,
    patch: StoryPatch,
) -> AppResult<Story> {
    let id = find(conn, id_or_slug)?;
    rewrite(conn, actor, id, patch, None)
}

/// Appends a dated follow-up.
pub fn add_update(
    conn: &mut DbConn,
    actor: Actor,
    id_or_slug: &str,
    update: UpdateInput,
) -> AppResult<Story> {
    let id = find(conn, id_or_slug)?;
    let mut updates = as_input(&load(conn, id)?, PUBLISHED).updates;
    updates.push(update);
    let patch = StoryPatch {
        updates: Some(updates),
        ..Default::default()
    };
    rewrite(conn, actor, id, patch, Some("story.add_update"))
}

/// Harvesters learn of a story leaving the archive from its tombstone, written with the
/// change that unpublished it; a story published again leaves the list of tombstones (they
/// see it again through `updated_since`). Inside the write's transaction.
pub(super) fn status_changed(
    conn: &mut DbConn,
    id: i64,
    slug: &str,
    before: &str,
    after: &str,
) -> AppResult<()> {
    match (before, after) {
        (PUBLISHED, DRAFT) => tombstones::record(
            conn,
            id,
            slug,
            tombstones::UNPUBLISHED,
            Utc::now().naive_utc(),
        )?,
        (DRAFT, PUBLISHED) => tombstones::clear(conn, id)?,
        _ => {}
    }
    Ok(())
}

/// Rewrites a story with a patch applied, recording `action` (or, when None, `story.update`,
/// `story.publish` or `story.unpublish` as the status went) with the fields that changed.
fn rewrite(
    conn: &mut DbConn,
    actor: Actor,
    id: i64,
    patch: StoryPatch,
    action: Option<&'static str>,
) -> AppResult<Story> {
    let before = load(conn, id)?;
    let before_status = stories::status_of(conn, id)?;
    let mut checked = check_input(conn, patch.apply(as_input(&before, &before_status)))?;
    crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
        attach_sources(conn, &mut checked)?;
        stories::replace(conn, id, &checked.story)?;
        let after = load(conn, id)?;
        status_changed(conn, id, &before.slug, &before_status, checked.story.status)?;
        let action = action.unwrap_or(match (before_status.as_str(), checked.story.status) {
            (DRAFT, PUBLISHED) => "story.publish",
            (PUBLISHED, DRAFT) => "story.unpublish",
            _ => "story.update",
        });
        audit::record(
            conn,
            &audit::NewEntry {
                actor,
                action,
                target_type: "story",
                target_id: Some(id.to_string()),
                details: diff(
                    &snapshot(&before, &before_status),
                    &snapshot(&after, checked.story.status),
                ),
            },
            Utc::now().naive_utc(),
        )?;
        Ok(after)
    })
}

/// Deletes a story for good; the audit entry keeps what it was.
pub fn delete(conn: &mut DbConn, actor: Actor, id_or_slug: &str) -> AppResult<()> {
    let id = find(conn, id_or_slug)?;
    crate::db::write_transaction::<_, AppError, _>(conn, |conn| {
        let story = load(conn, id)?;
        let status = stories::status_of(conn, id)?;
        // A story harvesters may hold (public now, or public once and unpublished since) is
        // reported deleted; a draft never published was never theirs.
        if status == PUBLISHED || tombstones::exists(conn, id)? {
            tombstones::record(
                conn,
                id,
                &story.slug,
                tombstones::DELETED,
                Utc::now().naive_utc(),
            )?;
        }
        stories::delete(conn, id)?;
        audit::record(
            conn,
            &audit::NewEntry {
                actor,
                action: "story.delete",
                target_type: "story",
                target_id: Some(id.to_string()),
                details: snapshot(&story, &status),
            },
            Utc::now().naive_utc(),
        )?;
        Ok(())
    })
}
