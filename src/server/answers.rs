//! Answers kept while the database stays the same. Clients of a live page
//! or a dashboard ask the same few questions over and over; between two
//! commits each question is answered by one query, however many ask it,
//! so that readers cost the daemon's ingestion almost nothing.
//!
//! Whether the database changed is SQLite's `data_version` on one
//! connection of the server's own, looked at every [`FRESH`] by
//! [`watch`]: an answer is at most that much older than the database, and
//! always a state the database was in. A commit by any process counts,
//! so `serve` beside another process's `watch` is kept up to date too.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Bytes;
use axum::http::{header, HeaderName, HeaderValue};
use rustc_hash::FxHashMap as HashMap;
use tracing::debug;

use crate::daemon::Shutdown;
use crate::store::Store;

/// How often the database is looked at for commits while clients ask:
/// the most an answer lags behind the database.
pub(super) const FRESH: Duration = Duration::from_millis(100);
/// Bytes of answers kept at most; a query's answer larger than a quarter
/// of it is not kept.
const MAX_BYTES: usize = 8 << 20;

/// One answer: a 200's body and the headers that go with it.
#[derive(Debug, Clone)]
pub(super) struct Answer {
    pub body: Bytes,
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl Answer {
    /// A JSON body.
    pub fn json(body: Vec<u8>) -> Answer {
        Answer {
            body: Bytes::from(body),
            headers: vec![(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
        }
    }
}

/// The answers kept, by request target, each with the generation of the
/// database it was read in.
#[derive(Debug, Default)]
pub(super) struct Answers {
    /// Moves whenever the database may have changed.
    generation: AtomicU64,
    /// Whether a client asked since [`watch`] last looked.
    asked: AtomicBool,
    kept: Mutex<Kept>,
}

#[derive(Debug, Default)]
struct Kept {
    map: HashMap<String, (u64, Answer)>,
    bytes: usize,
}

impl Answers {
    /// The generation an answer read now belongs to.
    pub fn generation(&self) -> u64 {
        self.asked.store(true, Ordering::Relaxed);
        self.generation.load(Ordering::Acquire)
    }

    /// The answer kept for `key` in generation `generation`, if any.
    pub fn get(&self, key: &str, generation: u64) -> Option<Answer> {
        let kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        match kept.map.get(key) {
            Some((g, answer)) if *g == generation => Some(answer.clone()),
            _ => None,
        }
    }

    /// Keeps `answer` for `key`, read in generation `generation`. An
    /// answer of an older generation than the current one is never
    /// served, so keeping it is harmless, and skipped.
    pub fn put(&self, key: String, generation: u64, answer: &Answer) {
        let size = key.len() + answer.body.len();
        if size > MAX_BYTES / 4 || generation != self.generation.load(Ordering::Acquire) {
            return;
        }
        let mut kept = self.kept.lock().unwrap_or_else(|p| p.into_inner());
        if kept.bytes + size > MAX_BYTES {
            kept.map.retain(|_, (g, _)| *g == generation);
            kept.bytes = kept
                .map
                .iter()
                .map(|(k, (_, a))| k.len() + a.body.len())
                .sum();
            if kept.bytes + size > MAX_BYTES {
                kept.map.clear();
                kept.bytes = 0;
            }
        }
        if let Some((_, old)) = kept.map.insert(key.clone(), (generation, answer.clone())) {
            kept.bytes -= key.len() + old.body.len();
        }
        kept.bytes += size;
    }

    /// Forgets every answer (they stay in memory until replaced).
    fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

/// Looks at the database every [`FRESH`] while clients ask, and moves the
/// generation when it changed (or cannot be told); ends at `shutdown`.
/// With no client asking it does not read the database at all: it
/// forgets, and the next question is answered afresh.
pub(super) async fn watch(answers: Arc<Answers>, db: std::path::PathBuf, shutdown: Shutdown) {
    let mut conn: Option<Store> = None;
    let mut seen: Option<i64> = None;
    let mut tick = tokio::time::interval(FRESH);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = shutdown.wait() => return,
            _ = tick.tick() => {}
        }
        if !answers.asked.swap(false, Ordering::Relaxed) {
            answers.invalidate();
            seen = None;
            continue;
        }
        let db = db.clone();
        let (back, version) = tokio::task::spawn_blocking(move || {
            let store = match conn.take() {
                Some(store) => store,
                None => Store::open_read_only(&db)?,
            };
            let version = store.data_version();
            Ok::<_, crate::store::StoreError>((Some(store), version?))
        })
        .await
        .unwrap_or_else(|err| Err(crate::store::StoreError::Invalid(err.to_string())))
        .map_or_else(|err| (None, Err(err)), |(store, v)| (store, Ok(v)));
        conn = back;
        match version {
            Ok(v) if seen == Some(v) => {}
            Ok(v) => {
                seen = Some(v);
                answers.invalidate();
            }
            Err(err) => {
                debug!("cannot tell whether the database changed: {err}");
                seen = None;
                answers.invalidate();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(body: &str) -> Answer {
        Answer::json(body.as_bytes().to_vec())
    }

    #[test]
    fn an_answer_is_served_only_in_its_generation() {
        let answers = Answers::default();
        let g = answers.generation();
        answers.put("/api/positions".into(), g, &answer("[]"));
        assert_eq!(
            answers.get("/api/positions", g).map(|a| a.body),
            Some(Bytes::from("[]"))
        );
        assert!(answers.get("/api/changes", g).is_none());
        answers.invalidate();
        let now = answers.generation();
        assert!(answers.get("/api/positions", now).is_none());
        // Read before the database moved: not kept, as never served.
        answers.put("/api/positions".into(), g, &answer("[1]"));
        assert!(answers
            .get("/api/positions", g)
            .is_some_and(|a| a.body == "[]"));
        assert!(answers.get("/api/positions", now).is_none());
    }

    #[test]
    fn kept_bytes_stay_under_the_bound() {
        let answers = Answers::default();
        let g = answers.generation();
        let big = "x".repeat(MAX_BYTES / 8);
        for i in 0..40 {
            answers.put(format!("/api/changes?page={i}"), g, &answer(&big));
            let kept = answers.kept.lock().unwrap();
            assert!(kept.bytes <= MAX_BYTES, "{} bytes after {i}", kept.bytes);
            let counted: usize = kept
                .map
                .iter()
                .map(|(k, (_, a))| k.len() + a.body.len())
                .sum();
            assert_eq!(kept.bytes, counted);
        }
        // Too large to keep at all.
        answers.put("/huge".into(), g, &answer(&"y".repeat(MAX_BYTES / 2)));
        assert!(answers.get("/huge", g).is_none());
    }
}
