//! What every page knows about the site: its name, its themes, the public origin of its
//! absolute links, the status a page answers with on the server, and the helpers pages share.
//! Pages and the routers import from here; nothing here imports a page.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

pub use peoples_stories_shared::taxonomy::{ThemeDef, THEMES};

/// The site's name, shown in the header and at the end of every document title.
pub const SITE_NAME: &str = "People's Stories";

/// Every page's document title: the page's own, then the site's name.
pub fn title_formatter(text: String) -> String {
    if text.is_empty() {
        SITE_NAME.to_string()
    } else {
        format!("{text} — {SITE_NAME}")
    }
}

/// The theme with this slug, if it is one of the site's.
pub fn theme(slug: &str) -> Option<&'static ThemeDef> {
    THEMES.iter().find(|t| t.slug == slug)
}

/// The `offset` in the page's query, 0 when absent or not a number.
pub fn offset_param() -> Memo<u64> {
    let query = use_query_map();
    Memo::new(move |_| {
        query
            .read()
            .get("offset")
            .and_then(|o| o.parse::<u64>().ok())
            .unwrap_or(0)
    })
}

/// The origin absolute links start with (`https://example.org`): on the server the configured
/// public origin, provided by the renderer; in the browser the page's own.
#[derive(Clone, Debug)]
pub struct Origin(pub String);

/// The public origin, without a trailing slash.
pub fn origin() -> String {
    if let Some(Origin(o)) = use_context::<Origin>() {
        return o;
    }
    #[cfg(not(feature = "ssr"))]
    if let Some(o) = leptos::web_sys::window().and_then(|w| w.location().origin().ok()) {
        return o;
    }
    String::new()
}

/// The HTTP status of the page being rendered on the server (200 unless a page says
/// otherwise: the not-found page says 404). In the browser nobody provides it and
/// [`set_status`] does nothing.
#[derive(Clone, Debug, Default)]
pub struct PageStatus(pub std::sync::Arc<std::sync::atomic::AtomicU16>);

impl PageStatus {
    /// The status set, or 200.
    pub fn get(&self) -> u16 {
        match self.0.load(std::sync::atomic::Ordering::Relaxed) {
            0 => 200,
            s => s,
        }
    }
}

/// Sets the rendered page's status (on the server).
pub fn set_status(status: u16) {
    if let Some(PageStatus(s)) = use_context::<PageStatus>() {
        s.store(status, std::sync::atomic::Ordering::Relaxed);
    }
}
