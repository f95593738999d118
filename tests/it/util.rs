//! Test helpers: a temp workspace, a runner for the real binary, and polling
//! with a deadline instead of sleeps.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use serde_json::Value;

/// The repository's sample articles.
pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// The seed files, sorted.
pub fn seed_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(seeds_dir())
        .expect("seeds/")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

/// A temp folder with a watched folder and a state folder.
pub struct Workspace {
    _tmp: tempfile::TempDir,
    /// The watched folder.
    pub dir: PathBuf,
    /// The state folder.
    pub state: PathBuf,
}

impl Workspace {
    pub fn new() -> Workspace {
        let tmp = tempfile::tempdir().expect("temp dir");
        let dir = tmp.path().join("articles");
        let state = tmp.path().join("state");
        std::fs::create_dir(&dir).expect("articles dir");
        Workspace {
            _tmp: tmp,
            dir,
            state,
        }
    }

    /// A workspace whose folder holds the seeds.
    pub fn with_seeds() -> Workspace {
        let ws = Workspace::new();
        for seed in seed_files() {
            std::fs::copy(&seed, ws.dir.join(seed.file_name().expect("name"))).expect("copy seed");
        }
        ws
    }

    /// A workspace of its own state that watches this one's folder: a clean
    /// ingest to compare with.
    pub fn same_folder(&self) -> Workspace {
        Workspace {
            dir: self.dir.clone(),
            ..Workspace::new()
        }
    }

    /// A `venuewatch` command with this workspace's folders.
    pub fn cmd(&self, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_venuewatch"));
        cmd.args(args)
            .arg("--dir")
            .arg(&self.dir)
            .arg("--state")
            .arg(&self.state)
            .env_remove("VENUEWATCH_DIR")
            .env_remove("VENUEWATCH_STATE")
            .env("RUST_LOG", "info");
        cmd
    }

    /// Runs a command to completion and insists it succeeds.
    pub fn run(&self, args: &[&str]) -> Output {
        let out = self.cmd(args).output().expect("run venuewatch");
        assert!(
            out.status.success(),
            "venuewatch {args:?} failed: {}\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        out
    }

    /// Runs a command printing JSON and parses it.
    pub fn json(&self, args: &[&str]) -> Value {
        let out = self.run(args);
        serde_json::from_slice(&out.stdout).expect("JSON output")
    }

    /// Row counts from `status --json`.
    pub fn counts(&self) -> (u64, u64, u64, u64, u64) {
        let s = self.json(&["status", "--json"]);
        let n = |k: &str| s[k].as_u64().expect(k);
        (
            n("articles"),
            n("files"),
            n("claims"),
            n("positions"),
            n("changes"),
        )
    }
}

/// Polls `check` until it returns `Some` or `deadline` passes.
pub fn poll<T>(deadline: Duration, mut check: impl FnMut() -> Option<T>) -> Option<T> {
    let end = Instant::now() + deadline;
    loop {
        if let Some(v) = check() {
            return Some(v);
        }
        if Instant::now() > end {
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Every ordering of `items`.
pub fn permutations<T: Clone>(items: &[T]) -> Vec<Vec<T>> {
    if items.len() <= 1 {
        return vec![items.to_vec()];
    }
    let mut out = Vec::new();
    for i in 0..items.len() {
        let mut rest = items.to_vec();
        let first = rest.remove(i);
        for mut tail in permutations(&rest) {
            tail.insert(0, first.clone());
            out.push(tail);
        }
    }
    out
}

impl Workspace {
    /// Row counts, or zeros while there is no database yet.
    pub fn counts_if_any(&self) -> (u64, u64, u64, u64, u64) {
        if self.state.join("venuewatch.db").exists() {
            self.counts()
        } else {
            (0, 0, 0, 0, 0)
        }
    }
}

/// Whether the tests run as root (as in CI).
pub fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}
