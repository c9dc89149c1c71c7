//! What crawlers and browsers ask every site for: `/robots.txt`, the sitemaps
//! (`/sitemap.xml`, an index of `/sitemaps/pages.xml` and `/sitemaps/stories-{n}.xml`), the
//! icon (`/favicon.svg`, `/favicon.ico`) and the web app manifest.

use actix_web::http::header::{self, HeaderValue};
use actix_web::{get, web, HttpRequest, HttpResponse};
use peoples_stories_shared::Problem;

use crate::cache::{public_read_entry, Depends, Entry};
use crate::error::{AppError, AppResult};
use crate::reading::syndication;
use crate::state::AppState;
use crate::syndication::sitemap::{self, Loc};
use crate::syndication::{segment, story_url};

/// The sitemaps' media type.
pub const XML_TYPE: &str = "application/xml; charset=utf-8";

/// How long browsers and proxies may keep the icon, the manifest and robots.txt: a day.
const STATIC_CACHE_CONTROL: &str = "public, max-age=86400";

/// The site's origin for absolute links: the configured public origin
/// (`--public-origin`), else the host the request was sent to, over http (a site behind
/// https should configure its origin). A `Host` that is not a plain host and port is
/// refused.
pub fn public_origin(req: &HttpRequest, state: &AppState) -> AppResult<String> {
    if let Some(o) = state.auth.public_origins.first() {
        return Ok(o.trim_end_matches('/').to_string());
    }
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .map(str::to_string)
        .or_else(|| req.uri().authority().map(|a| a.to_string()))
        .unwrap_or_default();
    let plain = !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    let url = plain
        .then(|| url::Url::parse(&format!("http://{host}/")).ok())
        .flatten()
        .filter(|u| u.host_str().is_some());
    match url {
        Some(u) => Ok(u.origin().ascii_serialization()),
        None => Err(AppError::field(
            "Host",
            "the Host header must name this site's host (and port)",
        )),
    }
}

/// Which crawlers may go where, and where the sitemap is.
#[utoipa::path(
    tag = "site",
    responses(
        (status = 200, description = "robots.txt: reader pages allowed, the moderators' view and API not; the sitemap's URL",
            body = String, content_type = "text/plain; charset=utf-8"),
    )
)]
#[get("/robots.txt")]
pub async fn robots(state: web::Data<AppState>, req: HttpRequest) -> AppResult<HttpResponse> {
    let origin = public_origin(&req, &state)?;
    Ok(HttpResponse::Ok()
        .content_type("text/plain; charset=utf-8")
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(STATIC_CACHE_CONTROL),
        ))
        .body(sitemap::robots(&origin)))
}

/// The sitemap index: `/sitemaps/pages.xml` and each `/sitemaps/stories-{n}.xml` that holds
/// a published story.
#[utoipa::path(
    tag = "site",
    responses(
        (status = 200, description = "A sitemap index (sitemaps.org 0.9)", body = String,
            content_type = "application/xml; charset=utf-8"),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
    )
)]
#[get("/sitemap.xml")]
pub async fn sitemap_index(
    state: web::Data<AppState>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let origin = public_origin(&req, &state)?;
    let size = state.sitemap_page_size;
    public_read_entry(
        &req,
        &state,
        "sitemap-index",
        origin.clone(),
        Depends::Stories,
        move |r| {
            let mut locs = vec![Loc {
                loc: format!("{origin}/sitemaps/pages.xml"),
                lastmod: None,
            }];
            locs.extend(
                syndication::sitemap_files(r, size)?
                    .into_iter()
                    .map(|n| Loc {
                        loc: format!("{origin}/sitemaps/stories-{n}.xml"),
                        lastmod: None,
                    }),
            );
            Entry::bytes(sitemap::index(&locs)?, XML_TYPE, None)
        },
    )
    .await
}

/// One file of the sitemap: `pages.xml` (the home page, the themes, the sources, about,
/// the guestbook) or `stories-{n}.xml` (the published stories with ids from
/// `(n-1)·size+1` to `n·size`, size 50,000 unless configured, each with its last change).
#[utoipa::path(
    tag = "site",
    params(("name" = String, Path, description = "`pages.xml` or `stories-{n}.xml`, n from 1",
        example = "stories-1.xml")),
    responses(
        (status = 200, description = "A sitemap (sitemaps.org 0.9)", body = String,
            content_type = "application/xml; charset=utf-8"),
        (status = 304, description = "Not modified: the `If-None-Match` tag is current"),
        (status = 404, description = "No such sitemap file", body = Problem,
            content_type = "application/problem+json"),
    )
)]
#[get("/sitemaps/{name}")]
pub async fn sitemap_file(
    state: web::Data<AppState>,
    path: web::Path<String>,
    req: HttpRequest,
) -> AppResult<HttpResponse> {
    let name = path.into_inner();
    let origin = public_origin(&req, &state)?;
    if name == "pages.xml" {
        return public_read_entry(
            &req,
            &state,
            "sitemap-pages",
            origin.clone(),
            Depends::Sources,
            move |r| {
                let pages = syndication::site_pages(r)?;
                let at = |path: String| Loc {
                    loc: format!("{origin}{path}"),
                    lastmod: None,
                };
                let mut locs = vec![at("/".into())];
                locs.extend(pages.themes.iter().map(|t| at(format!("/{}", segment(t)))));
                locs.extend(["/sources", "/about", "/guestbook"].map(|p| at(p.into())));
                locs.extend(pages.sources.iter().map(|(slug, t)| Loc {
                    loc: format!("{origin}/sources/{}", segment(slug)),
                    lastmod: Some(*t),
                }));
                Entry::bytes(sitemap::urlset(&locs)?, XML_TYPE, None)
            },
        )
        .await;
    }
    let n = name
        .strip_prefix("stories-")
        .and_then(|n| n.strip_suffix(".xml"))
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && !n.starts_with('0'))
        .and_then(|n| n.parse::<u64>().ok())
        .ok_or_else(|| AppError::NotFound(format!("no sitemap file named '{name}'")))?;
    let size = state.sitemap_page_size;
    let key = format!("{origin} {n}");
    public_read_entry(
        &req,
        &state,
        "sitemap-stories",
        key,
        Depends::Stories,
        move |r| {
            let stories = syndication::sitemap_stories(r, n, size)?
                .ok_or_else(|| AppError::NotFound(format!("no sitemap file named '{name}'")))?;
            let last = stories.iter().map(|(_, t)| *t).max();
            let locs: Vec<Loc> = stories
                .into_iter()
                .map(|(slug, t)| Loc {
                    loc: story_url(&origin, &slug),
                    lastmod: Some(t),
                })
                .collect();
            Entry::bytes(sitemap::urlset(&locs)?, XML_TYPE, last)
        },
    )
    .await
}

/// The site's icon, a small SVG (also at `/favicon.ico`, where browsers look without a
/// `<link rel="icon">`).
const FAVICON_SVG: &[u8] = include_bytes!("../../assets/favicon.svg");

/// The icon drawn as PNG (`scripts/gen-icons.sh`) for what takes no SVG: the manifest's
/// 192 and 512 px icons (Android) and the 180 px `apple-touch-icon.png` (iOS).
const ICON_192: &[u8] = include_bytes!("../../assets/icon-192.png");
const ICON_512: &[u8] = include_bytes!("../../assets/icon-512.png");
const APPLE_TOUCH_ICON: &[u8] = include_bytes!("../../assets/apple-touch-icon.png");

/// The web app manifest.
const MANIFEST: &[u8] = include_bytes!("../../assets/manifest.webmanifest");

fn asset(body: &'static [u8], content_type: &'static str) -> HttpResponse {
    HttpResponse::Ok()
        .content_type(content_type)
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(STATIC_CACHE_CONTROL),
        ))
        .body(body)
}

/// The site's icon (SVG).
#[utoipa::path(
    tag = "site",
    responses((status = 200, description = "The icon", body = String, content_type = "image/svg+xml"))
)]
#[get("/favicon.svg")]
pub async fn favicon_svg() -> HttpResponse {
    asset(FAVICON_SVG, "image/svg+xml")
}

/// The site's icon where browsers look for it by default: the same SVG.
#[utoipa::path(
    tag = "site",
    responses((status = 200, description = "The icon (SVG)", body = String, content_type = "image/svg+xml"))
)]
#[get("/favicon.ico")]
pub async fn favicon_ico() -> HttpResponse {
    asset(FAVICON_SVG, "image/svg+xml")
}

/// The icon, 192 px square (PNG).
#[utoipa::path(
    tag = "site",
    responses((status = 200, description = "The icon", body = String, content_type = "image/png"))
)]
#[get("/icon-192.png")]
pub async fn icon_192() -> HttpResponse {
    asset(ICON_192, "image/png")
}

/// The icon, 512 px square (PNG).
#[utoipa::path(
    tag = "site",
    responses((status = 200, description = "The icon", body = String, content_type = "image/png"))
)]
#[get("/icon-512.png")]
pub async fn icon_512() -> HttpResponse {
    asset(ICON_512, "image/png")
}

/// The icon for iOS's home screen, 180 px square with square corners (PNG), where iOS looks
/// for it by default.
#[utoipa::path(
    tag = "site",
    responses((status = 200, description = "The icon", body = String, content_type = "image/png"))
)]
#[get("/apple-touch-icon.png")]
pub async fn apple_touch_icon() -> HttpResponse {
    asset(APPLE_TOUCH_ICON, "image/png")
}

/// The web app manifest: name, start page, colours, icons.
#[utoipa::path(
    tag = "site",
    responses((status = 200, description = "The manifest (a JSON object, as the Web App \
        Manifest specification defines it)", body = Object,
        content_type = "application/manifest+json"))
)]
#[get("/manifest.webmanifest")]
pub async fn manifest() -> HttpResponse {
    asset(MANIFEST, "application/manifest+json")
}

/// The world map's country shapes, each a `<path id>` named by its ISO code, which the
/// search page's map draws with `<use>` (a page carries only each country's colour and link).
/// Asked for with the current version (`?v=`, as the pages link it) it is cached for a year.
#[utoipa::path(
    tag = "site",
    responses((status = 200, description = "The shapes (SVG)", body = String,
        content_type = "image/svg+xml"))
)]
#[get("/world-map.svg")]
pub async fn world_map(req: HttpRequest) -> HttpResponse {
    use peoples_stories_web::components::world_map::{sprite, sprite_version};
    static SPRITE: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let current = req.query_string() == format!("v={}", sprite_version());
    HttpResponse::Ok()
        .content_type("image/svg+xml")
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static(if current {
                "public, max-age=31536000, immutable"
            } else {
                STATIC_CACHE_CONTROL
            }),
        ))
        .body(SPRITE.get_or_init(sprite).as_str())
}

/// The routes of this file and of `feeds.rs`, outside `/api/v1`.
pub fn routes(cfg: &mut utoipa_actix_web::service_config::ServiceConfig) {
    cfg.service(super::feeds::atom_feed)
        .service(super::feeds::rss_feed)
        .service(robots)
        .service(sitemap_index)
        .service(sitemap_file)
        .service(favicon_svg)
        .service(favicon_ico)
        .service(icon_192)
        .service(icon_512)
        .service(apple_touch_icon)
        .service(manifest)
        .service(world_map);
}
