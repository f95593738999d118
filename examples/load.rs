//! A bounded local load client for venuewatch's HTTP server (issue 14).
//!
//! ```sh
//! load --url http://127.0.0.1:PORT [--clients 200] [--secs 20] \
//!     [--path '/api/changes?limit=100'] [--gzip]
//! ```
//!
//! Starts `--clients` threads at once; each has its own keep-alive agent
//! (one connection, as a browser tab or a poller would) and sends GETs of
//! `--path` one after another, with no pause, until `--secs` have passed,
//! then stops by itself (a request in flight at the end is finished and
//! counted, bounded by the request timeout). Every latency is recorded:
//! send -> the whole body read. An error is a non-200 answer or a transport
//! failure (refused, reset, timed out); after a transport failure the
//! client goes on with a new connection.
//!
//! Each client asks for the bytes as they are (as `curl` does without
//! `--compressed`); with `--gzip` it asks for gzip and decodes it, as
//! browsers and most HTTP libraries do (`bytes` counts decoded bytes).
//!
//! Prints one JSON object on stdout: `requests`, `errors` (with
//! `statuses`, `transport` and the first error's text), `p50_ms`, `p90_ms`,
//! `p99_ms`, `max_ms`, `requests_per_s`, `bytes`, `gzip`.
//!
//! Loopback only: a URL whose host is not 127.0.0.1, localhost or ::1 is
//! refused, so that it can never be pointed at someone else's server.

use std::collections::BTreeMap;
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// A request taking longer than this is an error (and ends the client's
/// last request soon after the time is up).
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The largest body read; `/api/changes?limit=100` is tens of KB.
const BODY_LIMIT: u64 = 64 * 1024 * 1024;

struct Opts {
    url: String,
    clients: usize,
    secs: f64,
    path: String,
    gzip: bool,
}

fn usage() -> ! {
    eprintln!(
        "usage: load --url http://127.0.0.1:PORT [--clients N] [--secs S] [--path PATH] [--gzip]"
    );
    std::process::exit(2)
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("load: {msg}");
    std::process::exit(1)
}

fn parse() -> Opts {
    let mut o = Opts {
        url: String::new(),
        clients: 200,
        secs: 20.0,
        path: "/api/changes?limit=100".into(),
        gzip: false,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--url" => o.url = value(),
            "--clients" => o.clients = value().parse().unwrap_or_else(|_| usage()),
            "--secs" => o.secs = value().parse().unwrap_or_else(|_| usage()),
            "--path" => o.path = value(),
            "--gzip" => o.gzip = true,
            _ => usage(),
        }
    }
    if o.url.is_empty()
        || o.clients == 0
        || !o.secs.is_finite()
        || o.secs <= 0.0
        || !o.path.starts_with('/')
    {
        usage();
    }
    o
}

/// The URL to load, checked to be plain HTTP on this machine.
fn target(base: &str, path: &str) -> String {
    let uri: ureq::http::Uri = base
        .parse()
        .unwrap_or_else(|e| fail(format!("{base:?} is not a URL: {e}")));
    if uri.scheme_str() != Some("http") {
        fail(format!("{base:?}: only http:// is supported"));
    }
    let host = uri.host().unwrap_or("");
    if !matches!(host, "127.0.0.1" | "localhost" | "::1" | "[::1]") {
        fail(format!(
            "{base:?}: the host is {host:?}; this load client only loads this machine (127.0.0.1, localhost, ::1)"
        ));
    }
    format!("{}{path}", base.trim_end_matches('/'))
}

/// What one client saw.
#[derive(Default)]
struct Tally {
    /// Latency of every request, answered or not, in microseconds.
    micros: Vec<u64>,
    /// Non-200 answers by status.
    statuses: BTreeMap<u16, u64>,
    transport: u64,
    bytes: u64,
    first_error: Option<String>,
}

impl Tally {
    fn error(&mut self, what: String) {
        self.first_error.get_or_insert(what);
    }
}

fn client(url: &str, start: &Barrier, secs: f64, gzip: bool) -> Tally {
    let encoding = if gzip {
        ureq::config::AutoHeaderValue::Default
    } else {
        ureq::config::AutoHeaderValue::None
    };
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .accept_encoding(encoding)
        .timeout_global(Some(REQUEST_TIMEOUT))
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut tally = Tally::default();
    start.wait();
    let end = Instant::now() + Duration::from_secs_f64(secs);
    while Instant::now() < end {
        let t0 = Instant::now();
        let outcome = agent.get(url).call().and_then(|mut response| {
            let status = response.status().as_u16();
            // Read to the end, so the connection can be used again.
            let body = response
                .body_mut()
                .with_config()
                .limit(BODY_LIMIT)
                .read_to_vec()?;
            Ok((status, body.len()))
        });
        tally.micros.push(t0.elapsed().as_micros() as u64);
        match outcome {
            Ok((200, len)) => tally.bytes += len as u64,
            Ok((status, _)) => {
                *tally.statuses.entry(status).or_default() += 1;
                tally.error(format!("status {status}"));
            }
            Err(err) => {
                tally.transport += 1;
                tally.error(err.to_string());
            }
        }
    }
    tally
}

/// The nearest-rank percentile `p` (0-100) of sorted `v`, in ms.
fn percentile(v: &[u64], p: f64) -> f64 {
    if v.is_empty() {
        return 0.0;
    }
    let rank = ((p / 100.0) * v.len() as f64).ceil() as usize;
    v[rank.clamp(1, v.len()) - 1] as f64 / 1000.0
}

fn main() {
    let o = parse();
    let url = target(&o.url, &o.path);
    let start = Arc::new(Barrier::new(o.clients + 1));
    let mut threads = Vec::with_capacity(o.clients);
    for i in 0..o.clients {
        let (url, start, secs, gzip) = (url.clone(), Arc::clone(&start), o.secs, o.gzip);
        let thread = std::thread::Builder::new()
            .name(format!("client-{i}"))
            .stack_size(256 * 1024)
            .spawn(move || client(&url, &start, secs, gzip))
            .unwrap_or_else(|e| fail(format!("cannot start client thread {i}: {e}")));
        threads.push(thread);
    }
    start.wait();
    let t0 = Instant::now();
    let mut all = Tally::default();
    for thread in threads {
        let t = thread
            .join()
            .unwrap_or_else(|_| fail("a client thread panicked"));
        all.micros.extend(t.micros);
        for (status, n) in t.statuses {
            *all.statuses.entry(status).or_default() += n;
        }
        all.transport += t.transport;
        all.bytes += t.bytes;
        if all.first_error.is_none() {
            all.first_error = t.first_error;
        }
    }
    let elapsed = t0.elapsed().as_secs_f64();
    all.micros.sort_unstable();
    let requests = all.micros.len() as u64;
    let errors = all.transport + all.statuses.values().sum::<u64>();
    let round = |x: f64| (x * 100.0).round() / 100.0;
    let out = serde_json::json!({
        "url": url,
        "clients": o.clients,
        "gzip": o.gzip,
        "secs": round(elapsed),
        "requests": requests,
        "errors": errors,
        "statuses": all.statuses.iter().map(|(s, n)| (s.to_string(), *n)).collect::<BTreeMap<_, _>>(),
        "transport": all.transport,
        "first_error": all.first_error,
        "p50_ms": round(percentile(&all.micros, 50.0)),
        "p90_ms": round(percentile(&all.micros, 90.0)),
        "p99_ms": round(percentile(&all.micros, 99.0)),
        "max_ms": round(percentile(&all.micros, 100.0)),
        "requests_per_s": round(requests as f64 / elapsed),
        "bytes": all.bytes,
    });
    println!("{out}");
}
