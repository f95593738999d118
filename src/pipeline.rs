//! The ingest pipeline for one file: read -> decode -> extract -> store, with
//! one log line per article and per position change. Shared by `ingest` and
//! the daemon; file problems become outcomes, only database failures are
//! errors.

use std::path::Path;

use tracing::{info, warn};

use crate::extract::Extractor;
use crate::ingest::{self, IngestError};
use crate::store::{Content, FileVersion, LeaderChange, Store, StoreError};

/// What ingesting one file did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// New content: an article with this many claims.
    New {
        /// Claims extracted.
        claims: usize,
        /// Changes added to the log.
        changes: usize,
    },
    /// Known content under a new name or path.
    Duplicate {
        /// Changes added to the log (a rename can move the article).
        changes: usize,
    },
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
    /// Changes added.
    pub changes: usize,
}

impl Tally {
    /// Counts one outcome.
    pub fn add(&mut self, outcome: &Outcome) {
        match outcome {
            Outcome::New { claims, changes } => {
                self.new += 1;
                self.claims += claims;
                self.changes += changes;
            }
            Outcome::Duplicate { changes } => {
                self.unchanged += 1;
                self.changes += changes;
            }
            Outcome::Unchanged => self.unchanged += 1,
            Outcome::Rejected(_) => self.rejected += 1,
            Outcome::Deferred(_) => self.deferred += 1,
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

    /// Ingests one file.
    pub fn ingest(&mut self, path: &Path) -> Result<Outcome, StoreError> {
        let path = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let key = path.to_string_lossy().into_owned();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| key.clone());

        let meta = match ingest::stat(&path) {
            Ok(meta) => meta,
            Err(err) => return Ok(deferred(&path, err)),
        };
        if self.store.is_unchanged(&key, meta)? {
            return Ok(Outcome::Unchanged);
        }
        let doc = match ingest::read_document(&path, self.max_size) {
            Ok(doc) => doc,
            Err(err @ IngestError::TooLarge { .. }) => return self.reject(&key, meta, err),
            Err(IngestError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::PermissionDenied =>
            {
                let err = IngestError::Io { path, source };
                // Recorded with a time no file has, so that the next event or
                // rescan tries again (a chmod changes no size or mtime).
                let retry = ingest::FileMeta {
                    mtime_ns: -1,
                    ..meta
                };
                return self.reject(&key, retry, err);
            }
            Err(err) => return Ok(deferred(&path, err)),
        };
        let file = FileVersion {
            path: &key,
            name: &name,
            meta: doc.meta,
            hash: &doc.hash,
        };
        if self.store.has_content(&doc.hash)? {
            let recorded = self.store.record(&file, None)?;
            log_changes(&recorded.changes);
            return Ok(Outcome::Duplicate {
                changes: recorded.changes.len(),
            });
        }
        let article = match ingest::decode(&doc) {
            Ok(article) => article,
            Err(err) => return self.reject(&key, doc.meta, err),
        };
        let claims = self.extractor.extract(&article);
        let recorded = self.store.record(
            &file,
            Some(Content {
                article: &article,
                claims: &claims,
            }),
        )?;
        info!(
            file = %path.display(),
            date = %article.date,
            date_source = article.date_source.as_str(),
            claims = claims.len(),
            changes = recorded.changes.len(),
            "ingested article"
        );
        log_changes(&recorded.changes);
        Ok(Outcome::New {
            claims: claims.len(),
            changes: recorded.changes.len(),
        })
    }

    fn reject(
        &mut self,
        key: &str,
        meta: ingest::FileMeta,
        err: IngestError,
    ) -> Result<Outcome, StoreError> {
        warn!(file = key, "{err}");
        let reason = err.to_string();
        self.store.reject(key, meta, &reason)?;
        Ok(Outcome::Rejected(reason))
    }
}

fn deferred(path: &Path, err: IngestError) -> Outcome {
    warn!(file = %path.display(), "{err}");
    Outcome::Deferred(err.to_string())
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
