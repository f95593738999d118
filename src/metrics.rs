//! The daemon's metrics, in the Prometheus text format (for `GET /metrics`):
//! counters and histograms the pipeline and the daemon update as they go,
//! and gauges read from the database at scrape time ([`DbSnapshot`]).
//! The only module importing `prometheus_client`. Recording is an atomic
//! update (a histogram takes its own short lock); nothing here holds a lock
//! across database work, and [`Metrics::encode`] does no I/O.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use prometheus_client::encoding::prometheus_text;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::{ConstGauge, Gauge};
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::metrics::info::Info;
use prometheus_client::registry::Registry;

use crate::diff::ChangeKind;
use crate::pipeline::{Outcome, RejectKind};
use crate::store::{NewChange, Store, StoreError};

/// The `Content-Type` of what [`Metrics::encode`] writes.
pub const CONTENT_TYPE: &str = prometheus_text::CONTENT_TYPE;

/// Bucket bounds in seconds, for steps from a millisecond to ten seconds.
const BUCKETS: [f64; 13] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// A label set of one pair.
type Label = [(&'static str, &'static str); 1];

/// The metrics of one process. Cheap to clone: clones share the values.
#[derive(Debug, Clone)]
pub struct Metrics {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    registry: Registry,
    articles: Counter,
    /// One per [`RejectKind`], in [`RejectKind::ALL`]'s order: taken from
    /// the family once, so that counting one is an atomic increment and
    /// every class is exported from the start (at 0).
    rejected: [Counter; RejectKind::ALL.len()],
    deferred: Counter,
    claims: Counter,
    changes_new: Counter,
    changes_reversed: Counter,
    queue_depth: Gauge,
    ingest_latency: Histogram,
    derive: Histogram,
    ready: Gauge,
}

impl Default for Metrics {
    fn default() -> Metrics {
        Metrics::new()
    }
}

impl Metrics {
    /// Metrics at zero, not ready.
    pub fn new() -> Metrics {
        let mut registry = Registry::default();
        let articles = Counter::default();
        registry.register(
            "venuewatch_articles_ingested",
            "New articles recorded (an item of a feed or export is one article)",
            articles.clone(),
        );
        let rejected_family = Family::<Label, Counter>::default();
        let rejected = RejectKind::ALL
            .map(|kind| rejected_family.get_or_create_owned(&[("reason", kind.as_str())]));
        registry.register(
            "venuewatch_files_rejected",
            "Files rejected as not articles, by class of reason",
            rejected_family,
        );
        let deferred = Counter::default();
        registry.register(
            "venuewatch_files_deferred",
            "Files not readable yet (being written, gone, or a read that hung), to be tried again",
            deferred.clone(),
        );
        let claims = Counter::default();
        registry.register(
            "venuewatch_claims",
            "Claims recorded with new articles",
            claims.clone(),
        );
        let changes = Family::<Label, Counter>::default();
        let changes_new = changes.get_or_create_owned(&[("kind", ChangeKind::New.as_str())]);
        let changes_reversed =
            changes.get_or_create_owned(&[("kind", ChangeKind::Reversed.as_str())]);
        registry.register(
            "venuewatch_changes",
            "Position changes added to the change log, by kind",
            changes,
        );
        let queue_depth = Gauge::default();
        registry.register(
            "venuewatch_backlog_queue_depth",
            "Files known to be waiting: taken from a catch-up's walk and not yet written, plus those waiting to settle or to be retried",
            queue_depth.clone(),
        );
        let ingest_latency = Histogram::new(BUCKETS);
        registry.register(
            "venuewatch_ingest_latency_seconds",
            "For a live file with new articles, from taking its event (or its due retry) to the commit of its articles",
            ingest_latency.clone(),
        );
        let derive = Histogram::new(BUCKETS);
        registry.register(
            "venuewatch_derive_seconds",
            "Time of each derivation of positions and changes",
            derive.clone(),
        );
        let ready = Gauge::default();
        registry.register(
            "venuewatch_ready",
            "1 once the startup catch-up is done, else 0",
            ready.clone(),
        );
        registry.register(
            "venuewatch_build",
            "The running build",
            Info::new([("version", env!("CARGO_PKG_VERSION"))]),
        );
        Metrics {
            inner: Arc::new(Inner {
                registry,
                articles,
                rejected,
                deferred,
                claims,
                changes_new,
                changes_reversed,
                queue_depth,
                ingest_latency,
                derive,
                ready,
            }),
        }
    }

    /// Counts what ingesting one file did (once its transaction committed).
    pub fn record_outcome(&self, outcome: &Outcome) {
        let m = &self.inner;
        match outcome {
            Outcome::New { claims } => {
                m.articles.inc();
                m.claims.inc_by(*claims as u64);
            }
            Outcome::Items { new, claims, .. } => {
                m.articles.inc_by(*new as u64);
                m.claims.inc_by(*claims as u64);
            }
            Outcome::Rejected { kind, .. } => {
                m.rejected[*kind as usize].inc();
            }
            Outcome::Deferred(_) | Outcome::Stalled(_) => {
                m.deferred.inc();
            }
            Outcome::Duplicate | Outcome::Unchanged => {}
        }
    }

    /// Counts `n` changes of `kind` added to the change log.
    pub fn record_changes_of(&self, kind: ChangeKind, n: u64) {
        match kind {
            ChangeKind::New => self.inner.changes_new.inc_by(n),
            ChangeKind::Reversed => self.inner.changes_reversed.inc_by(n),
        };
    }

    /// Counts changes added to the change log.
    pub fn record_changes(&self, changes: &[NewChange]) {
        for c in changes {
            self.record_changes_of(c.change.kind, 1);
        }
    }

    /// Notes how long a live file took from its event to its commit.
    pub fn observe_ingest_latency(&self, latency: Duration) {
        self.inner.ingest_latency.observe(latency.as_secs_f64());
    }

    /// Notes how long a derivation took.
    pub fn observe_derive(&self, took: Duration) {
        self.inner.derive.observe(took.as_secs_f64());
    }

    /// Sets how many files are known to be waiting.
    pub fn set_queue_depth(&self, files: usize) {
        self.inner
            .queue_depth
            .set(i64::try_from(files).unwrap_or(i64::MAX));
    }

    /// Marks the process ready: for the daemon, once the startup catch-up
    /// is done.
    pub fn set_ready(&self) {
        self.inner.ready.set(1);
    }

    /// Whether [`Metrics::set_ready`] was called.
    pub fn is_ready(&self) -> bool {
        self.inner.ready.get() == 1
    }

    /// Writes every metric in the Prometheus text format, those of the
    /// database from `snapshot`.
    pub fn encode(&self, snapshot: &DbSnapshot, out: &mut String) -> std::fmt::Result {
        prometheus_text::encode(out, &self.inner.registry)?;
        prometheus_text::encode(out, &snapshot.registry())
    }
}

/// What the metrics read from the database at scrape time: filled by the
/// caller (see [`DbSnapshot::read`]) so that [`Metrics::encode`] is pure.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DbSnapshot {
    /// Alerts not delivered yet.
    pub outbox_pending: u64,
    /// Alerts delivered.
    pub outbox_delivered: u64,
    /// Failed attempts to deliver the pending alerts, in all.
    pub outbox_failed_attempts: u64,
    /// The database file plus its write-ahead log, in bytes.
    pub database_bytes: u64,
    /// Distinct articles.
    pub articles: u64,
    /// Claims.
    pub claims: u64,
    /// Changes in the log.
    pub changes: u64,
}

impl DbSnapshot {
    /// Reads the snapshot from `store`, whose file is `db_path` (a file
    /// missing, as for an in-memory database, counts 0 bytes).
    pub fn read(store: &Store, db_path: &Path) -> Result<DbSnapshot, StoreError> {
        let counts = store.counts()?;
        let outbox = store.outbox_counts()?;
        let mut wal = db_path.as_os_str().to_owned();
        wal.push("-wal");
        let size = |p: &Path| std::fs::metadata(p).map_or(0, |m| m.len());
        Ok(DbSnapshot {
            outbox_pending: outbox.pending,
            outbox_delivered: outbox.delivered,
            outbox_failed_attempts: store.outbox_failed_attempts()?,
            database_bytes: size(db_path) + size(Path::new(&wal)),
            articles: counts.articles,
            claims: counts.claims,
            changes: counts.changes,
        })
    }

    /// The snapshot as gauges, in a registry of their own.
    fn registry(&self) -> Registry {
        let mut registry = Registry::default();
        let gauges = [
            (
                "venuewatch_outbox_pending",
                "Alerts not delivered yet",
                self.outbox_pending,
            ),
            (
                "venuewatch_outbox_delivered",
                "Alerts delivered",
                self.outbox_delivered,
            ),
            (
                "venuewatch_outbox_failed_attempts",
                "Failed attempts to deliver the pending alerts, in all",
                self.outbox_failed_attempts,
            ),
            (
                "venuewatch_database_bytes",
                "Size of the database file plus its write-ahead log",
                self.database_bytes,
            ),
            (
                "venuewatch_articles",
                "Articles in the database",
                self.articles,
            ),
            ("venuewatch_claims", "Claims in the database", self.claims),
            (
                "venuewatch_changes",
                "Changes in the change log",
                self.changes,
            ),
        ];
        for (name, help, value) in gauges {
            let value = i64::try_from(value).unwrap_or(i64::MAX);
            registry.register(name, help, ConstGauge::new(value));
        }
        registry
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use prometheus_parse::{Sample, Scrape, Value};

    fn scrape(m: &Metrics, snapshot: &DbSnapshot) -> (String, Scrape) {
        let mut out = String::new();
        m.encode(snapshot, &mut out).expect("encode");
        let lines = out.lines().map(|l| Ok(l.to_owned()));
        let scrape = Scrape::parse(lines).expect("parse");
        (out, scrape)
    }

    /// The one sample named `name` whose labels include `labels`.
    fn sample<'a>(s: &'a Scrape, name: &str, labels: &[(&str, &str)]) -> &'a Sample {
        let found: Vec<&Sample> = s
            .samples
            .iter()
            .filter(|x| x.metric == name)
            .filter(|x| labels.iter().all(|(k, v)| x.labels.get(k) == Some(*v)))
            .collect();
        assert_eq!(found.len(), 1, "{name} {labels:?}: {found:?}");
        found[0]
    }

    fn value(s: &Scrape, name: &str, labels: &[(&str, &str)]) -> f64 {
        match &sample(s, name, labels).value {
            Value::Counter(v) | Value::Gauge(v) | Value::Untyped(v) => *v,
            other => panic!("{name} is not a number: {other:?}"),
        }
    }

    /// A histogram's count and its cumulative count at bucket `le`.
    fn histogram(s: &Scrape, name: &str, le: f64) -> (f64, f64) {
        match &sample(s, name, &[]).value {
            Value::Histogram(buckets) => {
                let at = buckets
                    .iter()
                    .find(|b| (b.less_than - le).abs() < 1e-9)
                    .map(|b| b.count);
                let inf = buckets
                    .iter()
                    .find(|b| b.less_than.is_infinite())
                    .map(|b| b.count);
                (inf.expect("+Inf bucket"), at.expect("bucket"))
            }
            other => panic!("{name} is not a histogram: {other:?}"),
        }
    }

    fn rejected(kind: RejectKind) -> Outcome {
        Outcome::Rejected {
            kind,
            reason: "rejected x: the file is empty".into(),
        }
    }

    #[test]
    fn a_fresh_metrics_exports_every_metric_at_zero() {
        let (text, s) = scrape(&Metrics::new(), &DbSnapshot::default());
        for name in [
            "venuewatch_articles_ingested_total",
            "venuewatch_files_deferred_total",
            "venuewatch_claims_total",
            "venuewatch_backlog_queue_depth",
            "venuewatch_ready",
            "venuewatch_outbox_pending",
            "venuewatch_outbox_delivered",
            "venuewatch_outbox_failed_attempts",
            "venuewatch_database_bytes",
            "venuewatch_articles",
            "venuewatch_claims",
            "venuewatch_changes",
        ] {
            assert_eq!(value(&s, name, &[]), 0.0, "{name}");
        }
        for kind in RejectKind::ALL {
            let labels = [("reason", kind.as_str())];
            assert_eq!(value(&s, "venuewatch_files_rejected_total", &labels), 0.0);
        }
        for kind in ["new", "reversed"] {
            assert_eq!(
                value(&s, "venuewatch_changes_total", &[("kind", kind)]),
                0.0
            );
        }
        for name in [
            "venuewatch_ingest_latency_seconds",
            "venuewatch_derive_seconds",
        ] {
            assert_eq!(histogram(&s, name, 0.001), (0.0, 0.0), "{name}");
        }
        let version = [("version", env!("CARGO_PKG_VERSION"))];
        assert_eq!(value(&s, "venuewatch_build_info", &version), 1.0);
        assert!(text.contains("# TYPE venuewatch_articles_ingested_total counter\n"));
        assert!(text.contains("# TYPE venuewatch_ingest_latency_seconds histogram\n"));
        assert!(text.contains("# TYPE venuewatch_database_bytes gauge\n"));
    }

    #[test]
    fn counters_move_as_outcomes_are_recorded() {
        let m = Metrics::new();
        let clone = m.clone();
        m.record_outcome(&Outcome::New { claims: 3 });
        clone.record_outcome(&Outcome::Items {
            new: 2,
            known: 5,
            claims: 4,
            bad: vec!["rejected item 3: the file is empty".into()],
        });
        m.record_outcome(&Outcome::Duplicate);
        m.record_outcome(&Outcome::Unchanged);
        m.record_outcome(&rejected(RejectKind::Binary));
        m.record_outcome(&rejected(RejectKind::Binary));
        m.record_outcome(&rejected(RejectKind::TooLarge));
        m.record_outcome(&Outcome::Deferred("changing".into()));
        m.record_outcome(&Outcome::Stalled("hung".into()));
        m.record_changes_of(ChangeKind::New, 2);
        m.record_changes_of(ChangeKind::Reversed, 1);
        let (_, s) = scrape(&m, &DbSnapshot::default());
        assert_eq!(value(&s, "venuewatch_articles_ingested_total", &[]), 3.0);
        assert_eq!(value(&s, "venuewatch_claims_total", &[]), 7.0);
        assert_eq!(value(&s, "venuewatch_files_deferred_total", &[]), 2.0);
        let reject = |reason| value(&s, "venuewatch_files_rejected_total", &[("reason", reason)]);
        assert_eq!(
            (reject("binary"), reject("too_large"), reject("empty")),
            (2.0, 1.0, 0.0)
        );
        let change = |kind| value(&s, "venuewatch_changes_total", &[("kind", kind)]);
        assert_eq!((change("new"), change("reversed")), (2.0, 1.0));
    }

    #[test]
    fn gauges_histograms_and_the_snapshot_are_exported() {
        let m = Metrics::new();
        assert!(!m.is_ready());
        m.set_ready();
        assert!(m.clone().is_ready());
        m.set_queue_depth(17);
        m.observe_ingest_latency(Duration::from_micros(500));
        m.observe_ingest_latency(Duration::from_millis(40));
        m.observe_ingest_latency(Duration::from_secs(30));
        m.observe_derive(Duration::from_millis(2));
        let snapshot = DbSnapshot {
            outbox_pending: 1,
            outbox_delivered: 2,
            outbox_failed_attempts: 3,
            database_bytes: 4096,
            articles: 5,
            claims: 6,
            changes: 7,
        };
        let (_, s) = scrape(&m, &snapshot);
        assert_eq!(value(&s, "venuewatch_ready", &[]), 1.0);
        assert_eq!(value(&s, "venuewatch_backlog_queue_depth", &[]), 17.0);
        let latency = "venuewatch_ingest_latency_seconds";
        assert_eq!(histogram(&s, latency, 0.001), (3.0, 1.0));
        assert_eq!(histogram(&s, latency, 0.05), (3.0, 2.0));
        assert_eq!(histogram(&s, latency, 10.0), (3.0, 2.0));
        assert_eq!(
            histogram(&s, "venuewatch_derive_seconds", 0.0025),
            (1.0, 1.0)
        );
        let got: Vec<f64> = [
            "venuewatch_outbox_pending",
            "venuewatch_outbox_delivered",
            "venuewatch_outbox_failed_attempts",
            "venuewatch_database_bytes",
            "venuewatch_articles",
            "venuewatch_claims",
            "venuewatch_changes",
        ]
        .iter()
        .map(|name| value(&s, name, &[]))
        .collect();
        assert_eq!(got, [1.0, 2.0, 3.0, 4096.0, 5.0, 6.0, 7.0]);
    }

    #[test]
    fn the_pipeline_counts_what_it_records() {
        use crate::extract::Extractor;
        use crate::lexicon::Lexicon;
        use crate::pipeline::Pipeline;

        let tmp = tempfile::tempdir().expect("tmp");
        let store = Store::in_memory().expect("db");
        let extractor = Extractor::new(Lexicon::builtin().expect("lexicon"));
        let mut p = Pipeline::new(store, extractor, 1024);
        let m = Metrics::new();
        p.set_metrics(m.clone());
        let files = [
            ("a.txt", b"Putin invited Zelensky to Moscow.".to_vec()),
            ("b.txt", b"Putin rejected Moscow as a venue.".to_vec()),
            ("bin.txt", b"\x00\x01\x02binary".to_vec()),
            ("empty.txt", Vec::new()),
            ("big.txt", vec![b'a'; 2048]),
        ];
        for (name, bytes) in &files {
            std::fs::write(tmp.path().join(name), bytes).expect("write");
        }
        let live = std::time::Instant::now();
        p.ingest_live(&tmp.path().join("a.txt"), live)
            .expect("ingest");
        for (name, _) in &files[1..] {
            p.ingest(&tmp.path().join(name)).expect("ingest");
        }
        // Read again: unchanged, counted nowhere.
        p.ingest(&tmp.path().join("a.txt")).expect("ingest");
        let snapshot = DbSnapshot::read(p.store(), Path::new("")).expect("snapshot");
        let (_, s) = scrape(&m, &snapshot);
        assert_eq!(value(&s, "venuewatch_articles_ingested_total", &[]), 2.0);
        assert_eq!(value(&s, "venuewatch_articles", &[]), 2.0);
        let claims = value(&s, "venuewatch_claims", &[]);
        assert!(claims >= 2.0, "{claims}");
        assert_eq!(value(&s, "venuewatch_claims_total", &[]), claims);
        let reject = |reason| value(&s, "venuewatch_files_rejected_total", &[("reason", reason)]);
        assert_eq!(
            [reject("binary"), reject("empty"), reject("too_large")],
            [1.0, 1.0, 1.0]
        );
        let change = |kind| value(&s, "venuewatch_changes_total", &[("kind", kind)]);
        assert_eq!(
            change("new") + change("reversed"),
            value(&s, "venuewatch_changes", &[])
        );
        assert_eq!(change("reversed"), 1.0);
        let (count, _) = histogram(&s, "venuewatch_ingest_latency_seconds", 10.0);
        assert_eq!(count, 1.0, "only the live file");
        let (count, _) = histogram(&s, "venuewatch_derive_seconds", 10.0);
        assert_eq!(count, 6.0, "one derivation per file");
        // A backlog's batch path counts too, and derives once.
        std::fs::write(tmp.path().join("c.txt"), b"Zelensky invited Putin to Kyiv.")
            .expect("write");
        let mut batch = p.batch(&[tmp.path().join("c.txt")]).expect("batch");
        p.overlap(None, &mut batch, &|| false).expect("read");
        p.overlap(Some(batch), &mut Default::default(), &|| false)
            .expect("write");
        p.derive().expect("derive");
        let (_, s) = scrape(&m, &DbSnapshot::default());
        assert_eq!(value(&s, "venuewatch_articles_ingested_total", &[]), 3.0);
        let (count, _) = histogram(&s, "venuewatch_derive_seconds", 10.0);
        assert_eq!(count, 7.0);
    }

    #[test]
    fn reject_kinds_index_their_counters() {
        for (i, kind) in RejectKind::ALL.into_iter().enumerate() {
            assert_eq!(kind as usize, i, "{kind:?}");
        }
    }

    #[test]
    fn a_snapshot_reads_the_database_and_its_files() {
        let tmp = tempfile::tempdir().expect("tmp");
        let db = tmp.path().join("venuewatch.db");
        let store = Store::open(&db).expect("open");
        let snapshot = DbSnapshot::read(&store, &db).expect("read");
        let wal = tmp.path().join("venuewatch.db-wal");
        let expected = std::fs::metadata(&db).expect("db").len()
            + std::fs::metadata(&wal).map_or(0, |m| m.len());
        assert!(expected > 0);
        assert_eq!(
            snapshot,
            DbSnapshot {
                database_bytes: expected,
                ..DbSnapshot::default()
            }
        );
    }
}
