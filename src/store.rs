//! The store: venuewatch's SQLite database. The only module that imports
//! `rusqlite`; rows become domain types here and nowhere else.
//!
//! Every file version is written in one transaction together with the
//! positions and changes re-derived from it, so a crash leaves either the
//! whole article or none of it; with the outbox on, the alerts for new
//! changes are written in that same transaction. An article keeps the bytes
//! it was read from, so that `reindex` can read it again with other rules; a
//! reindex replaces claims and compares the change log before and after in
//! one transaction, which a dry run rolls back.

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use jiff::civil::Date;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::article::{Article, DateSource};
use crate::diff::{self, Change, ChangeKind, Derived, Position, Replay, Report, ReportClaim};
use crate::extract::{Claim, Stance};
use crate::ingest::FileMeta;

mod derive;

use derive::{derive_leader, reports, Stretch};

/// Schema migrations, applied in order; `PRAGMA user_version` counts how many
/// have run. Append, never edit.
const MIGRATIONS: &[&str] = &[
    include_str!("../migrations/0001_init.sql"),
    include_str!("../migrations/0002_article_text.sql"),
    include_str!("../migrations/0003_outbox.sql"),
    include_str!("../migrations/0004_changes_clustered.sql"),
    include_str!("../migrations/0005_items.sql"),
    include_str!("../migrations/0006_change_events.sql"),
];

/// WAL pages between checkpoints while catching up: 256 MiB of log at 4 KiB
/// pages. The fewer the checkpoints, the fewer times a page written by many
/// batches (an index's) is copied into the database: at 100,000 articles
/// this is 10% of the catch-up's time against a 64 MiB log. The log file
/// shrinks back to [`WAL_SIZE_LIMIT`] when it next restarts.
pub const BACKLOG_CHECKPOINT_PAGES: u32 = 65_536;

/// SQLite's page cache, in KiB when negative: 8 MiB, enough to keep the
/// indexes' upper levels hot during a large catch-up, small enough for a
/// flat memory footprint.
const CACHE_SIZE: i64 = -8192;

/// The indexes a bulk load builds at its end (see [`Store::set_backlog`]),
/// with the statements that build them: those of migration 0001, made
/// idempotent.
const BULK_INDEXES: [(&str, &str); 2] = [
    (
        "claims_timeline",
        "CREATE INDEX IF NOT EXISTS claims_timeline ON claims(leader, historical, date, name, hash, seq)",
    ),
    (
        "articles_order",
        "CREATE INDEX IF NOT EXISTS articles_order ON articles(date, name, hash)",
    ),
];

/// The size the WAL file is cut back to once checkpointed (bytes).
const WAL_SIZE_LIMIT: i64 = 64 << 20;

/// The database file name inside the state folder.
pub const DB_FILE: &str = "venuewatch.db";

/// What went wrong with the database.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be opened or prepared.
    #[error("cannot open database {path}: {source} (check that the state folder exists, is writable and holds a venuewatch database)")]
    Open {
        /// The database file.
        path: PathBuf,
        /// The SQLite error.
        source: rusqlite::Error,
    },
    /// A read-only connection found a database that needs upgrading first.
    #[error("database {path} has schema version {found}, older than this venuewatch's ({known}); run `venuewatch ingest` or `venuewatch watch` on it once to upgrade it")]
    TooOld {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: usize,
        /// The version this build writes.
        known: usize,
    },
    /// The database was written by a newer venuewatch.
    #[error("database {path} has schema version {found}, newer than this venuewatch knows ({known}); upgrade venuewatch")]
    TooNew {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        found: usize,
        /// The newest this build knows.
        known: usize,
    },
    /// A query or write failed.
    #[error("database error: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// A stored value could not be read back.
    #[error("database holds an invalid value: {0}")]
    Invalid(String),
}

impl StoreError {
    /// Whether another connection held the database's lock past the busy
    /// timeout: a reason to try again later, not to give up.
    pub fn is_busy(&self) -> bool {
        let (StoreError::Open { source, .. } | StoreError::Sqlite(source)) = self else {
            return false;
        };
        matches!(
            source.sqlite_error_code(),
            Some(rusqlite::ErrorCode::DatabaseBusy | rusqlite::ErrorCode::DatabaseLocked)
        )
    }
}

/// A file and the content it holds.
#[derive(Debug, Clone)]
pub struct FileVersion<'a> {
    /// The file's canonical path.
    pub path: &'a str,
    /// The article's id inside a file of many (a feed item's), `""` when
    /// the file is one article.
    pub item: &'a str,
    /// Its name, used as the article's name (for an item, the file's name
    /// and the item's id).
    pub name: &'a str,
    /// Its metadata when read.
    pub meta: FileMeta,
    /// The content hash (BLAKE3, 32 bytes).
    pub hash: &'a [u8],
}

/// A new content version's reading.
#[derive(Debug, Clone, Copy)]
pub struct Content<'a> {
    /// The file's bytes as read, kept so that the article can be read again.
    pub raw: &'a [u8],
    /// The decoded article.
    pub article: &'a Article,
    /// Its claims.
    pub claims: &'a [Claim],
}

/// The text a stored article was read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredText {
    /// The file's bytes as read.
    Raw(Vec<u8>),
    /// Only the reader's output, in [`StoredArticle::article`]'s body: the
    /// article was ingested before raw bytes were kept (schema version 1).
    BodyOnly,
}

/// A stored article with what reading it again needs.
#[derive(Debug, Clone)]
pub struct StoredArticle {
    /// The article's row id.
    pub id: i64,
    /// Its name (the smallest name of the files holding it).
    pub name: String,
    /// Its content hash.
    pub hash: Vec<u8>,
    /// The reading stored now: date, date source, title (the body is empty
    /// unless `text` is [`StoredText::BodyOnly`]).
    pub article: Article,
    /// The text it was read from.
    pub text: StoredText,
    /// The date to use when the text states none: the stored date when it
    /// came from a file's modification time already, else the modification
    /// date of the file the article is named after.
    pub fallback_date: Date,
    /// The files holding it now, by name; listed only for a
    /// [`StoredText::BodyOnly`] article, whose bytes they may still hold.
    pub paths: Vec<String>,
}

/// A new reading of a stored article, for [`Writer::reread`].
#[derive(Debug, Clone, Copy)]
pub struct Reading<'a> {
    /// The article as read now.
    pub article: &'a Article,
    /// Its claims.
    pub claims: &'a [Claim],
    /// Raw bytes to keep from now on, for an article that had none stored.
    pub raw: Option<&'a [u8]>,
}

/// What [`Writer::reread`] changed for one article.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reread {
    /// Whether anything stored changed: date, date source, title, claims or
    /// their evidence.
    pub rewritten: bool,
    /// Claims (by leader, stance, venue and whether historical) the new
    /// reading has and the stored one had not.
    pub added: Vec<Claim>,
    /// Claims the stored reading had and the new one has not.
    pub removed: Vec<Claim>,
    /// The stored date, when the new reading dates the article differently.
    pub old_date: Option<Date>,
}

/// Where a report came from, so that a person can follow a claim to the
/// original: the file, the item inside a file of many, the article's
/// address and headline, each when known.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Source {
    /// The path of the file holding the article (the first by name, when
    /// several hold the same content).
    pub file: Option<String>,
    /// The article's id inside that file, for a file of many.
    pub item: Option<String>,
    /// The article's own address.
    pub url: Option<String>,
    /// Its headline.
    pub title: Option<String>,
}

/// A change with its leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderChange {
    /// The leader id.
    pub leader: String,
    /// The change.
    pub change: Change,
    /// Where the report that made it came from.
    pub source: Source,
}

/// A change a derivation added to the log, as it is added. Without its
/// source: finding where each report came from is a lookup per change
/// (the article, then its files) that would be a quarter of a large
/// catch-up's derivation, for callers that only count and log changes.
/// The change log's queries give the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewChange {
    /// The leader id.
    pub leader: String,
    /// The change.
    pub change: Change,
}

/// A position with its leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderPosition {
    /// The leader id.
    pub leader: String,
    /// The position.
    pub position: Position,
    /// Where the report that set it came from.
    pub source: Source,
}

/// A rejected file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    /// The file.
    pub path: String,
    /// Why.
    pub reason: String,
    /// When (RFC 3339).
    pub at: String,
}

/// Row counts, for `status` and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Distinct article contents.
    pub articles: u64,
    /// Files known.
    pub files: u64,
    /// Claims.
    pub claims: u64,
    /// Current positions.
    pub positions: u64,
    /// Changes in the log.
    pub changes: u64,
    /// Rejected files.
    pub rejected: u64,
}

/// A change waiting in the outbox to be announced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Alert {
    /// The outbox row: delivery order.
    pub id: i64,
    /// The idempotency key: the same for the same change, however often it
    /// is derived; see [`alert_key`].
    pub key: String,
    /// The change as it was when it was added to the log.
    pub change: LeaderChange,
    /// Attempts so far (all failed: it is still pending).
    pub attempts: u32,
}

/// Outbox row counts, for `status`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxCounts {
    /// Alerts not delivered yet.
    pub pending: u64,
    /// Alerts delivered (acknowledged by the notifier).
    pub delivered: u64,
}

/// Which changes to list, and how many. Changes come in timeline order
/// (date, article, its hash, leader, place in the report), which is also
/// the order cursors page through.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangeFilter {
    /// Only this leader.
    pub leader: Option<String>,
    /// Only changes dated on or after this day.
    pub since: Option<Date>,
    /// Only changes dated on or before this day.
    pub until: Option<Date>,
    /// Only changes of the position on this venue.
    pub venue: Option<String>,
    /// Only changes to this stance.
    pub stance: Option<Stance>,
    /// Only changes of this kind.
    pub kind: Option<ChangeKind>,
    /// Only changes whose evidence contains this text (ASCII letters
    /// compared without case).
    pub text: Option<String>,
    /// Only changes after this one (a page's [`ChangePage::next`]).
    pub after: Option<Cursor>,
    /// At most this many.
    pub limit: Option<usize>,
}

/// Where a page of changes ended: the timeline key of its last change,
/// written as an opaque token of letters and digits for URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    date: String,
    article: String,
    hash: Vec<u8>,
    leader: String,
    seq: i64,
}

impl fmt::Display for Cursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.date, self.article, self.leader, self.seq
        );
        for b in key.as_bytes().iter().chain(&[0x1e]).chain(&self.hash) {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl std::str::FromStr for Cursor {
    type Err = String;

    fn from_str(s: &str) -> Result<Cursor, String> {
        let bad = || "not a cursor this server gave".to_string();
        if !s.len().is_multiple_of(2) || s.len() > 8192 {
            return Err(bad());
        }
        let bytes: Vec<u8> = (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(s.get(i..i + 2).ok_or_else(bad)?, 16).map_err(|_| bad()))
            .collect::<Result<_, _>>()?;
        let split = bytes.iter().position(|&b| b == 0x1e).ok_or_else(bad)?;
        let key = std::str::from_utf8(&bytes[..split]).map_err(|_| bad())?;
        let mut parts = key.split('\u{1f}');
        let mut next = || parts.next().map(str::to_owned).ok_or_else(bad);
        let (date, article, leader, seq) = (next()?, next()?, next()?, next()?);
        Ok(Cursor {
            date,
            article,
            leader,
            seq: seq.parse().map_err(|_| bad())?,
            hash: bytes[split + 1..].to_vec(),
        })
    }
}

/// A page of the change log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangePage {
    /// The changes, in timeline order.
    pub changes: Vec<LeaderChange>,
    /// Where the next page starts, when the limit cut this one short.
    pub next: Option<Cursor>,
}

/// A change as it was found, for a live page: its place in the order
/// changes were found (the event id) and the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeEvent {
    /// Grows with each change found; never reused.
    pub id: i64,
    /// The change.
    pub change: LeaderChange,
}

/// The database.
#[derive(Debug)]
pub struct Store {
    conn: Connection,
    /// Whether derivation enqueues an alert for each new change.
    outbox: bool,
}

impl Store {
    /// Opens (creating if needed) the database at `path` and applies
    /// migrations.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let conn = Connection::open(path).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_err)?;
        // WAL lets readers (the CLI) query while the daemon writes.
        conn.pragma_update(None, "journal_mode", "WAL")
            .map_err(open_err)?;
        Store::prepare(conn, path)
    }

    /// For a process that only queries: reads pages through a memory map
    /// of the database instead of copying each through a read call (a
    /// leader's change log is thousands of pages). Not for the daemon: the
    /// pages it touches would count as its memory.
    pub fn map_for_queries(&self) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "mmap_size", 1i64 << 30)?;
        Ok(())
    }

    /// Opens an existing database for reading only (a server's
    /// connection): it never writes, migrates or takes the write lock, so
    /// it can never hold up ingestion.
    pub fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        use rusqlite::OpenFlags;
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(open_err)?;
        conn.busy_timeout(Duration::from_secs(5))
            .map_err(open_err)?;
        conn.pragma_update(None, "query_only", true)
            .map_err(open_err)?;
        // No memory map: in the daemon's process (`watch --listen`) the
        // pages a reader touched would count as the daemon's memory.
        let found: usize = conn
            .pragma_query_value(None, "user_version", |r| r.get(0))
            .map_err(open_err)?;
        let known = MIGRATIONS.len();
        if found > known {
            return Err(StoreError::TooNew {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        if found < known {
            return Err(StoreError::TooOld {
                path: path.to_path_buf(),
                found,
                known,
            });
        }
        Ok(Store {
            conn,
            outbox: false,
        })
    }

    /// One stored article with its claims, by row id.
    pub fn article(&self, id: i64) -> Result<Option<ArticleView>, StoreError> {
        let head = self
            .conn
            .prepare_cached(&format!(
                "SELECT a.name, a.date, a.date_source, {SOURCE_COLUMNS} FROM articles a WHERE a.id = ?1"
            ))?
            .query_row([id], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    source_at(r, 3)?,
                ))
            })
            .optional()?;
        let Some((name, date, date_source, source)) = head else {
            return Ok(None);
        };
        let mut stmt = self.conn.prepare_cached(
            "SELECT leader, stance, venue, evidence, speaker, historical FROM claims
             WHERE article_id = ?1 ORDER BY seq",
        )?;
        let mut rows = stmt.query([id])?;
        let mut claims = Vec::new();
        while let Some(r) = rows.next()? {
            claims.push(Claim {
                leader: r.get(0)?,
                stance: parse_stance(&r.get::<_, String>(1)?)?,
                venue: r.get(2)?,
                evidence: r.get(3)?,
                speaker: r.get(4)?,
                historical: r.get(5)?,
            });
        }
        Ok(Some(ArticleView {
            id,
            name,
            date: parse_date(&date)?,
            date_source,
            source,
            claims,
        }))
    }

    /// An in-memory database, for tests.
    pub fn in_memory() -> Result<Store, StoreError> {
        let conn = Connection::open_in_memory()?;
        Store::prepare(conn, Path::new(":memory:"))
    }

    fn prepare(mut conn: Connection, path: &Path) -> Result<Store, StoreError> {
        let open_err = |source| StoreError::Open {
            path: path.to_path_buf(),
            source,
        };
        conn.pragma_update(None, "foreign_keys", "ON")
            .map_err(open_err)?;
        conn.pragma_update(None, "synchronous", "FULL")
            .map_err(open_err)?;
        conn.pragma_update(None, "cache_size", CACHE_SIZE)
            .map_err(open_err)?;
        conn.pragma_update(None, "journal_size_limit", WAL_SIZE_LIMIT)
            .map_err(open_err)?;
        // Each migration runs in an immediate transaction that reads the
        // version again, so two processes opening a new database at once
        // (the daemon and a query, say) cannot both apply it.
        loop {
            let tx = conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(open_err)?;
            let version: usize = tx
                .pragma_query_value(None, "user_version", |r| r.get(0))
                .map_err(open_err)?;
            if version > MIGRATIONS.len() {
                return Err(StoreError::TooNew {
                    path: path.to_path_buf(),
                    found: version,
                    known: MIGRATIONS.len(),
                });
            }
            let Some(sql) = MIGRATIONS.get(version) else {
                break;
            };
            tx.execute_batch(sql).map_err(open_err)?;
            tx.pragma_update(None, "user_version", version + 1)
                .map_err(open_err)?;
            tx.commit().map_err(open_err)?;
        }
        Ok(Store {
            conn,
            outbox: false,
        })
    }

    /// Whether derivation writes an alert into the outbox for each change it
    /// adds to the log (in the same transaction). Off by default: only a
    /// daemon with a notifier turns it on, so changes found while none is
    /// configured are never announced.
    pub fn set_outbox(&mut self, on: bool) {
        self.outbox = on;
    }

    /// Sets how many WAL pages trigger an automatic checkpoint at commit on
    /// this connection; 0 turns them off. The daemon turns them off while it
    /// serves live articles, so that no article's commit pays for copying
    /// the log into the database, and runs [`Store::checkpoint`] from a
    /// second connection instead.
    pub fn set_autocheckpoint(&self, pages: u32) -> Result<(), StoreError> {
        self.conn.pragma_update(None, "wal_autocheckpoint", pages)?;
        Ok(())
    }

    /// Backlog mode, for catching up: commits are not synced one by one
    /// (`synchronous = NORMAL`; WAL still makes each commit whole or absent).
    /// A power cut may then lose the last commits, which costs nothing but
    /// time: the files they recorded are still in the folder and are found
    /// new again at the next start. Leaving backlog mode syncs everything
    /// written so far, and every commit after it is synced again.
    ///
    /// The log is also checkpointed less often meanwhile (every
    /// [`BACKLOG_CHECKPOINT_PAGES`] instead of SQLite's default 1,000), so
    /// that pages written again and again (the upper levels of the indexes)
    /// are copied once per checkpoint rather than once per batch.
    ///
    /// Into an empty database, the backlog is a bulk load: the indexes that
    /// rows arrive in random order for ([`BULK_INDEXES`]: the claims'
    /// timeline, the articles' order) are dropped, and built once, sorted,
    /// when backlog mode ends, before anything derives from them. Kept as
    /// rows came, each batch dirtied pages all over them, and rewriting those
    /// pages was most of what a large catch-up wrote. Should the process
    /// die meanwhile, the next backlog finds them missing and builds them.
    pub fn set_backlog(&self, on: bool) -> Result<(), StoreError> {
        let (sync, pages) = match on {
            true => ("NORMAL", BACKLOG_CHECKPOINT_PAGES),
            false => ("FULL", 1000),
        };
        self.conn.pragma_update(None, "synchronous", sync)?;
        self.set_autocheckpoint(pages)?;
        let bulk = on
            && self
                .conn
                .query_row("SELECT NOT EXISTS (SELECT 1 FROM articles)", [], |r| {
                    r.get(0)
                })?;
        for (name, create) in BULK_INDEXES {
            if bulk {
                self.conn
                    .execute_batch(&format!("DROP INDEX IF EXISTS {name}"))?;
            } else {
                // The build sorts in memory as large as the page cache,
                // which would add its size to the process's peak: a
                // smaller cache while it runs keeps the peak flat.
                self.conn.pragma_update(None, "cache_size", -2048)?;
                let built = self.conn.execute_batch(create);
                self.conn.pragma_update(None, "cache_size", CACHE_SIZE)?;
                built?;
            }
        }
        if !on {
            // A checkpoint syncs the log before copying it.
            self.checkpoint()?;
        }
        Ok(())
    }

    /// Copies committed WAL frames into the database as far as it can
    /// without waiting for readers or writers (a PASSIVE checkpoint).
    pub fn checkpoint(&self) -> Result<(), StoreError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// The schema version (number of migrations applied).
    pub fn schema_version(&self) -> Result<usize, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "user_version", |r| r.get(0))?)
    }

    /// A number that differs from this connection's last answer when
    /// another connection (or process) has committed since: SQLite's
    /// `data_version`. Comparable only between calls on one connection.
    pub fn data_version(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .pragma_query_value(None, "data_version", |r| r.get(0))?)
    }

    /// Runs `f` in one write transaction: everything it writes commits
    /// together, or (when it fails) not at all.
    pub fn write<T>(
        &mut self,
        f: impl FnOnce(&mut Writer) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.rewrite(true, f)
    }

    /// Runs `f` in one write transaction that holds the write lock from its
    /// start, and commits it when `commit` is true or rolls it back when it
    /// is false (a dry run: `f` sees its own writes, nobody else ever does).
    /// The write lock is taken (waiting up to the busy timeout) at the
    /// start: in WAL mode a transaction that began by reading cannot start
    /// writing once another connection (the alert sender, a query's
    /// migration) has committed, however long it waits.
    pub fn rewrite<T>(
        &mut self,
        commit: bool,
        f: impl FnOnce(&mut Writer) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut writer = Writer {
            tx,
            outbox: self.outbox,
        };
        let value = f(&mut writer)?;
        if commit {
            writer.tx.commit()?;
        } else {
            writer.tx.rollback()?;
        }
        Ok(value)
    }

    /// Whether `path` was last seen (ingested or rejected) with exactly this
    /// metadata, so it need not be read again.
    pub fn is_unchanged(&self, path: &str, meta: FileMeta) -> Result<bool, StoreError> {
        is_unchanged(&self.conn, path, meta)
    }

    /// [`Store::is_unchanged`] for many files, in one read transaction (one
    /// lock taken, not two per file).
    pub fn are_unchanged<'a>(
        &self,
        files: impl IntoIterator<Item = (&'a str, FileMeta)>,
    ) -> Result<Vec<bool>, StoreError> {
        let tx = self.conn.unchecked_transaction()?;
        let unchanged = files
            .into_iter()
            .map(|(path, meta)| is_unchanged(&tx, path, meta))
            .collect::<Result<_, _>>()?;
        tx.finish()?;
        Ok(unchanged)
    }

    /// The current positions, by leader and venue.
    pub fn positions(&self) -> Result<Vec<LeaderPosition>, StoreError> {
        positions(&self.conn, None)
    }

    /// The change log, oldest first.
    pub fn changes(&self, filter: &ChangeFilter) -> Result<Vec<LeaderChange>, StoreError> {
        Ok(changes(&self.conn, filter)?.changes)
    }

    /// A page of the change log, oldest first, and where the next begins.
    pub fn change_page(&self, filter: &ChangeFilter) -> Result<ChangePage, StoreError> {
        changes(&self.conn, filter)
    }

    /// Changes found after event `after`, in the order they were found, at
    /// most `limit`; changes since deleted by a derivation are left out.
    pub fn change_events(&self, after: i64, limit: usize) -> Result<Vec<ChangeEvent>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT c.leader, c.venue, c.kind, c.from_stance, c.to_stance, c.date, c.article, c.previous_article, c.evidence, c.diff,
                 {SOURCE_COLUMNS}, e.id
             FROM change_events e
             JOIN changes c ON c.leader = e.leader AND c.date = e.date AND c.article = e.article AND c.hash = e.hash AND c.seq = e.seq
                 AND c.venue = e.venue AND c.kind = e.kind AND c.from_stance IS e.from_stance AND c.to_stance = e.to_stance
             LEFT JOIN articles a ON a.hash = c.hash
             WHERE e.id > ?1 ORDER BY e.id LIMIT ?2"
        ))?;
        let mut rows = stmt.query(params![after, limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            out.push(ChangeEvent {
                change: change_at(r)?,
                id: r.get(14)?,
            });
        }
        Ok(out)
    }

    /// The id of the last change found (0 when none was).
    pub fn last_change_event(&self) -> Result<i64, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT COALESCE(MAX(id), 0) FROM change_events", [], |r| {
                r.get(0)
            })?)
    }

    /// A leader's reports replayed: the timeline, positions and changes.
    pub fn timeline(&self, leader: &str) -> Result<Derived, StoreError> {
        Ok(diff::derive(&reports(&self.conn, leader)?))
    }

    /// Where each step of a timeline came from, in step order.
    pub fn sources(&self, steps: &[diff::Step]) -> Result<Vec<Source>, StoreError> {
        let mut stmt = self.conn.prepare_cached(&format!(
            "SELECT {SOURCE_COLUMNS} FROM articles a WHERE a.date = ?1 AND a.name = ?2
             ORDER BY a.hash LIMIT 1"
        ))?;
        steps
            .iter()
            .map(|s| {
                Ok(stmt
                    .query_row(params![s.date.to_string(), s.article], |r| source_at(r, 0))
                    .optional()?
                    .unwrap_or_default())
            })
            .collect()
    }

    /// Every leader with at least one claim.
    pub fn leaders(&self) -> Result<Vec<String>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT DISTINCT leader FROM claims ORDER BY leader")?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Rejected files, by path.
    pub fn rejections(&self) -> Result<Vec<Rejection>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, reason, at FROM rejected ORDER BY path")?;
        let rows = stmt.query_map([], |r| {
            Ok(Rejection {
                path: r.get(0)?,
                reason: r.get(1)?,
                at: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Row counts.
    pub fn counts(&self) -> Result<Counts, StoreError> {
        let count = |table: &str| -> Result<u64, StoreError> {
            Ok(self
                .conn
                .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
        };
        Ok(Counts {
            articles: count("articles")?,
            files: count("(SELECT DISTINCT path FROM files)")?,
            claims: count("claims")?,
            positions: count("positions")?,
            changes: count("changes")?,
            rejected: count("rejected")?,
        })
    }

    /// When the newest article was ingested (RFC 3339), if any was.
    pub fn last_ingest(&self) -> Result<Option<String>, StoreError> {
        Ok(self
            .conn
            .query_row("SELECT MAX(ingested_at) FROM articles", [], |r| r.get(0))?)
    }

    /// SQLite's own consistency check: `Ok(())` or what it found.
    pub fn integrity_check(&self) -> Result<Result<(), String>, StoreError> {
        let result: String = self
            .conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))?;
        Ok(if result == "ok" { Ok(()) } else { Err(result) })
    }

    // The outbox, for the alert sender. Each call is one autocommit
    // statement: the sender holds the write lock only for that long.

    /// The oldest alert not delivered yet.
    pub fn next_alert(&self) -> Result<Option<Alert>, StoreError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT id, key, attempts, leader, venue, kind, from_stance, to_stance, date, article, previous_article, evidence, diff,
                     url, title, file, item
                 FROM outbox WHERE delivered_at IS NULL ORDER BY id LIMIT 1",
            )?
            .query_row([], |r| {
                Ok((
                    (r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, u32>(2)?),
                    (
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, Option<String>>(6)?,
                        r.get::<_, String>(7)?,
                        r.get::<_, String>(8)?,
                    ),
                    (
                        r.get::<_, String>(9)?,
                        r.get::<_, Option<String>>(10)?,
                        r.get::<_, String>(11)?,
                        r.get::<_, String>(12)?,
                    ),
                    Source {
                        url: r.get(13)?,
                        title: r.get(14)?,
                        file: r.get(15)?,
                        item: r.get(16)?,
                    },
                ))
            })
            .optional()?;
        let Some(((id, key, attempts), (leader, venue, kind, from, to, date), rest, source)) = row
        else {
            return Ok(None);
        };
        let (article, previous_article, evidence, diff) = rest;
        Ok(Some(Alert {
            id,
            key,
            attempts,
            change: LeaderChange {
                leader,
                change: Change {
                    venue,
                    kind: ChangeKind::parse(&kind)
                        .ok_or_else(|| StoreError::Invalid(format!("change kind {kind:?}")))?,
                    from: from.as_deref().map(parse_stance).transpose()?,
                    to: parse_stance(&to)?,
                    date: parse_date(&date)?,
                    article,
                    previous_article,
                    evidence,
                    diff,
                },
                source,
            },
        }))
    }

    /// Records that the notifier acknowledged an alert: it is never sent
    /// again.
    pub fn alert_delivered(&self, id: i64) -> Result<(), StoreError> {
        self.conn
            .prepare_cached(
                "UPDATE outbox SET delivered_at = ?2, attempts = attempts + 1, last_error = NULL WHERE id = ?1",
            )?
            .execute(params![id, now()])?;
        Ok(())
    }

    /// Records a failed attempt to deliver an alert; returns how many
    /// attempts have failed in all.
    pub fn alert_failed(&self, id: i64, error: &str) -> Result<u32, StoreError> {
        Ok(self
            .conn
            .prepare_cached(
                "UPDATE outbox SET attempts = attempts + 1, last_error = ?2 WHERE id = ?1 RETURNING attempts",
            )?
            .query_row(params![id, error], |r| r.get(0))?)
    }

    /// How many alerts are pending and how many were delivered.
    pub fn outbox_counts(&self) -> Result<OutboxCounts, StoreError> {
        let (pending, delivered) = self.conn.query_row(
            "SELECT COUNT(*) - COUNT(delivered_at), COUNT(delivered_at) FROM outbox",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        Ok(OutboxCounts { pending, delivered })
    }

    /// How many attempts to deliver the pending alerts have failed, in all
    /// (a delivered alert's attempts are not counted).
    pub fn outbox_failed_attempts(&self) -> Result<u64, StoreError> {
        Ok(self.conn.query_row(
            "SELECT COALESCE(SUM(attempts), 0) FROM outbox WHERE delivered_at IS NULL",
            [],
            |r| r.get(0),
        )?)
    }

    // Queries for the HTML report.

    /// Every claim of `leader`, historical ones included, with its article's
    /// name and date, in timeline order (date, article name, text order).
    pub fn leader_claims(&self, leader: &str) -> Result<Vec<DatedClaim>, StoreError> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.id, c.seq, a.name, a.date, c.stance, c.venue, c.evidence, c.speaker, c.historical
             FROM claims c JOIN articles a ON a.id = c.article_id
             WHERE c.leader = ?1
             ORDER BY a.date, a.name, a.hash, c.seq",
        )?;
        let rows = stmt.query_map([leader], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
                r.get::<_, Option<String>>(7)?,
                r.get::<_, bool>(8)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (article_id, seq, article, date, stance, venue, evidence, speaker, historical) =
                row?;
            out.push(DatedClaim {
                article_id,
                seq,
                article,
                date: parse_date(&date)?,
                claim: Claim {
                    leader: leader.to_string(),
                    stance: parse_stance(&stance)?,
                    venue,
                    evidence,
                    speaker,
                    historical,
                },
            });
        }
        Ok(out)
    }
}

/// A stored article as the API shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleView {
    /// Its row id.
    pub id: i64,
    /// Its name (the smallest file name holding it).
    pub name: String,
    /// Its date.
    pub date: Date,
    /// Where the date came from (`date_line`, `header`, `metadata`, `mtime`).
    pub date_source: String,
    /// Where it came from.
    pub source: Source,
    /// Its claims, in article order.
    pub claims: Vec<Claim>,
}

/// A stored claim with the article it is in, for the HTML report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedClaim {
    /// The article's row id: with `seq`, identifies the claim.
    pub article_id: i64,
    /// The claim's place in its article.
    pub seq: i64,
    /// The article's name.
    pub article: String,
    /// The article's date.
    pub date: Date,
    /// The claim.
    pub claim: Claim,
}

/// Writes inside one transaction; see [`Store::write`].
#[derive(Debug)]
pub struct Writer<'a> {
    tx: Transaction<'a>,
    outbox: bool,
}

impl Writer<'_> {
    /// Whether content with this hash is already an article.
    pub fn has_content(&self, hash: &[u8]) -> Result<bool, StoreError> {
        Ok(self
            .tx
            .prepare_cached("SELECT 1 FROM articles WHERE hash = ?1")?
            .query_row([hash], |_| Ok(()))
            .optional()?
            .is_some())
    }

    /// Records that `file` holds the content `file.hash`, which is `content`
    /// when new to the database (`None` when [`Writer::has_content`]).
    /// Replaces what the path held before (a correction). Marks the leaders
    /// involved for [`Writer::derive`]. Returns whether the content was new.
    pub fn record(
        &mut self,
        file: &FileVersion,
        content: Option<Content>,
    ) -> Result<bool, StoreError> {
        let tx = &self.tx;
        let article_id = match content {
            Some(content) => insert_article(tx, file, content)?,
            None => tx
                .prepare_cached("SELECT id FROM articles WHERE hash = ?1")?
                .query_row([file.hash], |r| r.get(0))
                .optional()?
                .ok_or_else(|| {
                    StoreError::Invalid(format!("no article holds the content of {}", file.path))
                })?,
        };
        if content.is_some() {
            mark_article(tx, article_id, Mark::Added)?;
        }

        let previous: Option<i64> = tx
            .prepare_cached("SELECT article_id FROM files WHERE path = ?1 AND item = ?2")?
            .query_row([file.path, file.item], |r| r.get(0))
            .optional()?;
        tx.prepare_cached(
            "INSERT INTO files (path, item, name, article_id, size, mtime_ns, inode)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
             ON CONFLICT (path, item) DO UPDATE SET name = ?3, article_id = ?4, size = ?5, mtime_ns = ?6, inode = ?7",
        )?
        .execute(params![file.path, file.item, file.name, article_id, file.meta.size, file.meta.mtime_ns, file.meta.inode])?;
        tx.prepare_cached("DELETE FROM rejected WHERE path = ?1")?
            .execute([file.path])?;

        // The path held other content before: that version is gone unless
        // another file still holds it.
        if let Some(old) = previous.filter(|&old| old != article_id) {
            release(tx, old)?;
        }
        // A smaller file name holding known content renames the article,
        // which can move it in the timeline.
        if content.is_none() && refresh_name(tx, article_id)? {
            mark_article(tx, article_id, Mark::Moved)?;
        }
        Ok(content.is_some())
    }

    /// Records that the file at `path`, with this metadata, was read whole as
    /// a file of `items` articles (each recorded by [`Writer::record`] with
    /// its item id), so that it is not read again until it changes. What the
    /// path held as a single article before is replaced; items of earlier
    /// versions stay, since a feed that drops an item retracts nothing.
    pub fn record_source(
        &mut self,
        path: &str,
        meta: FileMeta,
        items: usize,
    ) -> Result<(), StoreError> {
        let tx = &self.tx;
        tx.prepare_cached(
            "INSERT INTO sources (path, items, size, mtime_ns, inode) VALUES (?1, ?2, ?3, ?4, ?5)
             ON CONFLICT (path) DO UPDATE SET items = ?2, size = ?3, mtime_ns = ?4, inode = ?5",
        )?
        .execute(params![path, items, meta.size, meta.mtime_ns, meta.inode])?;
        tx.prepare_cached("DELETE FROM rejected WHERE path = ?1")?
            .execute([path])?;
        release_whole(tx, path)
    }

    /// Records that a file could not be ingested, so that it is not retried
    /// until it changes. What the path held as a single article before is
    /// gone with the content (a file rewritten as something that is not an
    /// article holds none, as a clean ingest of the folder would find);
    /// items of a file of many stay, since a feed retracts nothing.
    pub fn reject(&mut self, path: &str, meta: FileMeta, reason: &str) -> Result<(), StoreError> {
        let tx = &self.tx;
        tx.prepare_cached(
            "INSERT INTO rejected (path, reason, size, mtime_ns, inode, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
             ON CONFLICT (path) DO UPDATE SET reason = ?2, size = ?3, mtime_ns = ?4, inode = ?5, at = ?6",
        )?
        .execute(params![path, reason, meta.size, meta.mtime_ns, meta.inode, now()])?;
        release_whole(tx, path)
    }

    /// Re-derives the positions and changes of every marked leader, passing
    /// each change that was not in the log before to `on_change` (so that
    /// however many there are, none is held in memory); returns how many.
    /// With the outbox on ([`Store::set_outbox`]), each of those changes is
    /// also enqueued as an [`Alert`], unless its key was enqueued before.
    pub fn derive(&mut self, on_change: &mut dyn FnMut(NewChange)) -> Result<usize, StoreError> {
        let dirty: Vec<(String, ReportKey, ReportKey, bool)> = {
            let mut stmt = self.tx.prepare(
                "SELECT leader, from_date, from_name, from_hash, to_date, to_name, to_hash, full
                 FROM dirty ORDER BY leader",
            )?;
            let rows = stmt.query_map([], |r| {
                Ok((
                    r.get(0)?,
                    (r.get(1)?, r.get(2)?, r.get(3)?),
                    (r.get(4)?, r.get(5)?, r.get(6)?),
                    r.get(7)?,
                ))
            })?;
            rows.collect::<Result<_, _>>()?
        };
        let mut added = 0;
        for (leader, from, until, full) in dirty {
            let stretch = Stretch { from, until, full };
            added += derive_leader(&self.tx, &leader, &stretch, self.outbox, on_change)?;
        }
        self.tx.execute("DELETE FROM dirty", [])?;
        Ok(added)
    }

    // Reading stored articles again (`reindex`).

    /// How many articles are stored.
    pub fn article_count(&self) -> Result<u64, StoreError> {
        Ok(self
            .tx
            .query_row("SELECT COUNT(*) FROM articles", [], |r| r.get(0))?)
    }

    /// Up to `limit` stored articles with row ids above `after`, by id: one
    /// page of the articles to read again, so that memory stays flat however
    /// many there are.
    pub fn stored_articles(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<StoredArticle>, StoreError> {
        let mut stmt = self.tx.prepare_cached(
            "SELECT a.id, a.name, a.hash, a.date, a.date_source, a.title, t.raw, t.body,
                 (SELECT f.mtime_ns FROM files f WHERE f.article_id = a.id ORDER BY f.name, f.path LIMIT 1),
                 a.url
             FROM articles a LEFT JOIN article_text t ON t.article_id = a.id
             WHERE a.id > ?1 ORDER BY a.id LIMIT ?2",
        )?;
        let mut rows = stmt.query(params![after, limit as i64])?;
        let mut out = Vec::new();
        while let Some(r) = rows.next()? {
            let name: String = r.get(1)?;
            let date = parse_date(&r.get::<_, String>(3)?)?;
            let source: String = r.get(4)?;
            let date_source = DateSource::parse(&source)
                .ok_or_else(|| StoreError::Invalid(format!("date source {source:?}")))?;
            let (text, body) = match (r.get::<_, Option<Vec<u8>>>(6)?, r.get(7)?) {
                (Some(raw), _) => (StoredText::Raw(raw), String::new()),
                (None, Some(body)) => (StoredText::BodyOnly, body),
                (None, None) => {
                    return Err(StoreError::Invalid(format!(
                        "article {name} has no stored text"
                    )))
                }
            };
            let mtime_ns: Option<i64> = r.get(8)?;
            let fallback_date = match (date_source, mtime_ns) {
                (DateSource::Mtime, _) | (_, None) => date,
                (_, Some(mtime_ns)) => FileMeta {
                    size: 0,
                    mtime_ns,
                    inode: 0,
                }
                .mtime_date(),
            };
            out.push(StoredArticle {
                id: r.get(0)?,
                name,
                hash: r.get(2)?,
                article: Article {
                    date,
                    date_source,
                    title: r.get(5)?,
                    body,
                    url: r.get(9)?,
                },
                text,
                fallback_date,
                paths: Vec::new(),
            });
        }
        drop(rows);
        // Only an article without raw bytes needs its files: they may still
        // hold the bytes.
        let mut paths = self
            .tx
            .prepare_cached("SELECT path FROM files WHERE article_id = ?1 ORDER BY name, path")?;
        for a in out.iter_mut().filter(|a| a.text == StoredText::BodyOnly) {
            a.paths = paths
                .query_map([a.id], |r| r.get(0))?
                .collect::<Result<_, _>>()?;
        }
        Ok(out)
    }

    /// Replaces the stored reading of article `id` (date, date source, title
    /// and claims) with `reading`, and keeps `reading.raw` as its text when
    /// given. A report whose claims or date change is one report gone and
    /// another added, so the leaders of its old and its new claims are
    /// marked for a full replay by [`Writer::derive`]. Writes no claims when
    /// the reading is what is stored.
    pub fn reread(&mut self, id: i64, reading: Reading) -> Result<Reread, StoreError> {
        let tx = &self.tx;
        if let Some(raw) = reading.raw {
            tx.prepare_cached(
                "UPDATE article_text SET raw = ?2, body = NULL WHERE article_id = ?1",
            )?
            .execute(params![id, raw])?;
        }
        type Row = (
            String,
            Vec<u8>,
            String,
            String,
            Option<String>,
            Option<String>,
        );
        let (name, hash, date, source, title, url): Row = tx
            .prepare_cached(
                "SELECT name, hash, date, date_source, title, url FROM articles WHERE id = ?1",
            )?
            .query_row([id], |r| {
                Ok((
                    r.get(0)?,
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                ))
            })
            .optional()?
            .ok_or_else(|| StoreError::Invalid(format!("no article has id {id}")))?;
        let old_date = parse_date(&date)?;
        let old = article_claims(tx, id)?;
        let a = reading.article;
        if old == reading.claims
            && (old_date, source.as_str(), &title) == (a.date, a.date_source.as_str(), &a.title)
        {
            // A new reader may find an address the old one missed; that
            // moves nothing in the timeline.
            if url != a.url {
                tx.prepare_cached("UPDATE articles SET url = ?2 WHERE id = ?1")?
                    .execute(params![id, a.url])?;
                return Ok(Reread {
                    rewritten: true,
                    ..Reread::default()
                });
            }
            return Ok(Reread::default());
        }
        mark_article(tx, id, Mark::Moved)?;
        tx.prepare_cached("DELETE FROM claims WHERE article_id = ?1")?
            .execute([id])?;
        tx.prepare_cached(
            "UPDATE articles SET date = ?2, date_source = ?3, title = ?4, url = ?5 WHERE id = ?1",
        )?
        .execute(params![
            id,
            a.date.to_string(),
            a.date_source.as_str(),
            a.title,
            a.url
        ])?;
        insert_claims(tx, id, a.date, &name, &hash, reading.claims)?;
        mark_article(tx, id, Mark::Moved)?;
        Ok(Reread {
            rewritten: true,
            added: claims_missing_from(reading.claims, &old),
            removed: claims_missing_from(&old, reading.claims),
            old_date: (old_date != a.date).then_some(old_date),
        })
    }

    /// Keeps a copy of the change log (without diffs) in a temporary table
    /// of this transaction, for [`Writer::changes_since_snapshot`].
    pub fn snapshot_changes(&mut self) -> Result<(), StoreError> {
        self.tx.execute_batch(
            "DROP TABLE IF EXISTS temp.changes_before;
             CREATE TEMP TABLE changes_before AS
                 SELECT leader, venue, kind, from_stance, to_stance, date, article, hash, seq,
                        previous_article, evidence
                 FROM main.changes;
             CREATE INDEX temp.changes_before_key ON changes_before (leader, date, article, hash);",
        )?;
        Ok(())
    }

    /// The changes in the log now that the snapshot lacks (added, with their
    /// diffs) and those of the snapshot the log lacks now (removed, without),
    /// each oldest first; drops the snapshot. A change is the same change
    /// when its leader, venue, kind, stances, date and article are: a new
    /// evidence sentence or diff for it is not a change of the log.
    pub fn changes_since_snapshot(
        &mut self,
    ) -> Result<(Vec<LeaderChange>, Vec<LeaderChange>), StoreError> {
        let same = "o.leader = n.leader AND o.date = n.date AND o.article = n.article
             AND o.hash = n.hash AND o.venue = n.venue AND o.kind = n.kind
             AND o.from_stance IS n.from_stance AND o.to_stance = n.to_stance";
        let added = {
            let mut stmt = self.tx.prepare(&format!(
                "SELECT n.leader, n.venue, n.kind, n.from_stance, n.to_stance, n.date, n.article,
                        n.previous_article, n.evidence, n.diff, {SOURCE_COLUMNS}
                 FROM main.changes n LEFT JOIN articles a ON a.hash = n.hash
                 WHERE NOT EXISTS (SELECT 1 FROM temp.changes_before o WHERE {same})
                 ORDER BY n.date, n.article, n.hash, n.leader, n.seq"
            ))?;
            let rows = stmt.query([])?;
            read_changes(rows)?
        };
        let removed = {
            let mut stmt = self.tx.prepare(&format!(
                "SELECT o.leader, o.venue, o.kind, o.from_stance, o.to_stance, o.date, o.article,
                        o.previous_article, o.evidence, '', {SOURCE_COLUMNS}
                 FROM temp.changes_before o LEFT JOIN articles a ON a.hash = o.hash
                 WHERE NOT EXISTS (SELECT 1 FROM main.changes n WHERE {same})
                 ORDER BY o.date, o.article, o.hash, o.leader, o.seq"
            ))?;
            let rows = stmt.query([])?;
            read_changes(rows)?
        };
        self.tx.execute_batch("DROP TABLE temp.changes_before")?;
        Ok((added, removed))
    }
}

/// The idempotency key of a change: a hash of its place in the log (leader,
/// the report's timeline key, its place among the report's changes) and of
/// what it says (venue, kind, new stance). The same change derived again
/// gets the same key; a different change derived at the same place (after a
/// late article rewrote that stretch of the timeline) gets a new one.
pub fn alert_key(leader: &str, change: &Change, hash: &[u8], seq: usize) -> String {
    let mut h = blake3::Hasher::new();
    let date = change.date.to_string();
    let seq = seq.to_string();
    for part in [
        leader.as_bytes(),
        date.as_bytes(),
        change.article.as_bytes(),
        hash,
        seq.as_bytes(),
        change.venue.as_bytes(),
        change.kind.as_str().as_bytes(),
        change.to.as_str().as_bytes(),
    ] {
        // Length-prefixed, so that no two different lists of parts hash alike.
        h.update(&(part.len() as u64).to_le_bytes());
        h.update(part);
    }
    // 128 bits: unique enough, and short in a header.
    h.finalize().to_hex()[..32].to_string()
}

/// Writes the alert for a change just added to the log, unless its key was
/// enqueued before (then it is pending already, or was delivered and must
/// not be delivered again).
fn enqueue(
    tx: &Transaction,
    leader: &str,
    hash: &[u8],
    seq: usize,
    c: &Change,
    source: &Source,
) -> Result<(), StoreError> {
    tx.prepare_cached(
        "INSERT INTO outbox (key, leader, venue, kind, from_stance, to_stance, date, article, previous_article, evidence, diff, enqueued_at,
             url, title, file, item)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)
         ON CONFLICT (key) DO NOTHING",
    )?
    .execute(params![
        alert_key(leader, c, hash, seq),
        leader,
        c.venue,
        c.kind.as_str(),
        c.from.map(Stance::as_str),
        c.to.as_str(),
        c.date.to_string(),
        c.article,
        c.previous_article,
        c.evidence,
        c.diff,
        now(),
        source.url,
        source.title,
        source.file,
        source.item
    ])?;
    Ok(())
}

/// The columns of a [`Source`] for the article `a`, read by [`source_at`].
const SOURCE_COLUMNS: &str = "a.url, a.title,
    (SELECT f.path FROM files f WHERE f.article_id = a.id ORDER BY f.name, f.path, f.item LIMIT 1),
    (SELECT NULLIF(f.item, '') FROM files f WHERE f.article_id = a.id ORDER BY f.name, f.path, f.item LIMIT 1)";

/// The [`Source`] in a row's [`SOURCE_COLUMNS`] from column `i` on.
fn source_at(r: &rusqlite::Row, i: usize) -> rusqlite::Result<Source> {
    Ok(Source {
        url: r.get(i)?,
        title: r.get(i + 1)?,
        file: r.get(i + 2)?,
        item: r.get(i + 3)?,
    })
}

/// Where the article with this content hash came from.
fn source_of(tx: &Transaction, hash: &[u8]) -> Result<Source, StoreError> {
    Ok(tx
        .prepare_cached(&format!(
            "SELECT {SOURCE_COLUMNS} FROM articles a WHERE a.hash = ?1"
        ))?
        .query_row([hash], |r| source_at(r, 0))
        .optional()?
        .unwrap_or_default())
}

fn is_unchanged(conn: &Connection, path: &str, meta: FileMeta) -> Result<bool, StoreError> {
    for sql in [
        "SELECT 1 FROM files WHERE path = ?1 AND item = '' AND size = ?2 AND mtime_ns = ?3 AND inode = ?4",
        "SELECT 1 FROM sources WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3 AND inode = ?4",
        "SELECT 1 FROM rejected WHERE path = ?1 AND size = ?2 AND mtime_ns = ?3 AND inode = ?4",
    ] {
        let seen = conn
            .prepare_cached(sql)?
            .query_row(params![path, meta.size, meta.mtime_ns, meta.inode], |_| {
                Ok(())
            })
            .optional()?
            .is_some();
        if seen {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Forgets that `path` holds a single article, releasing it.
fn release_whole(tx: &Transaction, path: &str) -> Result<(), StoreError> {
    let whole: Option<i64> = tx
        .prepare_cached("DELETE FROM files WHERE path = ?1 AND item = '' RETURNING article_id")?
        .query_row([path], |r| r.get(0))
        .optional()?;
    match whole {
        Some(old) => release(tx, old),
        None => Ok(()),
    }
}

/// An article a file no longer holds: its report is gone (or renamed) for
/// its leaders, and the article with it unless another file still holds it.
fn release(tx: &Transaction, article_id: i64) -> Result<(), StoreError> {
    mark_article(tx, article_id, Mark::Moved)?;
    let still_held = tx
        .prepare_cached("SELECT 1 FROM files WHERE article_id = ?1")?
        .query_row([article_id], |_| Ok(()))
        .optional()?
        .is_some();
    if still_held {
        refresh_name(tx, article_id)?;
    } else {
        tx.execute("DELETE FROM claims WHERE article_id = ?1", [article_id])?;
        tx.execute("DELETE FROM articles WHERE id = ?1", [article_id])?;
    }
    Ok(())
}

/// A report's place in the timeline: (date, name, hash).
type ReportKey = (String, String, Vec<u8>);

/// Why an article's leaders need derivation.
#[derive(Clone, Copy)]
enum Mark {
    /// A new report: replaying from its place in the timeline is enough.
    Added,
    /// A report was removed or renamed: replay the whole timeline.
    Moved,
}

/// Marks the leaders with claims in an article as needing derivation from
/// the article's place in the timeline on.
fn mark_article(tx: &Transaction, article_id: i64, mark: Mark) -> Result<(), StoreError> {
    let key: Option<ReportKey> = tx
        .prepare_cached("SELECT date, name, hash FROM articles WHERE id = ?1")?
        .query_row([article_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let Some(key) = key else { return Ok(()) };
    let mut stmt = tx.prepare_cached(
        "INSERT INTO dirty (leader, from_date, from_name, from_hash, to_date, to_name, to_hash, full)
         SELECT DISTINCT leader, ?2, ?3, ?4, ?2, ?3, ?4, ?5 FROM claims WHERE article_id = ?1 AND historical = 0
         ON CONFLICT (leader) DO UPDATE SET
             full = dirty.full OR excluded.full,
             -- The earlier and the later of the two places in the timeline.
             from_date = iif((excluded.from_date, excluded.from_name, excluded.from_hash) < (dirty.from_date, dirty.from_name, dirty.from_hash), excluded.from_date, dirty.from_date),
             from_name = iif((excluded.from_date, excluded.from_name, excluded.from_hash) < (dirty.from_date, dirty.from_name, dirty.from_hash), excluded.from_name, dirty.from_name),
             from_hash = iif((excluded.from_date, excluded.from_name, excluded.from_hash) < (dirty.from_date, dirty.from_name, dirty.from_hash), excluded.from_hash, dirty.from_hash),
             to_date = iif((excluded.to_date, excluded.to_name, excluded.to_hash) > (dirty.to_date, dirty.to_name, dirty.to_hash), excluded.to_date, dirty.to_date),
             to_name = iif((excluded.to_date, excluded.to_name, excluded.to_hash) > (dirty.to_date, dirty.to_name, dirty.to_hash), excluded.to_name, dirty.to_name),
             to_hash = iif((excluded.to_date, excluded.to_name, excluded.to_hash) > (dirty.to_date, dirty.to_name, dirty.to_hash), excluded.to_hash, dirty.to_hash)",
    )?;
    stmt.execute(params![
        article_id,
        key.0,
        key.1,
        key.2,
        matches!(mark, Mark::Moved)
    ])?;
    Ok(())
}

fn insert_article(
    tx: &Transaction,
    file: &FileVersion,
    content: Content,
) -> Result<i64, StoreError> {
    let a = content.article;
    tx.prepare_cached(
        "INSERT INTO articles (hash, name, date, date_source, title, url, size, ingested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?
    .execute(params![
        file.hash,
        file.name,
        a.date.to_string(),
        a.date_source.as_str(),
        a.title,
        a.url,
        content.raw.len(),
        now()
    ])?;
    let id = tx.last_insert_rowid();
    tx.prepare_cached("INSERT INTO article_text (article_id, raw) VALUES (?1, ?2)")?
        .execute(params![id, content.raw])?;
    insert_claims(tx, id, a.date, file.name, file.hash, content.claims)?;
    Ok(id)
}

/// Writes an article's claims, each with the article's timeline key.
fn insert_claims(
    tx: &Transaction,
    article_id: i64,
    date: Date,
    name: &str,
    hash: &[u8],
    claims: &[Claim],
) -> Result<(), StoreError> {
    let mut stmt = tx.prepare_cached(
        "INSERT INTO claims (article_id, seq, date, name, hash, leader, stance, venue, evidence, speaker, historical)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
    )?;
    let date = date.to_string();
    for (seq, c) in claims.iter().enumerate() {
        stmt.execute(params![
            article_id,
            seq,
            date,
            name,
            hash,
            c.leader,
            c.stance.as_str(),
            c.venue,
            c.evidence,
            c.speaker,
            c.historical
        ])?;
    }
    Ok(())
}

/// An article's claims in text order.
fn article_claims(tx: &Transaction, article_id: i64) -> Result<Vec<Claim>, StoreError> {
    let mut stmt = tx.prepare_cached(
        "SELECT leader, stance, venue, evidence, speaker, historical FROM claims
         WHERE article_id = ?1 ORDER BY seq",
    )?;
    let mut rows = stmt.query([article_id])?;
    let mut claims = Vec::new();
    while let Some(r) = rows.next()? {
        claims.push(Claim {
            leader: r.get(0)?,
            stance: parse_stance(&r.get::<_, String>(1)?)?,
            venue: r.get(2)?,
            evidence: r.get(3)?,
            speaker: r.get(4)?,
            historical: r.get(5)?,
        });
    }
    Ok(claims)
}

/// What makes two claims the same claim for `reindex`'s diff: not the
/// evidence sentence or the speaker, which a rule change may pick
/// differently for the same position.
fn claim_identity(c: &Claim) -> (&str, Stance, &str, bool) {
    (&c.leader, c.stance, &c.venue, c.historical)
}

/// `a` without the claims `b` has too, by [`claim_identity`].
fn claims_missing_from(a: &[Claim], b: &[Claim]) -> Vec<Claim> {
    let b: HashSet<_> = b.iter().map(claim_identity).collect();
    a.iter()
        .filter(|c| !b.contains(&claim_identity(c)))
        .cloned()
        .collect()
}

/// Sets an article's name to the smallest name of the files holding it, so
/// that the name does not depend on which copy arrived first. Returns whether
/// it changed.
fn refresh_name(tx: &Transaction, article_id: i64) -> Result<bool, StoreError> {
    let changed = tx.execute(
        "UPDATE articles SET name = (SELECT MIN(name) FROM files WHERE article_id = ?1)
         WHERE id = ?1 AND name <> (SELECT MIN(name) FROM files WHERE article_id = ?1)",
        [article_id],
    )?;
    if changed > 0 {
        tx.execute(
            "UPDATE claims SET name = (SELECT name FROM articles WHERE id = ?1) WHERE article_id = ?1",
            [article_id],
        )?;
    }
    Ok(changed > 0)
}

/// The current positions (of one leader, or all), by leader and venue.
fn positions(conn: &Connection, leader: Option<&str>) -> Result<Vec<LeaderPosition>, StoreError> {
    let mut stmt = conn.prepare_cached(
        &format!("SELECT p.leader, p.venue, p.stance, p.since, p.last_seen, p.article, p.evidence, {SOURCE_COLUMNS}
             FROM positions p LEFT JOIN articles a ON a.id =
                 (SELECT id FROM articles WHERE date = p.since AND name = p.article ORDER BY hash LIMIT 1)
             WHERE (?1 IS NULL OR p.leader = ?1) ORDER BY p.leader, p.venue"),
    )?;
    let rows = stmt.query_map([leader], |r| {
        Ok((
            (
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
                r.get::<_, String>(6)?,
            ),
            source_at(r, 7)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let ((leader, venue, stance, since, last_seen, article, evidence), source) = row?;
        out.push(LeaderPosition {
            leader,
            position: Position {
                venue,
                stance: parse_stance(&stance)?,
                since: parse_date(&since)?,
                last_seen: parse_date(&last_seen)?,
                article,
                evidence,
            },
            source,
        });
    }
    Ok(out)
}

/// The change log, oldest first.
fn changes(conn: &Connection, filter: &ChangeFilter) -> Result<ChangePage, StoreError> {
    use rusqlite::types::Value;
    // A statement per combination of filters, not `(?1 IS NULL OR leader =
    // ?1)`: SQLite plans a statement once, and that form keeps it off the
    // leader's index (a scan of every change instead of one leader's range).
    let mut sql = String::from(
        "SELECT c.leader, c.venue, c.kind, c.from_stance, c.to_stance, c.date, c.article, c.previous_article, c.evidence, c.diff,
             c.hash, c.seq
         FROM changes c WHERE 1",
    );
    let mut args: Vec<Value> = Vec::new();
    let mut term = |sql: &mut String, clause: &str, value: Value| {
        sql.push_str(" AND ");
        sql.push_str(clause);
        args.push(value);
    };
    let text = |s: &str| Value::Text(s.to_owned());
    if let Some(leader) = &filter.leader {
        term(&mut sql, "c.leader = ?", text(leader));
    }
    if let Some(since) = filter.since {
        term(&mut sql, "c.date >= ?", text(&since.to_string()));
    }
    if let Some(until) = filter.until {
        term(&mut sql, "c.date <= ?", text(&until.to_string()));
    }
    if let Some(venue) = &filter.venue {
        term(&mut sql, "c.venue = ?", text(venue));
    }
    if let Some(stance) = filter.stance {
        term(&mut sql, "c.to_stance = ?", text(stance.as_str()));
    }
    if let Some(kind) = filter.kind {
        term(&mut sql, "c.kind = ?", text(kind.as_str()));
    }
    if let Some(needle) = &filter.text {
        let escaped = needle
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        term(
            &mut sql,
            "c.evidence LIKE ? ESCAPE '\\'",
            Value::Text(format!("%{escaped}%")),
        );
    }
    // With one leader, its changes are one range of the clustered table,
    // and leader is no part of their order.
    let order = match filter.leader {
        Some(_) => "c.date, c.article, c.hash, c.seq",
        None => "c.date, c.article, c.hash, c.leader, c.seq",
    };
    if let Some(after) = &filter.after {
        sql.push_str(&format!(" AND ({order}) > ("));
        let mut values = vec![
            text(&after.date),
            text(&after.article),
            Value::Blob(after.hash.clone()),
        ];
        if filter.leader.is_none() {
            values.push(text(&after.leader));
        }
        values.push(Value::Integer(after.seq));
        sql.push_str(&vec!["?"; values.len()].join(", "));
        sql.push(')');
        args.extend(values);
    }
    sql.push_str(&format!(" ORDER BY {order}"));
    if let Some(limit) = filter.limit {
        sql.push_str(" LIMIT ?");
        args.push(Value::Integer(i64::try_from(limit).unwrap_or(i64::MAX)));
    }
    // One read transaction: the sources are read from the snapshot the log
    // was, and the lookups do not take and drop the file's lock each.
    let tx = conn.unchecked_transaction()?;
    let mut stmt = tx.prepare_cached(&sql)?;
    let mut rows = stmt.query(rusqlite::params_from_iter(args))?;
    let mut changes = Vec::new();
    let mut hashes: Vec<Vec<u8>> = Vec::new();
    let mut last = None;
    while let Some(r) = rows.next()? {
        let change = change_without_source(r)?;
        let hash: Vec<u8> = r.get(10)?;
        last = Some(Cursor {
            date: change.change.date.to_string(),
            article: change.change.article.clone(),
            leader: change.leader.clone(),
            hash: hash.clone(),
            seq: r.get(11)?,
        });
        changes.push(change);
        hashes.push(hash);
    }
    drop(rows);
    drop(stmt);
    let sources = sources_by_hash(&tx, &hashes)?;
    tx.finish()?;
    for (change, hash) in changes.iter_mut().zip(&hashes) {
        if let Some(source) = sources.get(hash.as_slice()) {
            change.source = source.clone();
        }
    }
    let next = last.filter(|_| filter.limit.is_some_and(|n| changes.len() >= n));
    Ok(ChangePage { changes, next })
}

/// The sources of the articles with these content hashes, each looked up
/// once. Looked up in the order of the pages that hold them (the hash index
/// by hash, then the articles and their files by id), so that each page is
/// read once for all the rows on it: in the log's order, the same lookups
/// went from page to random page and were most of a long `changes` query.
fn sources_by_hash(
    conn: &Connection,
    hashes: &[Vec<u8>],
) -> Result<HashMap<Vec<u8>, Source>, StoreError> {
    let mut distinct: Vec<&[u8]> = hashes.iter().map(Vec::as_slice).collect();
    distinct.sort_unstable();
    distinct.dedup();
    // The hash index holds the id: this reads no article row.
    let mut id_of = conn.prepare_cached("SELECT id FROM articles WHERE hash = ?1")?;
    let mut ids: Vec<(i64, &[u8])> = Vec::with_capacity(distinct.len());
    for hash in distinct {
        if let Some(id) = id_of.query_row([hash], |r| r.get(0)).optional()? {
            ids.push((id, hash));
        }
    }
    ids.sort_unstable();
    let mut article = conn.prepare_cached("SELECT url, title FROM articles WHERE id = ?1")?;
    let mut files =
        conn.prepare_cached("SELECT name, path, item FROM files WHERE article_id = ?1")?;
    let mut out = HashMap::with_capacity(ids.len());
    for (id, hash) in ids {
        let (url, title) = article.query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
        // The first file by (name, path, item), as `SOURCE_COLUMNS` picks
        // it; sorting in SQL cost a sorter per article.
        let mut first: Option<(String, String, String)> = None;
        let mut rows = files.query([id])?;
        while let Some(r) = rows.next()? {
            let file: (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if first.as_ref().is_none_or(|f| file < *f) {
                first = Some(file);
            }
        }
        let (file, item) = match first {
            Some((_, path, item)) => (Some(path), Some(item).filter(|i| !i.is_empty())),
            None => (None, None),
        };
        out.insert(
            hash.to_vec(),
            Source {
                url,
                title,
                file,
                item,
            },
        );
    }
    Ok(out)
}

/// Rows of [`change_at`]'s columns as changes.
fn read_changes(mut rows: rusqlite::Rows) -> Result<Vec<LeaderChange>, StoreError> {
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(change_at(r)?);
    }
    Ok(out)
}

/// A row of (leader, venue, kind, from_stance, to_stance, date, article,
/// previous_article, evidence, diff, [`SOURCE_COLUMNS`]) as a change.
fn change_at(r: &rusqlite::Row) -> Result<LeaderChange, StoreError> {
    Ok(LeaderChange {
        source: source_at(r, 10)?,
        ..change_without_source(r)?
    })
}

/// A row of [`change_at`]'s columns up to the diff as a change, its source
/// left empty.
fn change_without_source(r: &rusqlite::Row) -> Result<LeaderChange, StoreError> {
    let kind: String = r.get(2)?;
    let from: Option<String> = r.get(3)?;
    Ok(LeaderChange {
        leader: r.get(0)?,
        change: Change {
            venue: r.get(1)?,
            kind: ChangeKind::parse(&kind)
                .ok_or_else(|| StoreError::Invalid(format!("change kind {kind:?}")))?,
            from: from.as_deref().map(parse_stance).transpose()?,
            to: parse_stance(&r.get::<_, String>(4)?)?,
            date: parse_date(&r.get::<_, String>(5)?)?,
            article: r.get(6)?,
            previous_article: r.get(7)?,
            evidence: r.get(8)?,
            diff: r.get(9)?,
        },
        source: Source::default(),
    })
}

fn parse_stance(s: &str) -> Result<Stance, StoreError> {
    Stance::parse(s).ok_or_else(|| StoreError::Invalid(format!("stance {s:?}")))
}

fn parse_date(s: &str) -> Result<Date, StoreError> {
    s.parse()
        .map_err(|e| StoreError::Invalid(format!("date {s:?}: {e}")))
}

fn now() -> String {
    jiff::Timestamp::now().to_string()
}

#[cfg(test)]
mod tests;
