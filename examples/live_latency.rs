//! Live-latency and restart probe for `venuewatch watch`.
//!
//! ```sh
//! live_latency --bin target/release/venuewatch --dir DIR --state STATE \
//!     --src NEWFILES [--rate 20] [--secs 30] [--inotify]
//! live_latency --bin target/release/venuewatch --dir DIR --state STATE --ready-only
//! ```
//!
//! Starts `watch` with `NOTIFY_SOCKET` pointing at a datagram socket bound
//! here and times start -> `READY=1` (the restart time). Unless
//! `--ready-only`, it then moves the files of `--src` into the watched folder
//! at `--rate` per second for `--secs` seconds (each written as `.NAME.tmp`
//! in the folder, then renamed), and a separate read-only SQLite connection
//! polls `SELECT 1 FROM files WHERE path = ?` until each is queryable. With
//! `--inotify`, `inotifywait -m -e moved_to` runs on the same folder and the
//! time from each rename to its line on inotifywait's stdout is the floor.
//! Finally it reads the daemon's peak RSS (VmHWM) and stops it with SIGTERM.
//! A burst is a rate too high to keep (`--rate 1000000 --secs 0.005`: 5,000
//! files as fast as they can be written and renamed); `after_last_ms` is
//! then the time from the last rename to the last file queryable.
//!
//! Prints `key=value` lines (milliseconds, KiB) for `scripts/bench`.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::os::unix::net::UnixDatagram;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::{Connection, OpenFlags};

struct Opts {
    bin: PathBuf,
    dir: PathBuf,
    state: PathBuf,
    src: Option<PathBuf>,
    rate: f64,
    secs: f64,
    inotify: bool,
    ready_only: bool,
    log: Option<PathBuf>,
}

fn usage() -> ! {
    eprintln!(
        "usage: live_latency --bin BIN --dir DIR --state STATE (--src NEWFILES [--rate R] [--secs S] [--inotify] | --ready-only) [--log FILE]"
    );
    std::process::exit(2)
}

fn fail(msg: impl std::fmt::Display) -> ! {
    eprintln!("live_latency: {msg}");
    std::process::exit(1)
}

fn parse() -> Opts {
    let mut o = Opts {
        bin: PathBuf::from("target/release/venuewatch"),
        dir: PathBuf::new(),
        state: PathBuf::new(),
        src: None,
        rate: 20.0,
        secs: 30.0,
        inotify: false,
        ready_only: false,
        log: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--bin" => o.bin = value().into(),
            "--dir" => o.dir = value().into(),
            "--state" => o.state = value().into(),
            "--src" => o.src = Some(value().into()),
            "--rate" => o.rate = value().parse().unwrap_or_else(|_| usage()),
            "--secs" => o.secs = value().parse().unwrap_or_else(|_| usage()),
            "--log" => o.log = Some(value().into()),
            "--inotify" => o.inotify = true,
            "--ready-only" => o.ready_only = true,
            _ => usage(),
        }
    }
    if o.dir.as_os_str().is_empty() || o.state.as_os_str().is_empty() {
        usage()
    }
    if !o.ready_only && o.src.is_none() {
        usage()
    }
    o
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

/// Nearest-rank percentile of sorted values.
fn pct(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = (q * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn vm_hwm_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

fn stop(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match child.try_wait() {
            Ok(Some(status)) => {
                if !status.success() {
                    fail(format!("venuewatch watch exited with {status}"));
                }
                return;
            }
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            _ => {
                let _ = child.kill();
                fail("venuewatch watch did not stop within 30 s of SIGTERM");
            }
        }
    }
}

fn main() {
    let o = parse();
    std::fs::create_dir_all(&o.state).unwrap_or_else(|e| fail(e));
    let sock_path =
        std::env::temp_dir().join(format!("vw-bench-notify-{}.sock", std::process::id()));
    let _ = std::fs::remove_file(&sock_path);
    let sock = UnixDatagram::bind(&sock_path)
        .unwrap_or_else(|e| fail(format!("bind {}: {e}", sock_path.display())));
    sock.set_read_timeout(Some(Duration::from_secs(300)))
        .unwrap();

    let log: Stdio = match &o.log {
        Some(path) => std::fs::File::create(path)
            .unwrap_or_else(|e| fail(e))
            .into(),
        None => Stdio::null(),
    };
    let t_start = Instant::now();
    let mut child = Command::new(&o.bin)
        .arg("--dir")
        .arg(&o.dir)
        .arg("--state")
        .arg(&o.state)
        .arg("watch")
        .env("NOTIFY_SOCKET", &sock_path)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .unwrap_or_else(|e| fail(format!("cannot start {}: {e}", o.bin.display())));
    let mut buf = [0u8; 4096];
    let ready = loop {
        match sock.recv(&mut buf) {
            Ok(n) => {
                let msg = String::from_utf8_lossy(&buf[..n]);
                if msg.lines().any(|l| l == "READY=1") {
                    break t_start.elapsed();
                }
            }
            Err(e) => {
                let _ = child.kill();
                fail(format!("no READY=1 from venuewatch watch: {e}"));
            }
        }
    };
    println!("ready_ms={:.1}", ms(ready));
    if o.ready_only {
        println!("vmhwm_kib={}", vm_hwm_kib(child.id()).unwrap_or(0));
        stop(&mut child);
        let _ = std::fs::remove_file(&sock_path);
        return;
    }

    let dir = std::fs::canonicalize(&o.dir).unwrap_or_else(|e| fail(e));
    let src = o.src.clone().unwrap();
    let count = (o.rate * o.secs).round() as usize;
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&src)
        .unwrap_or_else(|e| fail(format!("{}: {e}", src.display())))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .collect();
    sources.sort();
    if sources.len() < count {
        fail(format!(
            "{} holds {} files; {count} needed",
            src.display(),
            sources.len()
        ));
    }
    sources.truncate(count);
    let contents: Vec<(String, Vec<u8>)> = sources
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap_or_else(|e| fail(e)),
            )
        })
        .collect();

    // inotifywait as the floor, on the same folder at the same time.
    let seen: Arc<Mutex<HashMap<String, Instant>>> = Arc::default();
    let mut inotify = None;
    if o.inotify {
        let mut iw = Command::new("inotifywait")
            .args(["-m", "-e", "moved_to", "--format", "%f"])
            .arg(&dir)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap_or_else(|e| fail(format!("cannot start inotifywait: {e}")));
        let mut err = BufReader::new(iw.stderr.take().unwrap());
        let mut line = String::new();
        loop {
            line.clear();
            if err.read_line(&mut line).unwrap_or(0) == 0 {
                fail("inotifywait exited before establishing its watch");
            }
            if line.contains("Watches established") {
                break;
            }
        }
        let out = iw.stdout.take().unwrap();
        let seen = Arc::clone(&seen);
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                let now = Instant::now();
                seen.lock().unwrap().entry(line).or_insert(now);
            }
        });
        inotify = Some(iw);
    }

    // The poller: a read-only connection, as a query client would have.
    let db = o.state.join("venuewatch.db");
    let pending: Arc<Mutex<Vec<(String, Instant)>>> = Arc::default();
    let found: Arc<Mutex<Vec<(String, Duration)>>> = Arc::default();
    let done_renaming = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let rejected = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let poller = {
        let (pending, found, done_renaming, rejected) = (
            Arc::clone(&pending),
            Arc::clone(&found),
            Arc::clone(&done_renaming),
            Arc::clone(&rejected),
        );
        std::thread::spawn(move || poll(&db, &pending, &found, &done_renaming, &rejected, count))
    };

    let mut renames: Vec<(String, Instant)> = Vec::with_capacity(count);
    let t0 = Instant::now();
    for (i, (name, bytes)) in contents.iter().enumerate() {
        let due = t0 + Duration::from_secs_f64(i as f64 / o.rate);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        let tmp = dir.join(format!(".{name}.tmp"));
        let dest = dir.join(name);
        std::fs::write(&tmp, bytes).unwrap_or_else(|e| fail(e));
        let key = dest.to_string_lossy().into_owned();
        let at = Instant::now();
        pending.lock().unwrap().push((key, at));
        std::fs::rename(&tmp, &dest).unwrap_or_else(|e| fail(e));
        renames.push((name.clone(), at));
    }
    done_renaming.store(true, std::sync::atomic::Ordering::SeqCst);
    let (missing, last_resolved) = poller.join().unwrap();
    let last_renamed = renames.last().map(|(_, at)| *at);
    let hwm = vm_hwm_kib(child.id()).unwrap_or(0);
    stop(&mut child);
    drop(sock);
    let _ = std::fs::remove_file(&sock_path);

    let mut lat: Vec<f64> = found.lock().unwrap().iter().map(|(_, d)| ms(*d)).collect();
    lat.sort_by(f64::total_cmp);
    println!("renamed={count}");
    println!("queryable={}", lat.len());
    println!(
        "rejected={}",
        rejected.load(std::sync::atomic::Ordering::SeqCst)
    );
    println!("missing={missing}");
    println!("p50_ms={:.2}", pct(&lat, 0.50));
    println!("p99_ms={:.2}", pct(&lat, 0.99));
    println!("max_ms={:.2}", lat.last().copied().unwrap_or(f64::NAN));
    println!(
        "mean_ms={:.2}",
        lat.iter().sum::<f64>() / lat.len().max(1) as f64
    );
    if let (Some(renamed), Some(resolved)) = (last_renamed, last_resolved) {
        println!(
            "after_last_ms={:.2}",
            ms(resolved.saturating_duration_since(renamed))
        );
        println!("renaming_ms={:.2}", ms(renamed.duration_since(t0)));
    }
    println!("vmhwm_kib={hwm}");

    if let Some(mut iw) = inotify {
        std::thread::sleep(Duration::from_millis(200));
        let _ = iw.kill();
        let _ = iw.wait();
        let seen = seen.lock().unwrap();
        let mut floor: Vec<f64> = renames
            .iter()
            .filter_map(|(name, at)| seen.get(name).map(|t| ms(t.saturating_duration_since(*at))))
            .collect();
        floor.sort_by(f64::total_cmp);
        println!("inotify_events={}", floor.len());
        println!("inotify_p50_ms={:.3}", pct(&floor, 0.50));
        println!("inotify_p99_ms={:.3}", pct(&floor, 0.99));
        println!(
            "inotify_max_ms={:.3}",
            floor.last().copied().unwrap_or(f64::NAN)
        );
    }
    if missing > 0 {
        fail(format!("{missing} renamed files never became queryable"));
    }
}

/// Polls until every renamed file is queryable, or 20 s after the last
/// rename; returns how many never were, and when the last was seen.
fn poll(
    db: &Path,
    pending: &Mutex<Vec<(String, Instant)>>,
    found: &Mutex<Vec<(String, Duration)>>,
    done_renaming: &std::sync::atomic::AtomicBool,
    rejected: &std::sync::atomic::AtomicUsize,
    count: usize,
) -> (usize, Option<Instant>) {
    let conn = Connection::open_with_flags(
        db,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .unwrap_or_else(|e| fail(format!("cannot open {} read-only: {e}", db.display())));
    conn.busy_timeout(Duration::from_secs(5)).unwrap();
    let mut stmt = conn
        .prepare("SELECT 1 FROM files WHERE path = ?1")
        .unwrap_or_else(|e| fail(format!("query: {e}")));
    // Binary or undecodable files never become queryable: they are settled
    // when they appear among the rejected, and left out of the figures.
    let mut rejected_stmt = conn
        .prepare("SELECT 1 FROM rejected WHERE path = ?1")
        .unwrap_or_else(|e| fail(format!("query: {e}")));
    let mut waiting: Vec<(String, Instant)> = Vec::new();
    let mut last_rename: Option<Instant> = None;
    let mut resolved = 0;
    let mut last_resolved = None;
    loop {
        {
            let mut p = pending.lock().unwrap();
            if !p.is_empty() {
                last_rename = p.last().map(|(_, at)| *at);
                waiting.append(&mut p);
            }
        }
        let mut i = 0;
        while i < waiting.len() {
            let hit = stmt
                .exists([&waiting[i].0])
                .unwrap_or_else(|e| fail(format!("query: {e}")));
            if hit {
                let now = Instant::now();
                let (key, at) = waiting.swap_remove(i);
                found.lock().unwrap().push((key, now.duration_since(at)));
                resolved += 1;
                last_resolved = Some(now);
            } else if rejected_stmt
                .exists([&waiting[i].0])
                .unwrap_or_else(|e| fail(format!("query: {e}")))
            {
                waiting.swap_remove(i);
                rejected.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                resolved += 1;
                last_resolved = Some(Instant::now());
            } else {
                i += 1;
            }
        }
        let all_sent = done_renaming.load(std::sync::atomic::Ordering::SeqCst)
            && pending.lock().unwrap().is_empty();
        if all_sent && waiting.is_empty() && resolved == count {
            return (0, last_resolved);
        }
        if all_sent && last_rename.is_some_and(|t| t.elapsed() > Duration::from_secs(20)) {
            let missing = waiting.len() + count.saturating_sub(resolved + waiting.len());
            return (missing, last_resolved);
        }
        // Idle between renames costs nothing; while one is outstanding,
        // poll every 0.25 ms (the resolution of the figures).
        std::thread::sleep(Duration::from_micros(if waiting.is_empty() {
            500
        } else {
            250
        }));
    }
}
