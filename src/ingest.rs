//! Reading files from disk: a path -> a [`Document`] (bytes, hash, metadata)
//! -> an [`Article`]. With `watch`, the only module that reads article files.
//! Only regular files are read, and they are opened so that nothing else
//! can block the open (see [`read_document`]); a [`Reader`] reads those on
//! network and FUSE mounts on threads of its own, so that a read that hangs
//! can be left behind.

mod mounts;

use std::collections::HashSet;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc, LazyLock, Mutex};
use std::time::Duration;

use jiff::civil::Date;

use crate::activity::{Activity, Stamp, Step};
use crate::article::{self, Article, Entry, RejectReason};
use crate::filter::Filter;
use mounts::MountTable;

/// Why a file could not be made into an article.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    /// The file could not be read (it vanished, permission denied, ...).
    #[error("cannot read {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file changed while it was read: someone is still writing it.
    #[error("{path} changed while it was read; it will be read again when it settles")]
    Changing {
        /// The file.
        path: PathBuf,
    },
    /// The file is larger than the configured limit.
    #[error("rejected {path}: {size} bytes is over the {limit}-byte limit (raise --max-size to accept it)")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file was read but is not an article.
    #[error("rejected {path}: {reason}")]
    Rejected {
        /// The file.
        path: PathBuf,
        /// Why.
        reason: RejectReason,
    },
    /// Not a regular file (a named pipe, a socket, a device): never read.
    #[error("rejected {path}: {kind}, not a file (only regular files are read)")]
    NotAFile {
        /// The path.
        path: PathBuf,
        /// What it is.
        kind: Kind,
    },
    /// A read made no progress for the read timeout and was abandoned.
    #[error("reading {path} made no progress for {:.1} s (a hung network mount or FUSE file?); abandoned, will retry", .waited.as_secs_f64())]
    Stalled {
        /// The file.
        path: PathBuf,
        /// How long nothing moved.
        waited: Duration,
    },
    /// An earlier read of the file (or too many reads) still hangs, so no
    /// new one is started.
    #[error("{path}: {why}; will retry")]
    Hanging {
        /// The file.
        path: PathBuf,
        /// Which limit.
        why: &'static str,
    },
    /// Shutdown came while the file was being read; nothing was recorded.
    #[error("reading {path} stopped by shutdown; it will be read at the next start")]
    Stopped {
        /// The file.
        path: PathBuf,
    },
}

/// What a path is, when it is not a regular file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A FIFO: opening it for reading waits for a writer.
    NamedPipe,
    /// A Unix socket.
    Socket,
    /// A character device (a terminal, `/dev/zero`, ...).
    CharDevice,
    /// A block device (a disk).
    BlockDevice,
    /// A symbolic link where a resolved path was expected.
    Link,
    /// A folder.
    Folder,
    /// Anything else.
    Other,
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Kind::NamedPipe => "named pipe",
            Kind::Socket => "socket",
            Kind::CharDevice => "character device",
            Kind::BlockDevice => "block device",
            Kind::Link => "symbolic link",
            Kind::Folder => "folder",
            Kind::Other => "special file",
        })
    }
}

impl Kind {
    /// What `t` is, or `None` for a regular file.
    pub fn of(t: std::fs::FileType) -> Option<Kind> {
        use std::os::unix::fs::FileTypeExt;
        let kinds = [
            (t.is_file(), None),
            (t.is_fifo(), Some(Kind::NamedPipe)),
            (t.is_socket(), Some(Kind::Socket)),
            (t.is_char_device(), Some(Kind::CharDevice)),
            (t.is_block_device(), Some(Kind::BlockDevice)),
            (t.is_symlink(), Some(Kind::Link)),
            (t.is_dir(), Some(Kind::Folder)),
        ];
        kinds
            .into_iter()
            .find_map(|(is, kind)| is.then_some(kind))
            .unwrap_or(Some(Kind::Other))
    }
}

/// What identifies a file version on disk without reading it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FileMeta {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the epoch.
    pub mtime_ns: i64,
    /// Inode number (0 where the platform has none).
    pub inode: u64,
}

impl FileMeta {
    /// The modification time as a civil date in UTC: the fallback article date.
    pub fn mtime_date(&self) -> Date {
        jiff::Timestamp::from_nanosecond(i128::from(self.mtime_ns))
            .map(|ts| ts.to_zoned(jiff::tz::TimeZone::UTC).date())
            .unwrap_or(jiff::civil::date(1970, 1, 1))
    }
}

/// A file's bytes with what identifies its content version.
#[derive(Debug, Clone)]
pub struct Document {
    /// The path it was read from.
    pub path: PathBuf,
    /// The raw bytes.
    pub bytes: Vec<u8>,
    /// BLAKE3 hash of the bytes.
    pub hash: [u8; 32],
    /// The file's metadata, unchanged from before the read to after it.
    pub meta: FileMeta,
}

/// Reads a file's metadata.
pub fn stat(path: &Path) -> Result<FileMeta, IngestError> {
    let meta = std::fs::metadata(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    Ok(file_meta(&meta))
}

/// A plain file's metadata without following links; `Err` for a link (or
/// anything that is not a plain file), which must be resolved first.
pub fn lstat(path: &Path) -> Result<FileMeta, IngestError> {
    let meta = std::fs::symlink_metadata(path).map_err(|source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    if !meta.file_type().is_file() {
        return Err(IngestError::Io {
            path: path.to_path_buf(),
            source: std::io::Error::other("not a plain file"),
        });
    }
    Ok(file_meta(&meta))
}

fn file_meta(meta: &std::fs::Metadata) -> FileMeta {
    let mtime_ns = meta
        .modified()
        .ok()
        .and_then(|t| jiff::Timestamp::try_from(t).ok())
        .map(|ts| ts.as_nanosecond() as i64)
        .unwrap_or(0);
    #[cfg(unix)]
    let inode = std::os::unix::fs::MetadataExt::ino(meta);
    #[cfg(not(unix))]
    let inode = 0;
    FileMeta {
        size: meta.len(),
        mtime_ns,
        inode,
    }
}

/// Opens `path` for reading only if it is a regular file, in a way no other
/// kind of file can block: the kind is checked first without opening (so a
/// device's driver is not even asked), and the open itself does not wait
/// (`O_NONBLOCK`: a FIFO swapped in meanwhile opens at once), follows no
/// final link (`O_NOFOLLOW`: paths come here resolved, so a link is one
/// swapped in meanwhile) and takes no terminal (`O_NOCTTY`). What was opened
/// is checked again on the descriptor, so no check-then-open race remains.
/// Blocking is turned back on for the read: a network file system may
/// otherwise answer "try again".
pub fn open_regular(path: &Path) -> Result<File, IngestError> {
    use rustix::fs::{Mode, OFlags};
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let refuse = |kind| IngestError::NotAFile {
        path: path.to_path_buf(),
        kind,
    };
    let before = std::fs::symlink_metadata(path).map_err(io)?;
    if let Some(kind) = Kind::of(before.file_type()) {
        return Err(refuse(kind));
    }
    let flags =
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY | OFlags::CLOEXEC;
    let fd = match rustix::fs::open(path, flags, Mode::empty()) {
        Ok(fd) => fd,
        // ELOOP: the final component became a link; ENXIO: a socket.
        Err(err) if err == rustix::io::Errno::LOOP || err == rustix::io::Errno::NXIO => {
            return match std::fs::symlink_metadata(path).map(|m| Kind::of(m.file_type())) {
                Ok(Some(kind)) => Err(refuse(kind)),
                _ => Err(IngestError::Changing {
                    path: path.to_path_buf(),
                }),
            };
        }
        Err(err) => return Err(io(err.into())),
    };
    let file = File::from(fd);
    let meta = file.metadata().map_err(io)?;
    if let Some(kind) = Kind::of(meta.file_type()) {
        return Err(refuse(kind));
    }
    let flags = rustix::fs::fcntl_getfl(&file).map_err(|e| io(e.into()))?;
    rustix::fs::fcntl_setfl(&file, flags - OFlags::NONBLOCK).map_err(|e| io(e.into()))?;
    Ok(file)
}

/// Reads a file into a [`Document`], refusing anything but a regular file
/// ([`open_regular`]), files over `max_size` bytes and files that change
/// while being read.
pub fn read_document(path: &Path, max_size: u64) -> Result<Document, IngestError> {
    read_document_with(path, max_size, &|| {})
}

/// [`read_document`], calling `progress` after each chunk read.
fn read_document_with(
    path: &Path,
    max_size: u64,
    progress: &dyn Fn(),
) -> Result<Document, IngestError> {
    let io = |source| IngestError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut file = open_regular(path)?;
    let before = file_meta(&file.metadata().map_err(io)?);
    if before.size > max_size {
        return Err(IngestError::TooLarge {
            path: path.to_path_buf(),
            size: before.size,
            limit: max_size,
        });
    }
    progress();
    let mut bytes = Vec::with_capacity(before.size as usize);
    // Read one byte past the limit so a file that grew is caught.
    let mut chunk = vec![0u8; 64 * 1024];
    let mut left = max_size + 1;
    while left > 0 {
        let want = chunk.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        let n = match file.read(&mut chunk[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(err) if err.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(io(err)),
        };
        bytes.extend_from_slice(&chunk[..n]);
        left -= n as u64;
        progress();
    }
    let after = stat(path)?;
    if after != before || bytes.len() as u64 != before.size {
        return Err(IngestError::Changing {
            path: path.to_path_buf(),
        });
    }
    let hash = hash(&bytes);
    Ok(Document {
        path: path.to_path_buf(),
        bytes,
        hash,
        meta: before,
    })
}

/// The content hash an article is known by (BLAKE3).
pub fn hash(bytes: &[u8]) -> [u8; 32] {
    *blake3::hash(bytes).as_bytes()
}

/// Reads a document's articles: one for a text, a page or an email; one per
/// item for a feed or an export (an item that is not an article is an
/// entry with its reason).
pub fn decode(doc: &Document) -> Result<Vec<Entry>, IngestError> {
    let name = doc
        .path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    article::read_file(&doc.bytes, &name, doc.meta.mtime_date()).map_err(|reason| {
        IngestError::Rejected {
            path: doc.path.clone(),
            reason,
        }
    })
}

/// Reads a file and decodes it into its articles.
pub fn read_articles(path: &Path, max_size: u64) -> Result<(Document, Vec<Entry>), IngestError> {
    let doc = read_document(path, max_size)?;
    let entries = decode(&doc)?;
    Ok((doc, entries))
}

/// Reads a file that is one article (a text, a page, an email), or the
/// first article of a file of many.
pub fn read_article(path: &Path, max_size: u64) -> Result<(Document, Article), IngestError> {
    let (doc, entries) = read_articles(path, max_size)?;
    let mut first_err = None;
    for entry in entries {
        match entry.article {
            Ok(article) => return Ok((doc, article)),
            Err(reason) => {
                first_err.get_or_insert(reason);
            }
        }
    }
    Err(IngestError::Rejected {
        path: doc.path,
        reason: first_err.unwrap_or(RejectReason::Empty),
    })
}

/// The default size limit for an article file: 10 MiB.
pub const DEFAULT_MAX_SIZE: u64 = 10 * 1024 * 1024;

/// Every article file under `root` (recursively), as canonical paths, one at
/// a time: a folder of any size is walked in flat memory, in directory order.
/// Files the [`Filter`] refuses are left out; unreadable folders are logged
/// and skipped. Symbolic links are followed only to files inside `root`.
pub fn walk(root: &Path, filter: &Filter) -> Walk {
    // Walking the canonical root yields canonical paths, which the store
    // keys files by.
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    Walk {
        folders: vec![root.clone()],
        current: None,
        root,
        filter: filter.clone(),
    }
}

/// The iterator returned by [`walk`].
#[derive(Debug)]
pub struct Walk {
    root: PathBuf,
    filter: Filter,
    folders: Vec<PathBuf>,
    current: Option<std::fs::ReadDir>,
}

impl Walk {
    /// The folder walked, canonical: every path yielded lies under it.
    pub fn root(&self) -> &Path {
        &self.root
    }
}

impl Iterator for Walk {
    type Item = PathBuf;

    fn next(&mut self) -> Option<PathBuf> {
        loop {
            let Some(entries) = &mut self.current else {
                let folder = self.folders.pop()?;
                match std::fs::read_dir(&folder) {
                    Ok(entries) => self.current = Some(entries),
                    Err(err) => {
                        tracing::warn!(folder = %folder.display(), "cannot list folder: {err}")
                    }
                }
                continue;
            };
            let Some(entry) = entries.next() else {
                self.current = None;
                continue;
            };
            let Ok(entry) = entry else { continue };
            let path = entry.path();
            let relative = path.strip_prefix(&self.root).unwrap_or(&path);
            if !self.filter.accept(relative) {
                continue;
            }
            match entry.file_type() {
                Ok(t) if t.is_dir() => self.folders.push(path),
                // A link to a folder is not walked: inside the root, its
                // target is walked anyway; outside, it is not ours to read.
                // A dangling link is nothing yet.
                Ok(t) if t.is_symlink() => match std::fs::metadata(&path) {
                    Ok(target) if !target.is_dir() => {
                        if inside(&self.root, &path) {
                            return Some(path);
                        }
                        tracing::warn!(file = %path.display(), "symbolic link points outside the watched folder; not followed");
                    }
                    _ => {}
                },
                // Pipes, sockets and devices too: they are refused by kind,
                // so that the user sees them in `status`.
                Ok(_) => return Some(path),
                Err(_) => {}
            }
        }
    }
}

/// Whether `path`, links resolved, lies inside `canonical_root`.
pub fn inside(canonical_root: &Path, path: &Path) -> bool {
    std::fs::canonicalize(path).is_ok_and(|p| p.starts_with(canonical_root))
}

/// The default bound on a read that makes no progress: 10 s.
pub const DEFAULT_READ_TIMEOUT: Duration = Duration::from_secs(10);

/// How many abandoned reads may hang at once before no new read is started.
const MAX_HANGING: usize = 64;

/// Reads files on local filesystems in place, and the others on threads of
/// its own, so that a read that makes no progress for the read timeout (a
/// hung network mount, a FUSE file whose server stopped answering) can be
/// abandoned: the caller gets
/// [`IngestError::Stalled`] and goes on, while the thread stays behind in
/// the kernel until the read returns, its result dropped. A file whose last
/// read still hangs is not read again until it returns, so each stuck file
/// holds at most one thread. Threads are reused between reads. Clones
/// share the threads, the register of reads in flight and the stop flag.
#[derive(Debug, Clone)]
pub struct Reader {
    inner: Arc<ReaderInner>,
}

#[derive(Debug)]
struct ReaderInner {
    timeout: Duration,
    activity: Activity,
    idle: Mutex<Vec<mpsc::Sender<Job>>>,
    /// Files whose abandoned read has not returned yet.
    hanging: Arc<Mutex<HashSet<PathBuf>>>,
    /// Set on shutdown: reads in flight are abandoned at once.
    stop: Mutex<Arc<AtomicBool>>,
    /// Which files are on local filesystems, to be read in place.
    mounts: Mutex<MountTable>,
}

struct Job {
    path: PathBuf,
    max_size: u64,
    stamp: Stamp,
    fate: Arc<Mutex<Fate>>,
    reply: mpsc::SyncSender<Result<Document, IngestError>>,
}

/// Who gave up first: the read, by returning, or its caller, by leaving.
/// Decided under one lock, so that a read returning just as its caller
/// leaves is never left marked as hanging.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fate {
    Running,
    Returned,
    Abandoned,
}

impl Reader {
    /// A reader abandoning reads after `timeout` without progress, noting
    /// each read in `activity`.
    pub fn new(activity: Activity, timeout: Duration) -> Reader {
        Reader {
            inner: Arc::new(ReaderInner {
                timeout,
                activity,
                idle: Mutex::new(Vec::new()),
                hanging: Arc::new(Mutex::new(HashSet::new())),
                stop: Mutex::new(Arc::new(AtomicBool::new(false))),
                mounts: Mutex::new(MountTable::open()),
            }),
        }
    }

    /// The register the reads are noted in.
    pub fn activity(&self) -> &Activity {
        &self.inner.activity
    }

    /// Abandons reads in flight (and refuses new ones) once `flag` is set.
    pub fn stop_on(&self, flag: Arc<AtomicBool>) {
        *lock(&self.inner.stop) = flag;
    }

    /// [`read_document`] on a thread of the reader's, waiting while the read
    /// makes progress.
    pub fn read(&self, path: &Path, max_size: u64) -> Result<Document, IngestError> {
        let inner = &self.inner;
        let stop = Arc::clone(&*lock(&inner.stop));
        let stopped = || IngestError::Stopped {
            path: path.to_path_buf(),
        };
        if stop.load(Ordering::SeqCst) {
            return Err(stopped());
        }
        {
            let hanging = lock(&inner.hanging);
            let why = if hanging.contains(path) {
                "its last read has not returned yet"
            } else if hanging.len() >= MAX_HANGING {
                "too many reads hang (is a mount down?); not starting another"
            } else {
                ""
            };
            if !why.is_empty() {
                return Err(IngestError::Hanging {
                    path: path.to_path_buf(),
                    why,
                });
            }
        }
        let busy = inner.activity.begin(Step::Reading, Some(path));
        if lock(&inner.mounts).current().local(path) {
            let stamp = busy.stamp();
            return read_document_with(path, max_size, &|| stamp.touch());
        }
        let (reply, result) = mpsc::sync_channel(1);
        let fate = Arc::new(Mutex::new(Fate::Running));
        let job = Job {
            path: path.to_path_buf(),
            max_size,
            stamp: busy.stamp(),
            fate: Arc::clone(&fate),
            reply,
        };
        let worker = self.worker();
        if let Err(mpsc::SendError(job)) = worker.send(job) {
            // The thread is gone; read here rather than fail the file.
            return read_document(&job.path, job.max_size);
        }
        let poll = (inner.timeout / 4).clamp(Duration::from_millis(1), Duration::from_millis(50));
        loop {
            match result.recv_timeout(poll) {
                Ok(done) => {
                    let mut idle = lock(&inner.idle);
                    if idle.len() < 2 * workers() {
                        idle.push(worker);
                    }
                    return done;
                }
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(IngestError::Io {
                        path: path.to_path_buf(),
                        source: std::io::Error::other("the reading thread failed"),
                    })
                }
                Err(mpsc::RecvTimeoutError::Timeout) => {}
            }
            let waited = busy.stamp().idle();
            let abandon = if stop.load(Ordering::SeqCst) {
                Some(stopped())
            } else if waited >= inner.timeout {
                Some(IngestError::Stalled {
                    path: path.to_path_buf(),
                    waited,
                })
            } else {
                None
            };
            if let Some(err) = abandon {
                let mut fate = lock(&fate);
                if *fate == Fate::Returned {
                    // Just in time: the answer is on its way.
                    drop(fate);
                    if let Ok(done) = result.recv() {
                        return done;
                    }
                    return Err(err);
                }
                *fate = Fate::Abandoned;
                // The worker ends once its read returns: its queue is
                // dropped with `worker`, and the reply finds no one.
                lock(&inner.hanging).insert(path.to_path_buf());
                return Err(err);
            }
        }
    }

    fn worker(&self) -> mpsc::Sender<Job> {
        if let Some(worker) = lock(&self.inner.idle).pop() {
            return worker;
        }
        let (tx, jobs) = mpsc::channel::<Job>();
        let hanging = Arc::clone(&self.inner.hanging);
        let spawned = std::thread::Builder::new()
            .name("read".into())
            .spawn(move || {
                for job in jobs {
                    let stamp = job.stamp;
                    let done = read_document_with(&job.path, job.max_size, &|| stamp.touch());
                    let mut fate = lock(&job.fate);
                    if *fate == Fate::Abandoned {
                        lock(&hanging).remove(&job.path);
                    }
                    *fate = Fate::Returned;
                    drop(fate);
                    let _ = job.reply.send(done);
                }
            });
        if let Err(err) = spawned {
            tracing::warn!("cannot start a reading thread: {err}; reading in place");
        }
        tx
    }
}

/// How many threads do CPU work at once: one per core the process may use.
/// Asked once: the standard library reads the cgroup's files each time,
/// which cost 8% of a backlog ingest when asked per file.
pub(crate) fn workers() -> usize {
    static WORKERS: LazyLock<usize> =
        LazyLock::new(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    *WORKERS
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn special_files_are_refused_by_kind_without_blocking() {
        let tmp = tempfile::tempdir().expect("tmp");
        let fifo = tmp.path().join("p.txt");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        let sock = tmp.path().join("s.txt");
        let _listener = std::os::unix::net::UnixListener::bind(&sock).expect("bind");
        for (path, kind) in [
            (&fifo, Kind::NamedPipe),
            (&sock, Kind::Socket),
            (&PathBuf::from("/dev/null"), Kind::CharDevice),
        ] {
            match read_document(path, 1 << 20) {
                Err(IngestError::NotAFile { kind: k, .. }) => assert_eq!(k, kind),
                other => panic!("{}: {other:?}", path.display()),
            }
        }
        let err = read_document(&fifo, 1 << 20).unwrap_err().to_string();
        assert!(err.contains("named pipe, not a file"), "{err}");
        // A link is refused by the open itself: paths come resolved.
        let link = tmp.path().join("link.txt");
        std::os::unix::fs::symlink(&fifo, &link).expect("link");
        assert!(matches!(
            read_document(&link, 1 << 20),
            Err(IngestError::NotAFile {
                kind: Kind::Link,
                ..
            })
        ));
    }

    #[test]
    fn the_open_itself_does_not_wait_for_a_writer() {
        // Past the kind check, as when a FIFO is swapped in between the
        // check and the open: the descriptor's check refuses it.
        let tmp = tempfile::tempdir().expect("tmp");
        let fifo = tmp.path().join("p");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo");
        assert!(made.success());
        use rustix::fs::{Mode, OFlags};
        let flags = OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOFOLLOW | OFlags::NOCTTY;
        let fd = rustix::fs::open(&fifo, flags, Mode::empty()).expect("opens at once");
        let meta = File::from(fd).metadata().expect("fstat");
        assert_eq!(Kind::of(meta.file_type()), Some(Kind::NamedPipe));
    }

    #[test]
    fn a_reader_reads_regular_files_and_stops_when_told() {
        let tmp = tempfile::tempdir().expect("tmp");
        let path = tmp.path().join("a.txt");
        std::fs::write(&path, "Putin invited Zelensky to Moscow.").expect("write");
        let reader = Reader::new(Activity::default(), Duration::from_secs(5));
        let doc = reader.read(&path, 1 << 20).expect("read");
        assert_eq!(doc.bytes, b"Putin invited Zelensky to Moscow.");
        assert_eq!(reader.activity().stalled(Duration::ZERO), None);
        let stop = Arc::new(AtomicBool::new(true));
        reader.stop_on(stop);
        assert!(matches!(
            reader.read(&path, 1 << 20),
            Err(IngestError::Stopped { .. })
        ));
    }
}
