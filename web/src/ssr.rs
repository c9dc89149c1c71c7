//! Rendering the reader's pages on the server (feature `ssr`; the API crate calls [`render`]).
//!
//! The same components the browser runs render here to HTML: the router reads the request's
//! path, each page's resources read through [`Reads`] (the server's read layer, in process:
//! no HTTP), and the whole page is waited for (every resource resolved) before a byte is
//! sent, so its `<head>` holds the page's own title and metadata. It renders in Leptos's
//! islands mode: the page is HTML that needs no code, except its islands (`#[island]`, the
//! forms), each written with its props, which the browser's bundle hydrates
//! (`hydrate_islands` in `start`, `src/lib.rs`; `web/boot.js`). Nothing else of the page's data is
//! sent twice; a resource read inside an island would be written after the page as the
//! scripts hydration reads (none is today).

use std::sync::Arc;

use futures::StreamExt;
use hydration_context::{SharedContext, SsrSharedContext};
use leptos::prelude::*;
use leptos::reactive::owner::Sandboxed;
use leptos_meta::{MetaTags, ServerMetaContext};
use leptos_router::location::RequestUrl;

use crate::api::ServerReads;
pub use crate::api::{ReadFuture, Reads};
use crate::app::App;
use crate::site::{Origin, PageStatus};

/// The scripts leptos writes when no resource was serialised (no island read one): a page
/// needs none of them. When an island does read a resource, its data comes with these
/// initialisers in another form, and every script is kept.
const NOTHING_SERIALISED: [&str; 2] = [
    "__RESOLVED_RESOURCES=[];__SERIALIZED_ERRORS=[];__PENDING_RESOURCES=[];__RESOURCE_RESOLVERS=[];",
    "__INCOMPLETE_CHUNKS=[];",
];

/// What to render.
pub struct PageRequest {
    /// The page's path and query, as requested (`/justice?offset=10`).
    pub path_and_query: String,
    /// The origin of absolute links (canonical URLs, Open Graph), without a trailing slash.
    pub origin: String,
    /// The app build's version, the `v=` of its asset URLs (scripts/build-web.sh), if built.
    pub asset_version: Option<String>,
}

/// A rendered page.
pub struct Rendered {
    /// 200, or the status a page set (404 for a page that does not exist).
    pub status: u16,
    /// The whole document.
    pub html: String,
    /// The text of each of the document's inline scripts (the hydration data), whose hashes
    /// the response's Content-Security-Policy allows (`script-src 'self' 'sha256-…'`).
    pub inline_scripts: Vec<String>,
}

/// Renders the page at `page.path_and_query`, reading through `reads`.
pub async fn render(page: PageRequest, reads: Arc<dyn Reads>) -> Rendered {
    // Resources run their reads as tasks: on the server's tokio runtime.
    let _ = any_spawner::Executor::init_tokio();
    let shared: Arc<dyn SharedContext + Send + Sync> = Arc::new(SsrSharedContext::new_islands());
    let owner = Owner::new_root(Some(Arc::clone(&shared)));
    let (meta_context, meta_output) = ServerMetaContext::new();
    let status = PageStatus::default();
    let PageRequest {
        path_and_query,
        origin,
        asset_version,
    } = page;

    let html = Sandboxed::new({
        let owner = owner.clone();
        let status = status.clone();
        async move {
            let stream = owner.with(|| {
                // The router wants an absolute URL; only its path and query matter.
                provide_context(RequestUrl::new(&format!(
                    "http://localhost{path_and_query}"
                )));
                provide_context(meta_context);
                provide_context(ServerReads(reads));
                provide_context(status);
                provide_context(Origin(origin));
                view! { <Shell asset_version /> }.to_html_stream_in_order()
            });
            let body = stream.collect::<String>().await;
            while let Some(pending) = shared.await_deferred() {
                pending.await;
            }
            let data: Vec<String> = match shared.pending_data() {
                Some(chunks) => chunks.collect().await,
                None => Vec::new(),
            };
            let page = meta_output
                .inject_meta_context(futures::stream::once(async move { body }).boxed())
                .await
                .collect::<String>()
                .await;
            (page, data)
        }
    })
    .await;
    owner.unset_with_forced_cleanup();

    let (mut html, data) = html;
    let mut scripts = String::new();
    let inline_scripts: Vec<String> = data
        .into_iter()
        .filter(|c| !c.is_empty() && !NOTHING_SERIALISED.contains(&c.as_str()))
        .collect();
    for chunk in &inline_scripts {
        scripts.push_str("<script>");
        scripts.push_str(chunk);
        scripts.push_str("</script>");
    }
    // Before `</body>` (leptos's own integrations append them after the document, where the
    // parser would put them anyway): they run before the deferred module that hydrates.
    match html.rfind("</body>") {
        Some(at) => html.insert_str(at, &scripts),
        None => html.push_str(&scripts),
    }
    Rendered {
        status: status.get(),
        html,
        inline_scripts,
    }
}

/// The document around the app: what web/index.html holds for the admin view's bundle, with
/// the reader's bundle and the page's metadata (`MetaTags`).
#[component]
fn Shell(asset_version: Option<String>) -> impl IntoView {
    let v = asset_version.map(|v| format!("?v={v}")).unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8" />
                <meta name="viewport" content="width=device-width, initial-scale=1" />
                <link rel="icon" href="/favicon.svg" type="image/svg+xml" />
                <link rel="apple-touch-icon" href="/apple-touch-icon.png" />
                <link rel="manifest" href="/manifest.webmanifest" />
                <link
                    rel="alternate"
                    type="application/atom+xml"
                    title="People's Stories"
                    href="/feeds/stories.atom"
                />
                <link
                    rel="alternate"
                    type="application/rss+xml"
                    title="People's Stories (RSS)"
                    href="/feeds/stories.rss"
                />
                <link rel="stylesheet" href=format!("/style.css{v}") />
                <script type="module" src=format!("/boot.js{v}")></script>
                <MetaTags />
            </head>
            <body>
                <App />
            </body>
        </html>
    }
}
