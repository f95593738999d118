//! The ingest pipeline for one file: read -> decode -> extract -> store, with
//! one log line per article and per position change. Shared by `ingest` and
//! the daemon; file problems become outcomes, only database failures are
//! errors.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use tracing::{info, warn};

use crate::activity::{Activity, Step as Doing};
use crate::article::{Article, RejectReason};
use crate::diff::ChangeKind;
use crate::extract::{Claim, Extractor};
use crate::ingest::{self, Document, FileMeta, IngestError, Reader};
use crate::metrics::Metrics;
use crate::store::{Content, FileVersion, NewChange, Store, StoreError, Writer};

/// What ingesting one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// New content: an article with this many claims.
    New {
        /// Claims extracted.
        claims: usize,
    },
    /// A file of many articles (a feed, an export), read whole.
    Items {
        /// Items new to the database.
        new: usize,
        /// Items known already (unchanged since the last version read, or
        /// copies of an article held elsewhere).
        known: usize,
        /// Claims in the new items.
        claims: usize,
        /// Items that are not articles, each with its reason (a bad line).
        bad: Vec<String>,
    },
    /// Known content under a new name or path.
    Duplicate,
    /// Nothing new: the same file version was seen before.
    Unchanged,
    /// Not an article (or unreadable); recorded with the reason.
    Rejected {
        /// Which class of reason, for counting.
        kind: RejectKind,
        /// The reason, as logged and recorded.
        reason: String,
    },
    /// Not readable now (still being written, or gone); try again when it
    /// changes.
    Deferred(String),
    /// The read hung and was abandoned (or an earlier one still hangs):
    /// nothing recorded; try again after a while.
    Stalled(String),
}

/// Why a file was rejected, as a small fixed set of classes: what the
/// metrics count by, taken from the typed error where the rejection is made
/// (the message says the rest).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RejectKind {
    /// Binary content.
    Binary,
    /// Zero bytes, or only white space.
    Empty,
    /// In no supported encoding.
    Encoding,
    /// A known format that is not an article (PDF, images, archives).
    Unsupported,
    /// A supported format that does not parse.
    Malformed,
    /// Over the size limit.
    TooLarge,
    /// Not a regular file (a pipe, a socket, a device, a folder).
    NotAFile,
    /// Could not be read (permission denied).
    Unreadable,
    /// Anything else.
    Other,
}

impl RejectKind {
    /// Every class, in a fixed order.
    pub const ALL: [RejectKind; 9] = [
        RejectKind::Binary,
        RejectKind::Empty,
        RejectKind::Encoding,
        RejectKind::Unsupported,
        RejectKind::Malformed,
        RejectKind::TooLarge,
        RejectKind::NotAFile,
        RejectKind::Unreadable,
        RejectKind::Other,
    ];

    /// The class's name, as the metrics label it.
    pub fn as_str(self) -> &'static str {
        match self {
            RejectKind::Binary => "binary",
            RejectKind::Empty => "empty",
            RejectKind::Encoding => "encoding",
            RejectKind::Unsupported => "unsupported",
            RejectKind::Malformed => "malformed",
            RejectKind::TooLarge => "too_large",
            RejectKind::NotAFile => "not_a_file",
            RejectKind::Unreadable => "unreadable",
            RejectKind::Other => "other",
        }
    }
}

impl From<&RejectReason> for RejectKind {
    fn from(reason: &RejectReason) -> RejectKind {
        match reason {
            RejectReason::Empty => RejectKind::Empty,
            RejectReason::Binary => RejectKind::Binary,
            RejectReason::Undecodable => RejectKind::Encoding,
            RejectReason::Unsupported(_) => RejectKind::Unsupported,
            RejectReason::Malformed { .. } => RejectKind::Malformed,
        }
    }
}

impl From<&IngestError> for RejectKind {
    fn from(err: &IngestError) -> RejectKind {
        match err {
            IngestError::Rejected { reason, .. } => reason.into(),
            IngestError::TooLarge { .. } => RejectKind::TooLarge,
            IngestError::NotAFile { .. } => RejectKind::NotAFile,
            IngestError::Io { .. } => RejectKind::Unreadable,
            // Not rejections where they are made (deferred or stalled); a
            // class all the same, should one ever be recorded as one.
            IngestError::Changing { .. }
            | IngestError::Stalled { .. }
            | IngestError::Hanging { .. }
            | IngestError::Stopped { .. } => RejectKind::Other,
        }
    }
}

impl Outcome {
    /// Whether the file brought new articles.
    pub fn has_new(&self) -> bool {
        match self {
            Outcome::New { .. } => true,
            Outcome::Items { new, .. } => *new > 0,
            _ => false,
        }
    }
}

/// Counts of outcomes, for `ingest`'s summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// New articles.
    pub new: usize,
    /// Unchanged files and duplicates.
    pub unchanged: usize,
    /// Rejected files, and rejected items of files of many articles.
    pub rejected: usize,
    /// Deferred files.
    pub deferred: usize,
    /// Claims in new articles.
    pub claims: usize,
    /// Changes added to the log.
    pub changes: usize,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::New { claims } => {
                self.new += 1;
                self.claims += claims;
            }
            Outcome::Items {
                new,
                known,
                claims,
                bad,
            } => {
                self.new += new;
                self.unchanged += known;
                self.claims += claims;
                self.rejected += bad.len();
            }
            Outcome::Duplicate | Outcome::Unchanged => self.unchanged += 1,
            Outcome::Rejected { .. } => self.rejected += 1,
            Outcome::Deferred(_) | Outcome::Stalled(_) => self.deferred += 1,
        }
    }
}

/// One file's result, logged once its transaction has committed.
struct Ingested {
    path: PathBuf,
    outcome: Outcome,
    /// The new articles: item id (for a file of many), date, where the
    /// date came from, claims.
    new: Vec<NewArticle>,
}

/// A new article, for its log line.
struct NewArticle {
    item: Option<String>,
    date: jiff::civil::Date,
    date_source: &'static str,
    claims: usize,
}

impl Ingested {
    fn log(&self) {
        for a in &self.new {
            info!(
                file = %self.path.display(),
                item = a.item.as_deref(),
                date = %a.date,
                date_source = a.date_source,
                claims = a.claims,
                "ingested article"
            );
        }
        match &self.outcome {
            Outcome::Items {
                new, known, bad, ..
            } => {
                for reason in bad {
                    warn!(file = %self.path.display(), "{reason}");
                }
                info!(
                    file = %self.path.display(),
                    new,
                    known,
                    rejected = bad.len(),
                    "read a file of {} articles",
                    new + known + bad.len()
                );
            }
            Outcome::Duplicate => info!(
                file = %self.path.display(),
                "same content as an article already ingested"
            ),
            Outcome::Rejected { reason, .. }
            | Outcome::Deferred(reason)
            | Outcome::Stalled(reason) => {
                warn!(file = %self.path.display(), "{reason}")
            }
            Outcome::New { .. } | Outcome::Unchanged => {}
        }
    }
}

/// The store and the extractor, ready to ingest files.
#[derive(Debug)]
pub struct Pipeline {
    store: Store,
    extractor: Extractor,
    max_size: u64,
    reader: Reader,
    metrics: Metrics,
}

impl Pipeline {
    /// A pipeline writing to `store`, abandoning reads after
    /// [`ingest::DEFAULT_READ_TIMEOUT`] without progress.
    pub fn new(store: Store, extractor: Extractor, max_size: u64) -> Pipeline {
        Pipeline {
            store,
            extractor,
            max_size,
            reader: Reader::new(Activity::default(), ingest::DEFAULT_READ_TIMEOUT),
            metrics: Metrics::new(),
        }
    }

    /// Counts what the pipeline does in `metrics` (by default, metrics of
    /// its own that nobody reads).
    pub fn set_metrics(&mut self, metrics: Metrics) {
        self.metrics = metrics;
    }

    /// The metrics the pipeline counts in.
    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    /// Abandons reads after `timeout` without progress.
    pub fn set_read_timeout(&mut self, timeout: std::time::Duration) {
        self.reader = Reader::new(self.activity().clone(), timeout);
    }

    /// The files' reader, to stop its reads on shutdown.
    pub fn reader(&self) -> &Reader {
        &self.reader
    }

    /// Where the pipeline notes each step in flight (reads and
    /// transactions), for the watchdog.
    pub fn activity(&self) -> &Activity {
        self.reader.activity()
    }

    /// The store, for queries.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The store, for settings.
    pub fn store_mut(&mut self) -> &mut Store {
        &mut self.store
    }

    /// Ingests one file, then brings positions up to date: the path for
    /// files arriving live. The article is one transaction, so its claims
    /// are queryable as soon as it commits; derivation follows at once in a
    /// second one. The leaders the article marked for derivation are marked
    /// in the first, so a crash between the two loses nothing: the next
    /// start derives them. Derivation resumes from the article's place in
    /// the timeline and stops where the position is again what the change
    /// log says, so even an article dated years back costs little.
    pub fn ingest(&mut self, path: &Path) -> Result<Outcome, StoreError> {
        self.ingest_from(path, None)
    }

    /// [`Pipeline::ingest`] for a live file the daemon took off its queue
    /// at `taken`: the time from then to the commit of the file's new
    /// articles is observed as the ingest latency.
    pub fn ingest_live(&mut self, path: &Path, taken: Instant) -> Result<Outcome, StoreError> {
        self.ingest_from(path, Some(taken))
    }

    fn ingest_from(&mut self, path: &Path, taken: Option<Instant>) -> Result<Outcome, StoreError> {
        let activity = self.reader.activity().clone();
        // From the stat on: on a dead mount, a stat hangs as a read does.
        let checking = activity.begin(Doing::Checking, Some(path));
        let file = FileRef::new(path);
        let unchanged = self.store.is_unchanged(&file.key, file.meta)?;
        drop(checking);
        let step = match unchanged {
            true => Step::Done(Outcome::Unchanged),
            false => prepare(&file, &self.extractor, self.max_size, &self.reader),
        };
        let recording = activity.begin(Doing::Recording, Some(&file.path));
        let ingested = self.store.write(|w| record(w, file, step))?;
        drop(recording);
        if let Some(taken) = taken.filter(|_| ingested.outcome.has_new()) {
            self.metrics.observe_ingest_latency(taken.elapsed());
        }
        self.metrics.record_outcome(&ingested.outcome);
        ingested.log();
        let deriving = activity.begin(Doing::Deriving, Some(&ingested.path));
        let started = Instant::now();
        let changes = self.store.write(|w| {
            let mut changes = Vec::new();
            w.derive(&mut |c| {
                deriving.progress();
                changes.push(c)
            })?;
            Ok(changes)
        })?;
        drop(deriving);
        self.metrics.observe_derive(started.elapsed());
        self.metrics.record_changes(&changes);
        log_changes(&changes);
        Ok(ingested.outcome)
    }

    /// Starts a backlog batch: notes which of `paths` were seen before
    /// with the same metadata (nothing to read), leaving the rest for
    /// [`Pipeline::overlap`].
    pub fn batch(&self, paths: &[PathBuf]) -> Result<Batch, StoreError> {
        let _checking = self
            .activity()
            .begin(Doing::Checking, paths.first().map(PathBuf::as_path));
        let files: Vec<FileRef> = paths.iter().map(|p| FileRef::new(p)).collect();
        let unchanged = self
            .store
            .are_unchanged(files.iter().map(|f| (f.key.as_str(), f.meta)))?;
        Ok(Batch {
            steps: unchanged
                .into_iter()
                .map(|u| u.then_some(Step::Done(Outcome::Unchanged)))
                .collect(),
            files,
        })
    }

    /// The backlog path: writes `previous` in one transaction (one commit for
    /// many articles, each still whole or absent) while every core reads,
    /// decodes and extracts the files of `next`, so that the database work
    /// of one batch overlaps the reading of the following one. Stops early
    /// when `stop` says so; what was not written stays for next time.
    /// Positions are brought up to date later by [`Pipeline::derive`].
    /// Returns what writing `previous` did.
    pub fn overlap(
        &mut self,
        previous: Option<Batch>,
        next: &mut Batch,
        stop: &(dyn Fn() -> bool + Sync),
    ) -> Result<Vec<(PathBuf, Outcome)>, StoreError> {
        let Pipeline {
            store,
            extractor,
            max_size,
            reader,
            metrics,
        } = self;
        let (extractor, max_size, reader) = (&*extractor, *max_size, &*reader);
        let todo: Vec<usize> = (0..next.files.len())
            .filter(|&i| next.steps[i].is_none())
            .collect();
        let workers = ingest::workers();
        let files = &next.files;
        // Workers take files one at a time rather than a fixed share each:
        // a worker the scheduler starves (the writer, a busy server) then
        // holds back one file, not half the batch. Claiming in order also
        // keeps what is prepared at shutdown a prefix of the batch.
        let claimed = AtomicUsize::new(0);
        let (written, prepared) = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers.min(todo.len()).max(1))
                .map(|_| {
                    scope.spawn(|| {
                        let mut done = Vec::new();
                        while !stop() {
                            let Some(&i) = todo.get(claimed.fetch_add(1, Ordering::Relaxed)) else {
                                break;
                            };
                            done.push((i, prepare(&files[i], extractor, max_size, reader)));
                        }
                        done
                    })
                })
                .collect();
            let written = match previous {
                Some(batch) => {
                    let first = batch.files.first().map(|f| f.path.clone());
                    let recording = reader.activity().begin(Doing::Recording, first.as_deref());
                    store.write(|w| {
                        let mut done = Vec::with_capacity(batch.files.len());
                        for (file, step) in batch.files.into_iter().zip(batch.steps) {
                            // Unprepared means shutdown came first: it stays
                            // for next time.
                            let Some(step) = step.filter(|_| !stop()) else {
                                break;
                            };
                            done.push(record(w, file, step)?);
                            recording.progress();
                        }
                        Ok(done)
                    })
                }
                None => Ok(Vec::new()),
            };
            let prepared: Vec<(usize, Step)> = handles
                .into_iter()
                .flat_map(|h| h.join().unwrap_or_default())
                .collect();
            (written, prepared)
        });
        for (i, step) in prepared {
            next.steps[i] = Some(step);
        }
        Ok(written?
            .into_iter()
            .map(|i| {
                metrics.record_outcome(&i.outcome);
                i.log();
                (i.path, i.outcome)
            })
            .collect())
    }

    /// Brings every leader whose claims changed up to date; returns how many
    /// changes were added to the log.
    pub fn derive(&mut self) -> Result<usize, StoreError> {
        // Logged as derived, before the commit: after a large catch-up there
        // can be more changes than are worth holding. Should the commit
        // fail, its error follows in the log and the derivation is retried.
        let deriving = self.reader.activity().begin(Doing::Deriving, None);
        let started = Instant::now();
        // Counted once committed.
        let (mut new, mut reversed) = (0, 0);
        let added = self.store.write(|w| {
            w.derive(&mut |c| {
                deriving.progress();
                match c.change.kind {
                    ChangeKind::New => new += 1,
                    ChangeKind::Reversed => reversed += 1,
                }
                log_changes(std::slice::from_ref(&c))
            })
        })?;
        self.metrics.observe_derive(started.elapsed());
        self.metrics.record_changes_of(ChangeKind::New, new);
        self.metrics
            .record_changes_of(ChangeKind::Reversed, reversed);
        Ok(added)
    }
}

/// Files of a backlog batch, each unchanged or read, waiting to be written
/// by [`Pipeline::overlap`].
#[derive(Default)]
pub struct Batch {
    files: Vec<FileRef>,
    /// `None` until read (or when shutdown came first).
    steps: Vec<Option<Step>>,
}

impl Batch {
    /// The batch's files, to try again should writing it fail.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.files.iter().map(|f| f.path.clone()).collect()
    }

    /// Whether the batch has no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

/// A file named for ingestion: its canonical path, its key in the store, its
/// name and its metadata (or why there is none).
struct FileRef {
    path: PathBuf,
    key: String,
    name: String,
    meta: FileMeta,
    stat_error: Option<String>,
}

impl FileRef {
    fn new(path: &Path) -> FileRef {
        // Paths from a walk of the canonical folder are canonical already;
        // only links and relative paths need resolving (which costs a
        // syscall per path component, noticeable over a large rescan).
        // For a plain file, lstat is stat: one syscall serves both.
        let lstat = ingest::lstat(path).ok().filter(|_| path.is_absolute());
        let path = match lstat {
            Some(_) => path.to_path_buf(),
            None => std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf()),
        };
        let key = path.to_string_lossy().into_owned();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| key.clone());
        let stat = match lstat {
            Some(meta) => Ok(meta),
            None => ingest::stat(&path),
        };
        let (meta, stat_error) = match stat {
            Ok(meta) => (meta, None),
            // A sentinel no file has, so nothing matches it as unchanged.
            Err(err) => (
                FileMeta {
                    size: 0,
                    mtime_ns: -1,
                    inode: 0,
                },
                Some(err.to_string()),
            ),
        };
        FileRef {
            path,
            key,
            name,
            meta,
            stat_error,
        }
    }
}

/// What reading a file came to, before anything is written.
enum Step {
    /// Nothing to record.
    Done(Outcome),
    /// Not an article: record the rejection with this metadata.
    Reject(FileMeta, IngestError),
    /// Read: the content, and its articles with their claims unless it
    /// does not decode.
    Read(Document, Result<Vec<Prepared>, IngestError>),
}

/// One article of a file that was read, extracted.
struct Prepared {
    /// Its id inside a file of many; `None` when the file is one article.
    item: Option<String>,
    /// The bytes it is kept as, when not the file's own (an item's).
    raw: Option<Vec<u8>>,
    /// The hash of those bytes (the file's, when it is one article).
    hash: [u8; 32],
    parsed: Result<(Article, Vec<Claim>), RejectReason>,
}

/// Reads, decodes and extracts one file: no database, so it runs on any
/// thread.
fn prepare(file: &FileRef, extractor: &Extractor, max_size: u64, reader: &Reader) -> Step {
    if let Some(err) = &file.stat_error {
        return Step::Done(Outcome::Deferred(err.clone()));
    }
    let doc = match reader.read(&file.path, max_size) {
        Ok(doc) => doc,
        Err(err @ (IngestError::TooLarge { .. } | IngestError::NotAFile { .. })) => {
            return Step::Reject(file.meta, err)
        }
        Err(err @ (IngestError::Stalled { .. } | IngestError::Hanging { .. })) => {
            return Step::Done(Outcome::Stalled(err.to_string()))
        }
        Err(IngestError::Io { source, path })
            if source.kind() == std::io::ErrorKind::PermissionDenied =>
        {
            // Recorded with a time no file has, so that the next event or
            // rescan tries again (a chmod changes no size or mtime).
            let retry = FileMeta {
                mtime_ns: -1,
                ..file.meta
            };
            return Step::Reject(retry, IngestError::Io { source, path });
        }
        Err(err) => return Step::Done(Outcome::Deferred(err.to_string())),
    };
    let parsed = ingest::decode(&doc).map(|entries| {
        entries
            .into_iter()
            .map(|entry| Prepared {
                hash: entry.raw.as_deref().map_or(doc.hash, ingest::hash),
                item: entry.item,
                raw: entry.raw,
                parsed: entry.article.map(|article| {
                    let claims = extractor.extract(&article);
                    (article, claims)
                }),
            })
            .collect()
    });
    Step::Read(doc, parsed)
}

/// Records a prepared file through `w`.
fn record(w: &mut Writer, file: FileRef, step: Step) -> Result<Ingested, StoreError> {
    let done = |outcome, new| Ingested {
        path: file.path.clone(),
        outcome,
        new,
    };
    let reject = |w: &mut Writer, meta, err: IngestError| -> Result<Ingested, StoreError> {
        let reason = err.to_string();
        w.reject(&file.key, meta, &reason)?;
        let kind = RejectKind::from(&err);
        Ok(done(Outcome::Rejected { kind, reason }, Vec::new()))
    };
    let (doc, parsed) = match step {
        Step::Done(outcome) => return Ok(done(outcome, Vec::new())),
        Step::Reject(meta, err) => return reject(w, meta, err),
        Step::Read(doc, parsed) => (doc, parsed),
    };
    let whole = FileVersion {
        path: &file.key,
        item: "",
        name: &file.name,
        meta: doc.meta,
        hash: &doc.hash,
    };
    if w.has_content(&doc.hash)? {
        w.record(&whole, None)?;
        return Ok(done(Outcome::Duplicate, Vec::new()));
    }
    let mut prepared = match parsed {
        Err(err) => return reject(w, doc.meta, err),
        Ok(prepared) => prepared,
    };
    let single = matches!(prepared.as_slice(), [Prepared { item: None, .. }]);
    match prepared.pop() {
        Some(one) if single => match one.parsed {
            Err(reason) => reject(
                w,
                doc.meta,
                IngestError::Rejected {
                    path: file.path.clone(),
                    reason,
                },
            ),
            Ok((article, claims)) => {
                w.record(
                    &whole,
                    Some(Content {
                        raw: &doc.bytes,
                        article: &article,
                        claims: &claims,
                    }),
                )?;
                let new = NewArticle {
                    item: None,
                    date: article.date,
                    date_source: article.date_source.as_str(),
                    claims: claims.len(),
                };
                Ok(done(
                    Outcome::New {
                        claims: claims.len(),
                    },
                    vec![new],
                ))
            }
        },
        last => {
            prepared.extend(last);
            record_items(w, &file, &doc, prepared).map(|(outcome, new)| done(outcome, new))
        }
    }
}

/// Records the items of a file of many articles, and the file version as
/// read whole. A bad item is named in the file's rejection entry (so that
/// `status` shows it) while the others are recorded.
fn record_items(
    w: &mut Writer,
    file: &FileRef,
    doc: &Document,
    prepared: Vec<Prepared>,
) -> Result<(Outcome, Vec<NewArticle>), StoreError> {
    let total = prepared.len();
    let (mut known, mut claims_found) = (0, 0);
    let mut new = Vec::new();
    let mut bad = Vec::new();
    for p in prepared {
        let item = p.item.unwrap_or_default();
        let (article, claims) = match p.parsed {
            Ok(parsed) => parsed,
            Err(reason) => {
                bad.push(format!("rejected item {item}: {reason}"));
                continue;
            }
        };
        let name = format!("{}#{item}", file.name);
        let version = FileVersion {
            path: &file.key,
            item: &item,
            name: &name,
            meta: doc.meta,
            hash: &p.hash,
        };
        if w.has_content(&p.hash)? {
            w.record(&version, None)?;
            known += 1;
            continue;
        }
        w.record(
            &version,
            Some(Content {
                raw: p.raw.as_deref().unwrap_or(&doc.bytes),
                article: &article,
                claims: &claims,
            }),
        )?;
        claims_found += claims.len();
        new.push(NewArticle {
            item: Some(item),
            date: article.date,
            date_source: article.date_source.as_str(),
            claims: claims.len(),
        });
    }
    w.record_source(&file.key, doc.meta, total - bad.len())?;
    if !bad.is_empty() {
        let reason = format!(
            "{} of {total} items are not articles: {}",
            bad.len(),
            bad.join("; ")
        );
        w.reject(&file.key, doc.meta, &reason)?;
    }
    let outcome = Outcome::Items {
        new: new.len(),
        known,
        claims: claims_found,
        bad,
    };
    Ok((outcome, new))
}

fn log_changes(changes: &[NewChange]) {
    for NewChange { leader, change } in changes {
        info!(
            leader = %leader,
            venue = %change.venue,
            from = change.from.map(|s| s.as_str()).unwrap_or("none"),
            to = change.to.as_str(),
            article = %change.article,
            date = %change.date,
            "position {}: {leader} {} -> {} on {}",
            change.kind.as_str(),
            change.from.map(|s| s.as_str()).unwrap_or("none"),
            change.to.as_str(),
            change.venue,
        );
    }
}
