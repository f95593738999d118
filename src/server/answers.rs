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
//!
//! A kept answer is also kept compressed, made for the first client that
//! accepts gzip ([`gzip_kept`]): browsers and most HTTP libraries ask for
//! it, and compressing a `/api/changes` page (tens of KB, a tenth of
//! that in gzip) for every request would cost more than answering it.

use std::io::Write as _;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
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
    /// The body in gzip, made once, when a client first accepts it;
    /// shared by every copy of the answer.
    gzip: Arc<OnceLock<Bytes>>,
}

impl Answer {
    /// An answer of `body` with `headers`.
    pub fn new(body: impl Into<Bytes>, headers: Vec<(HeaderName, HeaderValue)>) -> Answer {
        Answer {
            body: body.into(),
            headers,
            gzip: Arc::default(),
        }
    }

    /// A JSON body.
    pub fn json(body: Vec<u8>) -> Answer {
        Answer::new(
            body,
            vec![(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
        )
    }

    /// The body in gzip, compressed on first use.
    fn gzipped(&self) -> Bytes {
        self.gzip
            .get_or_init(|| {
                let mut gz = flate2::write::GzEncoder::new(
                    Vec::with_capacity(self.body.len() / 4),
                    flate2::Compression::default(),
                );
                // Writing to memory cannot fail.
                let _ = gz.write_all(&self.body);
                Bytes::from(gz.finish().unwrap_or_default())
            })
            .clone()
    }
}

impl IntoResponse for Answer {
    /// The body as it is; the answer rides along for [`gzip_kept`].
    fn into_response(self) -> Response {
        let mut response = self.body.clone().into_response();
        let headers = response.headers_mut();
        for (name, value) in &self.headers {
            headers.insert(name, value.clone());
        }
        response.extensions_mut().insert(Attached(self));
        response
    }
}

/// A kept answer, attached to its response.
#[derive(Clone)]
struct Attached(Answer);

/// Answers a client that accepts gzip with a kept answer's compressed
/// body, compressed once for all who ask; other responses pass as they
/// are, for the compression layer outside to compress or not.
pub(super) async fn gzip_kept(req: Request, next: Next) -> Response {
    let gzip = accepts_gzip(req.headers());
    let mut response = next.run(req).await;
    let Some(Attached(answer)) = response.extensions_mut().remove::<Attached>() else {
        return response;
    };
    if response.status() != StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if !gzip {
        return Response::from_parts(parts, body);
    }
    parts.headers.remove(header::CONTENT_LENGTH);
    parts
        .headers
        .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    Response::from_parts(parts, Body::from(answer.gzipped()))
}

/// Whether a request's `Accept-Encoding` accepts gzip (RFC 9110, 12.5.3):
/// named with a weight above 0, or not named but `*` is.
fn accepts_gzip(headers: &HeaderMap) -> bool {
    let mut named = None;
    let mut any = false;
    let entries = headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','));
    for entry in entries {
        let mut parts = entry.split(';');
        let coding = parts.next().unwrap_or("").trim();
        let weight = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        if coding.eq_ignore_ascii_case("gzip") || coding.eq_ignore_ascii_case("x-gzip") {
            named = Some(weight > 0.0);
        } else if coding == "*" {
            any = weight > 0.0;
        }
    }
    named.unwrap_or(any)
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
    pub fn invalidate(&self) {
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
    fn gzip_is_accepted_by_name_or_by_star_unless_weighed_zero() {
        let accepts = |value: &str| {
            let mut headers = HeaderMap::new();
            if !value.is_empty() {
                headers.insert(
                    header::ACCEPT_ENCODING,
                    HeaderValue::from_str(value).unwrap(),
                );
            }
            accepts_gzip(&headers)
        };
        assert!(accepts("gzip"));
        assert!(accepts("gzip, deflate, br"));
        assert!(accepts("br;q=1.0, GZIP;q=0.5"));
        assert!(accepts("x-gzip"));
        assert!(accepts("*"));
        assert!(accepts("deflate, *;q=0.1"));
        assert!(!accepts(""));
        assert!(!accepts("identity"));
        assert!(!accepts("br, deflate"));
        assert!(!accepts("gzip;q=0"));
        assert!(!accepts("gzip; q=0.000, *"));
        assert!(!accepts("*;q=0"));
    }

    #[test]
    fn an_answer_is_compressed_once_for_all_its_copies() {
        use std::io::Read as _;
        let body = "{\"changes\": []}".repeat(100);
        let a = answer(&body);
        let copy = a.clone();
        let gz = a.gzipped();
        assert!(gz.len() < body.len() / 4, "{} bytes", gz.len());
        // The copy shares the compressed bytes: the same allocation.
        assert_eq!(copy.gzipped().as_ptr(), gz.as_ptr());
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&gz[..])
            .read_to_string(&mut decoded)
            .unwrap();
        assert_eq!(decoded, body);
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
