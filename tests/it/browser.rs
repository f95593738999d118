//! Pages in a real browser we drive: headless Chromium over the DevTools
//! protocol (a WebSocket, `tungstenite`), to navigate, read the DOM with
//! `Runtime.evaluate`, press keys and take screenshots. First the harness
//! on the static report (file://), then the live page of `watch --listen`:
//! the seeds' positions, a filter set with the form, and a new article's
//! change arriving without a reload.
//!
//! Chromium is required, as for tests/it/report.rs. Every wait polls with a
//! deadline; the browser is killed (with its helpers) when the test ends.

use std::fs::File;
use std::net::TcpStream;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use crate::daemon::Daemon;
use crate::report::{find_chromium, tail, Screenshot, HEADLESS, REVERSAL};
use crate::util::{poll, Workspace};

/// How long the browser may take to start, or to answer one command.
const BROWSER_DEADLINE: Duration = Duration::from_secs(30);
/// How long a change may take to reach the open page.
const LIVE_DEADLINE: Duration = Duration::from_secs(20);

/// Records the page's Content-Security-Policy violations in
/// `window.__csp`; injected before any of the page's own code runs.
const CSP_WATCH: &str = "window.__csp = []; document.addEventListener('securitypolicyviolation', \
    e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));";

/// Headless Chromium with a DevTools connection to its one page.
struct Browser {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next_id: u64,
    stderr: PathBuf,
    // Dropped in this order: the browser is killed, then its profile goes.
    _process: Process,
    _profile: tempfile::TempDir,
}

/// The browser's process group, killed on drop: even when the test fails
/// before it connected.
struct Process(Child);

impl Drop for Process {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", self.0.id())])
            .stderr(Stdio::null())
            .status();
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl Browser {
    /// Starts Chromium with a fresh profile and a window of `width` x
    /// `height`, and connects to its page.
    fn launch(width: u32, height: u32) -> Browser {
        let chromium = find_chromium();
        let profile = tempfile::tempdir().expect("profile dir");
        let stderr = profile.path().with_extension("stderr");
        let child = Command::new(&chromium.0)
            .args(HEADLESS)
            .arg("--remote-debugging-port=0")
            .arg(format!("--user-data-dir={}", profile.path().display()))
            .arg(format!("--window-size={width},{height}"))
            .arg("--hide-scrollbars")
            .arg("about:blank")
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(File::create(&stderr).expect("stderr file"))
            // Its own process group, so that it dies with its helpers.
            .process_group(0)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", chromium.0.display()));
        let process = Process(child);
        let ws = connect_page(&profile, &stderr);
        let mut browser = Browser {
            ws,
            next_id: 0,
            stderr,
            _process: process,
            _profile: profile,
        };
        browser.call("Page.enable", json!({}));
        browser.call(
            "Page.addScriptToEvaluateOnNewDocument",
            json!({ "source": CSP_WATCH }),
        );
        browser
    }

    /// Sends one DevTools command and returns its result; events that
    /// arrive meanwhile are skipped. Panics on an error or after
    /// [`BROWSER_DEADLINE`].
    fn call(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let request = json!({ "id": id, "method": method, "params": params });
        self.ws
            .send(Message::Text(request.to_string().into()))
            .unwrap_or_else(|e| panic!("{method}: cannot send: {e}"));
        let deadline = Instant::now() + BROWSER_DEADLINE;
        loop {
            assert!(
                Instant::now() < deadline,
                "{method}: no answer within {BROWSER_DEADLINE:?}; chromium's stderr:\n{}",
                tail(&self.stderr)
            );
            let message = match self.ws.read() {
                Ok(m) => m,
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                    ) =>
                {
                    continue
                }
                Err(e) => panic!("{method}: DevTools connection failed: {e}"),
            };
            let Message::Text(text) = message else {
                continue;
            };
            let answer: Value = serde_json::from_str(text.as_str()).expect("DevTools JSON");
            if answer["id"] != id {
                continue;
            }
            if let Some(error) = answer.get("error") {
                panic!("{method} failed: {error}");
            }
            return answer["result"].clone();
        }
    }

    /// The value of a JavaScript expression (a promise is awaited); panics
    /// if it throws.
    fn eval(&mut self, expression: &str) -> Value {
        let result = self.call(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true, "awaitPromise": true }),
        );
        if let Some(e) = result.get("exceptionDetails") {
            panic!("{expression}: threw {e}");
        }
        result["result"]["value"].clone()
    }

    /// Polls `expression` until it is truthy, or panics after `deadline`
    /// saying `what` did not happen.
    fn wait_for(&mut self, what: &str, expression: &str, deadline: Duration) -> Value {
        let end = Instant::now() + deadline;
        loop {
            let value = self.eval(expression);
            if !matches!(value, Value::Null | Value::Bool(false)) && value != 0 && value != "" {
                return value;
            }
            assert!(
                Instant::now() < end,
                "{what}: not within {deadline:?}; the page:\n{}",
                self.eval("document.body ? document.body.innerText.slice(0, 3000) : ''")
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// Goes to `url` and waits until its document has loaded.
    fn navigate(&mut self, url: &str) {
        let result = self.call("Page.navigate", json!({ "url": url }));
        if let Some(e) = result.get("errorText") {
            panic!("cannot open {url}: {e}");
        }
        self.wait_loaded(url);
    }

    /// Waits until the page at `url` has loaded.
    fn wait_loaded(&mut self, url: &str) {
        let check = format!(
            "document.readyState === 'complete' && location.href === {}",
            json!(url)
        );
        self.wait_for(&format!("{url} loaded"), &check, BROWSER_DEADLINE);
    }

    /// Presses and releases a key (`Tab`).
    fn press(&mut self, key: &str, code: i64) {
        for kind in ["keyDown", "keyUp"] {
            self.call(
                "Input.dispatchKeyEvent",
                json!({ "type": kind, "key": key, "code": key, "windowsVirtualKeyCode": code }),
            );
        }
    }

    /// Saves a PNG of the viewport to `path`.
    fn screenshot(&mut self, path: &Path) {
        let shot = self.call("Page.captureScreenshot", json!({ "format": "png" }));
        let data = shot["data"].as_str().expect("screenshot data");
        let png = base64::engine::general_purpose::STANDARD
            .decode(data)
            .expect("a base64 screenshot");
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).expect("screenshot folder");
        }
        std::fs::write(path, png).expect("write screenshot");
    }
}

/// Waits for the DevTools port Chromium writes into its profile, finds its
/// page and connects to it.
fn connect_page(
    profile: &tempfile::TempDir,
    stderr: &Path,
) -> WebSocket<MaybeTlsStream<TcpStream>> {
    let port_file = profile.path().join("DevToolsActivePort");
    let port: u16 = poll(BROWSER_DEADLINE, || {
        let text = std::fs::read_to_string(&port_file).ok()?;
        text.lines().next()?.trim().parse().ok()
    })
    .unwrap_or_else(|| {
        panic!(
            "chromium wrote no DevToolsActivePort within {BROWSER_DEADLINE:?}; stderr:\n{}",
            tail(stderr)
        )
    });
    let list = format!("http://127.0.0.1:{port}/json/list");
    let url = poll(BROWSER_DEADLINE, || {
        let mut response = ureq::get(&list).call().ok()?;
        let targets: Value =
            serde_json::from_str(&response.body_mut().read_to_string().ok()?).ok()?;
        let page = targets.as_array()?.iter().find(|t| t["type"] == "page")?;
        Some(page["webSocketDebuggerUrl"].as_str()?.to_owned())
    })
    .unwrap_or_else(|| panic!("no page in {list}; stderr:\n{}", tail(stderr)));
    let (mut ws, _) = tungstenite::connect(url.as_str()).expect("DevTools WebSocket");
    // Reads give up now and then, so that every wait can check its deadline.
    if let MaybeTlsStream::Plain(stream) = ws.get_mut() {
        stream
            .set_read_timeout(Some(Duration::from_millis(200)))
            .expect("read timeout");
    }
    ws
}

/// Where the tests leave what a person may want to look at:
/// `target/test-artifacts/`, under the target folder the test runs from.
fn artifacts() -> PathBuf {
    let exe = Path::new(env!("CARGO_BIN_EXE_venuewatch"));
    let target = exe.ancestors().nth(2).expect("target folder");
    let dir = target.join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

#[test]
fn the_browser_reads_the_static_report() {
    let ws = Workspace::with_seeds();
    ws.run(&["ingest"]);
    let (_, _, claims, positions, changes) = ws.counts();
    let page = ws.dir.parent().expect("temp root").join("report.html");
    ws.run(&["report", "--html", page.to_str().expect("utf-8 path")]);

    let mut browser = Browser::launch(1280, 900);
    let url = format!("file://{}", page.display());
    browser.navigate(&url);
    let dom = browser.eval(
        "({ marks: document.querySelectorAll('svg.chart .mark').length, \
            rings: document.querySelectorAll('svg.chart .ring').length, \
            rows: document.querySelectorAll('table.positions tbody tr').length, \
            title: document.querySelector('h1').textContent, \
            scripts: document.scripts.length })",
    );
    assert_eq!(dom["marks"], claims, "{dom}");
    assert_eq!(dom["rings"], changes, "{dom}");
    assert_eq!(dom["rows"], positions, "{dom}");
    assert_eq!(dom["title"], "Where leaders say talks should happen");
    assert_eq!(dom["scripts"], 0);
    assert_eq!(browser.eval("window.__csp.length"), 0, "CSP violations");
}

/// The address `watch --listen` logged it serves.
fn served_address(daemon: &Daemon) -> String {
    let needle = "serving http://";
    poll(LIVE_DEADLINE, || {
        let log = daemon.log();
        let at = log.find(needle)? + needle.len();
        let addr: String = log[at..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || ".:[]".contains(*c))
            .collect();
        addr.contains(':').then(|| format!("http://{addr}"))
    })
    .unwrap_or_else(|| panic!("the daemon never logged {needle:?}:\n{}", daemon.log()))
}

/// The overview's position rows, as `leader venue stance`.
const POSITION_ROWS: &str =
    "[...document.querySelectorAll('table.overview-positions tr[data-leader]')]\
    .filter(r => r.querySelector('td.venue'))\
    .map(r => r.dataset.leader + ' ' + r.querySelector('td.venue').textContent + ' ' \
    + r.querySelector('td.st').textContent).sort()";

#[test]
fn the_live_page_shows_filters_and_follows_new_changes() {
    let ws = Workspace::with_seeds();
    let mut daemon = Daemon::spawn(ws.cmd(&["watch", "--listen", "127.0.0.1:0"]), &ws);
    let base = served_address(&daemon);
    daemon.wait_for_log("watching");
    let expected = |leader: Option<&str>| -> Vec<String> {
        let mut rows: Vec<String> = (ws.json(&["positions", "--json"]).as_array())
            .expect("positions")
            .iter()
            .filter(|p| leader.is_none_or(|l| p["leader"] == l))
            .map(|p| {
                format!(
                    "{} {} {}",
                    str_of(&p["leader"]),
                    str_of(&p["venue"]),
                    str_of(&p["stance"])
                )
            })
            .collect();
        rows.sort();
        rows
    };
    // The seeds are in before the page is opened.
    let all = poll(LIVE_DEADLINE, || {
        let rows = expected(None);
        (rows.len() >= 3).then_some(rows)
    })
    .unwrap_or_else(|| panic!("the seeds were not ingested:\n{}", daemon.log()));

    // The page, served under its Content-Security-Policy.
    let home = format!("{base}/");
    let response = ureq::get(&home).call().expect("GET /");
    let csp = response
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    assert!(csp.contains("script-src 'self'"), "CSP: {csp:?}");
    // A wrong filter is a page that says which, not a wider view.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut bad = agent
        .get(format!("{base}/?kind=old"))
        .call()
        .expect("GET /?kind=old");
    assert_eq!(bad.status(), 400);
    let text = bad.body_mut().read_to_string().expect("body");
    assert!(
        text.contains("parameter kind: is new or reversed"),
        "{text}"
    );

    let mut browser = Browser::launch(1280, 1600);
    browser.navigate(&home);
    assert_eq!(
        browser.eval(POSITION_ROWS),
        json!(all),
        "the seeds' positions"
    );
    assert_eq!(browser.eval("window.__csp"), json!([]), "CSP violations");
    let scripted = "document.scripts.length === 1 && typeof EventSource === 'function'";
    assert_eq!(browser.eval(scripted), true);

    // The keyboard: the first Tab reaches the skip link.
    browser.press("Tab", 9);
    assert_eq!(
        browser.eval("document.activeElement.className"),
        "skip",
        "the first focus is the skip link"
    );

    // A filter set with the form: a plain GET, so the URL is the view.
    browser.eval(
        "document.getElementById('f-leader').value = 'zelensky'; \
         document.querySelector('form.filters').submit(); true",
    );
    browser.wait_for(
        "the form's view",
        "document.readyState === 'complete' && new URLSearchParams(location.search).get('leader') === 'zelensky'",
        BROWSER_DEADLINE,
    );
    let zelensky = expected(Some("zelensky"));
    assert!(!zelensky.is_empty() && zelensky.len() < all.len());
    assert_eq!(
        browser.eval(POSITION_ROWS),
        json!(zelensky),
        "narrowed to zelensky"
    );
    assert_eq!(
        browser.eval("document.getElementById('f-leader').value"),
        "zelensky"
    );
    assert_eq!(
        browser.eval("document.querySelectorAll('section.leader').length"),
        1
    );
    // The same view by its URL, without the form's blank fields.
    let view = format!("{base}/?leader=zelensky");
    browser.navigate(&view);
    assert_eq!(browser.eval(POSITION_ROWS), json!(zelensky));

    // A new article reverses one of Zelensky's stances; the open page gets
    // it without a reload (a reload would forget `__kept`).
    let reversals = |ws: &Workspace| {
        (ws.json(&["changes", "--json"]).as_array())
            .expect("changes")
            .iter()
            .filter(|c| c["kind"] == "reversed" && c["leader"] == "zelensky")
            .count()
    };
    let before = reversals(&ws);
    browser.eval("window.__kept = 1; true");
    let tmp = ws.dir.join(".900_reversal.txt.tmp");
    std::fs::write(&tmp, REVERSAL).expect("write article");
    std::fs::rename(&tmp, ws.dir.join("900_reversal.txt")).expect("rename into place");
    let arrived = browser.wait_for(
        "the new change on the open page",
        "document.querySelector('ol.newest li.change.reversed[data-leader=\"zelensky\"]') \
         && [...document.querySelectorAll('ol.newest li.change')].some(li => li.textContent.includes('900_reversal.txt')) \
         && Number(document.getElementById('updated').dataset.events) >= 1 \
         && document.getElementById('updated').textContent",
        LIVE_DEADLINE,
    );
    let marker = str_of(&arrived).to_owned();
    assert!(marker.starts_with("Updated "), "{marker}");
    assert!(marker.contains("new change"), "{marker}");
    assert_eq!(browser.eval("window.__kept"), 1, "the page was reloaded");
    // Every reversal the article made reaches the page (one event each).
    let after = reversals(&ws);
    assert!(after > before, "the article made no reversal");
    browser.wait_for(
        "every new reversal on the page",
        &format!(
            "document.querySelectorAll('ol.newest li.change.reversed[data-leader=\"zelensky\"]').length === {after}"
        ),
        LIVE_DEADLINE,
    );
    assert_eq!(browser.eval("location.href"), view.as_str());
    assert_eq!(
        browser.eval(POSITION_ROWS),
        json!(expected(Some("zelensky")))
    );
    assert_eq!(browser.eval("window.__csp"), json!([]), "CSP violations");
    let shot = artifacts().join("live-page.png");
    browser.screenshot(&shot);
    let pixels = Screenshot::load(&shot);
    let inked = pixels.count(|[r, g, b]| r.min(g).min(b) < 235);
    assert!(inked * 50 > pixels.len(), "the screenshot looks blank");

    // At phone width the page does not scroll sideways.
    browser.call(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 390, "height": 844, "deviceScaleFactor": 1, "mobile": true }),
    );
    browser.navigate(&home);
    let width = browser.eval("document.documentElement.scrollWidth");
    assert!(
        width.as_u64().is_some_and(|w| w <= 390),
        "page width {width} at 390"
    );
    browser.screenshot(&artifacts().join("live-page-phone.png"));

    let status = daemon.terminate();
    assert!(status.success(), "daemon: {status}\n{}", daemon.log());
    eprintln!("live page screenshot: {}", shot.display());
}

fn str_of(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}
