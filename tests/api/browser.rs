//! Headless Chromium driven through chromedriver (WebDriver) against the real server:
//! the harness. The journeys are in `browser_journeys.rs`.
//!
//! Without `chromedriver` on the PATH a local `cargo test` prints that the browser tests
//! were SKIPPED; with `CI` set a missing browser fails the run. Each page visited is
//! checked: axe-core (vendored under tests/vendor/axe-core) reports no serious or
//! critical violation, the page has `lang`, a title and labels for its inputs, and it
//! weighs at most 150 KB with everything it loads. Screenshots go to
//! `target/screenshots/<journey>/`.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

const AXE: &str = include_str!("../vendor/axe-core/axe.min.js");
/// The heaviest a page may be, with its stylesheet and everything else it loads.
pub const MAX_PAGE_BYTES: u64 = 150 * 1024;

/// A chromedriver process and a WebDriver session on a fresh Chromium profile.
pub struct Browser {
    pub client: Client,
    driver: Child,
    _profile: tempfile::TempDir,
    shots: PathBuf,
    count: usize,
}

fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "0" && v != "false")
}

fn chromedriver() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("CHROMEDRIVER") {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join("chromedriver"))
            .find(|p| p.is_file())
    })
}

/// Chromium's own binary: Debian's `chromium`, or `CHROME_BIN`.
fn chromium() -> String {
    std::env::var("CHROME_BIN").unwrap_or_else(|_| "/usr/bin/chromium".to_owned())
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    /// A browser for the journey `name`, or `None` (after saying so) when this machine has
    /// no chromedriver and this is not CI.
    pub async fn start(name: &str) -> Option<Browser> {
        let Some(driver_bin) = chromedriver() else {
            if in_ci() {
                panic!("CI: chromedriver is not installed; the browser tests are required");
            }
            // Straight to the terminal: libtest captures only print!/eprint!.
            let _ = writeln!(
                std::io::stderr(),
                "browser test {name}: SKIPPED (no chromedriver on PATH; install chromium and chromium-driver)"
            );
            return None;
        };
        let port = free_port();
        let driver = Command::new(driver_bin)
            .arg(format!("--port={port}"))
            // A group of its own, so that ending it also ends the Chromium it started.
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start chromedriver");
        let profile = tempfile::tempdir().unwrap();
        let caps = json!({
            "browserName": "chrome",
            "goog:chromeOptions": {
                "binary": chromium(),
                // Headless Chromium ignores --lang for Accept-Language; the preference works.
                "prefs": {"intl.accept_languages": "zh-CN,zh"},
                "args": [
                    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                    "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync",
                    "--window-size=1280,900", "--lang=zh-CN",
                    format!("--user-data-dir={}", profile.path().display()),
                ]
            }
        });
        let caps: fantoccini::wd::Capabilities = caps.as_object().unwrap().clone();
        let url = format!("http://127.0.0.1:{port}");
        let mut client: Option<Client> = None;
        // chromedriver takes a moment to listen; bounded by count, not by time.
        for _ in 0..100 {
            match ClientBuilder::native()
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(c) => {
                    client = Some(c);
                    break;
                }
                Err(_) => tokio::time::sleep(Duration::from_millis(100)).await,
            }
        }
        let client = client.expect("a WebDriver session with headless Chromium");
        let shots = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("target/screenshots")
            .join(name);
        std::fs::create_dir_all(&shots).unwrap();
        Some(Browser {
            client,
            driver,
            _profile: profile,
            shots,
            count: 0,
        })
    }

    pub async fn goto(&self, url: &str) {
        self.client.goto(url).await.unwrap();
    }

    /// Type `text` into the input with this id.
    pub async fn fill(&self, id: &str, text: &str) {
        let el = self.client.find(Locator::Id(id)).await.unwrap();
        el.clear().await.unwrap();
        el.send_keys(text).await.unwrap();
    }

    /// Press the submit button of the page's main form (inside `main`) and wait for the
    /// next page.
    pub async fn submit(&self) {
        self.click_and_wait(Locator::Css("main form button[type=submit]"))
            .await;
    }

    /// Click an element that loads another page, and wait until that page has loaded:
    /// the old document is marked, and the wait ends when a document without the mark is
    /// complete (bounded by count, not by time).
    pub async fn click_and_wait(&self, what: Locator<'_>) {
        self.client
            .execute("window.__before_click = true;", vec![])
            .await
            .unwrap();
        self.client.find(what).await.unwrap().click().await.unwrap();
        for _ in 0..400 {
            let done = self
                .client
                .execute(
                    "return window.__before_click !== true && document.readyState === 'complete';",
                    vec![],
                )
                .await;
            if matches!(done, Ok(Value::Bool(true))) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the page after the click did not load");
    }

    /// The text of `main`.
    pub async fn main_text(&self) -> String {
        self.client
            .find(Locator::Css("main"))
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.unwrap();
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// Save a PNG of the window as `NN-label.png` and return its path.
    pub async fn shot(&mut self, label: &str) -> PathBuf {
        self.count += 1;
        let png = self.client.screenshot().await.unwrap();
        assert!(png.starts_with(b"\x89PNG"), "a PNG screenshot");
        let path = self.shots.join(format!("{:02}-{label}.png", self.count));
        std::fs::write(&path, png).unwrap();
        path
    }

    /// The checks every page must pass (see the module's doc); `weigh` is false only for
    /// the API browser, whose vendored Swagger UI alone is larger than a page may be.
    pub async fn check_page(&self, weigh: bool) {
        self.check_page_except(weigh, &[]).await;
    }

    /// [`Browser::check_page`] with some axe-core rules left out (only for vendored pages
    /// whose structure is not ours; each exception is named where it is made).
    pub async fn check_page_except(&self, weigh: bool, skip_rules: &[&str]) {
        let path = self.path().await;
        let basics = self
            .client
            .execute(
                r#"const unlabelled = [...document.querySelectorAll('input, select, textarea')]
                     .filter(e => e.type !== 'hidden')
                     .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label'))
                     .map(e => e.id || e.name);
                   return {lang: document.documentElement.lang, title: document.title, unlabelled};"#,
                vec![],
            )
            .await
            .unwrap();
        assert!(
            !basics["lang"].as_str().unwrap_or("").is_empty(),
            "{path}: no lang"
        );
        assert!(
            !basics["title"].as_str().unwrap_or("").is_empty(),
            "{path}: no title"
        );
        assert_eq!(
            basics["unlabelled"],
            json!([]),
            "{path}: inputs without a label"
        );

        self.client.execute(AXE, vec![]).await.unwrap();
        let found = self
            .client
            .execute_async(
                r#"const done = arguments[arguments.length - 1];
                   axe.run(document, {resultTypes: ['violations']})
                     .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,
                        help: v.help, nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))))
                     .catch(e => done([{id: 'axe-error', impact: 'critical', help: String(e)}]));"#,
                vec![],
            )
            .await
            .unwrap();
        let bad: Vec<&Value> = found
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| matches!(v["impact"].as_str(), Some("serious" | "critical")))
            .filter(|v| !skip_rules.contains(&v["id"].as_str().unwrap_or("")))
            .collect();
        assert!(bad.is_empty(), "{path}: axe-core found {bad:#?}");

        if weigh {
            let bytes = self
                .client
                .execute(
                    r#"const nav = performance.getEntriesByType('navigation')[0];
                       const res = performance.getEntriesByType('resource');
                       return nav.decodedBodySize + res.reduce((s, r) => s + r.decodedBodySize, 0);"#,
                    vec![],
                )
                .await
                .unwrap()
                .as_u64()
                .unwrap();
            assert!(
                bytes > 0 && bytes <= MAX_PAGE_BYTES,
                "{path} weighs {bytes} bytes"
            );
        }
    }

    /// End the session (Chromium closes); the driver ends on drop.
    pub async fn quit(self) {
        let _ = self.client.clone().close().await;
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        // Also when a test fails before quit(): end the driver's own process group (the
        // driver and its Chromium), nothing else.
        let _ = Command::new("kill")
            .arg("--")
            .arg(format!("-{}", self.driver.id()))
            .stderr(Stdio::null())
            .status();
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}
