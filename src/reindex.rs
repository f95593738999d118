//! `venuewatch reindex`: every stored article back through the reader and the
//! extractor with the current lexicon and rules, positions and changes
//! derived again, and what that changed (claims and changes added and
//! removed, articles re-dated) reported.
//!
//! Reads articles from the store, never from the watched folder, except to
//! recover the bytes of an article ingested before they were kept (only a
//! file whose content still has the article's hash is used). Decides
//! nothing about rendering; `report` does that.
//!
//! Everything happens in one write transaction: a crash or an error leaves
//! the database as it was, and a dry run is the same work rolled back.

use jiff::civil::Date;

use crate::article::{self, Article};
use crate::extract::{Claim, Extractor};
use crate::ingest;
use crate::store::{LeaderChange, Reading, Store, StoreError, StoredArticle, StoredText, Writer};

/// How to reindex.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Roll everything back at the end: report, write nothing.
    pub dry_run: bool,
    /// The largest file read when recovering an old article's bytes.
    pub max_size: u64,
}

/// Progress reports, for a progress bar. Called from worker threads, in no
/// particular order between articles.
#[derive(Debug, Clone, Copy)]
pub enum Progress<'a> {
    /// Reindexing starts over this many articles.
    Start {
        /// Stored articles.
        articles: u64,
    },
    /// One article was read again.
    Article {
        /// Its name.
        name: &'a str,
    },
    /// Positions and changes are being derived again.
    Deriving,
}

/// A claim with the article it is in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArticleClaim {
    /// The article's name.
    pub article: String,
    /// The article's date (after reindexing).
    pub date: Date,
    /// The claim.
    pub claim: Claim,
}

/// An article the reader now dates differently.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redated {
    /// The article's name.
    pub article: String,
    /// The date stored before.
    pub from: Date,
    /// The date now.
    pub to: Date,
}

/// What a reindex changed (or, in a dry run, would change).
#[derive(Debug, Clone, Default)]
pub struct Summary {
    /// Whether this was a dry run: nothing was written.
    pub dry_run: bool,
    /// Articles read again.
    pub articles: u64,
    /// Articles whose stored reading (date, title, claims or evidence)
    /// changed.
    pub reread: u64,
    /// Articles stored without their bytes (ingested before schema version
    /// 2) whose bytes were found again in a file holding them, and kept.
    pub recovered: Vec<String>,
    /// Articles stored without their bytes that no file holds any more: the
    /// extractor ran on the stored body, the reader could not run again.
    pub body_only: Vec<String>,
    /// Articles the reader now refuses (with why): kept as they were.
    pub refused: Vec<(String, String)>,
    /// Articles dated differently now.
    pub redated: Vec<Redated>,
    /// Claims added, by article.
    pub claims_added: Vec<ArticleClaim>,
    /// Claims removed, by article.
    pub claims_removed: Vec<ArticleClaim>,
    /// Changes added to the log, oldest first.
    pub changes_added: Vec<LeaderChange>,
    /// Changes gone from the log, oldest first.
    pub changes_removed: Vec<LeaderChange>,
}

impl Summary {
    /// Whether claims or changes differ.
    pub fn is_empty(&self) -> bool {
        self.claims_added.is_empty()
            && self.claims_removed.is_empty()
            && self.changes_added.is_empty()
            && self.changes_removed.is_empty()
            && self.redated.is_empty()
    }
}

/// How many articles are read again between two writes: as in a catch-up,
/// enough to keep every core busy, few enough that memory stays flat.
const BATCH: usize = 256;

/// Reads every stored article again with `extractor`, replaces its claims
/// (and date), derives positions and changes again and returns what changed,
/// all in one transaction that a dry run rolls back. `progress` hears of each
/// article as it is read.
pub fn run(
    store: &mut Store,
    extractor: &Extractor,
    options: Options,
    progress: &(dyn Fn(Progress) + Sync),
) -> Result<Summary, StoreError> {
    store.rewrite(!options.dry_run, |w| {
        let mut summary = Summary {
            dry_run: options.dry_run,
            ..Summary::default()
        };
        // Marks left by a crash are settled first, so that the comparison
        // shows what the reindex did and nothing else.
        w.derive(&mut |_| {})?;
        w.snapshot_changes()?;
        progress(Progress::Start {
            articles: w.article_count()?,
        });
        let mut after = 0;
        loop {
            let batch = w.stored_articles(after, BATCH)?;
            let Some(last) = batch.last() else { break };
            after = last.id;
            let readings = read_all(&batch, extractor, options.max_size, progress);
            for (stored, reading) in batch.iter().zip(readings) {
                record(w, stored, reading, &mut summary)?;
            }
        }
        progress(Progress::Deriving);
        w.derive(&mut |_| {})?;
        let (added, removed) = w.changes_since_snapshot()?;
        summary.changes_added = added;
        summary.changes_removed = removed;
        Ok(summary)
    })
}

/// A stored article read again.
enum Rereading {
    /// From the bytes stored with it.
    Stored(Article, Vec<Claim>),
    /// From bytes found again in a file; keep them.
    Recovered(Vec<u8>, Article, Vec<Claim>),
    /// From the stored body, by the extractor only.
    BodyOnly(Vec<Claim>),
    /// The reader refuses the bytes now.
    Refused(String),
}

/// Reads a page of articles again on every core (no database here).
fn read_all(
    batch: &[StoredArticle],
    extractor: &Extractor,
    max_size: u64,
    progress: &(dyn Fn(Progress) + Sync),
) -> Vec<Rereading> {
    let workers = ingest::workers();
    let per_worker = batch.len().div_ceil(workers).max(1);
    std::thread::scope(|scope| {
        let handles: Vec<_> = batch
            .chunks(per_worker)
            .map(|chunk| {
                scope.spawn(move || {
                    chunk
                        .iter()
                        .map(|a| {
                            let reread = read_again(a, extractor, max_size);
                            progress(Progress::Article { name: &a.name });
                            reread
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            // A panic here is a bug; let it unwind, and the transaction with it.
            .flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
            .collect()
    })
}

fn read_again(stored: &StoredArticle, extractor: &Extractor, max_size: u64) -> Rereading {
    let read = |bytes: &[u8]| read_one(bytes, &stored.name, stored.fallback_date);
    match &stored.text {
        StoredText::Raw(bytes) => match read(bytes) {
            Ok(article) => {
                let claims = extractor.extract(&article);
                Rereading::Stored(article, claims)
            }
            Err(reason) => Rereading::Refused(reason),
        },
        StoredText::BodyOnly => {
            // The first file that still holds exactly this content.
            let found = stored.paths.iter().find_map(|path| {
                ingest::read_document(path.as_ref(), max_size)
                    .ok()
                    .filter(|doc| doc.hash[..] == stored.hash[..])
            });
            match found.map(|doc| (read(&doc.bytes), doc.bytes)) {
                Some((Ok(article), bytes)) => {
                    let claims = extractor.extract(&article);
                    Rereading::Recovered(bytes, article, claims)
                }
                Some((Err(reason), _)) => Rereading::Refused(reason),
                None => Rereading::BodyOnly(extractor.extract(&stored.article)),
            }
        }
    }
}

/// Reads a stored article's bytes again: the file's own, or an item's
/// self-contained form, either of which holds one article.
fn read_one(bytes: &[u8], name: &str, fallback: jiff::civil::Date) -> Result<Article, String> {
    let mut entries = article::read_file(bytes, name, fallback).map_err(|r| r.to_string())?;
    match (entries.pop(), entries.is_empty()) {
        (Some(entry), true) => entry.article.map_err(|r| r.to_string()),
        (_, false) => Err(format!(
            "now reads as a file of {} articles; ingest the file again to record them",
            entries.len() + 1
        )),
        (None, _) => Err("holds no article".to_owned()),
    }
}

/// Writes one article's new reading and adds what it changed to `summary`.
fn record(
    w: &mut Writer,
    stored: &StoredArticle,
    reread: Rereading,
    summary: &mut Summary,
) -> Result<(), StoreError> {
    summary.articles += 1;
    let name = || stored.name.clone();
    let (article, claims, raw) = match &reread {
        Rereading::Stored(article, claims) => (article, claims, None),
        Rereading::Recovered(bytes, article, claims) => {
            summary.recovered.push(name());
            (article, claims, Some(&bytes[..]))
        }
        Rereading::BodyOnly(claims) => {
            summary.body_only.push(name());
            (&stored.article, claims, None)
        }
        Rereading::Refused(reason) => {
            tracing::warn!(article = %stored.name, "the reader now refuses this article ({reason}); kept as it was");
            summary.refused.push((name(), reason.clone()));
            return Ok(());
        }
    };
    let changed = w.reread(
        stored.id,
        Reading {
            article,
            claims,
            raw,
        },
    )?;
    if changed.rewritten {
        summary.reread += 1;
    }
    if let Some(from) = changed.old_date {
        summary.redated.push(Redated {
            article: name(),
            from,
            to: article.date,
        });
    }
    let with_article = |claim| ArticleClaim {
        article: name(),
        date: article.date,
        claim,
    };
    summary
        .claims_added
        .extend(changed.added.into_iter().map(with_article));
    summary
        .claims_removed
        .extend(changed.removed.into_iter().map(with_article));
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::article::DateSource;
    use crate::ingest::FileMeta;
    use crate::lexicon::Lexicon;
    use crate::store::{Content, FileVersion};

    const TEXT: &[u8] = b"date 2026-01-05\n\nPutin invited Zelensky to Moscow for talks.\n";

    /// A store holding `TEXT` with `claims`, as an older extractor might
    /// have read it, dated `date`.
    fn stored(claims: &[Claim], date: Date) -> Store {
        let mut store = Store::in_memory().expect("db");
        let mut article = article::read(TEXT, date).expect("article");
        article.date = date;
        article.date_source = DateSource::Header;
        store
            .write(|w| {
                let file = FileVersion {
                    path: "/a.txt",
                    item: "",
                    name: "a.txt",
                    meta: FileMeta {
                        size: 1,
                        mtime_ns: 1,
                        inode: 1,
                    },
                    hash: b"h",
                };
                w.record(
                    &file,
                    Some(Content {
                        raw: TEXT,
                        article: &article,
                        claims,
                    }),
                )?;
                w.derive(&mut |_| {})
            })
            .expect("record");
        store
    }

    fn reindex(store: &mut Store, dry_run: bool) -> Summary {
        let extractor = Extractor::new(Lexicon::builtin().expect("lexicon"));
        let options = Options {
            dry_run,
            max_size: 1 << 20,
        };
        let seen = std::sync::Mutex::new(Vec::new());
        let progress = |p: Progress| {
            if let Progress::Article { name } = p {
                seen.lock().expect("lock").push(name.to_string());
            }
        };
        let summary = run(store, &extractor, options, &progress).expect("reindex");
        assert_eq!(seen.into_inner().expect("lock"), ["a.txt"], "progress");
        summary
    }

    #[test]
    fn an_article_read_with_new_rules_gets_its_claims_and_date() {
        let mut store = stored(&[], jiff::civil::date(2025, 1, 1));
        let dry = reindex(&mut store, true);
        assert_eq!(store.counts().expect("counts").claims, 0, "dry run");
        let summary = reindex(&mut store, false);
        assert!(dry.dry_run && !summary.dry_run);
        for s in [&dry, &summary] {
            assert_eq!((s.articles, s.reread), (1, 1));
            let added: Vec<_> = s
                .claims_added
                .iter()
                .map(|c| {
                    (
                        c.article.as_str(),
                        c.claim.leader.as_str(),
                        c.claim.venue.as_str(),
                    )
                })
                .collect();
            assert_eq!(added, [("a.txt", "putin", "moscow")]);
            assert_eq!(s.changes_added.len(), 1);
            assert_eq!(
                s.redated,
                [Redated {
                    article: "a.txt".into(),
                    from: jiff::civil::date(2025, 1, 1),
                    to: jiff::civil::date(2026, 1, 5),
                }]
            );
        }
        assert_eq!(store.positions().expect("positions").len(), 1);

        // Read again with the same rules: nothing differs.
        let again = reindex(&mut store, false);
        assert!(again.is_empty(), "{again:?}");
        assert_eq!(again.reread, 0);
    }
}
