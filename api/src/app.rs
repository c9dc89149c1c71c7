//! Builds the actix application: routes, middleware, the OpenAPI document and the app's files.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::time::Instant;

use actix_files::{Files, NamedFile};
use actix_web::dev::{fn_service, Server, ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, ContentEncoding, HeaderValue};
use actix_web::middleware::{Compress, DefaultHeaders};
use actix_web::{web, App, HttpResponse, HttpServer};
use utoipa::OpenApi;
use utoipa_actix_web::AppExt;
use utoipa_swagger_ui::SwaggerUi;

use sha2::{Digest, Sha256};

use crate::error::{problem_response, AppError};
use crate::routes;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "People's Stories API",
        description = "Human-rights news stories by theme, country and source. Errors are \
            RFC 9457 problem+json; timestamps are RFC 3339; fields are snake_case.",
        license(name = "AGPL-3.0-or-later"),
    ),
    tags(
        (name = "stories", description = "Published stories: list, filter and read"),
        (name = "taxonomy", description = "Themes, countries and sources"),
        (name = "contributions", description = "What readers send: story submissions and the guestbook"),
        (name = "health", description = "Liveness and readiness"),
        (name = "auth", description = "Moderators' sessions: log in, log out, who am I"),
        (name = "moderation", description = "Moderators writing stories and sources"),
        (name = "accounts", description = "Admins: accounts, API tokens and the audit log"),
        (name = "feeds", description = "Atom and RSS feeds of the newest stories, of the site or of a filter"),
        (name = "site", description = "robots.txt, sitemaps, the icon and the web app manifest"),
    ),
    modifiers(&SecuritySchemes)
)]
struct ApiDoc;

/// The two ways to authenticate. Each protected operation lists both, with the role it
/// needs (`moderator` or `admin`) as the scope.
struct SecuritySchemes;

impl utoipa::Modify for SecuritySchemes {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{
            ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme,
        };
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
                crate::auth::COOKIE,
                "The session cookie set by POST /api/v1/auth/login (`__Host-ps_session` when \
                 the site is on https). Changes also need the `X-CSRF-Token` header and a \
                 same-site Origin.",
            ))),
        );
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "An API token made by an admin: `Authorization: Bearer <token>`.",
                    ))
                    .build(),
            ),
        );
    }
}

/// Registers every documented route on an app. The server and `openapi()` both call it, so
/// the served document and the committed one come from the same code.
fn with_routes<T>(app: utoipa_actix_web::UtoipaApp<T>) -> utoipa_actix_web::UtoipaApp<T>
where
    T: actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Error = actix_web::Error,
        InitError = (),
    >,
{
    app.service(
        utoipa_actix_web::scope("/api/v1")
            .wrap(actix_web::middleware::from_fn(crate::guard::refusals_count))
            .wrap(actix_web::middleware::from_fn(writes_move_the_cache))
            .wrap(public_cors())
            .configure(routes::api_v1)
            .default_service(web::to(api_not_found)),
    )
    .service(routes::health::healthz)
    .service(routes::health::readyz)
    .configure(routes::site::routes)
}

/// After a change this node answered successfully (any method but GET, HEAD and OPTIONS),
/// moves the response cache's key before the response leaves, so the writer's next read is
/// never an answer from before its write. And every API response that did not say how it may
/// be cached (everything but the public reads, which are cached as `cache.rs` says) gets
/// `Cache-Control: no-store`: moderators' lists, private data, errors. A private answer
/// (a route behind the `Moderator` or `Admin` guard, or a login: `auth::guard::is_private`)
/// gets `no-store` whatever its handler set, so it can never be stored as public.
async fn writes_move_the_cache(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use actix_web::http::Method;
    let change = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    let cache = req
        .app_data::<web::Data<AppState>>()
        .map(|s| s.cache.clone());
    let mut res = next.call(req).await?;
    if change && res.status().is_success() {
        if let Some(cache) = cache {
            cache.note_write();
        }
    }
    if crate::auth::guard::is_private(res.request())
        || !res.headers().contains_key(header::CACHE_CONTROL)
    {
        res.headers_mut()
            .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    Ok(res)
}

/// Other sites (an NGO's page, a researcher's notebook) may read the public API from the
/// browser: any origin, GET only, never with credentials, so no session can ride along.
fn public_cors() -> actix_cors::Cors {
    actix_cors::Cors::default()
        .allow_any_origin()
        .allowed_methods(["GET"])
        .allow_any_header()
        .max_age(86_400)
}

/// The OpenAPI document, as served at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, api) =
        with_routes(App::new().into_utoipa_app().openapi(ApiDoc::openapi())).split_for_parts();
    let mut api = api;
    api.info.version = env!("CARGO_PKG_VERSION").to_string();
    crate::contract::document_errors(&mut api);
    let missed = crate::contract::document_limits(&mut api);
    debug_assert!(missed.is_empty(), "limits without a field: {missed:?}");
    let missed = crate::contract::document_projection(&mut api);
    debug_assert!(
        missed.is_empty(),
        "no list of stories to project: {missed:?}"
    );
    let missed = crate::contract::document_query_rules(&mut api);
    debug_assert!(
        missed.is_empty(),
        "query rules without a parameter: {missed:?}"
    );
    api
}

/// Which methods each documented path answers, read once from the document.
fn documented_methods() -> &'static crate::contract::Methods {
    static METHODS: std::sync::LazyLock<crate::contract::Methods> =
        std::sync::LazyLock::new(|| crate::contract::Methods::of(&openapi()));
    &METHODS
}

/// An API path no route took: 405 with `Allow` when the path exists with other methods,
/// else 404.
async fn api_not_found(req: actix_web::HttpRequest) -> HttpResponse {
    let allow = documented_methods().allowed(req.path());
    let error = if allow.is_empty() {
        AppError::NotFound(format!("no API route for {} {}", req.method(), req.path()))
    } else {
        AppError::MethodNotAllowed {
            method: req.method().to_string(),
            allow,
        }
    };
    actix_web::ResponseError::error_response(&error)
}

/// A path segment that does not read as its parameter (`/api/v1/guestbook/abc`, an id past
/// 2^63): 404 as problem+json, like any id that names nothing, instead of actix's plain
/// text. A path that a literal template names (`PATCH /api/v1/guestbook/bulk`, which
/// `/api/v1/guestbook/{id}` would otherwise take) is 405 with `Allow` when the method is
/// not one of its own.
fn path_error(err: actix_web::error::PathError, req: &actix_web::HttpRequest) -> actix_web::Error {
    let allow = documented_methods().allowed(req.path());
    let method = req.method().as_str();
    let error = if !allow.is_empty() && !allow.contains(&method) {
        AppError::MethodNotAllowed {
            method: method.to_string(),
            allow,
        }
    } else {
        AppError::NotFound(format!("nothing at {}: {err}", req.path()))
    };
    error.into()
}

/// A method other than GET and HEAD outside `/api` that no route took: 405, with `Allow`
/// naming a documented path's methods (`TRACE /healthz` → `GET`), else `GET` (the app's
/// pages and files), instead of the app's page or the "not built" notice.
async fn site_method_not_allowed(req: actix_web::HttpRequest) -> HttpResponse {
    let mut allow = documented_methods().allowed(req.path());
    if allow.is_empty() {
        allow = vec!["GET"];
    }
    actix_web::ResponseError::error_response(&AppError::MethodNotAllowed {
        method: req.method().to_string(),
        allow,
    })
}

/// Where the built app is, if it is.
#[derive(Clone, Debug)]
pub struct WebDist(pub Option<PathBuf>);

/// What the app may load: only its own files and API; no inline scripts, no frames. WASM
/// needs 'wasm-unsafe-eval'; Leptos may set style attributes.
const APP_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

/// A server-rendered page's policy: the app's, with the page's inline scripts (the data
/// leptos hydrates from, written by the server) allowed by their SHA-256 hashes, so the
/// policy still refuses any script the page did not come with, and a cached page keeps a
/// valid policy (no per-response nonce to go stale).
pub fn page_csp(inline_scripts: &[String]) -> String {
    use base64::Engine;
    let hashes: String = inline_scripts
        .iter()
        .map(|s| {
            let hash =
                base64::engine::general_purpose::STANDARD.encode(Sha256::digest(s.as_bytes()));
            format!(" 'sha256-{hash}'")
        })
        .collect();
    APP_CSP.replacen(
        "script-src 'self' 'wasm-unsafe-eval'",
        &format!("script-src 'self' 'wasm-unsafe-eval'{hashes}"),
        1,
    )
}

/// What every other answer may load (the API's JSON and problems, the OpenAPI document,
/// `/healthz`): nothing, and no page may frame it.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Swagger UI at `/api/docs/`: utoipa-swagger-ui's `index.html` has no inline script or
/// style, only its own files (`swagger-ui-bundle.js`, `swagger-ui-standalone-preset.js`,
/// `swagger-initializer.js`, `swagger-ui.css`, `index.css`), whose icons are `data:` images;
/// it reads the document and "Try it out" calls the API on this origin. The one inline
/// style is the `<style>` of the logo the standalone preset draws
/// (`.logo_small_svg__cls-2{fill:#fff}.logo_small_svg__cls-3{fill:#85ea2d}`), allowed by its
/// hash; a new Swagger UI with other inline code fails the browser test
/// `the_api_docs_work_under_their_content_security_policy`. (Its `oauth2-redirect.html` has
/// an inline script and stays blocked: we use no OAuth.)
const DOCS_CSP: &str = "default-src 'none'; script-src 'self'; \
    style-src 'self' 'sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w='; \
    img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'self'; \
    frame-ancestors 'none'";

/// Features no page of ours uses, turned off for every page and anything it might embed.
const PERMISSIONS_POLICY: &str = "camera=(), microphone=(), geolocation=(), \
    interest-cohort=(), browsing-topics=(), payment=(), usb=(), serial=(), bluetooth=(), \
    midi=(), magnetometer=(), gyroscope=(), accelerometer=()";

/// Sent only when the configured public origin is https (`AuthConfig::on_https`): over
/// plain http (a laptop, the tests) it would be ignored at best.
const HSTS: &str = "max-age=63072000; includeSubDomains";

/// The security headers of every response. The content security policy is the app's
/// (`APP_CSP`, set by `app_files` on its pages and files), Swagger UI's (`DOCS_CSP`) under
/// `/api/docs`, else the API's (`API_CSP`). `Referrer-Policy: same-origin`, not
/// `no-referrer`: under `no-referrer` browsers send `Origin: null` with the app's own
/// POST/PATCH/DELETE requests, and the CSRF check needs the real origin; other sites still
/// get no referrer.
async fn security_headers(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    let docs = req.path() == "/api/docs" || req.path().starts_with("/api/docs/");
    let https = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.auth.on_https());
    let mut res = next.call(req).await?;
    let headers = res.headers_mut();
    if docs {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(DOCS_CSP),
        );
    } else if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(API_CSP),
        );
    }
    headers.insert(
        header::HeaderName::from_static("permissions-policy"),
        HeaderValue::from_static(PERMISSIONS_POLICY),
    );
    if https {
        headers.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static(HSTS),
        );
    }
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("same-origin"),
    );
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    Ok(res)
}

/// Serves the app's files; any other path that is not a file is a page: `admin.html` (the
/// moderators' view, rendered in the browser) for `/admin` and every path under it, else the
/// reader's page rendered on the server (`routes::pages`), which the reader's bundle then
/// hydrates. Browsers revalidate every file (ETag), so a new build is never mixed with an old
/// one; the current build's versioned URLs (`/style.css?v=<hash>`, written into index.html
/// and admin.html by scripts/build-web.sh, one version for both) are immutable for a year
/// instead. The app's code is sent precompressed (`.br`, `.gz` beside each file)
/// when the browser accepts it.
fn app_files(
    dist: &Path,
) -> actix_web::Scope<
    impl actix_web::dev::ServiceFactory<
        ServiceRequest,
        Config = (),
        Response = ServiceResponse<impl actix_web::body::MessageBody>,
        Error = actix_web::Error,
        InitError = (),
    >,
> {
    let version = build_version(dist);
    let assets = web::Data::new(Assets {
        dir: dist.to_path_buf(),
        version: version.clone(),
    });
    web::scope("")
        .app_data(assets)
        .app_data(web::Data::new(crate::routes::pages::AssetVersion(version)))
        .wrap(
            DefaultHeaders::new()
                .add((
                    header::CONTENT_SECURITY_POLICY,
                    HeaderValue::from_static(APP_CSP),
                ))
                .add((header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))),
        )
        .service(
            web::resource(r"/{name:[A-Za-z0-9_.-]+\.(?:wasm|js|css)}")
                .route(web::get().to(asset))
                .route(web::head().to(asset)),
        )
        // The home page, which the files would take for their folder.
        .service(web::resource("/").route(web::get().to(reader_page)))
        .service(files(dist))
}

/// The built app's folder and its build's version (the `v=` of its asset URLs).
struct Assets {
    dir: PathBuf,
    version: Option<String>,
}

/// The version scripts/build-web.sh wrote into index.html's asset URLs, if any.
fn build_version(dist: &Path) -> Option<String> {
    let html = std::fs::read_to_string(dist.join("index.html")).ok()?;
    let start = html.find("?v=")? + 3;
    let version: String = html[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    (!version.is_empty()).then_some(version)
}

/// Which precompressed copy to send: brotli, else gzip, as the request accepts them.
fn accepted_encodings(req: &actix_web::HttpRequest) -> Vec<(&'static str, ContentEncoding)> {
    let accept = req
        .headers()
        .get(header::ACCEPT_ENCODING)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let accepts = |name: &str| {
        accept.split(',').any(|part| {
            let mut bits = part.split(';').map(str::trim);
            bits.next() == Some(name)
                && !bits
                    .any(|b| b.replace(' ', "").trim_start_matches("q=").parse::<f32>() == Ok(0.0))
        })
    };
    let mut out = Vec::new();
    if accepts("br") {
        out.push(("br", ContentEncoding::Brotli));
    }
    if accepts("gzip") {
        out.push(("gz", ContentEncoding::Gzip));
    }
    out
}

/// One of the app's code files (.wasm, .js, .css), precompressed when possible.
async fn asset(
    req: actix_web::HttpRequest,
    name: web::Path<String>,
    assets: web::Data<Assets>,
) -> actix_web::Result<HttpResponse> {
    let name = name.into_inner();
    let plain = assets.dir.join(&name);
    if !plain.is_file() {
        return Ok(problem_response(
            &AppError::NotFound(format!("no file at {}", req.path())).problem(),
        ));
    }
    let ext = name.rsplit('.').next().unwrap_or("");
    let mut file = None;
    for (suffix, encoding) in accepted_encodings(&req) {
        if let Ok(f) = NamedFile::open_async(assets.dir.join(format!("{name}.{suffix}"))).await {
            file = Some(f.set_content_encoding(encoding));
            break;
        }
    }
    let file = match file {
        Some(f) => f,
        None => NamedFile::open_async(&plain).await?,
    };
    let mut res = file
        .set_content_type(actix_files::file_extension_to_mime(ext))
        .disable_content_disposition()
        .into_response(&req);
    res.headers_mut()
        .insert(header::VARY, HeaderValue::from_static("accept-encoding"));
    let current = assets
        .version
        .as_deref()
        .is_some_and(|v| req.query_string() == format!("v={v}"));
    if current {
        res.headers_mut().insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        );
    }
    Ok(res)
}

fn files(dist: &Path) -> Files {
    let admin = dist.join("admin.html");
    Files::new("/", dist)
        .prefer_utf8(true)
        .default_handler(fn_service(move |req: ServiceRequest| {
            let admin = admin.clone();
            async move {
                let (req, _) = req.into_parts();
                let last = req.path().rsplit('/').next().unwrap_or("");
                if last.contains('.') {
                    let res = problem_response(
                        &AppError::NotFound(format!("no file at {}", req.path())).problem(),
                    );
                    return Ok(ServiceResponse::new(req, res));
                }
                let res = if is_admin_route(req.path()) {
                    // The admin view's page; its router shows its own pages.
                    NamedFile::open_async(&admin).await?.into_response(&req)
                } else {
                    reader_page(req.clone()).await
                };
                Ok(ServiceResponse::new(req, res))
            }
        }))
}

/// A reader's page, rendered on the server (`routes::pages`), or its problem.
async fn reader_page(req: actix_web::HttpRequest) -> HttpResponse {
    let (Some(state), Some(version)) = (
        req.app_data::<web::Data<AppState>>().cloned(),
        req.app_data::<web::Data<crate::routes::pages::AssetVersion>>()
            .cloned(),
    ) else {
        return problem_response(
            &AppError::Internal(anyhow::anyhow!("the app's state is missing")).problem(),
        );
    };
    match crate::routes::pages::page(req, state, version).await {
        Ok(res) => res,
        Err(e) => actix_web::ResponseError::error_response(&e),
    }
}

/// Whether `path` belongs to the moderators' bundle (web/src/admin_app.rs): `/admin` and
/// everything under it.
fn is_admin_route(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

async fn app_not_built() -> HttpResponse {
    HttpResponse::ServiceUnavailable()
        .content_type("text/plain; charset=utf-8")
        .body("The People's Stories app is not built: run scripts/build-web.sh. The API is at /api/v1 and its documentation at /api/docs/.\n")
}

/// The header naming a request in our logs and in the answer (and in the proxy's logs, when
/// it sends one).
pub const REQUEST_ID: &str = "x-request-id";

/// The request's id: the proxy's `X-Request-Id` when it is 1 to 64 characters of
/// `[A-Za-z0-9._:-]` (so it is safe in a header and a log line, and cannot smuggle text),
/// else a fresh one of 16 hex digits.
pub fn request_id(req: &ServiceRequest) -> String {
    req.headers()
        .get(REQUEST_ID)
        .and_then(|v| v.to_str().ok())
        .filter(|id| valid_request_id(id))
        .map(str::to_string)
        .unwrap_or_else(|| format!("{:016x}", rand::random::<u64>()))
}

fn valid_request_id(id: &str) -> bool {
    (1..=64).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-'))
}

/// Runs blocking work off the request's thread (as `web::block`) inside the request's
/// tracing span, so what it logs (a pool that is exhausted, a database that stays locked)
/// carries the request's id like the rest of the request.
pub async fn block<F, R>(f: F) -> Result<R, actix_web::error::BlockingError>
where
    F: FnOnce() -> R + Send + 'static,
    R: Send + 'static,
{
    let span = tracing::Span::current();
    web::block(move || span.in_scope(f)).await
}

/// Names every request (`request_id`, sent back as `X-Request-Id`) and handles it inside a
/// `request` tracing span carrying that id, so every line logged for it carries the id too
/// (`block` takes the span to blocking threads); then logs its method, path (without the
/// query), status and duration: never the client's address or user agent, which could
/// identify people who write to us.
async fn log_request(
    req: ServiceRequest,
    next: actix_web::middleware::Next<impl actix_web::body::MessageBody + 'static>,
) -> Result<ServiceResponse<impl actix_web::body::MessageBody>, actix_web::Error> {
    use tracing::Instrument;
    let id = request_id(&req);
    // Checked by `request_id`: visible ASCII only.
    let header_value = HeaderValue::from_str(&id).ok();
    let span = tracing::info_span!("request", request_id = %id);
    let logging = tracing::enabled!(tracing::Level::INFO);
    let start = Instant::now();
    let method = req.method().clone();
    let draining = req
        .app_data::<web::Data<AppState>>()
        .is_some_and(|s| s.draining.load(std::sync::atomic::Ordering::Relaxed));
    let path = if logging {
        req.path().to_string()
    } else {
        String::new()
    };
    let result = next.call(req).instrument(span.clone()).await;
    let log = |status: u16| {
        if logging {
            span.in_scope(|| {
                tracing::info!(
                    %method,
                    %path,
                    status,
                    ms = start.elapsed().as_secs_f64() * 1000.0,
                    "request"
                )
            });
        }
    };
    match result {
        Ok(mut res) => {
            log(res.status().as_u16());
            if let Some(v) = header_value {
                res.headers_mut()
                    .insert(header::HeaderName::from_static(REQUEST_ID), v);
            }
            if draining {
                // A kept-alive connection would bring this node more requests after its
                // grace period: the client (the proxy) opens its next one elsewhere.
                res.response_mut()
                    .head_mut()
                    .set_connection_type(actix_web::http::ConnectionType::Close);
            }
            Ok(res)
        }
        // An error no inner layer turned into a response: make its response here, so it
        // carries the id too.
        Err(e) => {
            let mut res = e.error_response();
            log(res.status().as_u16());
            if let Some(v) = header_value {
                res.headers_mut()
                    .insert(header::HeaderName::from_static(REQUEST_ID), v);
            }
            Err(actix_web::error::InternalError::from_response(e, res).into())
        }
    }
}

/// `/metrics` is served only on the metrics listener (`metrics::start`); here, as any path
/// the app does not have, it is not found, whatever else answers unknown paths.
async fn metrics_not_here() -> HttpResponse {
    problem_response(&AppError::NotFound("no route here for /metrics".into()).problem())
}

/// Starts the HTTP server on a bound listener (port 0 in tests) and returns it running.
pub fn start(listener: TcpListener, state: AppState, dist: WebDist) -> std::io::Result<Server> {
    start_with_workers(listener, state, dist, 0)
}

/// As `start`, with a number of worker threads (0: one per core).
pub fn start_with_workers(
    listener: TcpListener,
    state: AppState,
    dist: WebDist,
    workers: usize,
) -> std::io::Result<Server> {
    start_inner(listener, state, dist, workers, None)
}

/// As `start`, for `serve`: when `signal` completes, the server stops accepting (its
/// listener closes, so new connections are refused) and gives the requests in flight `grace`
/// to finish; the returned server completes once they have (or the grace ran out). actix's
/// own signal handling is replaced by `signal`, so SIGINT is as graceful as SIGTERM.
pub fn start_until<F>(
    listener: TcpListener,
    state: AppState,
    dist: WebDist,
    grace: std::time::Duration,
    signal: F,
) -> std::io::Result<Server>
where
    F: std::future::Future<Output = ()> + Send + 'static,
{
    start_inner(listener, state, dist, 0, Some((grace, Box::pin(signal))))
}

type ShutdownSignal = std::pin::Pin<Box<dyn std::future::Future<Output = ()> + Send>>;

fn start_inner(
    listener: TcpListener,
    state: AppState,
    dist: WebDist,
    workers: usize,
    shutdown: Option<(std::time::Duration, ShutdownSignal)>,
) -> std::io::Result<Server> {
    let spec = openapi();
    // Blocking work (a read that misses the cache, a write) needs a database connection:
    // more threads than the pool has connections would only wait for one, each keeping its
    // own allocator arena (actix's default is 512 / workers); see BENCHMARKS.md, "Reads".
    let blocking = (state.pool.max_size() as usize).max(4);
    let server = HttpServer::new(move || {
        let (app, _) = with_routes(
            App::new()
                .into_utoipa_app()
                .openapi(ApiDoc::openapi())
                .app_data(web::Data::new(state.clone()))
                .app_data(web::PathConfig::default().error_handler(path_error)),
        )
        .split_for_parts();
        let app = app
            .wrap(Compress::default())
            .wrap(actix_web::middleware::from_fn(security_headers))
            .wrap(actix_web::middleware::from_fn(crate::metrics::record))
            // Outermost: everything the request does runs in its span, and every answer,
            // even one made from an error, gets its `X-Request-Id`.
            .wrap(actix_web::middleware::from_fn(log_request))
            .route("/metrics", web::route().to(metrics_not_here))
            .service(SwaggerUi::new("/api/docs/{_:.*}").url("/api/openapi.json", spec.clone()))
            .route(
                "/api/docs",
                web::get().to(|| async {
                    HttpResponse::PermanentRedirect()
                        .insert_header((header::LOCATION, "/api/docs/"))
                        .finish()
                }),
            )
            .service(web::scope("/api").default_service(web::to(api_not_found)))
            // Any path asked with a method other than GET or HEAD: an empty prefix matches every
            // path by comparing nothing (a `/{_:.*}` resource would run a regex on each page).
            .service(
                web::scope("")
                    .guard(actix_web::guard::Not(
                        actix_web::guard::Any(actix_web::guard::Get()).or(actix_web::guard::Head()),
                    ))
                    .default_service(web::to(site_method_not_allowed)),
            );
        match &dist.0 {
            Some(dir) => app.service(app_files(dir)),
            // Without the built app the reader's pages are still served, as HTML without
            // the app's code or style; the admin view needs its bundle.
            None => app
                .app_data(web::Data::new(crate::routes::pages::AssetVersion(None)))
                .default_service(web::to(|req: actix_web::HttpRequest| async move {
                    if is_admin_route(req.path()) {
                        app_not_built().await
                    } else {
                        reader_page(req).await
                    }
                })),
        }
    });
    let server = if workers > 0 {
        server.workers(workers)
    } else {
        server
    };
    // Slow clients: the request head must arrive within 5 s and a body within
    // `extract::BODY_TIMEOUT` (10 s), else 408 and the connection is closed; an idle
    // keep-alive connection is closed after 15 s; a closing one is dropped after 1 s.
    // Connections per client are the proxy's to bound (`limit_conn`, see SECURITY.md): behind
    // it, every connection comes from the proxy.
    let server = server
        .worker_max_blocking_threads(blocking)
        .client_request_timeout(std::time::Duration::from_secs(5))
        .client_disconnect_timeout(std::time::Duration::from_secs(1))
        .keep_alive(std::time::Duration::from_secs(15))
        .max_connections(10_000);
    let server = match shutdown {
        // Seconds are what actix counts in; a grace under one second rounds up.
        Some((grace, signal)) => server
            .shutdown_timeout(grace.as_secs_f64().ceil() as u64)
            .shutdown_signal(signal),
        None => server,
    };
    let server = server.listen(listener)?.run();
    Ok(server)
}

/// The OpenAPI document as committed in `openapi/openapi.json`: pretty, with a final newline.
pub fn openapi_json() -> anyhow::Result<String> {
    let mut json = openapi().to_pretty_json()?;
    json.push('\n');
    Ok(json)
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn request_ids_from_the_proxy_are_kept_only_when_safe() {
        for ok in ["a", "abc-123", "edge.7:req_42-x", &"9".repeat(64)] {
            assert!(valid_request_id(ok), "{ok:?}");
        }
        for bad in ["", &"9".repeat(65), "a b", "a/b", "a;b", "é", "a\nb", "<b>"] {
            assert!(!valid_request_id(bad), "{bad:?}");
        }
    }

    /// Everything logged, in memory.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0
                .lock()
                .map_err(|_| std::io::Error::other("poisoned"))?
                .extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// What a handler logs on a blocking thread (through `block`) and the internal error it
    /// ends in both carry the request's id, as the request line does.
    #[actix_web::test]
    async fn lines_logged_inside_a_request_carry_its_id() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .with_ansi(false)
            .with_max_level(tracing::Level::INFO)
            .with_writer(move || writer.clone())
            .finish();
        // Global: the blocking thread must see it too. No other test of this crate sets one.
        tracing::subscriber::set_global_default(subscriber).expect("the only subscriber");
        let app = actix_web::test::init_service(
            App::new()
                .wrap(actix_web::middleware::from_fn(log_request))
                .route(
                    "/fails",
                    web::get().to(|| async {
                        block(|| tracing::info!("working on a blocking thread")).await?;
                        Err::<HttpResponse, _>(AppError::Internal(anyhow::anyhow!(
                            "the disk is on fire"
                        )))
                    }),
                ),
        )
        .await;
        let req = actix_web::test::TestRequest::get()
            .uri("/fails")
            .insert_header((REQUEST_ID, "trace-me-7"))
            .to_request();
        let res = actix_web::test::call_service(&app, req).await;
        assert_eq!(res.status().as_u16(), 500);
        assert_eq!(
            res.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()),
            Some("trace-me-7")
        );
        let text = String::from_utf8(captured.0.lock().expect("log").clone()).expect("utf-8");
        for what in [
            "working on a blocking thread",
            "internal error",
            "request method=GET",
        ] {
            let line = text
                .lines()
                .find(|l| l.contains(what))
                .unwrap_or_else(|| panic!("no line with {what:?}:\n{text}"));
            assert!(line.contains("request_id=trace-me-7"), "{line}");
        }
    }
}
