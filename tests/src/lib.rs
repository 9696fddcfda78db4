//! End-to-end browser tests for Switchyard: the harness.
//!
//! [`Harness::start`] serves the release build in `dist/` on a free loopback port, starts `chromedriver`
//! on another, and opens a headless Chromium session with a fresh profile. Dropping the harness ends the
//! session and stops both, even when a test fails half-way.

use std::fmt;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use fantoccini::elements::Element;
use fantoccini::wd::{Capabilities, WebDriverCompatibleCommand};
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};
use xtask::static_server::StaticServer;

/// How long to wait for the page to show something before failing.
pub const DEADLINE: Duration = Duration::from_secs(30);

/// A harness failure, printed as its message (tests return `Result<(), E2eError>`).
pub struct E2eError(String);

impl fmt::Debug for E2eError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Display for E2eError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub type Result<T, E = E2eError> = std::result::Result<T, E>;

/// Adds what we were doing to an error.
pub trait Context<T> {
    fn context(self, what: &str) -> Result<T>;
}

impl<T, E: fmt::Display> Context<T> for std::result::Result<T, E> {
    fn context(self, what: &str) -> Result<T> {
        self.map_err(|e| E2eError(format!("{what}: {e}")))
    }
}

/// A running site, driver and browser session.
pub struct Harness {
    client: Client,
    session: Option<String>,
    driver: Driver,
    server: StaticServer,
    profile: PathBuf,
}

impl Harness {
    pub async fn start() -> Result<Harness> {
        Harness::start_with_headers(Vec::new()).await
    }

    /// Like [`Harness::start`], with `headers` (name, value) sent along with every file the site serves.
    pub async fn start_with_headers(headers: Vec<(String, String)>) -> Result<Harness> {
        Harness::start_with(headers, &[]).await
    }

    /// Like [`Harness::start`], with extra Chromium command-line flags (the frames benchmark turns off the
    /// 60 Hz frame pacing with them, so frame intervals measure the work done per frame).
    pub async fn start_with_flags(flags: &[&str]) -> Result<Harness> {
        Harness::start_with(Vec::new(), flags).await
    }

    /// With both extra response `headers` and Chromium `flags` (a sandboxed embed under reduced motion needs the
    /// CORS header and `--force-prefers-reduced-motion`, which reaches out-of-process frames where CDP's media
    /// emulation does not).
    pub async fn start_with(headers: Vec<(String, String)>, flags: &[&str]) -> Result<Harness> {
        let dist = xtask::dist_dir();
        if !dist.join("index.html").is_file() {
            return Err(E2eError(format!(
                "{} has no index.html: build the site first with `cargo xtask dist` \
                 (`cargo xtask test` builds it before the e2e tests)",
                dist.display()
            )));
        }
        let server = StaticServer::start_with_headers(&dist, 0, headers).context("starting the static server")?;
        let driver = Driver::start()?;
        let profile = fresh_profile_dir()?;
        let mut args = vec![
            format!("--user-data-dir={}", profile.display()),
            "--window-size=1440,900".to_owned(),
        ];
        args.extend(flags.iter().map(|f| f.to_string()));
        let options = xtask::browser::chrome_options(&args);
        let capabilities: Capabilities = serde_json::from_value(json!({
            "browserName": "chrome",
            "goog:chromeOptions": options,
            "goog:loggingPrefs": { "browser": "ALL" },
        }))
        .expect("the capabilities are a JSON object");
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&driver.url())
            .await
            .context("opening a Chromium session through chromedriver")?;
        let session = client.session_id().await.context("reading the session id")?;
        Ok(Harness {
            client,
            session,
            driver,
            server,
            profile,
        })
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The site's URL for `path` (which starts with `/`).
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.server.addr())
    }

    /// Reloads the page and waits until the new document has loaded.
    ///
    /// Chromedriver can lose the frame it is waiting on while a reload swaps the page's renderer: the command
    /// fails with "timeout from aborted by navigation: Not attached to an active page" although the page goes on
    /// loading (seen once in CI, on a loaded two-core machine). After that one error the harness waits for the
    /// new document itself (the old one carries a mark the new one lacks) instead of failing the test.
    pub async fn reload(&self) -> Result<()> {
        const MARK: &str = "__switchyardBeforeReload";
        self.eval(&format!("window.{MARK} = 1; return 0")).await?;
        let Err(e) = self.client.refresh().await else {
            return Ok(());
        };
        let message = e.to_string();
        if !message.contains("Not attached to an active page") {
            return Err(E2eError(format!("reloading: {message}")));
        }
        eprintln!("reload: chromedriver lost the frame ({message}); waiting for the new document");
        let script = format!("return window.{MARK} === undefined && document.readyState === 'complete' ? 1 : 0");
        let start = Instant::now();
        while start.elapsed() < DEADLINE {
            // While the page is changing, a script may fail as well: that is a reason to look again.
            if let Ok(v) = self.client.execute(&script, vec![]).await {
                if v.as_f64() == Some(1.0) {
                    return Ok(());
                }
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Err(E2eError(format!(
            "reloading: {message}; the new document did not load in {DEADLINE:?}"
        )))
    }

    pub async fn open(&self, path: &str) -> Result<()> {
        self.client.goto(&self.url(path)).await.context("loading the page")
    }

    /// Polls for an element matching `css` until it appears or [`DEADLINE`] passes.
    pub async fn wait_for(&self, css: &str) -> Result<Element> {
        self.client
            .wait()
            .at_most(DEADLINE)
            .every(Duration::from_millis(50))
            .for_element(Locator::Css(css))
            .await
            .context(&format!("waiting {DEADLINE:?} for `{css}`"))
    }

    /// Waits for the element matching `css`, then clicks it.
    pub async fn click(&self, css: &str) -> Result<()> {
        self.wait_for(css)
            .await?
            .click()
            .await
            .context(&format!("clicking `{css}`"))
    }

    /// Picks a preset from the gallery by its id and waits until it is on the canvas (all but the first are
    /// fetched from `presets/`).
    pub async fn choose_preset(&self, id: &str) -> Result<()> {
        self.wait_for("[data-testid=preset-select]")
            .await?
            .select_by_value(id)
            .await
            .context(&format!("choosing the preset {id}"))?;
        self.wait_for(&format!("[data-testid=presets][data-preset='{id}']"))
            .await
            .map(drop)
    }

    /// Selects node `id` by clicking its box on the canvas, and waits until it shows as selected.
    pub async fn select_node(&self, id: &str) -> Result<()> {
        self.wait_for(&format!("[data-testid=canvas] [data-node='{id}'] > rect"))
            .await?
            .click()
            .await
            .context(&format!("selecting {id}"))?;
        self.wait_for(&format!("[data-testid=canvas] [data-node='{id}'][aria-pressed=true]"))
            .await
            .map(drop)
    }

    /// Fails the test with the console's errors, if it logged any since the last look.
    pub async fn assert_no_console_errors(&self) -> Result<()> {
        let errors = self.console_errors().await?;
        assert!(errors.is_empty(), "console errors: {errors:#?}");
        Ok(())
    }

    pub async fn find_all(&self, css: &str) -> Result<Vec<Element>> {
        self.client
            .find_all(Locator::Css(css))
            .await
            .context(&format!("finding `{css}`"))
    }

    /// Runs `script` in the page and returns its result.
    pub async fn eval(&self, script: &str) -> Result<Value> {
        self.client
            .execute(script, vec![])
            .await
            .context("running a script in the page")
    }

    /// Runs `script` every 100 ms until `accept` takes its result, and returns that result; an error naming the
    /// last result when [`DEADLINE`] passes first. Tests wait on a condition this way, never for a fixed time.
    pub async fn poll(&self, script: &str, accept: impl Fn(&Value) -> bool) -> Result<Value> {
        let start = std::time::Instant::now();
        loop {
            let v = self.eval(script).await?;
            if accept(&v) {
                return Ok(v);
            }
            if start.elapsed() > DEADLINE {
                return Err(E2eError(format!("`{script}` stayed at {v} for {DEADLINE:?}")));
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }

    /// [`Harness::poll`] for a script that returns a number (NaN when it does not).
    pub async fn poll_number(&self, script: &str, accept: impl Fn(f64) -> bool) -> Result<f64> {
        let v = self.poll(script, |v| accept(v.as_f64().unwrap_or(f64::NAN))).await?;
        Ok(v.as_f64().unwrap_or(f64::NAN))
    }

    /// The `SEVERE` entries of the browser console since the last call (errors, failed loads, panics).
    pub async fn console_errors(&self) -> Result<Vec<String>> {
        let log = self
            .client
            .issue_cmd(BrowserLog)
            .await
            .context("reading the browser log")?;
        let entries = log.as_array().cloned().unwrap_or_default();
        Ok(entries
            .iter()
            .filter(|e| e["level"] == "SEVERE")
            .map(|e| e["message"].as_str().unwrap_or_default().to_owned())
            .collect())
    }

    /// Saves a PNG of the window as `target/e2e/<name>.png` and returns its path.
    pub async fn screenshot(&self, name: &str) -> Result<PathBuf> {
        let png = self.client.screenshot().await.context("taking a screenshot")?;
        let dir = xtask::workspace_root().join("target/e2e");
        std::fs::create_dir_all(&dir).context("creating target/e2e")?;
        let path = dir.join(format!("{name}.png"));
        std::fs::write(&path, png).context("writing the screenshot")?;
        Ok(path)
    }

    /// Emulates a CSS media feature (`prefers-color-scheme: dark`, `prefers-reduced-motion: reduce`) through
    /// chromedriver's DevTools passthrough. It lasts across navigations; open the page after calling it.
    pub async fn emulate_media(&self, features: &[(&str, &str)]) -> Result<()> {
        let features: Vec<Value> = features.iter().map(|(n, v)| json!({ "name": n, "value": v })).collect();
        self.client
            .issue_cmd(Cdp {
                cmd: "Emulation.setEmulatedMedia",
                params: json!({ "features": features }),
            })
            .await
            .context("emulating media features")?;
        Ok(())
    }

    /// Sends one Chrome DevTools Protocol command (for input a WebDriver action cannot express, like touch).
    pub async fn cdp(&self, cmd: &'static str, params: Value) -> Result<Value> {
        self.client
            .issue_cmd(Cdp { cmd, params })
            .await
            .context(&format!("CDP {cmd}"))
    }

    /// Ends the browser session cleanly. Dropping the harness without this also ends it.
    pub async fn close(mut self) -> Result<()> {
        self.session = None;
        self.client.clone().close().await.context("closing the browser session")
    }
}

impl Drop for Harness {
    fn drop(&mut self) {
        // A failed test never reaches `close`, and the async client cannot run in `drop`: end the session
        // with one blocking request so Chromium exits before chromedriver is killed.
        if let Some(id) = self.session.take() {
            self.driver.delete_session(&id);
        }
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// A fresh directory that Chromium saves this session's downloads into (set through CDP
/// `Browser.setDownloadBehavior`), removed on drop.
pub struct Downloads(PathBuf);

impl Downloads {
    pub async fn start(h: &Harness, name: &str) -> Result<Downloads> {
        let dir = std::env::temp_dir().join(format!("switchyard-e2e-downloads-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).context("creating the download dir")?;
        let params = json!({ "behavior": "allow", "downloadPath": dir.display().to_string() });
        h.cdp("Browser.setDownloadBehavior", params).await?;
        Ok(Downloads(dir))
    }

    /// Waits for a finished download whose name ends with `suffix`, and returns its path and bytes.
    pub async fn wait(&self, suffix: &str) -> Result<(PathBuf, Vec<u8>)> {
        let start = Instant::now();
        loop {
            let found = std::fs::read_dir(&self.0)
                .context("listing the download dir")?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .find(|p| p.to_string_lossy().ends_with(suffix));
            // Chromium writes `<name>.crdownload` and renames it when done, so a file with the name is whole.
            if let Some(path) = found {
                let bytes = std::fs::read(&path).context("reading the download")?;
                if !bytes.is_empty() {
                    return Ok((path, bytes));
                }
            }
            if start.elapsed() > DEADLINE {
                return Err(format!("no `*{suffix}` in {}", self.0.display())).context("waiting for a download");
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
}

impl Drop for Downloads {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// `POST /session/{id}/se/log {"type": "browser"}`: chromedriver's console-log endpoint.
#[derive(Debug)]
struct BrowserLog;

impl WebDriverCompatibleCommand for BrowserLog {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/se/log", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(r#"{"type":"browser"}"#.to_owned()))
    }
}

/// `POST /session/{id}/goog/cdp/execute`: one Chrome DevTools Protocol command.
#[derive(Debug)]
struct Cdp {
    cmd: &'static str,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/goog/cdp/execute", session.unwrap_or_default()))
    }

    fn method_and_body(&self, _url: &url::Url) -> (http::Method, Option<String>) {
        let body = json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// A `chromedriver` child on a free loopback port, killed on drop.
struct Driver {
    child: Child,
    port: u16,
}

impl Driver {
    fn start() -> Result<Driver> {
        let binary = xtask::browser::chromedriver().ok_or_else(|| {
            E2eError(
                "chromedriver not found: `apt-get install -y chromium chromium-driver` (or set CHROMEDRIVER)".into(),
            )
        })?;
        let port = free_port()?;
        let mut child = Command::new(&binary)
            .arg(format!("--port={port}"))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .context(&format!("starting {}", binary.display()))?;
        let driver_out = child.stdout.take().expect("stdout is piped");
        let mut driver = Driver { child, port };
        // chromedriver announces when it listens; wait for that line rather than polling the port.
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(driver_out).lines().map_while(|l| l.ok()) {
                // Keep draining after the reader is gone so chromedriver never blocks on a full pipe.
                let _ = tx.send(line);
            }
        });
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match rx.recv_timeout(left) {
                Ok(line) if line.contains("started successfully") => return Ok(driver),
                Ok(_) => continue,
                Err(_) => {
                    let status = driver.child.try_wait().ok().flatten();
                    return Err(E2eError(format!(
                        "chromedriver did not start on port {port} within {DEADLINE:?} (exit status {status:?})"
                    )));
                }
            }
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn delete_session(&self, id: &str) {
        let Ok(mut stream) = TcpStream::connect(("127.0.0.1", self.port)) else {
            return;
        };
        let _ = stream.set_read_timeout(Some(DEADLINE));
        let request = format!(
            "DELETE /session/{id} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n\r\n",
            self.port
        );
        if stream.write_all(request.as_bytes()).is_ok() {
            let _ = stream.read_to_end(&mut Vec::new());
        }
    }
}

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0").context("finding a free port")?;
    Ok(listener.local_addr().context("finding a free port")?.port())
}

/// A new, empty Chromium profile directory under the system temp dir.
fn fresh_profile_dir() -> Result<PathBuf> {
    static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("switchyard-e2e-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).context("creating a Chromium profile dir")?;
    Ok(dir)
}
