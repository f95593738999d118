//! The HTTP server of `watch --listen` and `serve`: the API against the
//! CLI's JSON on the same database, paging, bad parameters, the token, the
//! event stream, metrics and health checks.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use serde_json::Value;

use crate::daemon::{Daemon, DEADLINE};
use crate::util::{poll, Workspace};

/// A running server, and the address it serves.
pub struct Served {
    pub daemon: Daemon,
    pub base: String,
}

impl Served {
    /// Starts `venuewatch ARGS --listen ADDR` (ARGS: `watch` or `serve` and
    /// flags) and waits until it serves.
    pub fn start(ws: &Workspace, args: &[&str], listen: &str) -> Served {
        let mut all = args.to_vec();
        all.extend(["--listen", listen]);
        let daemon = Daemon::spawn(ws.cmd(&all), ws);
        let base = poll(DEADLINE, || {
            let log = daemon.log();
            let at = log.find("serving http://")? + "serving ".len();
            let end = log[at..].find(char::is_whitespace)?;
            Some(log[at..at + end].to_string())
        })
        .unwrap_or_else(|| panic!("never served:\n{}", daemon.log()));
        Served { daemon, base }
    }

    /// Starts the daemon on the workspace and waits for its catch-up.
    pub fn watch(ws: &Workspace) -> Served {
        let served = Served::start(ws, &["watch"], "127.0.0.1:0");
        served.daemon.wait_for_log("watching");
        served
    }

    pub fn get(&self, path: &str) -> (u16, String) {
        get(&format!("{}{path}", self.base), None)
    }

    /// GETs `path` and parses its JSON body, insisting on a 200.
    pub fn json(&self, path: &str) -> Value {
        let (status, body) = self.get(path);
        assert_eq!(status, 200, "GET {path}: {body}");
        serde_json::from_str(&body).unwrap_or_else(|e| panic!("GET {path}: {e}: {body}"))
    }
}

/// A response header's value, empty when absent.
fn header<'a>(response: &'a ureq::http::Response<ureq::Body>, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

/// A GET with an optional bearer token: the status and the body.
fn get(url: &str, token: Option<&str>) -> (u16, String) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(20)))
        .build()
        .into();
    let mut req = agent.get(url);
    if let Some(token) = token {
        req = req.header("Authorization", format!("Bearer {token}"));
    }
    let mut response = req.call().unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let status = response.status().as_u16();
    let body = response.body_mut().read_to_string().unwrap_or_default();
    (status, body)
}

#[test]
fn every_endpoint_answers_what_the_cli_prints_for_the_same_query() {
    let ws = Workspace::with_seeds();
    let served = Served::watch(&ws);
    assert_eq!(
        served.json("/api/positions"),
        ws.json(&["positions", "--json"])
    );
    assert_eq!(served.json("/api/changes"), ws.json(&["changes", "--json"]));
    assert_eq!(
        served.json("/api/changes?leader=putin&since=2026-01-01"),
        ws.json(&[
            "changes",
            "--json",
            "--leader",
            "putin",
            "--since",
            "2026-01-01"
        ])
    );
    assert_eq!(
        served.json("/api/changes?kind=new&stance=proposes&q=moscow"),
        ws.json(&[
            "changes", "--json", "--kind", "new", "--stance", "proposes", "--search", "moscow"
        ])
    );
    assert_eq!(
        served.json("/api/timeline/zelensky"),
        ws.json(&["timeline", "zelensky", "--json"])
    );
    let mut api = served.json("/api/status");
    let mut cli = ws.json(&["status", "--json"]);
    assert_eq!(api["articles"], 5, "{api}");
    // The database path as each process names it; the rest is equal.
    api["database"] = Value::Null;
    cli["database"] = Value::Null;
    assert_eq!(api, cli);

    let article = served.json("/api/articles/1");
    assert!(
        article["claims"].as_array().is_some_and(|c| !c.is_empty()),
        "{article}"
    );
    assert!(
        article["date"].is_string() && article["file"].is_string(),
        "{article}"
    );
    assert_eq!(served.get("/api/articles/999999").0, 404);

    let openapi = served.json("/api/openapi.json");
    for path in [
        "/api/positions",
        "/api/changes",
        "/api/timeline/{leader}",
        "/api/articles/{id}",
        "/api/status",
        "/api/events",
        "/metrics",
        "/healthz",
        "/readyz",
    ] {
        assert!(
            openapi["paths"].get(path).is_some(),
            "{path} is not in the OpenAPI description"
        );
    }
    assert_eq!(served.get("/healthz").0, 200);
    assert_eq!(served.get("/readyz").0, 200);
    // The container's health check.
    let ready = ws
        .cmd(&["ready", &format!("{}/readyz", served.base)])
        .output()
        .expect("ready");
    assert!(
        ready.status.success(),
        "{}",
        String::from_utf8_lossy(&ready.stderr)
    );
    let nothing = ws
        .cmd(&["ready", "http://127.0.0.1:9/readyz"])
        .output()
        .expect("ready");
    assert!(!nothing.status.success());
    assert!(String::from_utf8_lossy(&nothing.stderr).contains("no answer"));
}

/// A raw GET of `path` with `Accept-Encoding: accept` (none when empty):
/// the headers (lowercased names) and the body's bytes as sent.
fn raw_get(base: &str, path: &str, accept: &str) -> (Vec<(String, String)>, Vec<u8>) {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let accept = if accept.is_empty() {
        String::new()
    } else {
        format!("Accept-Encoding: {accept}\r\n")
    };
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\n{accept}Connection: close\r\n\r\n"
    )
    .expect("request");
    let mut all = Vec::new();
    stream.read_to_end(&mut all).expect("response");
    let split = all
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&all[..split]).to_string();
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let headers = head
        .lines()
        .skip(1)
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    (headers, all[split + 4..].to_vec())
}

#[test]
fn a_client_that_accepts_gzip_gets_the_same_answer_compressed() {
    let ws = Workspace::with_seeds();
    let served = Served::watch(&ws);
    let of = |headers: &[(String, String)], name: &str| {
        headers
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    for path in ["/api/changes", "/api/positions", "/"] {
        let (plain_headers, plain) = raw_get(&served.base, path, "");
        assert!(of(&plain_headers, "content-encoding").is_empty(), "{path}");
        assert!(!plain.is_empty(), "{path}");
        // Twice: the first compresses the kept answer, the second is
        // served the bytes kept; both the same.
        let mut sent = Vec::new();
        for _ in 0..2 {
            let (headers, body) = raw_get(&served.base, path, "br;q=1.0, gzip;q=0.8");
            assert_eq!(of(&headers, "content-encoding"), ["gzip"], "{path}");
            assert!(
                of(&headers, "vary")
                    .iter()
                    .any(|v| v.contains("accept-encoding")),
                "{path}: {headers:?}"
            );
            assert!(body.len() < plain.len(), "{path}: not smaller");
            let mut decoded = Vec::new();
            flate2::read::GzDecoder::new(&body[..])
                .read_to_end(&mut decoded)
                .expect("gzip");
            assert_eq!(decoded, plain, "{path}");
            sent.push(body);
        }
        assert_eq!(sent[0], sent[1], "{path}");
        // Refused by weight: the bytes as they are.
        let (headers, body) = raw_get(&served.base, path, "gzip;q=0, identity");
        assert!(of(&headers, "content-encoding").is_empty(), "{path}");
        assert_eq!(body, plain, "{path}");
    }
}

#[test]
fn bad_parameters_are_400s_that_name_the_parameter() {
    let ws = Workspace::with_seeds();
    let served = Served::watch(&ws);
    for (path, param) in [
        ("/api/changes?since=yesterday", "since"),
        ("/api/changes?until=2026-02-30", "until"),
        ("/api/changes?leader=nobody", "leader"),
        ("/api/changes?kind=sideways", "kind"),
        ("/api/changes?limit=0", "limit"),
        ("/api/changes?cursor=nonsense", "cursor"),
        ("/api/changes?leadr=putin", "leadr"),
        ("/api/timeline/nobody", "leader"),
        ("/api/articles/one", "id"),
        ("/api/positions?leader=putin", "leader"),
    ] {
        let (status, body) = served.get(path);
        assert_eq!(status, 400, "{path}: {body}");
        let error: Value = serde_json::from_str(&body).expect("a JSON error");
        assert_eq!(error["parameter"], param, "{path}: {body}");
    }
    for path in [
        "/../../etc/passwd",
        "/static/../state/venuewatch.db",
        "/api/nothing",
    ] {
        assert_eq!(served.get(path).0, 404, "{path}");
    }
}

/// A text in which Putin takes a stance on Minsk on a given day.
fn minsk(day: usize, proposes: bool) -> String {
    let date = jiff::civil::date(2020, 1, 1) + jiff::Span::new().days(day as i64);
    let said = match proposes {
        true => "that he was ready to meet Zelensky in Minsk",
        false => "that he rejected Minsk as a venue for talks",
    };
    format!("{date}\n\nRussian President Vladimir Putin said on Monday {said}.\n")
}

#[test]
fn paging_through_ten_thousand_changes_returns_each_exactly_once() {
    const N: usize = 10_000;
    let ws = Workspace::new();
    for day in 0..N {
        std::fs::write(
            ws.dir.join(format!("m{day:05}.txt")),
            minsk(day, day % 2 == 0),
        )
        .expect("write");
    }
    ws.run(&["ingest"]);
    let all = ws.json(&["changes", "--json"]);
    assert_eq!(all.as_array().map(Vec::len), Some(N));
    let served = Served::start(&ws, &["serve"], "127.0.0.1:0");
    let mut seen: Vec<Value> = Vec::new();
    let mut path = "/api/changes?leader=putin&limit=777".to_string();
    let mut pages = 0;
    loop {
        let url = format!("{}{path}", served.base);
        let response = ureq::get(&url).call().expect("page");
        let next = Some(header(&response, "x-next-cursor").to_owned()).filter(|c| !c.is_empty());
        let page: Value =
            serde_json::from_reader(response.into_body().into_reader()).expect("json");
        seen.extend(page.as_array().expect("list").iter().cloned());
        pages += 1;
        match next {
            Some(cursor) => path = format!("/api/changes?leader=putin&limit=777&cursor={cursor}"),
            None => break,
        }
    }
    assert_eq!(pages, N.div_ceil(777));
    assert_eq!(
        Value::Array(seen),
        all,
        "the pages joined are the whole log, in order"
    );
}

#[test]
fn off_loopback_a_token_is_required_and_checked() {
    let ws = Workspace::with_seeds();
    ws.run(&["ingest"]);
    let refused = ws
        .cmd(&["serve", "--listen", "0.0.0.0:0"])
        .output()
        .expect("run");
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(stderr.contains("--token"), "{stderr}");

    let token = "a-long-enough-secret-token";
    let token_file = ws.state.join("token");
    std::fs::write(&token_file, format!("{token}\n")).expect("token file");
    let token_path = token_file.display().to_string();
    let served = Served::start(&ws, &["serve", "--token-file", &token_path], "0.0.0.0:0");
    let base = served.base.replace("0.0.0.0", "127.0.0.1");
    let url = format!("{base}/api/positions");
    assert_eq!(get(&url, None).0, 401);
    assert_eq!(get(&url, Some("a-long-enough-secret-tokeX")).0, 401);
    assert_eq!(get(&url, Some(token)).0, 200);
    assert_eq!(
        get(&format!("{base}/healthz"), None).0,
        200,
        "health needs no token"
    );
    // A browser gives the token once in the address and keeps a cookie.
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let first = agent
        .get(&format!("{base}/api/changes?leader=putin&token={token}"))
        .call()
        .expect("page");
    assert_eq!(first.status().as_u16(), 303);
    let location = header(&first, "location");
    assert_eq!(location, "/api/changes?leader=putin");
    let cookie = header(&first, "set-cookie")
        .split(';')
        .next()
        .expect("a cookie")
        .to_string();
    let page = agent
        .get(&format!("{base}{location}"))
        .header("Cookie", &cookie)
        .call()
        .expect("page");
    assert_eq!(page.status().as_u16(), 200);
    let csp = header(&page, "content-security-policy");
    assert!(
        csp.contains("default-src 'none'") && csp.contains("script-src 'self'"),
        "{csp}"
    );
}

/// Reads server-sent events from `path` until `n` have come (or the
/// deadline passes): each as (id, event, data).
fn read_events(
    base: &str,
    path: &str,
    last_id: Option<&str>,
    n: usize,
    act: impl FnOnce(),
) -> Vec<(String, String, Value)> {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let resume = last_id
        .map(|id| format!("Last-Event-ID: {id}\r\n"))
        .unwrap_or_default();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n"
    )
    .expect("request");
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // The status line and headers.
    loop {
        line.clear();
        reader.read_line(&mut line).expect("headers");
        if line == "\r\n" || line.is_empty() {
            break;
        }
    }
    act();
    let mut events = Vec::new();
    let (mut id, mut event, mut data) = (String::new(), String::new(), String::new());
    while events.len() < n {
        line.clear();
        if reader.read_line(&mut line).expect("event stream") == 0 {
            break;
        }
        let text = line.trim_end();
        // Chunk-size lines of the chunked transfer match no field.
        if let Some(v) = text.strip_prefix("id:") {
            id = v.trim().to_string();
        } else if let Some(v) = text.strip_prefix("event:") {
            event = v.trim().to_string();
        } else if let Some(v) = text.strip_prefix("data:") {
            data.push_str(v.trim());
        } else if text.is_empty() && !data.is_empty() {
            events.push((
                id.clone(),
                event.clone(),
                serde_json::from_str(&data).expect("event JSON"),
            ));
            data.clear();
        }
    }
    let mut rest = Vec::new();
    let _ = reader
        .get_mut()
        .set_read_timeout(Some(Duration::from_millis(1)));
    let _ = reader.read_to_end(&mut rest);
    events
}

#[test]
fn new_changes_stream_as_events_and_a_client_resumes_after_the_last_it_saw() {
    let ws = Workspace::new();
    std::fs::write(ws.dir.join("a.txt"), minsk(0, true)).expect("write");
    let served = Served::watch(&ws);
    let dir = ws.dir.clone();
    let events = read_events(&served.base, "/api/events", None, 2, || {
        for day in 1..=2 {
            let tmp = dir.join(format!(".b{day}.tmp"));
            std::fs::write(&tmp, minsk(day, day % 2 == 0)).expect("write");
            std::fs::rename(&tmp, dir.join(format!("b{day}.txt"))).expect("rename");
        }
    });
    assert_eq!(events.len(), 2, "{events:?}\n{}", served.daemon.log());
    let log = ws.json(&["changes", "--json"]);
    let log = log.as_array().expect("list");
    for (i, (_, event, change)) in events.iter().enumerate() {
        assert_eq!(event, "change");
        assert_eq!(
            change,
            &log[i + 1],
            "event {i} is the change as the CLI prints it"
        );
    }
    // Resuming after the first event gives the second again, and only it.
    let first_id = events[0].0.clone();
    let resumed = read_events(&served.base, "/api/events", Some(&first_id), 1, || {});
    assert_eq!(resumed.len(), 1);
    assert_eq!(resumed[0].0, events[1].0);
}

#[test]
fn metrics_parse_and_their_counters_move_as_files_are_ingested() {
    let ws = Workspace::with_seeds();
    let served = Served::watch(&ws);
    let sample = |name: &str| -> f64 {
        let (status, text) = served.get("/metrics");
        assert_eq!(status, 200);
        let lines = text.lines().map(|l| Ok(l.to_string()));
        let scrape = prometheus_parse::Scrape::parse(lines).expect("Prometheus text format");
        scrape
            .samples
            .iter()
            .filter(|s| s.metric == name)
            .map(|s| match s.value {
                prometheus_parse::Value::Counter(v)
                | prometheus_parse::Value::Gauge(v)
                | prometheus_parse::Value::Untyped(v) => v,
                _ => 0.0,
            })
            .sum()
    };
    let before = sample("venuewatch_articles_ingested_total");
    assert_eq!(before, 5.0);
    assert_eq!(sample("venuewatch_ready"), 1.0);
    std::fs::write(ws.dir.join("empty.txt"), "").expect("write");
    std::fs::write(ws.dir.join(".new.tmp"), minsk(3, true)).expect("write");
    std::fs::rename(ws.dir.join(".new.tmp"), ws.dir.join("new.txt")).expect("rename");
    poll(DEADLINE, || {
        (sample("venuewatch_articles_ingested_total") == before + 1.0).then_some(())
    })
    .unwrap_or_else(|| panic!("the counter did not move:\n{}", served.get("/metrics").1));
    poll(DEADLINE, || {
        (sample("venuewatch_files_rejected_total") >= 1.0).then_some(())
    })
    .expect("a rejection is counted");
    assert!(sample("venuewatch_database_bytes") > 0.0);
    assert!(sample("venuewatch_ingest_latency_seconds_count") >= 1.0);
}
