//! The ingest pipeline for one file: read -> decode -> extract -> store, with
//! one log line per article and per position change. Shared by `ingest` and
//! the daemon; file problems become outcomes, only database failures are
//! errors.

use std::path::{Path, PathBuf};

use tracing::{info, warn};

use crate::extract::Extractor;
use crate::ingest::{self, IngestError};
use crate::store::{Content, FileVersion, LeaderChange, Store, StoreError, Writer};

/// What ingesting one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// New content: an article with this many claims.
    New {
        /// Claims extracted.
        claims: usize,
    },
    /// Known content under a new name or path.
    Duplicate,
    /// Nothing new: the same file version was seen before.
    Unchanged,
    /// Not an article (or unreadable); recorded with the reason.
    Rejected(String),
    /// Not readable now (still being written, or gone); try again when it
    /// changes.
    Deferred(String),
}

/// Counts of outcomes, for `ingest`'s summary line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    /// New articles.
    pub new: usize,
    /// Unchanged files and duplicates.
    pub unchanged: usize,
    /// Rejected files.
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
            Outcome::Duplicate | Outcome::Unchanged => self.unchanged += 1,
            Outcome::Rejected(_) => self.rejected += 1,
            Outcome::Deferred(_) => self.deferred += 1,
        }
    }
}

/// One file's result, logged once its transaction has committed.
struct Ingested {
    path: PathBuf,
    outcome: Outcome,
    /// For new articles: the date and where it came from.
    dated: Option<(jiff::civil::Date, &'static str)>,
}

impl Ingested {
    fn log(&self) {
        match (&self.outcome, self.dated) {
            (Outcome::New { claims }, Some((date, source))) => info!(
                file = %self.path.display(),
                date = %date,
                date_source = source,
                claims,
                "ingested article"
            ),
            (Outcome::Duplicate, _) => info!(
                file = %self.path.display(),
                "same content as an article already ingested"
            ),
            (Outcome::Rejected(reason) | Outcome::Deferred(reason), _) => {
                warn!(file = %self.path.display(), "{reason}")
            }
            _ => {}
        }
    }
}

/// The store and the extractor, ready to ingest files.
#[derive(Debug)]
pub struct Pipeline {
    store: Store,
    extractor: Extractor,
    max_size: u64,
}

impl Pipeline {
    /// A pipeline writing to `store`.
    pub fn new(store: Store, extractor: Extractor, max_size: u64) -> Pipeline {
        Pipeline {
            store,
            extractor,
            max_size,
        }
    }

    /// The store, for queries.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Ingests one file and brings positions up to date, all in one
    /// transaction: the path for files arriving live.
    pub fn ingest(&mut self, path: &Path) -> Result<Outcome, StoreError> {
        let (extractor, max_size) = (&self.extractor, self.max_size);
        let (ingested, changes) = self.store.write(|w| {
            let ingested = ingest_one(w, extractor, max_size, path)?;
            let changes = w.derive()?;
            Ok((ingested, changes))
        })?;
        ingested.log();
        log_changes(&changes);
        Ok(ingested.outcome)
    }

    /// Ingests files in one transaction, stopping early when `stop` says so;
    /// positions are brought up to date later by [`Pipeline::derive`]. The
    /// path for catching up with a backlog: one commit for many articles,
    /// each still whole or absent.
    pub fn ingest_batch(
        &mut self,
        paths: &[PathBuf],
        stop: &dyn Fn() -> bool,
    ) -> Result<Vec<(PathBuf, Outcome)>, StoreError> {
        let (extractor, max_size) = (&self.extractor, self.max_size);
        let done = self.store.write(|w| {
            let mut done = Vec::with_capacity(paths.len());
            for path in paths {
                if stop() {
                    break;
                }
                done.push(ingest_one(w, extractor, max_size, path)?);
            }
            Ok(done)
        })?;
        Ok(done
            .into_iter()
            .map(|i| {
                i.log();
                (i.path, i.outcome)
            })
            .collect())
    }

    /// Brings every leader whose claims changed up to date; returns how many
    /// changes were added to the log.
    pub fn derive(&mut self) -> Result<usize, StoreError> {
        let changes = self.store.write(|w| w.derive())?;
        log_changes(&changes);
        Ok(changes.len())
    }
}

/// Reads one file and records it through `w`. File problems become outcomes;
/// only database failures are errors.
fn ingest_one(
    w: &mut Writer,
    extractor: &Extractor,
    max_size: u64,
    path: &Path,
) -> Result<Ingested, StoreError> {
    // Paths from a walk of the canonical folder are canonical already; only
    // links and relative paths need resolving (which costs a syscall per
    // path component, noticeable over a large rescan).
    let resolve = !path.is_absolute()
        || std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    let path = if resolve {
        std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
    } else {
        path.to_path_buf()
    };
    let key = path.to_string_lossy().into_owned();
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| key.clone());
    let done = |outcome, dated| {
        Ok(Ingested {
            path: path.clone(),
            outcome,
            dated,
        })
    };
    let reject = |w: &mut Writer, meta, err: IngestError| {
        let reason = err.to_string();
        w.reject(&key, meta, &reason)?;
        done(Outcome::Rejected(reason), None)
    };

    let meta = match ingest::stat(&path) {
        Ok(meta) => meta,
        Err(err) => return done(Outcome::Deferred(err.to_string()), None),
    };
    if w.is_unchanged(&key, meta)? {
        return done(Outcome::Unchanged, None);
    }
    let doc = match ingest::read_document(&path, max_size) {
        Ok(doc) => doc,
        Err(err @ IngestError::TooLarge { .. }) => return reject(w, meta, err),
        Err(IngestError::Io { source, path: p })
            if source.kind() == std::io::ErrorKind::PermissionDenied =>
        {
            // Recorded with a time no file has, so that the next event or
            // rescan tries again (a chmod changes no size or mtime).
            let retry = ingest::FileMeta {
                mtime_ns: -1,
                ..meta
            };
            return reject(w, retry, IngestError::Io { source, path: p });
        }
        Err(err) => return done(Outcome::Deferred(err.to_string()), None),
    };
    let file = FileVersion {
        path: &key,
        name: &name,
        meta: doc.meta,
        hash: &doc.hash,
    };
    if w.has_content(&doc.hash)? {
        w.record(&file, None)?;
        return done(Outcome::Duplicate, None);
    }
    let article = match ingest::decode(&doc) {
        Ok(article) => article,
        Err(err) => return reject(w, doc.meta, err),
    };
    let claims = extractor.extract(&article);
    w.record(
        &file,
        Some(Content {
            article: &article,
            claims: &claims,
        }),
    )?;
    done(
        Outcome::New {
            claims: claims.len(),
        },
        Some((article.date, article.date_source.as_str())),
    )
}

fn log_changes(changes: &[LeaderChange]) {
    for LeaderChange { leader, change } in changes {
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
