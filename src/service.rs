//! Running as a service: the state folder's single-instance lock, the check
//! that the state folder's files are still the ones opened, and the systemd
//! notify protocol (`READY=1`, `STOPPING=1`, `WATCHDOG=1`) spoken directly
//! over `$NOTIFY_SOCKET`.

use std::fs::{File, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The lock file's name inside the state folder.
pub const LOCK_FILE: &str = "venuewatch.lock";

/// Why the state lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another daemon holds it.
    #[error("another venuewatch daemon{} holds {path}; stop it first or pass a different --state", .pid.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Held {
        /// The lock file.
        path: PathBuf,
        /// The holder's pid, when it wrote one.
        pid: Option<u32>,
    },
    /// The lock file could not be opened or written.
    #[error("cannot use lock file {path}: {source} (check that the state folder is writable)")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// The state folder's lock, held for the daemon's lifetime; released when
/// dropped or when the process dies (it is an OS file lock, so a crash never
/// leaves a stale lock behind).
#[derive(Debug)]
pub struct StateLock {
    file: File,
    path: PathBuf,
}

impl StateLock {
    /// Takes the lock in `state`, writing this process's pid into it.
    pub fn acquire(state: &Path) -> Result<StateLock, LockError> {
        let path = state.join(LOCK_FILE);
        let io = |source| LockError::Io {
            path: path.clone(),
            source,
        };
        let mut file = File::options()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(&path)
            .map_err(io)?;
        match file.try_lock() {
            Ok(()) => {}
            Err(TryLockError::WouldBlock) => {
                return Err(LockError::Held {
                    pid: read_pid(&mut file),
                    path,
                })
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
        file.set_len(0).map_err(io)?;
        file.rewind().map_err(io)?;
        writeln!(file, "{}", std::process::id()).map_err(io)?;
        file.flush().map_err(io)?;
        Ok(StateLock { file, path })
    }

    /// The pid of the daemon holding the lock in `state`, if one does.
    /// `Some(None)` when held by a process that wrote no pid yet.
    pub fn holder(state: &Path) -> Option<Option<u32>> {
        let mut file = File::open(state.join(LOCK_FILE)).ok()?;
        match file.try_lock_shared() {
            Ok(()) => None,
            Err(TryLockError::WouldBlock) => Some(read_pid(&mut file)),
            Err(TryLockError::Error(_)) => None,
        }
    }
}

/// A state folder file that is no longer the one the daemon opened.
#[derive(Debug, thiserror::Error)]
pub enum Misplaced {
    /// The state folder itself is gone.
    #[error("state folder {0} is gone (deleted, moved or unmounted while the daemon ran); stopping so that the service manager restarts the daemon, whose next start creates the database again and reads the watched folder again")]
    StateGone(PathBuf),
    /// A file was deleted.
    #[error("{what} {path} was deleted while the daemon ran; stopping so that the service manager restarts the daemon, whose next start creates it again and reads the watched folder again")]
    Deleted {
        /// Which file.
        what: &'static str,
        /// Where it was.
        path: PathBuf,
    },
    /// Another file took its place.
    #[error("{what} {path} was replaced by another file while the daemon ran; stopping so that the service manager restarts the daemon with the file now there")]
    Replaced {
        /// Which file.
        what: &'static str,
        /// Where it is.
        path: PathBuf,
    },
}

/// The state folder's files as the daemon opened them (device and inode),
/// to notice when one is deleted or replaced under it: writes to a deleted
/// database go nowhere, and a deleted lock lets a second daemon start.
#[derive(Debug)]
pub struct InPlace {
    state: PathBuf,
    files: Vec<(&'static str, PathBuf, (u64, u64))>,
}

impl InPlace {
    /// Notes the lock (from its open descriptor) and the database at `db`
    /// (opened just before, by the store).
    pub fn note(lock: &StateLock, db: &Path) -> std::io::Result<InPlace> {
        let state = lock.path.parent().unwrap_or(Path::new(".")).to_path_buf();
        let db_id = id(&std::fs::metadata(db)?);
        let lock_id = id(&lock.file.metadata()?);
        Ok(InPlace {
            state,
            files: vec![
                ("the database", db.to_path_buf(), db_id),
                ("the state lock", lock.path.clone(), lock_id),
            ],
        })
    }

    /// Whether each file is still the one noted. A path that now names
    /// another inode is "replaced"; one that names nothing, "deleted"
    /// (the inode may live on, unlinked, which is the point).
    pub fn check(&self) -> Result<(), Misplaced> {
        if !self.state.is_dir() {
            return Err(Misplaced::StateGone(self.state.clone()));
        }
        for (what, path, noted) in &self.files {
            match std::fs::metadata(path) {
                Ok(meta) if id(&meta) == *noted => {}
                Ok(_) => {
                    return Err(Misplaced::Replaced {
                        what,
                        path: path.clone(),
                    })
                }
                Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
                    return Err(Misplaced::Deleted {
                        what,
                        path: path.clone(),
                    })
                }
                // Unreadable for now (permissions changed, a busy mount):
                // not proof of anything; the next tick looks again.
                Err(_) => {}
            }
        }
        Ok(())
    }
}

fn id(meta: &std::fs::Metadata) -> (u64, u64) {
    use std::os::unix::fs::MetadataExt;
    (meta.dev(), meta.ino())
}

fn read_pid(file: &mut File) -> Option<u32> {
    let mut text = String::new();
    file.rewind().ok()?;
    file.read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

/// Sends a state string to the service manager, if one asked for them
/// (`$NOTIFY_SOCKET`). Failures are logged, never fatal: the daemon works
/// the same without systemd.
pub fn notify(state: &str) {
    let Some(socket) = std::env::var_os("NOTIFY_SOCKET") else {
        return;
    };
    if let Err(err) = send(Path::new(&socket), state) {
        tracing::warn!(socket = %Path::new(&socket).display(), "cannot notify the service manager: {err}");
    }
}

#[cfg(unix)]
fn send(socket: &Path, state: &str) -> std::io::Result<()> {
    use std::os::unix::net::UnixDatagram;
    let sock = UnixDatagram::unbound()?;
    let bytes = socket.as_os_str().as_encoded_bytes();
    if let Some(name) = bytes.strip_prefix(b"@") {
        abstract_send(&sock, name, state)
    } else {
        sock.send_to(state.as_bytes(), socket).map(drop)
    }
}

#[cfg(target_os = "linux")]
fn abstract_send(
    sock: &std::os::unix::net::UnixDatagram,
    name: &[u8],
    state: &str,
) -> std::io::Result<()> {
    use std::os::linux::net::SocketAddrExt;
    let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
    sock.send_to_addr(state.as_bytes(), &addr).map(drop)
}

#[cfg(all(unix, not(target_os = "linux")))]
fn abstract_send(_: &std::os::unix::net::UnixDatagram, _: &[u8], _: &str) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "abstract sockets exist only on Linux",
    ))
}

#[cfg(not(unix))]
fn send(_: &Path, _: &str) -> std::io::Result<()> {
    Err(std::io::Error::other(
        "the notify protocol needs Unix sockets",
    ))
}

/// The service manager's watchdog (`$WATCHDOG_USEC`): pinged at half the
/// interval it asked for, and only while the daemon makes progress (the
/// daemon decides; see `daemon::feed_watchdog`).
#[derive(Debug)]
pub struct Watchdog {
    every: Option<Duration>,
    last: Instant,
}

impl Watchdog {
    /// Reads `$WATCHDOG_USEC` (and `$WATCHDOG_PID`, which must be ours).
    pub fn from_env() -> Watchdog {
        let for_us = std::env::var("WATCHDOG_PID")
            .map(|pid| pid.trim() == std::process::id().to_string())
            .unwrap_or(true);
        let usec = std::env::var("WATCHDOG_USEC")
            .ok()
            .and_then(|v| v.trim().parse::<u64>().ok())
            .filter(|&u| u > 0 && for_us);
        Watchdog {
            every: usec.map(|u| Duration::from_micros(u) / 2),
            last: Instant::now(),
        }
    }

    /// How often pings are due, if at all: half of `$WATCHDOG_USEC`. Also
    /// the bound past which a step without progress counts as stuck: a
    /// step stuck that long misses the next ping, and the service manager
    /// acts one more interval later.
    pub fn interval(&self) -> Option<Duration> {
        self.every
    }

    /// Pings.
    pub fn ping(&mut self) {
        notify("WATCHDOG=1");
        self.last = Instant::now();
    }

    /// When the last ping went out.
    pub fn since_ping(&self) -> Duration {
        self.last.elapsed()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_is_refused_with_the_holders_pid() {
        let dir = tempfile::tempdir().expect("tmp");
        assert_eq!(StateLock::holder(dir.path()), None);
        let lock = StateLock::acquire(dir.path()).expect("first");
        let err = StateLock::acquire(dir.path()).unwrap_err();
        let pid = std::process::id();
        assert!(
            matches!(err, LockError::Held { pid: Some(p), .. } if p == pid),
            "{err}"
        );
        assert!(err.to_string().contains(&format!("pid {pid}")), "{err}");
        assert_eq!(StateLock::holder(dir.path()), Some(Some(pid)));
        drop(lock);
        assert_eq!(StateLock::holder(dir.path()), None);
        StateLock::acquire(dir.path()).expect("free again");
    }

    #[test]
    fn deleted_and_replaced_state_files_are_noticed() {
        let tmp = tempfile::tempdir().expect("tmp");
        let state = tmp.path().join("state");
        std::fs::create_dir(&state).expect("state");
        let db = state.join("venuewatch.db");
        std::fs::write(&db, "db").expect("db");
        let lock = StateLock::acquire(&state).expect("lock");
        let placed = InPlace::note(&lock, &db).expect("note");
        assert!(placed.check().is_ok());
        std::fs::write(db.with_extension("new"), "other").expect("write");
        std::fs::rename(db.with_extension("new"), &db).expect("replace");
        assert!(matches!(placed.check(), Err(Misplaced::Replaced { .. })));
        std::fs::remove_file(&db).expect("rm");
        let err = placed.check().unwrap_err();
        assert!(matches!(err, Misplaced::Deleted { .. }), "{err}");
        assert!(
            err.to_string().contains("venuewatch.db was deleted"),
            "{err}"
        );
        std::fs::remove_dir_all(&state).expect("rm -r");
        assert!(matches!(placed.check(), Err(Misplaced::StateGone(_))));
    }
}
