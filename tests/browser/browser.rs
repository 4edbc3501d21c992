//! The browser harness: one chromedriver per test binary, one fresh Chromium profile per story.
use std::{
    process::{Child, Command, Stdio},
    sync::OnceLock,
    time::Duration,
};

use fantoccini::{Client, ClientBuilder, Locator, wd::WebDriverCompatibleCommand};
use serde_json::{Value, json};

const CHROMIUM: &str = "/usr/bin/chromium";
const CHROMEDRIVER: &str = "/usr/bin/chromedriver";

/// The WCAG 2.0, 2.1 and 2.2 A and AA rules of axe-core: what the pages promise.
const AXE_TAGS: [&str; 6] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Script {
    On,
    Off,
}

#[derive(Debug, Clone, Copy)]
pub struct Viewport {
    pub width: u32,
    pub height: u32,
}

pub const PHONE: Viewport = Viewport { width: 360, height: 740 };
pub const DESKTOP: Viewport = Viewport { width: 1280, height: 800 };

/// Whether the stories can run here. Without Chromium: `None` and a message, or a failure when the
/// environment says the browser tests are required.
pub fn available() -> bool {
    let present = std::path::Path::new(CHROMIUM).exists() && std::path::Path::new(CHROMEDRIVER).exists();
    if !present {
        let message = "browser tests skipped: Chromium is not installed \
                       (apt-get install chromium chromium-driver)";
        if std::env::var("BROWSER_TESTS").as_deref() == Ok("required") {
            panic!("{message}, but BROWSER_TESTS=required");
        }
        eprintln!("{message}");
    }
    present
}

struct Driver {
    port: u16,
    _process: Child,
}

/// One chromedriver for the whole binary; it serves every story's session.
fn driver_port() -> u16 {
    static DRIVER: OnceLock<Driver> = OnceLock::new();
    DRIVER
        .get_or_init(|| {
            let port = crate::helpers::free_port();
            let process = Command::new(CHROMEDRIVER)
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("chromedriver starts");
            for _ in 0..100 {
                if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                    break;
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            Driver { port, _process: process }
        })
        .port
}

/// A browser with a fresh profile, JavaScript on or off, at the given size.
pub struct Browser {
    pub client: Client,
    script: Script,
    _profile: TempProfile,
}

struct TempProfile(std::path::PathBuf);

impl Drop for TempProfile {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

impl Browser {
    pub async fn open(script: Script, viewport: Viewport) -> Browser {
        let profile = std::env::temp_dir().join(format!("hromada-chromium-{}", uuid::Uuid::new_v4().simple()));
        let args = vec![
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            format!("--window-size={},{}", viewport.width, viewport.height),
            format!("--user-data-dir={}", profile.display()),
        ];
        // Chromium asks for English unless told: the stories start as a Ukrainian visitor would.
        let options = json!({ "binary": CHROMIUM, "args": args, "prefs": { "intl.accept_languages": "uk" } });
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("goog:chromeOptions".to_owned(), options);
        // chromedriver is on loopback over plain HTTP: no TLS stack needed.
        let connector = hyper_util::client::legacy::connect::HttpConnector::new();
        let client = ClientBuilder::new(connector)
            .capabilities(capabilities)
            .connect(&format!("http://127.0.0.1:{}", driver_port()))
            .await
            .expect("a Chromium session starts");
        let browser = Browser { client, script, _profile: TempProfile(profile) };
        // JavaScript off as the page sees it: no script of the page runs, from the first page on.
        browser.set_scripts(script).await;
        browser
    }

    /// Turns the page's JavaScript on or off (DevTools `Emulation.setScriptExecutionDisabled`, which
    /// lasts across navigations). The harness's own checks need scripts for a moment, even on a page
    /// loaded without them; the page's scripts never get to run again.
    async fn set_scripts(&self, script: Script) {
        let command =
            Cdp { cmd: "Emulation.setScriptExecutionDisabled", params: json!({ "value": script == Script::Off }) };
        self.client.issue_cmd(command).await.expect("DevTools accepts the script setting");
    }

    /// Makes the page's viewport exactly `viewport` (the window's size includes the browser's frame).
    pub async fn set_viewport(&self, viewport: Viewport) {
        let params =
            json!({ "width": viewport.width, "height": viewport.height, "deviceScaleFactor": 1, "mobile": false });
        let command = Cdp { cmd: "Emulation.setDeviceMetricsOverride", params };
        self.client.issue_cmd(command).await.expect("DevTools accepts the viewport");
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.expect("the page loads");
    }

    /// Clicks what `css` finds and waits until the next page has replaced this one: the old page's root
    /// element goes stale (waiting only for a `footer` could find the old page's own), then the new
    /// page's footer is there.
    pub async fn click_and_wait(&self, css: &str) {
        let old_page = self.client.find(Locator::Css("html")).await.expect("a page");
        self.find(css).await.click().await.unwrap();
        self.wait_for_next_page(old_page, css).await;
    }

    /// Presses Enter on what `css` finds (the keyboard's way to follow a link or press a button) and
    /// waits for the next page, as [`Browser::click_and_wait`] does.
    pub async fn press_enter_and_wait(&self, css: &str) {
        let old_page = self.client.find(Locator::Css("html")).await.expect("a page");
        self.find(css).await.send_keys("\u{E007}").await.unwrap();
        self.wait_for_next_page(old_page, css).await;
    }

    async fn find(&self, css: &str) -> fantoccini::elements::Element {
        self.client.find(Locator::Css(css)).await.unwrap_or_else(|_| panic!("nothing matches {css}"))
    }

    async fn wait_for_next_page(&self, old_page: fantoccini::elements::Element, css: &str) {
        let started = std::time::Instant::now();
        while old_page.tag_name().await.is_ok() {
            assert!(started.elapsed() < Duration::from_secs(10), "acting on {css} did not lead to another page");
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        self.client.wait().for_element(Locator::Css("footer")).await.expect("the next page");
    }

    pub async fn text_of(&self, css: &str) -> String {
        self.client.find(Locator::Css(css)).await.expect(css).text().await.expect("text")
    }

    /// Runs axe-core (vendored, injected into the page) and returns its violations, one line each.
    /// On a page loaded without JavaScript, scripts are allowed only while axe runs.
    pub async fn accessibility_violations(&self) -> Vec<String> {
        self.set_scripts(Script::On).await;
        let violations = self.run_axe().await;
        self.set_scripts(self.script).await;
        violations
    }

    async fn run_axe(&self) -> Vec<String> {
        static AXE: &str = include_str!("../../assets/vendor/axe-core/axe.min.js");
        self.client.execute(AXE, vec![]).await.expect("axe-core loads into the page");
        let run = r#"
            const done = arguments[arguments.length - 1];
            axe.run(document, { runOnly: { type: 'tag', values: arguments[0] } })
               .then(r => done(r.violations.map(v => v.id + ': ' + v.help + ' — ' +
                     v.nodes.map(n => n.target.join(' ')).join(', '))))
               .catch(e => done(['axe failed: ' + e]));
        "#;
        let result = self.client.execute_async(run, vec![json!(AXE_TAGS)]).await.expect("axe runs");
        match result {
            Value::Array(items) => items.into_iter().map(|v| v.as_str().unwrap_or_default().to_owned()).collect(),
            other => vec![format!("unexpected axe result: {other}")],
        }
    }

    /// Whether the page scrolls sideways (content wider than the viewport).
    pub async fn scrolls_sideways(&self) -> bool {
        let wider = "return document.documentElement.scrollWidth > document.documentElement.clientWidth;";
        self.set_scripts(Script::On).await;
        let wider = self.client.execute(wider, vec![]).await.expect("measure width").as_bool().unwrap_or(true);
        self.set_scripts(self.script).await;
        wider
    }

    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// A Chrome DevTools command sent through chromedriver's `goog/cdp/execute`.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (poem::http::Method, Option<String>) {
        (poem::http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}
