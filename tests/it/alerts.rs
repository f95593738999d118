//! Alerts (`watch --notify-url` / `--notify-exec`): every change is
//! delivered at least once, across refusals and restarts, and no change is
//! acknowledged twice.

use std::collections::{BTreeSet, HashMap};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

use serde_json::Value;

use crate::daemon::{Daemon, DEADLINE};
use crate::util::{poll, seed_files, Workspace};

/// One request the hook received, and what it answered.
#[derive(Debug, Clone)]
struct Received {
    /// The `Idempotency-Key` header.
    key: Option<String>,
    body: Value,
    status: u16,
}

#[derive(Debug, Default)]
struct HookState {
    /// How many of the next requests to refuse.
    refuse_next: usize,
    /// Refuse every request while set.
    refuse_all: bool,
    received: Vec<Received>,
}

/// A webhook receiver on 127.0.0.1: a tiny HTTP/1.1 server that answers 503
/// when told to refuse and 200 otherwise, one request per connection, and
/// records every request.
struct Hook {
    url: String,
    addr: SocketAddr,
    state: Arc<Mutex<HookState>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Hook {
    fn start(refuse_next: usize) -> Hook {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
        let addr = listener.local_addr().expect("addr");
        let state = Arc::new(Mutex::new(HookState {
            refuse_next,
            ..HookState::default()
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let (state, stop) = (Arc::clone(&state), Arc::clone(&stop));
            std::thread::spawn(move || {
                for stream in listener.incoming() {
                    if stop.load(Ordering::SeqCst) {
                        break;
                    }
                    if let Ok(stream) = stream {
                        serve(stream, &state);
                    }
                }
            })
        };
        Hook {
            url: format!("http://{addr}/hook"),
            addr,
            state,
            stop,
            thread: Some(thread),
        }
    }

    fn refuse_all(&self, refuse: bool) {
        self.state.lock().expect("hook").refuse_all = refuse;
    }

    fn received(&self) -> Vec<Received> {
        self.state.lock().expect("hook").received.clone()
    }

    /// The bodies of the requests answered 200.
    fn acknowledged(&self) -> Vec<Value> {
        self.received()
            .into_iter()
            .filter(|r| r.status == 200)
            .map(|r| r.body)
            .collect()
    }
}

impl Drop for Hook {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accept loop so that it sees the flag.
        let _ = TcpStream::connect(self.addr);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// Reads one request (request line, headers, a Content-Length body) and
/// answers it.
fn serve(stream: TcpStream, state: &Mutex<HookState>) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(&stream);
    let mut line = String::new();
    if reader.read_line(&mut line).is_err() || !line.starts_with("POST ") {
        return;
    }
    let mut headers = HashMap::new();
    loop {
        line.clear();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let header = line.trim_end();
        if header.is_empty() {
            break;
        }
        if let Some((name, value)) = header.split_once(':') {
            headers.insert(name.trim().to_ascii_lowercase(), value.trim().to_string());
        }
    }
    let length: usize = headers
        .get("content-length")
        .and_then(|l| l.parse().ok())
        .expect("the alert has a Content-Length");
    let mut body = vec![0; length];
    if reader.read_exact(&mut body).is_err() {
        return;
    }
    let status = {
        let mut s = state.lock().expect("hook");
        let status = if s.refuse_all || s.refuse_next > 0 {
            s.refuse_next = s.refuse_next.saturating_sub(1);
            503
        } else {
            200
        };
        s.received.push(Received {
            key: headers.get("idempotency-key").cloned(),
            body: serde_json::from_slice(&body).expect("JSON body"),
            status,
        });
        status
    };
    let reason = if status == 200 {
        "OK"
    } else {
        "Service Unavailable"
    };
    let _ = write!(
        &stream,
        "HTTP/1.1 {status} {reason}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
    );
}

/// What identifies a change: the fields of `changes --json` that say what
/// changed (evidence and diff may be rewritten by a late article).
type ChangeId = (String, String, String, String, String, String, String);

fn change_id(v: &Value) -> ChangeId {
    let s = |k: &str| match &v[k] {
        Value::String(s) => s.clone(),
        Value::Null => "none".to_string(),
        other => panic!("{k}: {other}"),
    };
    (
        s("leader"),
        s("venue"),
        s("kind"),
        s("from"),
        s("to"),
        s("date"),
        s("article"),
    )
}

fn changes(ws: &Workspace) -> BTreeSet<ChangeId> {
    ws.json(&["changes", "--json"])
        .as_array()
        .expect("changes")
        .iter()
        .map(change_id)
        .collect()
}

/// The changes in the log that no alert in `delivered` announced.
fn undelivered(ws: &Workspace, delivered: &[Value]) -> BTreeSet<ChangeId> {
    let delivered: BTreeSet<ChangeId> = delivered.iter().map(change_id).collect();
    changes(ws).difference(&delivered).cloned().collect()
}

fn outbox(ws: &Workspace) -> (u64, u64) {
    let s = ws.json(&["status", "--json"]);
    let n = |k: &str| s[k].as_u64().expect(k);
    (n("outbox_pending"), n("outbox_delivered"))
}

fn copy_seeds(dir: &Path) {
    for seed in seed_files() {
        std::fs::copy(&seed, dir.join(seed.file_name().expect("name"))).expect("copy");
    }
}

/// Articles that add changes after the seeds' (dated after all of them).
fn write_later_articles(dir: &Path) {
    for (name, text) in [
        (
            "later-a.txt",
            "date 2027-03-01\n\nPutin ruled out Istanbul as a venue for talks with Zelensky.\n",
        ),
        (
            "later-b.txt",
            "date 2027-03-02\n\nZelensky invited Putin to Geneva for peace talks.\n",
        ),
        (
            "later-c.txt",
            "date 2027-03-03\n\nPutin invited Zelensky to Istanbul for talks.\n",
        ),
    ] {
        let tmp = dir.join(format!(".{name}.tmp"));
        std::fs::write(&tmp, text).expect("write");
        std::fs::rename(&tmp, dir.join(name)).expect("rename");
    }
}

#[test]
fn webhook_alerts_survive_refusals_and_a_restart_and_are_acknowledged_once() {
    // The first two requests are refused: the head of the queue is retried.
    let hook = Hook::start(2);
    let ws = Workspace::new();
    // A notifier in the config file, replaced by the flag.
    let config = ws.state.parent().expect("root").join("venuewatch.toml");
    std::fs::write(&config, "notify_exec = \"exit 1\"\n").expect("config");
    let config = config.to_str().expect("utf-8 path");
    let watch = || {
        let mut cmd = ws.cmd(&["watch", "--notify-url", &hook.url, "--config", config]);
        cmd.env("VENUEWATCH_NOTIFY_BACKOFF_MS", "20");
        cmd
    };
    let mut daemon = Daemon::spawn(watch(), &ws);
    daemon.wait_for_log("watching");

    copy_seeds(&ws.dir);
    poll(DEADLINE, || {
        let done = ws.counts().0 == 5 && undelivered(&ws, &hook.acknowledged()).is_empty();
        done.then_some(())
    })
    .unwrap_or_else(|| panic!("seed changes not all delivered:\n{}", daemon.log()));
    let log = daemon.log();
    assert!(
        log.contains("alert not delivered: HTTP status 503 (attempt 1)")
            && log.contains("(attempt 2)"),
        "{log}"
    );

    // The receiver goes down; new changes queue up.
    hook.refuse_all(true);
    let before = changes(&ws).len();
    write_later_articles(&ws.dir);
    poll(DEADLINE, || {
        let refused = hook
            .received()
            .iter()
            .rev()
            .take_while(|r| r.status == 503)
            .count();
        let queued = changes(&ws).len() > before && outbox(&ws).0 > 0;
        (ws.counts().0 == 8 && queued && refused >= 2).then_some(())
    })
    .unwrap_or_else(|| panic!("later changes not queued and retried:\n{}", daemon.log()));
    let status = daemon.terminate();
    assert!(status.success(), "exit status {status}:\n{}", daemon.log());
    let (pending, _) = outbox(&ws);
    assert!(pending > 0, "alerts still pending after the stop");
    let text = String::from_utf8(ws.run(&["status"]).stdout).expect("utf-8");
    assert!(
        text.contains(&format!("alerts:    {pending} pending")),
        "{text}"
    );

    // Back up, and the daemon restarted: what was pending goes out.
    hook.refuse_all(false);
    let mut daemon = Daemon::spawn(watch(), &ws);
    poll(DEADLINE, || {
        let done = outbox(&ws).0 == 0 && undelivered(&ws, &hook.acknowledged()).is_empty();
        done.then_some(())
    })
    .unwrap_or_else(|| {
        panic!(
            "pending alerts not delivered after restart:\n{}",
            daemon.log()
        )
    });
    daemon.wait_for_log("delivering alerts pending from before");
    assert!(daemon.terminate().success());

    let received = hook.received();
    let log = ws.json(&["changes", "--json"]);
    let expected: BTreeSet<&str> = log[0]
        .as_object()
        .expect("change")
        .keys()
        .map(String::as_str)
        .collect();
    let mut acknowledged: HashMap<String, usize> = HashMap::new();
    for r in &received {
        let key = r.body["idempotency_key"].as_str().expect("key in the body");
        assert_eq!(r.key.as_deref(), Some(key), "header and body keys differ");
        // Apart from its key, the payload is a change as `changes --json` shows it.
        let mut fields: BTreeSet<&str> = r
            .body
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        assert!(fields.remove("idempotency_key"));
        assert_eq!(fields, expected);
        // Where the change came from: a seed's file (a .txt file has no address).
        assert!(r.body["file"].is_string(), "{}", r.body);
        assert!(r.body["url"].is_null(), "{}", r.body);
        if r.status == 200 {
            *acknowledged.entry(key.to_string()).or_default() += 1;
        }
    }
    let twice: Vec<_> = acknowledged.iter().filter(|(_, &n)| n > 1).collect();
    assert!(twice.is_empty(), "acknowledged more than once: {twice:?}");
    assert_eq!(outbox(&ws), (0, acknowledged.len() as u64));
    assert!(acknowledged.len() >= changes(&ws).len());
}

#[test]
fn a_notify_command_gets_each_change_on_stdin_and_failures_are_retried() {
    let ws = Workspace::new();
    // The backlog is there before the daemon starts: alerts for a catch-up.
    copy_seeds(&ws.dir);
    let root = ws.state.parent().expect("root").to_path_buf();
    let (out, marker) = (root.join("alerts.jsonl"), root.join("failed-once"));
    // Fails the first time, then appends each alert to a file.
    let command = format!(
        "if [ -e '{m}' ]; then cat >> '{o}'; else touch '{m}'; echo receiver not ready >&2; exit 1; fi",
        m = marker.display(),
        o = out.display()
    );
    let config = root.join("venuewatch.toml");
    std::fs::write(
        &config,
        format!("notify_exec = {command:?}\nnotify_backoff_ms = 20\n"),
    )
    .expect("config");
    let cmd = ws.cmd(&["watch", "--config", config.to_str().expect("utf-8 path")]);
    let mut daemon = Daemon::spawn(cmd, &ws);

    let lines = || -> Vec<Value> {
        std::fs::read_to_string(&out)
            .unwrap_or_default()
            .lines()
            .map(|l| serde_json::from_str(l).expect("one JSON object per line"))
            .collect()
    };
    // After the catch-up's derivation ("watching"): before it, the log has
    // no changes, and so none undelivered.
    poll(DEADLINE, || {
        let done = daemon.log().contains("watching")
            && ws.counts_if_any().0 == 5
            && undelivered(&ws, &lines()).is_empty();
        done.then_some(())
    })
    .unwrap_or_else(|| panic!("changes not all delivered:\n{}", daemon.log()));
    assert!(daemon.terminate().success());

    let log = daemon.log();
    assert!(
        log.contains("notify command failed") && log.contains("receiver not ready"),
        "{log}"
    );
    let delivered = lines();
    let keys: BTreeSet<&str> = delivered
        .iter()
        .map(|v| v["idempotency_key"].as_str().expect("key"))
        .collect();
    assert_eq!(keys.len(), delivered.len(), "a change delivered twice");
    assert_eq!(outbox(&ws), (0, delivered.len() as u64));
}

#[test]
fn notifier_settings_are_checked_before_the_daemon_starts() {
    let ws = Workspace::new();
    let fails_with = |args: &[&str], needle: &str| {
        let out = ws.cmd(args).output().expect("run");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{args:?} succeeded");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    };
    fails_with(
        &["watch", "--notify-url", "ftp://example.com/x"],
        "not an http:// or https:// URL",
    );
    fails_with(
        &[
            "watch",
            "--notify-url",
            "http://127.0.0.1:9/",
            "--notify-exec",
            "cat",
        ],
        "set only one",
    );
    fails_with(
        &["watch", "--notify-exec", "cat", "--notify-backoff-ms", "0"],
        "notify_backoff_ms must be at least 1",
    );
    assert!(!ws.state.exists(), "nothing created for a bad setting");
}
