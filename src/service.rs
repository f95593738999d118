//! Running as a service: the state folder's single-instance lock, and the
//! systemd notify protocol (`READY=1`, `STOPPING=1`, `WATCHDOG=1`) spoken
//! directly over `$NOTIFY_SOCKET`.

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
    _file: File,
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
        Ok(StateLock { _file: file })
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

/// Pings the service manager's watchdog at half the interval it asked for
/// (`$WATCHDOG_USEC`), from wherever the daemon makes progress.
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

    /// How often pings are due, if at all.
    pub fn interval(&self) -> Option<Duration> {
        self.every
    }

    /// Pings if half the interval has passed since the last ping.
    pub fn tick(&mut self) {
        if let Some(every) = self.every {
            if self.last.elapsed() >= every {
                notify("WATCHDOG=1");
                self.last = Instant::now();
            }
        }
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
}
