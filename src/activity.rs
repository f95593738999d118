//! What the daemon is doing right now: each step in flight (reading a file,
//! recording, deriving, checkpointing), which file it is about and when it
//! last made progress. The watchdog asks it whether anything is stuck; it
//! decides nothing itself and does no I/O.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A kind of work the daemon can be stuck in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Reading a file's bytes.
    Reading,
    /// Looking files up in the database before reading them.
    Checking,
    /// Writing articles, claims and file rows in a transaction.
    Recording,
    /// Deriving positions and changes in a transaction.
    Deriving,
    /// Copying the write-ahead log into the database.
    Checkpointing,
}

impl Step {
    /// The step as the log names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Reading => "reading",
            Step::Checking => "checking against the database",
            Step::Recording => "recording",
            Step::Deriving => "deriving positions",
            Step::Checkpointing => "checkpointing the database",
        }
    }
}

/// The register of steps in flight; clones share it.
#[derive(Debug, Clone)]
pub struct Activity {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    epoch: Instant,
    next: AtomicU64,
    busy: Mutex<HashMap<u64, Entry>>,
}

#[derive(Debug)]
struct Entry {
    step: Step,
    file: Option<PathBuf>,
    stamp: Stamp,
}

impl Default for Activity {
    fn default() -> Activity {
        Activity {
            inner: Arc::new(Inner {
                epoch: Instant::now(),
                next: AtomicU64::new(0),
                busy: Mutex::new(HashMap::new()),
            }),
        }
    }
}

/// A step that has made no progress for a while.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stall {
    /// What it is doing.
    pub step: Step,
    /// On which file, when it is about one.
    pub file: Option<PathBuf>,
    /// For how long nothing has moved.
    pub idle: Duration,
}

impl std::fmt::Display for Stall {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.step.as_str())?;
        if let Some(file) = &self.file {
            write!(f, " {}", file.display())?;
        }
        write!(
            f,
            " has made no progress for {:.1} s",
            self.idle.as_secs_f64()
        )
    }
}

impl Activity {
    /// Notes that `step` begins, on `file` if it is about one; it ends when
    /// the returned guard is dropped.
    pub fn begin(&self, step: Step, file: Option<&Path>) -> Busy {
        let id = self.inner.next.fetch_add(1, Ordering::Relaxed);
        let stamp = Stamp {
            epoch: self.inner.epoch,
            at: Arc::new(AtomicU64::new(0)),
        };
        stamp.touch();
        let entry = Entry {
            step,
            file: file.map(Path::to_path_buf),
            stamp: stamp.clone(),
        };
        self.lock().insert(id, entry);
        Busy {
            id,
            inner: Arc::clone(&self.inner),
            stamp,
        }
    }

    /// The step in flight that has gone longest without progress, if that
    /// is `bound` or more.
    pub fn stalled(&self, bound: Duration) -> Option<Stall> {
        self.lock()
            .values()
            .map(|e| (e, e.stamp.idle()))
            .filter(|(_, idle)| *idle >= bound)
            .max_by_key(|(_, idle)| *idle)
            .map(|(e, idle)| Stall {
                step: e.step,
                file: e.file.clone(),
                idle,
            })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<u64, Entry>> {
        self.inner.busy.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A step in flight; dropping it ends the step.
#[derive(Debug)]
pub struct Busy {
    id: u64,
    inner: Arc<Inner>,
    stamp: Stamp,
}

impl Busy {
    /// Notes progress: the step is not stuck.
    pub fn progress(&self) {
        self.stamp.touch();
    }

    /// A handle for noting progress from another thread.
    pub fn stamp(&self) -> Stamp {
        self.stamp.clone()
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut busy = self.inner.busy.lock().unwrap_or_else(|p| p.into_inner());
        busy.remove(&self.id);
    }
}

/// When a step last made progress; clones share it.
#[derive(Debug, Clone)]
pub struct Stamp {
    epoch: Instant,
    /// Nanoseconds since `epoch`.
    at: Arc<AtomicU64>,
}

impl Stamp {
    /// Notes progress now.
    pub fn touch(&self) {
        let now = self.epoch.elapsed().as_nanos() as u64;
        self.at.store(now, Ordering::Relaxed);
    }

    /// How long since the last progress.
    pub fn idle(&self) -> Duration {
        let at = Duration::from_nanos(self.at.load(Ordering::Relaxed));
        self.epoch.elapsed().saturating_sub(at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_is_stalled_only_while_in_flight_without_progress() {
        let activity = Activity::default();
        assert_eq!(activity.stalled(Duration::ZERO), None);
        let busy = activity.begin(Step::Reading, Some(Path::new("/a.txt")));
        let stall = activity.stalled(Duration::ZERO).expect("in flight");
        assert_eq!(stall.step, Step::Reading);
        assert_eq!(stall.file.as_deref(), Some(Path::new("/a.txt")));
        assert!(stall
            .to_string()
            .starts_with("reading /a.txt has made no progress"));
        assert_eq!(activity.stalled(Duration::from_secs(3600)), None);
        busy.progress();
        drop(busy);
        assert_eq!(activity.stalled(Duration::ZERO), None);
    }
}
