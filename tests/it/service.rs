//! Running as a service: the notify protocol, the single-instance lock, the
//! config file and JSON logs.

use crate::daemon::{Daemon, DEADLINE};
use crate::util::{seed_files, Workspace};
use std::os::unix::net::UnixDatagram;
use std::path::Path;

#[test]
fn systemd_hears_ready_watchdog_then_stopping() {
    let ws = Workspace::new();
    let socket_path = ws.dir.parent().expect("tmp").join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).expect("bind");
    socket.set_read_timeout(Some(DEADLINE)).expect("timeout");
    let mut cmd = ws.cmd(&["watch"]);
    cmd.env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "200000");
    let mut daemon = Daemon::spawn(cmd, &ws);

    let mut messages = Vec::new();
    let mut buf = [0u8; 512];
    let mut receive = |messages: &mut Vec<String>| {
        let n = socket.recv(&mut buf).expect("a notification");
        messages.push(String::from_utf8_lossy(&buf[..n]).into_owned());
    };
    // READY first, then watchdog pings while it runs.
    receive(&mut messages);
    assert!(messages[0].starts_with("READY=1"), "{messages:?}");
    receive(&mut messages);
    assert_eq!(messages[1], "WATCHDOG=1");
    let status = daemon.terminate();
    assert!(status.success());
    while !messages.last().is_some_and(|m| m.starts_with("STOPPING=1")) {
        receive(&mut messages);
    }
}

#[test]
fn a_second_daemon_on_the_same_state_refuses_to_start() {
    let ws = Workspace::new();
    let first = Daemon::start(&ws);
    first.wait_for_log("watching");
    let out = ws.cmd(&["watch"]).output().expect("run second");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let pid = first.child.id();
    assert!(err.contains(&format!("pid {pid}")), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one-line error: {err}");

    let status = ws.json(&["status", "--json"]);
    assert_eq!(status["daemon_running"], true);
    assert_eq!(status["daemon_pid"], pid);
}

#[test]
fn the_config_file_sets_defaults_that_flags_override() {
    let ws = Workspace::new();
    let root = ws.dir.parent().expect("tmp").to_path_buf();
    let other = root.join("other");
    std::fs::create_dir(&other).expect("other dir");
    std::fs::copy(&seed_files()[3], ws.dir.join("a.txt")).expect("copy");
    std::fs::copy(&seed_files()[4], other.join("b.txt")).expect("copy");
    let config = root.join("venuewatch.toml");
    std::fs::write(
        &config,
        format!(
            "dir = {:?}\nstate = {:?}\nignore = [\"*.skip\"]\n",
            ws.dir.display().to_string(),
            ws.state.display().to_string()
        ),
    )
    .expect("config");
    std::fs::copy(&seed_files()[0], ws.dir.join("c.skip")).expect("copy");
    let vw = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_venuewatch"))
            .args(args)
            .arg("--config")
            .arg(&config)
            .env_remove("VENUEWATCH_DIR")
            .env_remove("VENUEWATCH_STATE")
            .output()
            .expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    // The file's dir and ignore list apply...
    assert!(vw(&["ingest"]).contains("1 new"));
    // ...and a flag overrides the file.
    let flag = vw(&["ingest", "--dir", &other.display().to_string()]);
    assert!(flag.contains("1 new"), "{flag}");
    assert_eq!(ws.counts().0, 2);

    std::fs::write(&config, "dir = \"x\"\nwatch_dir = \"y\"\n").expect("config");
    let out = ws
        .cmd(&["status"])
        .arg("--config")
        .arg(&config)
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("watch_dir"));
}

#[test]
fn json_logs_are_one_object_per_line_naming_the_file() {
    let ws = Workspace::new();
    std::fs::copy(&seed_files()[3], ws.dir.join("a.txt")).expect("copy");
    std::fs::write(ws.dir.join("empty.txt"), "").expect("empty");
    let out = ws.run(&["ingest", "--log-format", "json"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let lines: Vec<serde_json::Value> = stderr
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(lines.len() >= 2, "{stderr}");
    for line in &lines {
        let text = line.to_string();
        assert!(
            text.contains("a.txt") || text.contains("empty.txt"),
            "{text}"
        );
    }
}

#[test]
fn status_reports_counts_rejections_and_last_ingest() {
    let ws = Workspace::new();
    std::fs::copy(&seed_files()[3], ws.dir.join("a.txt")).expect("copy");
    std::fs::write(ws.dir.join("bin.txt"), b"\x00\x01\x02binary").expect("bin");
    ws.run(&["ingest"]);
    let s = ws.json(&["status", "--json"]);
    // Every migration in migrations/ has run.
    let migrations = std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations"))
        .expect("migrations/")
        .filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.path().extension().is_some_and(|x| x == "sql"))
        })
        .count();
    assert_eq!(s["schema_version"], migrations);
    assert_eq!(
        (s["outbox_pending"].as_u64(), s["outbox_delivered"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(s["articles"], 1);
    assert_eq!(s["daemon_running"], false);
    assert!(s["last_ingest"].is_string());
    let rejected = s["rejected"].as_array().expect("list");
    assert_eq!(rejected.len(), 1);
    assert!(rejected[0]["path"]
        .as_str()
        .expect("path")
        .ends_with("bin.txt"));
    assert!(rejected[0]["reason"]
        .as_str()
        .expect("reason")
        .contains("binary"));
}

/// The next notification within `wait`, if any.
fn next_message(socket: &UnixDatagram, wait: std::time::Duration) -> Option<String> {
    socket.set_read_timeout(Some(wait)).expect("timeout");
    let mut buf = [0u8; 512];
    socket
        .recv(&mut buf)
        .ok()
        .map(|n| String::from_utf8_lossy(&buf[..n]).into_owned())
}

#[test]
fn the_watchdog_is_not_fed_while_a_read_is_stuck_and_is_again_once_it_clears() {
    use std::time::{Duration, Instant};
    let ws = Workspace::new();
    let socket_path = ws.dir.parent().expect("tmp").join("notify.sock");
    let socket = UnixDatagram::bind(&socket_path).expect("bind");
    let mut cmd = ws.cmd(&["watch"]);
    // A ping every 500 ms; a step 500 ms without progress is stuck.
    cmd.env("NOTIFY_SOCKET", &socket_path)
        .env("WATCHDOG_USEC", "1000000");
    let mut daemon = Daemon::spawn(cmd, &ws);
    let ready = crate::util::poll(DEADLINE, || {
        next_message(&socket, DEADLINE).filter(|m| m.starts_with("READY=1"))
    });
    assert!(ready.is_some(), "never READY:\n{}", daemon.log());
    for _ in 0..2 {
        assert_eq!(
            next_message(&socket, DEADLINE).as_deref(),
            Some("WATCHDOG=1"),
            "{}",
            daemon.log()
        );
    }

    let Some(stuck) = crate::fuse::hung_seed(&ws.dir.join("stuck.txt")) else {
        return;
    };
    daemon.wait_for_log("not feeding the watchdog");
    let log = daemon.log();
    let line = log
        .lines()
        .find(|l| l.contains("not feeding the watchdog"))
        .expect("line");
    assert!(
        line.contains("ERROR") && line.contains("reading") && line.contains("stuck.txt"),
        "names the step and the file: {line}"
    );
    // Pings sent before the stall was noticed are old news.
    while next_message(&socket, Duration::from_millis(1)).is_some() {}
    // Four intervals without a ping: systemd would have acted by now.
    let quiet = Instant::now() + Duration::from_secs(2);
    while let Some(left) = quiet.checked_duration_since(Instant::now()) {
        if let Some(m) = next_message(&socket, left.max(Duration::from_millis(1))) {
            assert_ne!(m, "WATCHDOG=1", "fed while stuck:\n{}", daemon.log());
        }
    }
    assert_eq!(stuck.held(), 1, "still the one read, not abandoned");

    stuck.release();
    assert_eq!(
        next_message(&socket, DEADLINE).as_deref(),
        Some("WATCHDOG=1"),
        "not fed again once the read cleared:\n{}",
        daemon.log()
    );
    daemon.wait_for_log("feeding the watchdog");
    crate::util::poll(DEADLINE, || {
        crate::daemon::has_position(&ws, "putin", "moscow").then_some(())
    })
    .unwrap_or_else(|| panic!("the article did not arrive:\n{}", daemon.log()));
    assert!(daemon.terminate().success());
}
