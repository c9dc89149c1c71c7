//! Headless Chromium under chromedriver, for tests that drive the app like a reader.
//!
//! Each [`Browser`] starts its own chromedriver on a free 127.0.0.1 port and its own Chromium
//! with a fresh profile, so tests run in parallel without sharing state. Everything is torn
//! down on drop, also when a test panics. Helpers that wait or look for something take a
//! screenshot before they panic and name the file in the message.
//!
//! chromedriver is `$CHROMEDRIVER`, else `/usr/bin/chromedriver`, else `chromedriver` on PATH;
//! Chromium is `$CHROME_BIN`, else `/usr/bin/chromium`, else whatever chromedriver finds.
//! Installing them (Debian: `apt-get install chromium chromium-driver`) is the scripts' job.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// How long the `wait_*` helpers poll before they give up.
pub const WAIT: Duration = Duration::from_secs(10);
const POLL: Duration = Duration::from_millis(100);

/// The flags Chromium needs on a machine with no display and no internet (toolchain.md).
const CHROMIUM_FLAGS: [&str; 9] = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
];

pub struct Browser {
    pub client: Client,
    /// Where the app runs, e.g. `http://127.0.0.1:41234`; paths given to helpers are joined to it.
    pub base_url: String,
    /// Names screenshots, so parallel tests do not overwrite each other's.
    name: String,
    chromedriver: Child,
    // Kept for its Drop: the profile directory goes after Chromium has stopped.
    _profile: tempfile::TempDir,
}

/// Fails unless the app has been built: the server serves `web/dist`.
pub fn require_web_dist() {
    let index = Path::new(env!("CARGO_MANIFEST_DIR")).join("../web/dist/index.html");
    assert!(
        index.exists(),
        "{} is missing: build the app first with scripts/build-web.sh",
        index.display()
    );
}

fn first_existing(env: &str, candidates: &[&str], fallback: &str) -> String {
    if let Ok(v) = std::env::var(env) {
        if !v.is_empty() {
            return v;
        }
    }
    candidates
        .iter()
        .find(|p| Path::new(p).exists())
        .map(|p| p.to_string())
        .unwrap_or_else(|| fallback.to_string())
}

/// Where axe.min.js is: `$PS_AXE_JS`, else npm's axe-core in the cache folder.
pub fn axe_path() -> PathBuf {
    if let Some(p) = std::env::var_os("PS_AXE_JS") {
        return PathBuf::from(p);
    }
    let cache = std::env::var_os("PS_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| {
            std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache/peoples-stories"))
        })
        .unwrap_or_else(|| PathBuf::from(".cache/peoples-stories"));
    cache.join("npm/node_modules/axe-core/axe.min.js")
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("no free port on 127.0.0.1: {e}"))
}

impl Browser {
    /// Starts chromedriver and a headless Chromium window of 1200×900 pointed at nothing yet.
    /// `name` (usually the test's) names its screenshots.
    pub async fn start(base_url: &str, name: &str) -> Browser {
        Self::start_with(base_url, name, true).await
    }

    /// As `start`, with JavaScript off for the pages (a reader who turned it off, a crawler):
    /// chromedriver's own commands still work.
    pub async fn start_without_javascript(base_url: &str, name: &str) -> Browser {
        Self::start_with(base_url, name, false).await
    }

    async fn start_with(base_url: &str, name: &str, javascript: bool) -> Browser {
        let driver_bin = first_existing("CHROMEDRIVER", &["/usr/bin/chromedriver"], "chromedriver");
        let port = free_port();
        let mut command = Command::new(&driver_bin);
        command
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        // Its own process group, so drop can stop chromedriver and the Chromium it started.
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        let chromedriver = command.spawn().unwrap_or_else(|e| {
            panic!(
                "could not start chromedriver ({driver_bin}): {e}. Install Chromium and its \
                 driver (Debian: apt-get install chromium chromium-driver) or set CHROMEDRIVER"
            )
        });
        let profile = tempfile::Builder::new()
            .prefix("ps-chromium-")
            .tempdir()
            .unwrap_or_else(|e| panic!("no temp dir for the Chromium profile: {e}"));

        let driver_url = format!("http://127.0.0.1:{port}");
        let mut guard = DriverGuard(Some(chromedriver));
        wait_for_chromedriver(&driver_url).await;

        let mut args: Vec<String> = CHROMIUM_FLAGS.iter().map(|s| s.to_string()).collect();
        args.push(format!("--user-data-dir={}", profile.path().display()));
        args.push("--window-size=1200,900".into());
        let mut options = json!({ "args": args });
        if !javascript {
            options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        let chrome = first_existing("CHROME_BIN", &["/usr/bin/chromium"], "");
        if !chrome.is_empty() {
            options["binary"] = json!(chrome);
        }
        let mut caps = serde_json::Map::new();
        caps.insert("browserName".into(), json!("chrome"));
        caps.insert("goog:chromeOptions".into(), options);
        // The console's messages, for `console_errors`.
        caps.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(caps)
            .connect(&driver_url)
            .await
            .unwrap_or_else(|e| {
                panic!("chromedriver at {driver_url} could not start Chromium ({chrome}): {e}")
            });

        Browser {
            client,
            base_url: base_url.trim_end_matches('/').to_string(),
            name: name.to_string(),
            chromedriver: guard.take(),
            _profile: profile,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.base_url, path)
    }

    /// Loads `path` (e.g. `/justice`) as a fresh page load.
    pub async fn goto(&self, path: &str) {
        let url = self.url(path);
        if let Err(e) = self.client.goto(&url).await {
            self.fail(&format!("could not load {url}: {e}")).await;
        }
    }

    /// The page's visible text.
    pub async fn text(&self) -> String {
        match self
            .client
            .execute(
                "return document.body ? document.body.innerText : '';",
                vec![],
            )
            .await
        {
            Ok(v) => v.as_str().unwrap_or_default().to_string(),
            Err(e) => {
                self.fail(&format!("could not read the page's text: {e}"))
                    .await
            }
        }
    }

    /// Waits until every one of `needles` is in the page's visible text.
    pub async fn wait_for_texts(&self, needles: &[&str]) {
        let start = Instant::now();
        loop {
            let text = self.text().await;
            let missing: Vec<&str> = needles
                .iter()
                .copied()
                .filter(|n| !text.contains(n))
                .collect();
            if missing.is_empty() {
                return;
            }
            if start.elapsed() > WAIT {
                self.fail(&format!(
                    "after {WAIT:?} the page still lacks {missing:?}; it shows:\n{text}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    pub async fn wait_for_text(&self, needle: &str) {
        self.wait_for_texts(&[needle]).await;
    }

    /// Waits for the first element matching a CSS selector.
    pub async fn wait_for_css(&self, selector: &str) -> Element {
        let start = Instant::now();
        loop {
            if let Ok(element) = self.client.find(Locator::Css(selector)).await {
                return element;
            }
            if start.elapsed() > WAIT {
                self.fail(&format!(
                    "after {WAIT:?} nothing matches the selector {selector:?}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits for a link whose text is exactly `text`.
    pub async fn wait_for_link(&self, text: &str) -> Element {
        let start = Instant::now();
        loop {
            if let Ok(element) = self.client.find(Locator::LinkText(text)).await {
                return element;
            }
            if start.elapsed() > WAIT {
                self.fail(&format!("after {WAIT:?} there is no link {text:?}"))
                    .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until `document.title` is `expected`.
    pub async fn wait_for_title(&self, expected: &str) {
        let start = Instant::now();
        loop {
            let title = self.client.title().await.unwrap_or_default();
            if title == expected {
                return;
            }
            if start.elapsed() > WAIT {
                self.fail(&format!(
                    "after {WAIT:?} the title is {title:?}, not {expected:?}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the location's path (and query) is `expected`, e.g. after a click.
    pub async fn wait_for_path(&self, expected: &str) {
        let start = Instant::now();
        loop {
            let path = match self.client.current_url().await {
                Ok(u) => match u.query() {
                    Some(q) => format!("{}?{q}", u.path()),
                    None => u.path().to_string(),
                },
                Err(_) => String::new(),
            };
            if path == expected {
                return;
            }
            if start.elapsed() > WAIT {
                self.fail(&format!(
                    "after {WAIT:?} the path is {path:?}, not {expected:?}"
                ))
                .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks an element, failing with a screenshot when it cannot be clicked.
    pub async fn click(&self, element: Element) {
        if let Err(e) = element.click().await {
            self.fail(&format!("could not click: {e}")).await;
        }
    }

    /// Runs a script that returns a boolean until it returns true.
    pub async fn wait_until(&self, what: &str, script: &str) {
        let start = Instant::now();
        loop {
            if let Ok(v) = self.client.execute(script, vec![]).await {
                if v.as_bool() == Some(true) {
                    return;
                }
            }
            if start.elapsed() > WAIT {
                self.fail(&format!("after {WAIT:?} still not: {what}"))
                    .await;
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until the page has its heading, nothing is loading any more and each of its
    /// islands (the parts that run in the browser: web/boot.js marks them) is hydrated.
    pub async fn wait_for_idle(&self) {
        self.wait_until(
            "the page has an h1, no loading indicator and its islands hydrated",
            "return document.querySelector('h1') !== null \
                && document.querySelector('.loading') === null \
                && [...document.querySelectorAll('leptos-island')] \
                    .every(island => 'hydrated' in island.dataset);",
        )
        .await;
    }

    /// Types `text` into the field matching `selector`, replacing what it held.
    pub async fn fill(&self, selector: &str, text: &str) {
        let field = self.wait_for_css(selector).await;
        if let Err(e) = field.clear().await {
            self.fail(&format!("could not clear {selector}: {e}")).await;
        }
        if let Err(e) = field.send_keys(text).await {
            self.fail(&format!("could not type into {selector}: {e}"))
                .await;
        }
    }

    /// Clicks the first element matching a CSS selector, once there is one.
    pub async fn click_css(&self, selector: &str) {
        let element = self.wait_for_css(selector).await;
        self.click(element).await;
    }

    /// Clicks the link whose text is exactly `text`, once there is one.
    pub async fn click_link(&self, text: &str) {
        let element = self.wait_for_link(text).await;
        self.click(element).await;
    }

    /// Runs axe-core on the page and returns its "serious" and "critical" violations, one
    /// line each. axe.min.js comes from npm's axe-core, installed by scripts/test into the
    /// cache (`$PS_AXE_JS` overrides where).
    pub async fn axe_violations(&self) -> Vec<String> {
        let source = std::fs::read_to_string(axe_path()).unwrap_or_else(|e| {
            panic!(
                "axe-core is missing at {}: {e}. scripts/test installs it (npm install \
                 --prefix $PS_CACHE_DIR/npm axe-core), or set PS_AXE_JS",
                axe_path().display()
            )
        });
        if let Err(e) = self.client.execute(&source, vec![]).await {
            self.fail(&format!("could not load axe-core into the page: {e}"))
                .await;
        }
        let script = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { resultTypes: ['violations'] })
              .then(r => done(r.violations
                .filter(v => v.impact === 'serious' || v.impact === 'critical')
                .map(v => v.impact + ' ' + v.id + ': ' + v.help + ' at '
                  + v.nodes.map(n => n.target.join(' ')).join(', '))))
              .catch(e => done(['axe failed: ' + e]));
        "#;
        match self.client.execute_async(script, vec![]).await {
            Ok(v) => serde_json::from_value(v).unwrap_or_default(),
            Err(e) => self.fail(&format!("axe-core did not run: {e}")).await,
        }
    }

    /// `Some((scrollWidth, innerWidth))` when the page scrolls sideways.
    pub async fn horizontal_overflow(&self) -> Option<(i64, i64)> {
        let v = self
            .client
            .execute(
                "return [document.documentElement.scrollWidth, window.innerWidth];",
                vec![],
            )
            .await
            .ok()?;
        let scroll = v.get(0)?.as_i64()?;
        let inner = v.get(1)?.as_i64()?;
        (scroll > inner).then_some((scroll, inner))
    }

    /// Saves a screenshot as `<dir>/<name>-<label>.png` and returns where, or why not.
    pub async fn screenshot(&self, label: &str) -> String {
        let dir = std::env::var_os("CARGO_TARGET_TMPDIR")
            .map(PathBuf::from)
            .or_else(|| option_env!("CARGO_TARGET_TMPDIR").map(PathBuf::from))
            .unwrap_or_else(std::env::temp_dir);
        let path = dir.join(format!("{}-{label}.png", self.name));
        match self.client.screenshot().await {
            Ok(png) => match std::fs::write(&path, png) {
                Ok(()) => path.display().to_string(),
                Err(e) => format!("(screenshot not saved to {}: {e})", path.display()),
            },
            Err(e) => format!("(no screenshot: {e})"),
        }
    }

    /// The console's errors since the last call (chromedriver's browser log, level SEVERE):
    /// an uncaught exception, a failed load, a panic of the app (a hydration that failed).
    pub async fn console_errors(&self) -> Vec<String> {
        let log = match self.client.issue_cmd(BrowserLog).await {
            Ok(log) => log,
            Err(e) => {
                self.fail(&format!("could not read the browser's log: {e}"))
                    .await
            }
        };
        log.as_array()
            .into_iter()
            .flatten()
            .filter(|entry| entry["level"] == "SEVERE")
            .map(|entry| entry["message"].as_str().unwrap_or_default().to_string())
            .collect()
    }

    /// The sum of the page's layout shifts so far (the Layout Instability API's
    /// cumulative score: 0 when nothing visible moved).
    pub async fn layout_shift(&self) -> f64 {
        let script = "const done = arguments[arguments.length - 1];
            let sum = 0;
            new PerformanceObserver(list => {
                for (const e of list.getEntries()) { if (!e.hadRecentInput) sum += e.value; }
            }).observe({ type: 'layout-shift', buffered: true });
            setTimeout(() => done(sum), 300);";
        match self.client.execute_async(script, vec![]).await {
            Ok(v) => v.as_f64().unwrap_or_default(),
            Err(e) => {
                self.fail(&format!("could not read the layout shifts: {e}"))
                    .await
            }
        }
    }

    /// Takes a screenshot and panics with `message`, the page's URL and where the screenshot is.
    pub async fn fail(&self, message: &str) -> ! {
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        let shot = self.screenshot("failure").await;
        panic!(
            "browser test {}: {message}\n  at {url}\n  screenshot: {shot}",
            self.name
        );
    }

    /// Ends the WebDriver session cleanly (drop also cleans up, more bluntly).
    pub async fn close(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        stop_group(&mut self.chromedriver);
    }
}

/// Holds chromedriver until the Browser owns it, so an early panic does not leak it.
struct DriverGuard(Option<Child>);

impl DriverGuard {
    fn take(&mut self) -> Child {
        match self.0.take() {
            Some(child) => child,
            None => unreachable!("chromedriver taken twice"),
        }
    }
}

impl Drop for DriverGuard {
    fn drop(&mut self) {
        if let Some(child) = self.0.as_mut() {
            stop_group(child);
        }
    }
}

/// Stops chromedriver and everything in its process group (the Chromium processes).
fn stop_group(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", "--", &format!("-{}", child.id())])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

async fn wait_for_chromedriver(driver_url: &str) {
    let status = format!("{driver_url}/status");
    let start = Instant::now();
    let http = reqwest::Client::new();
    loop {
        if let Ok(res) = http.get(&status).send().await {
            if res.status().is_success() {
                return;
            }
        }
        assert!(
            start.elapsed() < WAIT,
            "chromedriver did not answer at {status} within {WAIT:?}"
        );
        tokio::time::sleep(POLL).await;
    }
}

/// chromedriver's `POST /session/{id}/se/log` (not in the W3C protocol, so not in fantoccini):
/// the browser log's entries since the last read.
#[derive(Debug)]
struct BrowserLog;

impl fantoccini::wd::WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!(
            "session/{}/se/log",
            session_id.unwrap_or_default()
        ))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        (
            http::Method::POST,
            Some(r#"{"type":"browser"}"#.to_string()),
        )
    }
}
