//! Faults and bad input: each gets a clear log line (and a `rejected` record
//! where it is about a file), loses nothing, and the daemon keeps running.

use std::path::Path;
use std::process::Command;

use crate::daemon::{has_position, write_backlog, Daemon, DEADLINE};
use crate::util::{poll, running_as_root, seed_files, Workspace};

fn rejected_reasons(ws: &Workspace) -> Vec<(String, String)> {
    ws.json(&["status", "--json"])["rejected"]
        .as_array()
        .expect("list")
        .iter()
        .map(|r| {
            let name = Path::new(r["path"].as_str().expect("path"))
                .file_name()
                .expect("name")
                .to_string_lossy()
                .into_owned();
            (name, r["reason"].as_str().expect("reason").to_string())
        })
        .collect()
}

#[test]
fn bad_files_are_rejected_with_reasons_and_the_daemon_keeps_going() {
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["watch"]);
    cmd.args(["--max-size", "20000"]);
    let daemon = Daemon::spawn(cmd, &ws);
    daemon.wait_for_log("watching");

    std::fs::write(
        ws.dir.join("binary.txt"),
        b"PK\x03\x04\x00\x00\x14\x00binary",
    )
    .expect("write");
    std::fs::write(ws.dir.join("empty.txt"), b"").expect("write");
    // Bytes that are neither UTF-8 nor UTF-16 nor Windows-1252 (0x81, 0x8D,
    // 0x8F, 0x90 and 0x9D are unassigned there).
    let undecodable: Vec<u8> =
        b"Putin \x81\x8d\x8f\x90\x9d said \xc3\x28 in \x9d\x81 Moscow \x8f\x90"
            .iter()
            .copied()
            .cycle()
            .take(400)
            .collect();
    std::fs::write(ws.dir.join("garbled.txt"), undecodable).expect("write");
    std::fs::write(ws.dir.join("huge.txt"), "Putin said so. ".repeat(2000)).expect("write");
    // A file that vanishes between its event and its read.
    std::fs::write(ws.dir.join("gone.txt"), "here and gone").expect("write");
    std::fs::remove_file(ws.dir.join("gone.txt")).expect("remove");
    std::fs::copy(&seed_files()[3], ws.dir.join("good.txt")).expect("copy");

    poll(DEADLINE, || {
        (rejected_reasons(&ws).len() == 4 && ws.counts().0 == 1).then_some(())
    })
    .unwrap_or_else(|| panic!("not all files handled:\n{}", daemon.log()));
    let reasons = rejected_reasons(&ws);
    let reason = |name: &str| {
        reasons
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, r)| r.clone())
            .unwrap_or_else(|| panic!("{name} not rejected: {reasons:?}"))
    };
    assert!(reason("binary.txt").contains("binary"));
    assert!(reason("empty.txt").contains("empty"));
    assert!(reason("huge.txt").contains("limit"));
    assert!(reason("garbled.txt").contains("encoding"));
    let log = daemon.log();
    for name in ["binary.txt", "empty.txt", "huge.txt", "garbled.txt"] {
        assert!(
            log.lines().any(|l| l.contains("WARN") && l.contains(name)),
            "{name}:\n{log}"
        );
    }
    assert!(daemon.log().contains("ingested article"));
}

#[test]
fn nested_folders_moved_in_folders_and_a_recreated_folder_are_watched() {
    let ws = Workspace::new();
    let seeds = seed_files();
    let daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");

    std::fs::create_dir_all(ws.dir.join("2026/01")).expect("mkdir");
    std::fs::copy(&seeds[3], ws.dir.join("2026/01/nested.txt")).expect("copy");
    poll(DEADLINE, || (ws.counts().0 == 1).then_some(()))
        .unwrap_or_else(|| panic!("nested file not ingested:\n{}", daemon.log()));

    // A folder with files in it, moved in whole.
    let outside = ws.dir.parent().expect("tmp").join("batch");
    std::fs::create_dir(&outside).expect("mkdir");
    std::fs::copy(&seeds[4], outside.join("moved.txt")).expect("copy");
    std::fs::rename(&outside, ws.dir.join("batch")).expect("move in");
    poll(DEADLINE, || (ws.counts().0 == 2).then_some(()))
        .unwrap_or_else(|| panic!("moved-in folder not scanned:\n{}", daemon.log()));

    // The watched folder itself is deleted and created again.
    std::fs::remove_dir_all(&ws.dir).expect("delete folder");
    daemon.wait_for_log("watched folder is gone");
    std::fs::create_dir(&ws.dir).expect("recreate");
    std::fs::copy(&seeds[1], ws.dir.join("after.txt")).expect("copy");
    poll(DEADLINE, || (ws.counts().0 == 3).then_some(()))
        .unwrap_or_else(|| panic!("file in recreated folder not ingested:\n{}", daemon.log()));
}

#[test]
fn symlinks_are_followed_only_inside_the_watched_folder() {
    let ws = Workspace::new();
    let seeds = seed_files();
    let outside = ws.dir.parent().expect("tmp").join("secret.txt");
    std::fs::copy(&seeds[3], &outside).expect("copy");
    std::os::unix::fs::symlink(&outside, ws.dir.join("outside-link.txt")).expect("link");
    std::fs::copy(&seeds[4], ws.dir.join("real.txt")).expect("copy");
    std::os::unix::fs::symlink(ws.dir.join("real.txt"), ws.dir.join("inside-link.txt"))
        .expect("link");
    let out = ws.run(&["ingest"]);
    let (articles, files, ..) = ws.counts();
    assert_eq!((articles, files), (1, 1), "only real.txt, once");
    let log = String::from_utf8_lossy(&out.stderr);
    assert!(
        log.contains("outside-link.txt") && log.contains("outside the watched folder"),
        "{log}"
    );
}

#[test]
fn a_busy_database_delays_the_article_but_does_not_lose_it() {
    let ws = Workspace::new();
    let daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    let conn = rusqlite::Connection::open(ws.state.join("venuewatch.db")).expect("open");
    conn.execute_batch("BEGIN EXCLUSIVE")
        .expect("lock the database");
    std::fs::copy(&seed_files()[3], ws.dir.join("a.txt")).expect("copy");
    daemon.wait_for_log("will retry");
    conn.execute_batch("COMMIT").expect("unlock");
    drop(conn);
    poll(DEADLINE, || {
        has_position(&ws, "putin", "moscow").then_some(())
    })
    .unwrap_or_else(|| panic!("article lost:\n{}", daemon.log()));
}

/// `cmd` run as an unprivileged user, so that file permissions apply even
/// when the tests run as root (as in CI).
fn unprivileged(cmd: &Command, owned: &[&Path]) -> Command {
    if !running_as_root() {
        let mut same = Command::new(cmd.get_program());
        same.args(cmd.get_args());
        return same;
    }
    for path in owned {
        let ok = Command::new("chown")
            .args(["-R", "65534:65534"])
            .arg(path)
            .status()
            .expect("chown");
        assert!(ok.success());
    }
    let mut wrapped = Command::new("setpriv");
    wrapped
        .args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
        .arg(cmd.get_program())
        .args(cmd.get_args())
        .env("RUST_LOG", "info");
    wrapped
}

#[test]
fn an_unreadable_file_is_retried_once_readable() {
    let ws = Workspace::new();
    std::fs::create_dir_all(&ws.state).expect("state");
    let tmp = ws.dir.parent().expect("tmp");
    let cmd = unprivileged(&ws.cmd(&["watch"]), &[tmp]);
    let daemon = Daemon::spawn(cmd, &ws);
    daemon.wait_for_log("watching");
    let file = ws.dir.join("locked.txt");
    std::fs::copy(&seed_files()[3], &file).expect("copy");
    set_mode(&file, 0o000);
    std::fs::rename(&file, ws.dir.join("locked-in-place.txt")).expect("rename into place");
    daemon.wait_for_log("ermission denied");
    set_mode(&ws.dir.join("locked-in-place.txt"), 0o644);
    poll(DEADLINE, || {
        has_position(&ws, "putin", "moscow").then_some(())
    })
    .unwrap_or_else(|| panic!("not retried:\n{}", daemon.log()));
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

#[test]
fn a_corrupt_database_is_refused_and_left_alone() {
    let ws = Workspace::new();
    std::fs::create_dir_all(&ws.state).expect("state");
    let db = ws.state.join("venuewatch.db");
    let garbage = b"this is not a database, but it is someone's file".repeat(100);
    std::fs::write(&db, &garbage).expect("write");
    let out = ws.cmd(&["watch"]).output().expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains("venuewatch.db") && err.contains("not a database"),
        "{err}"
    );
    assert_eq!(std::fs::read(&db).expect("read"), garbage);
}

#[test]
fn a_read_only_state_folder_is_refused_and_left_alone() {
    let ws = Workspace::new();
    std::fs::copy(&seed_files()[3], ws.dir.join("a.txt")).expect("copy");
    ws.run(&["ingest"]);
    let db = ws.state.join("venuewatch.db");
    let before = std::fs::read(&db).expect("read");
    // Owned by root (or by us) and read-only: the unprivileged daemon cannot write.
    set_mode(&ws.state, 0o555);
    for f in std::fs::read_dir(&ws.state).expect("list") {
        set_mode(&f.expect("entry").path(), 0o444);
    }
    // Others may enter the temp folder, but not write the state folder.
    set_mode(ws.dir.parent().expect("tmp"), 0o755);
    let out = unprivileged(&ws.cmd(&["watch"]), &[])
        .output()
        .expect("run");
    set_mode(&ws.state, 0o755);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert!(
        err.contains(&ws.state.display().to_string()),
        "names the path: {err}"
    );
    assert_eq!(std::fs::read(&db).expect("read"), before);
}

/// A deterministic pseudo-random sequence (xorshift), so a failure reproduces.
fn xorshift(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

fn snapshot(
    ws: &Workspace,
) -> (
    serde_json::Value,
    serde_json::Value,
    (u64, u64, u64, u64, u64),
) {
    (
        ws.json(&["positions", "--json"]),
        ws.json(&["changes", "--json"]),
        ws.counts(),
    )
}

#[test]
fn sigkill_at_ten_random_points_loses_and_duplicates_nothing() {
    const N: usize = 2000;
    let ws = Workspace::new();
    write_backlog(&ws.dir, N);

    // The reference: one clean run over the same files.
    let clean = Workspace::new();
    let out = clean
        .cmd(&["ingest"])
        .arg(&ws.dir)
        .output()
        .expect("clean run");
    assert!(out.status.success());
    let expected = snapshot(&clean);
    assert_eq!(expected.2 .0, N as u64);

    let mut seed = 0x5eed_u64;
    let mut killed_mid_backlog = 0;
    for _ in 0..10 {
        let mut daemon = Daemon::start(&ws);
        // Kill after a random number of further articles (up to ~8% of the backlog).
        let target = ws.counts_if_any().0 + 1 + xorshift(&mut seed) % (N as u64 / 12);
        poll(DEADLINE, || {
            (ws.counts_if_any().0 >= target || daemon.log().contains("watching")).then_some(())
        });
        daemon.child.kill().expect("SIGKILL");
        daemon.child.wait().expect("reap");
        if ws.counts_if_any().0 < N as u64 {
            killed_mid_backlog += 1;
        }
    }
    assert!(
        killed_mid_backlog >= 5,
        "kills landed mid-backlog only {killed_mid_backlog} times"
    );

    let store = venuewatch::store::Store::open(&ws.state.join("venuewatch.db")).expect("open");
    assert_eq!(store.integrity_check().expect("check"), Ok(()));
    drop(store);
    ws.run(&["ingest"]);
    assert_eq!(snapshot(&ws), expected);
}

/// A small tmpfs mounted for the test's lifetime (needs root).
struct Tmpfs(std::path::PathBuf);

impl Tmpfs {
    fn mount(at: &Path, size: &str) -> Option<Tmpfs> {
        std::fs::create_dir_all(at).expect("mount point");
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Tmpfs(at.to_path_buf()))
    }

    fn resize(&self, size: &str) {
        let ok = Command::new("mount")
            .args(["-o", &format!("remount,size={size}")])
            .arg(&self.0)
            .status()
            .expect("remount");
        assert!(ok.success());
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg("-l").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_delays_articles_but_loses_none() {
    let ws = Workspace::new();
    // Mounting needs root; CI runs as root. Elsewhere there is no disk to fill.
    let Some(disk) = Tmpfs::mount(&ws.state, "600k") else {
        assert!(!running_as_root(), "root could not mount a tmpfs");
        eprintln!("not root: cannot mount a small disk; skipping the disk-full check");
        return;
    };
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    let seed = std::fs::read_to_string(&seed_files()[3]).expect("seed");
    let mut written = 0;
    while !daemon.log().contains("full") {
        assert!(written < 200, "the disk never filled:\n{}", daemon.log());
        // Distinct articles of ~40 KB each; their text is kept in the database.
        let text = format!(
            "{seed}\n\n{}\n",
            format!("Filler paragraph {written}. ").repeat(2000)
        );
        std::fs::write(ws.dir.join(format!("a{written:03}.txt")), text).expect("write");
        written += 1;
        poll(DEADLINE, || {
            let log = daemon.log();
            (log.matches("ingested article").count() >= written || log.contains("full"))
                .then_some(())
        })
        .unwrap_or_else(|| panic!("no progress:\n{}", daemon.log()));
    }
    let log = daemon.log();
    assert!(
        log.contains("database or disk is full") && log.contains("will retry"),
        "{log}"
    );
    disk.resize("50m");
    poll(DEADLINE, || (ws.counts().0 == written as u64).then_some(()))
        .unwrap_or_else(|| panic!("articles lost after the disk filled:\n{}", daemon.log()));
    let status = daemon.terminate();
    assert!(status.success());
    let store = venuewatch::store::Store::open(&ws.state.join("venuewatch.db")).expect("open");
    assert_eq!(store.integrity_check().expect("check"), Ok(()));
}

fn mkfifo(path: &Path) {
    let ok = Command::new("mkfifo").arg(path).status().expect("mkfifo");
    assert!(ok.success());
}

fn mknod(path: &Path, kind: &str, major: &str, minor: &str) -> bool {
    Command::new("mknod")
        .arg(path)
        .args([kind, major, minor])
        .status()
        .is_ok_and(|s| s.success())
}

fn reason_of(ws: &Workspace, name: &str) -> Option<String> {
    rejected_reasons(ws)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, r)| r)
}

#[test]
fn ingest_rejects_pipes_sockets_and_devices_by_kind_without_opening_them() {
    let ws = Workspace::new();
    std::fs::copy(&seed_files()[3], ws.dir.join("good.txt")).expect("copy");
    mkfifo(&ws.dir.join("pipe.txt"));
    let _socket =
        std::os::unix::net::UnixListener::bind(ws.dir.join("socket.txt")).expect("socket");
    // Reached only through a link inside the folder (hidden names are not
    // walked themselves).
    std::fs::create_dir(ws.dir.join(".private")).expect("mkdir");
    mkfifo(&ws.dir.join(".private/linked-pipe"));
    std::os::unix::fs::symlink(".private/linked-pipe", ws.dir.join("via-link.txt")).expect("link");
    // Outside the folder: not followed at all.
    std::os::unix::fs::symlink("/dev/zero", ws.dir.join("zero.txt")).expect("link");
    // Device nodes need root (CI runs as root).
    let devices = running_as_root()
        && mknod(&ws.dir.join("chardev.txt"), "c", "1", "3")
        && mknod(&ws.dir.join("blockdev.txt"), "b", "7", "200");
    assert!(devices || !running_as_root(), "root could not mknod");

    // A pipe opened for reading would wait for a writer for good.
    let mut child = ws.cmd(&["ingest"]).spawn().expect("ingest");
    let status = poll(DEADLINE, || child.try_wait().expect("wait")).unwrap_or_else(|| {
        let _ = child.kill();
        panic!("ingest hung on a special file")
    });
    assert!(status.success(), "{status}");
    assert_eq!(ws.counts().0, 1, "the one article");
    let expect = |name: &str, kind: &str| {
        let reason = reason_of(&ws, name).unwrap_or_else(|| {
            panic!("{name} not listed as rejected: {:?}", rejected_reasons(&ws))
        });
        assert!(
            reason.contains(&format!("{kind}, not a file")),
            "{name}: {reason}"
        );
    };
    expect("pipe.txt", "named pipe");
    expect("socket.txt", "socket");
    expect("linked-pipe", "named pipe");
    if devices {
        expect("chardev.txt", "character device");
        expect("blockdev.txt", "block device");
    }
    assert!(reason_of(&ws, "zero.txt").is_none());

    // Seen once: a second run reads nothing again and says nothing new.
    let again = ws.run(&["ingest"]);
    let summary = String::from_utf8_lossy(&again.stdout);
    assert!(summary.contains("0 new"), "{summary}");
}

#[test]
fn a_named_pipe_made_while_watching_is_rejected_and_the_daemon_goes_on() {
    let ws = Workspace::new();
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    mkfifo(&ws.dir.join("p.txt"));
    let _socket = std::os::unix::net::UnixListener::bind(ws.dir.join("s.txt")).expect("socket");
    std::os::unix::fs::symlink("p.txt", ws.dir.join("link-to-pipe.txt")).expect("link");
    // Renamed in after the pipe: it must still arrive.
    let tmp = ws.dir.join(".a.txt.tmp");
    std::fs::copy(&seed_files()[3], &tmp).expect("copy");
    std::fs::rename(&tmp, ws.dir.join("a.txt")).expect("rename");
    poll(DEADLINE, || {
        (has_position(&ws, "putin", "moscow")
            && reason_of(&ws, "p.txt").is_some()
            && reason_of(&ws, "s.txt").is_some())
        .then_some(())
    })
    .unwrap_or_else(|| panic!("pipe wedged the daemon:\n{}", daemon.log()));
    let reason = reason_of(&ws, "p.txt").expect("p.txt");
    assert!(reason.contains("named pipe, not a file"), "{reason}");
    let reason = reason_of(&ws, "s.txt").expect("s.txt");
    assert!(reason.contains("socket, not a file"), "{reason}");
    assert!(
        daemon
            .log()
            .lines()
            .any(|l| l.contains("WARN") && l.contains("p.txt") && l.contains("named pipe")),
        "{}",
        daemon.log()
    );
    std::fs::copy(&seed_files()[4], ws.dir.join("b.txt")).expect("copy");
    poll(DEADLINE, || {
        has_position(&ws, "zelensky", "kyiv").then_some(())
    })
    .unwrap_or_else(|| panic!("no article after the pipe:\n{}", daemon.log()));
    let status = daemon.terminate();
    assert!(status.success(), "{status}:\n{}", daemon.log());
}

#[test]
fn a_read_that_hangs_is_abandoned_and_retried_while_other_files_flow() {
    let ws = Workspace::new();
    let mut cmd = ws.cmd(&["watch"]);
    cmd.args(["--read-timeout-ms", "1000"]);
    let mut daemon = Daemon::spawn(cmd, &ws);
    daemon.wait_for_log("watching");
    let Some(stuck) = crate::fuse::hung_seed(&ws.dir.join("stuck.txt")) else {
        return;
    };
    poll(DEADLINE, || (stuck.held() > 0).then_some(()))
        .unwrap_or_else(|| panic!("the daemon never read the FUSE file:\n{}", daemon.log()));
    // Another file arrives while the read hangs.
    std::fs::copy(&seed_files()[4], ws.dir.join("good.txt")).expect("copy");
    poll(DEADLINE, || {
        has_position(&ws, "zelensky", "kyiv").then_some(())
    })
    .unwrap_or_else(|| panic!("a hung read held up other files:\n{}", daemon.log()));
    let log = daemon.log();
    assert!(
        log.lines().any(|l| l.contains("stuck.txt")
            && l.contains("made no progress for")
            && l.contains("abandoned")),
        "{log}"
    );
    // Absent, not half there.
    assert_eq!(ws.counts().0, 1, "{log}");
    assert!(!has_position(&ws, "putin", "moscow"));

    // The mount answers again: the retry reads the article whole.
    stuck.release();
    poll(DEADLINE, || {
        has_position(&ws, "putin", "moscow").then_some(())
    })
    .unwrap_or_else(|| panic!("not retried once readable:\n{}", daemon.log()));
    let status = daemon.terminate();
    assert!(status.success(), "{status}:\n{}", daemon.log());
    assert_eq!(ws.counts().0, 2);
}

/// Waits for the daemon to stop by itself; its exit status.
fn exits(daemon: &mut Daemon) -> std::process::ExitStatus {
    poll(DEADLINE, || daemon.child.try_wait().expect("wait"))
        .unwrap_or_else(|| panic!("daemon did not stop:\n{}", daemon.log()))
}

#[test]
fn a_deleted_database_stops_the_daemon_and_the_next_start_creates_it_again() {
    let ws = Workspace::new();
    std::fs::copy(&seed_files()[3], ws.dir.join("a.txt")).expect("copy");
    std::fs::copy(&seed_files()[4], ws.dir.join("b.txt")).expect("copy");
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    assert_eq!(ws.counts().0, 2);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(ws.state.join(format!("venuewatch.db{suffix}")));
    }
    let status = exits(&mut daemon);
    assert!(!status.success(), "must exit non-zero:\n{}", daemon.log());
    let log = daemon.log();
    assert!(
        log.lines()
            .any(|l| l.contains("ERROR") && l.contains("venuewatch.db was deleted")),
        "{log}"
    );

    // What the supervisor does next: start it again.
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    assert_eq!(ws.counts().0, 2, "catch-up read the folder again");
    assert!(daemon.terminate().success());
}

#[test]
fn a_deleted_lock_or_state_folder_stops_the_daemon() {
    let ws = Workspace::new();
    std::fs::copy(&seed_files()[3], ws.dir.join("a.txt")).expect("copy");
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    std::fs::remove_file(ws.state.join("venuewatch.lock")).expect("rm lock");
    let status = exits(&mut daemon);
    assert!(!status.success());
    assert!(
        daemon.log().contains("venuewatch.lock was deleted"),
        "{}",
        daemon.log()
    );

    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    std::fs::remove_dir_all(&ws.state).expect("rm -r state");
    let status = exits(&mut daemon);
    assert!(!status.success());
    assert!(
        daemon.log().contains("is gone") && daemon.log().contains("ERROR"),
        "{}",
        daemon.log()
    );

    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    assert_eq!(ws.counts().0, 1);
    assert!(daemon.terminate().success());
}

#[test]
fn a_database_locked_from_outside_at_start_is_waited_for() {
    let ws = Workspace::new();
    std::fs::copy(&seed_files()[3], ws.dir.join("a.txt")).expect("copy");
    ws.run(&["ingest"]);
    std::fs::copy(&seed_files()[4], ws.dir.join("b.txt")).expect("copy");
    let conn = rusqlite::Connection::open(ws.state.join("venuewatch.db")).expect("open");
    conn.execute_batch("BEGIN EXCLUSIVE")
        .expect("lock the database");
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("trying again in");
    assert!(daemon.child.try_wait().expect("wait").is_none(), "gave up");
    conn.execute_batch("COMMIT").expect("unlock");
    drop(conn);
    daemon.wait_for_log("watching");
    assert_eq!(ws.counts().0, 2);
    assert!(daemon.terminate().success());

    // A stop asked for during the wait is a clean exit, not death by signal.
    let conn = rusqlite::Connection::open(ws.state.join("venuewatch.db")).expect("open");
    conn.execute_batch("BEGIN EXCLUSIVE")
        .expect("lock the database");
    let mut daemon = Daemon::start(&ws);
    daemon.wait_for_log("trying again in");
    let status = daemon.terminate();
    assert_eq!(status.code(), Some(0), "{status}\n{}", daemon.log());
    assert!(daemon.log().contains("while waiting for the database"));
}
