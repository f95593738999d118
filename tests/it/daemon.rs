//! The `watch` daemon: live ingestion of files as they arrive, and shutdown.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::time::Duration;

use crate::util::{poll, seed_files, Workspace};

pub const DEADLINE: Duration = Duration::from_secs(20);

/// A running daemon whose log goes to a file; killed if the test fails.
pub struct Daemon {
    pub child: Child,
    log: PathBuf,
}

impl Daemon {
    pub fn start(ws: &Workspace) -> Daemon {
        Daemon::spawn(ws.cmd(&["watch"]), ws)
    }

    /// Starts `cmd` (a `watch` command) with its log in the workspace.
    pub fn spawn(mut cmd: std::process::Command, ws: &Workspace) -> Daemon {
        let logs = ws.state.parent().expect("workspace").join("logs");
        std::fs::create_dir_all(&logs).expect("log dir");
        let log = logs.join(format!(
            "daemon-{}.log",
            std::fs::read_dir(&logs).map(|d| d.count()).unwrap_or(0)
        ));
        let file = std::fs::File::create(&log).expect("log file");
        let child = cmd
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .expect("start daemon");
        Daemon { child, log }
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    pub fn wait_for_log(&self, needle: &str) {
        poll(DEADLINE, || self.log().contains(needle).then_some(()))
            .unwrap_or_else(|| panic!("daemon never logged {needle:?}:\n{}", self.log()));
    }

    /// Sends the daemon `signal` (a `kill` name: STOP, CONT, ...).
    pub fn signal(&self, signal: &str) {
        let status = std::process::Command::new("kill")
            .arg(format!("-{signal}"))
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success(), "kill -{signal}");
    }

    pub fn terminate(&mut self) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill")
            .arg("-TERM")
            .arg(self.child.id().to_string())
            .status()
            .expect("kill");
        assert!(status.success());
        poll(DEADLINE, || self.child.try_wait().expect("wait"))
            .unwrap_or_else(|| panic!("daemon did not stop:\n{}", self.log()))
    }
}

impl Drop for Daemon {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub fn has_position(ws: &Workspace, leader: &str, venue: &str) -> bool {
    ws.json(&["positions", "--json"])
        .as_array()
        .expect("list")
        .iter()
        .any(|p| p["leader"] == leader && p["venue"] == venue)
}

fn ingest_lines(log: &str, file: &str) -> usize {
    log.lines()
        .filter(|l| l.contains("ingested article") && l.contains(file))
        .count()
}

#[test]
fn watch_ingests_renamed_slowly_written_and_copied_articles() {
    let ws = Workspace::new();
    let seeds = seed_files();
    let daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");

    // Rename into place: write a hidden temp file, then move it.
    let tmp = ws.dir.join(".moscow.txt.tmp");
    std::fs::copy(&seeds[3], &tmp).expect("write tmp");
    std::fs::rename(&tmp, ws.dir.join("moscow.txt")).expect("rename");
    poll(DEADLINE, || {
        has_position(&ws, "putin", "moscow").then_some(())
    })
    .unwrap_or_else(|| panic!("renamed article not ingested:\n{}", daemon.log()));

    // Written slowly, in chunks, by a writer that keeps the file open. The
    // pauses are the scenario under test, not synchronisation.
    let text = std::fs::read(&seeds[4]).expect("seed");
    let mut file = std::fs::File::create(ws.dir.join("slow.txt")).expect("create");
    for chunk in text.chunks(text.len() / 5 + 1) {
        file.write_all(chunk).expect("write");
        file.flush().expect("flush");
        std::thread::sleep(Duration::from_millis(150));
    }
    drop(file);
    poll(DEADLINE, || {
        has_position(&ws, "zelensky", "kyiv").then_some(())
    })
    .unwrap_or_else(|| panic!("slow article not ingested:\n{}", daemon.log()));
    assert_eq!(
        ingest_lines(&daemon.log(), "slow.txt"),
        1,
        "read once, whole:\n{}",
        daemon.log()
    );

    // A copy of an earlier article is the same article.
    let changes_before = ws.counts().4;
    std::fs::copy(ws.dir.join("moscow.txt"), ws.dir.join("moscow-copy.txt")).expect("copy");
    poll(DEADLINE, || (ws.counts().1 == 3).then_some(()))
        .unwrap_or_else(|| panic!("copy not seen:\n{}", daemon.log()));
    let (articles, files, _, _, changes) = ws.counts();
    assert_eq!((articles, files, changes), (2, 3, changes_before));
}

#[test]
fn a_burst_of_renames_goes_as_a_backlog_and_ends_as_a_clean_ingest_would() {
    const N: usize = 300;
    let ws = Workspace::new();
    let daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    // Written hidden (ignored), then all renamed into place at once, as a
    // sync tool or a mail drop delivers a day's articles. The daemon is
    // stopped meanwhile, so that it finds every rename queued when it goes
    // on, however slowly this machine renames.
    let stage = ws.dir.join(".stage");
    std::fs::create_dir(&stage).expect("stage");
    write_backlog(&stage, N);
    let mut names: Vec<_> = std::fs::read_dir(&stage)
        .expect("stage")
        .map(|e| e.expect("entry").file_name())
        .collect();
    names.sort();
    daemon.signal("STOP");
    for name in &names {
        std::fs::rename(stage.join(name), ws.dir.join(name)).expect("rename");
    }
    daemon.signal("CONT");
    poll(DEADLINE, || (ws.counts().1 == N as u64).then_some(()))
        .unwrap_or_else(|| panic!("the burst was not all ingested:\n{}", daemon.log()));
    let log = daemon.log();
    assert!(log.contains("a burst of files"), "{log}");
    for name in &names {
        let name = name.to_string_lossy();
        assert_eq!(ingest_lines(&log, &name), 1, "{name}:\n{log}");
    }
    // What the daemon derived is what one ingest of the folder derives.
    let clean = ws.same_folder();
    clean.run(&["ingest"]);
    for what in [&["positions", "--json"][..], &["changes", "--json"][..]] {
        assert_eq!(ws.json(what), clean.json(what), "{what:?}");
    }
}

#[test]
fn ignored_files_are_not_ingested() {
    let ws = Workspace::new();
    let daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    let seed = &seed_files()[3];
    for name in [
        ".hidden.txt",
        "draft.tmp",
        "download.part",
        "edit.swp",
        "backup.txt~",
    ] {
        std::fs::copy(seed, ws.dir.join(name)).expect("copy");
    }
    // A real article after them: once it is in, the others had their chance.
    std::fs::copy(seed, ws.dir.join("real.txt")).expect("copy");
    poll(DEADLINE, || (ws.counts().1 == 1).then_some(()))
        .unwrap_or_else(|| panic!("real article not ingested:\n{}", daemon.log()));
    let log = daemon.log();
    assert!(
        !log.contains("hidden") && !log.contains("draft") && !log.contains(".part"),
        "{log}"
    );
}

pub fn write_backlog(dir: &Path, n: usize) {
    let seeds: Vec<String> = seed_files()
        .iter()
        .map(|p| std::fs::read_to_string(p).expect("seed"))
        .collect();
    for i in 0..n {
        let text = format!("{}\n\nReference {i}.\n", seeds[i % seeds.len()]);
        std::fs::write(dir.join(format!("backlog-{i:05}.txt")), text).expect("write");
    }
}

#[test]
fn sigterm_during_backlog_exits_cleanly_and_restart_completes_it() {
    const N: usize = 1500;
    let ws = Workspace::new();
    write_backlog(&ws.dir, N);
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("ingested article");
    let status = daemon.terminate();
    assert!(status.success(), "exit status {status}:\n{}", daemon.log());

    let store = venuewatch::store::Store::open(&ws.state.join("venuewatch.db")).expect("open");
    assert_eq!(store.integrity_check().expect("check"), Ok(()));
    let partial = store.counts().expect("counts");
    assert!(
        partial.articles < N as u64,
        "SIGTERM came after the backlog was done"
    );
    assert_eq!(partial.articles, partial.files);
    drop(store);

    let out = ws.run(&["ingest"]);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains(&format!(
            "{} new, {} unchanged",
            N as u64 - partial.articles,
            partial.articles
        )),
        "{summary}"
    );
    let (articles, files, ..) = ws.counts();
    assert_eq!((articles, files), (N as u64, N as u64));
}

#[test]
fn sigterm_with_a_pipe_a_stuck_read_and_a_slow_writer_exits_cleanly_within_two_seconds() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let ws = Workspace::new();
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    let made = std::process::Command::new("mkfifo")
        .arg(ws.dir.join("pipe.txt"))
        .status()
        .expect("mkfifo");
    assert!(made.success());
    poll(DEADLINE, || {
        daemon
            .log()
            .contains("named pipe, not a file")
            .then_some(())
    })
    .unwrap_or_else(|| panic!("the pipe was not refused:\n{}", daemon.log()));
    let stuck = crate::fuse::hung_seed(&ws.dir.join("stuck.txt"));
    // A writer that keeps a file open and growing until the end.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, path) = (Arc::clone(&stop), ws.dir.join("slow.txt"));
        let text = std::fs::read(&seed_files()[4]).expect("seed");
        std::thread::spawn(move || {
            let mut file = std::fs::File::create(path).expect("create");
            for chunk in text.chunks(64).cycle() {
                if stop.load(Ordering::SeqCst) {
                    break;
                }
                file.write_all(chunk).expect("write");
                // The writer's pace is the scenario, not synchronisation.
                std::thread::sleep(Duration::from_millis(50));
            }
        })
    };
    if let Some(stuck) = &stuck {
        poll(DEADLINE, || (stuck.held() > 0).then_some(()))
            .unwrap_or_else(|| panic!("the FUSE file was never read:\n{}", daemon.log()));
    }

    let asked = std::time::Instant::now();
    let killed = std::process::Command::new("kill")
        .arg("-TERM")
        .arg(daemon.child.id().to_string())
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = poll(Duration::from_secs(2), || {
        daemon.child.try_wait().expect("wait")
    })
    .unwrap_or_else(|| panic!("still running 2 s after SIGTERM:\n{}", daemon.log()));
    let took = asked.elapsed();
    stop.store(true, Ordering::SeqCst);
    writer.join().expect("writer");
    assert!(status.success(), "exit {status}:\n{}", daemon.log());
    assert!(took < Duration::from_secs(2), "{took:?}");
    let store = venuewatch::store::Store::open(&ws.state.join("venuewatch.db")).expect("open");
    assert_eq!(store.integrity_check().expect("check"), Ok(()));
    assert_eq!(
        store.counts().expect("counts").articles,
        0,
        "nothing half-read"
    );
    assert!(daemon.log().contains("stopped by shutdown") || stuck.is_none());
}
