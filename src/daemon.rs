//! The daemon behind `venuewatch watch`: a full rescan at start, then one loop
//! over [`FileEvent`]s that ingests each complete file, retries what could not
//! be read or written yet, and stops after the article in hand when asked.
//! With a notifier configured, the [`alert`](crate::alert) sender runs
//! beside the loop and is woken after each write. Beside it too, the
//! watchdog is fed while no step in flight is stuck, and each tick checks
//! that the database and the state lock are still the files opened.

use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{mpsc, Notify};
use tokio::time::Instant;
use tracing::{error, info, warn};

use crate::activity::{Activity, Step};
use crate::alert::{self, AlertConfig};
use crate::filter::Filter;
use crate::ingest;
use crate::metrics::Metrics;
use crate::pipeline::{Batch, Outcome, Pipeline, Tally};
use crate::service::{self, InPlace, Misplaced, StateLock, Watchdog};
use crate::store::{Store, StoreError};
use crate::watch::{self, FileEvent};

/// How the daemon runs.
#[derive(Debug, Clone)]
pub struct DaemonConfig {
    /// The watched folder.
    pub dir: PathBuf,
    /// How long a written-to file must stay quiet before it is read when no
    /// close or rename says it is complete.
    pub settle: Duration,
    /// Which files are articles.
    pub filter: Filter,
    /// The database, for the background checkpoint connection.
    pub db: PathBuf,
    /// Where to announce new changes, if anywhere.
    pub alerts: Option<AlertConfig>,
    /// What the daemon counts in (the server reads the same).
    pub metrics: Metrics,
}

/// Why the daemon stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum DaemonError {
    /// The folder could not be watched.
    #[error(transparent)]
    Watch(#[from] watch::WatchError),
    /// The watched folder does not exist.
    #[error("watched folder {0} does not exist or is not a folder (create it or pass --dir)")]
    NoFolder(PathBuf),
    /// The alert sender's database connection could not be opened.
    #[error("cannot open the database for the alert sender: {0}")]
    Alerts(StoreError),
    /// The database or the lock is no longer where the daemon opened it.
    #[error(transparent)]
    Misplaced(#[from] Misplaced),
    /// The database could not be found again right after opening it.
    #[error("cannot look up the database {path} just opened: {source}")]
    State {
        /// The database.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// How long, once shutdown is requested, the daemon waits for a step in
/// hand that cannot be abandoned (a transaction) before it stops without
/// it: the transaction is then rolled back, as after a crash. Well inside
/// any supervisor's stop timeout.
pub const STOP_GRACE: Duration = Duration::from_millis(1000);

/// A flag set once shutdown is requested, checked between articles.
#[derive(Debug, Clone, Default)]
pub struct Shutdown {
    requested: Arc<AtomicBool>,
    notify: Arc<Notify>,
}

impl Shutdown {
    /// A flag that `signal` sets when it completes.
    pub fn on(signal: impl Future<Output = ()> + Send + 'static) -> Shutdown {
        let shutdown = Shutdown::default();
        let setter = shutdown.clone();
        tokio::spawn(async move {
            signal.await;
            setter.request();
        });
        shutdown
    }

    /// Requests shutdown: sets the flag and wakes every waiter.
    pub fn request(&self) {
        self.requested.store(true, Ordering::SeqCst);
        self.notify.notify_waiters();
    }

    /// Whether shutdown was requested.
    pub fn requested(&self) -> bool {
        self.requested.load(Ordering::SeqCst)
    }

    /// The flag itself, for threads that poll it (reads in flight).
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.requested)
    }

    /// Completes once shutdown is requested. Any number of tasks may wait.
    pub async fn wait(&self) {
        let notified = self.notify.notified();
        tokio::pin!(notified);
        // Registered before the flag is read, so a request between the two
        // still wakes this waiter.
        notified.as_mut().enable();
        if !self.requested() {
            notified.await;
        }
    }
}

/// Completes on SIGINT or SIGTERM.
pub async fn signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = ctrl_c => {}
                    _ = term.recv() => {}
                }
            }
            Err(err) => {
                warn!("cannot listen for SIGTERM: {err}");
                let _ = ctrl_c.await;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}

/// How many files one transaction may group while catching up with a
/// backlog: enough to spread the cost of a commit, few enough that a
/// shutdown or a watchdog ping never waits long.
const BATCH: usize = 256;

/// Files ready at once from which a burst goes the backlog's way
/// ([`Daemon::ingest_group`]): read on every core, recorded in batches,
/// derived and synced once. Fewer go one by one, each durable at its own
/// commit, the lowest latency for a lone file.
const GROUP: usize = 16;
/// Events taken from the watcher's queue at once, so that the loop's other
/// work (ticks, retries, shutdown) comes round between them.
const EVENTS_AT_ONCE: usize = 16_384;
/// Once a burst is seen, events are gathered until none came for this
/// long (the burst is over), or for [`GATHER_AT_MOST`]: each group costs a
/// derivation, so a burst taken whole costs one, not one per slice that
/// happened to be queued.
const QUIET: Duration = Duration::from_millis(25);
const GATHER_AT_MOST: Duration = Duration::from_secs(1);

/// The wait before the next attempt after `failures` failures in a row (at
/// least one): `base`, doubled with each further failure, at most `max`.
/// Shared by file retries here and alert deliveries.
pub fn backoff(base: Duration, failures: u32, max: Duration) -> Duration {
    let doublings = failures.saturating_sub(1).min(31);
    base.saturating_mul(1 << doublings).min(max)
}

/// Runs `f` on the pipeline on the blocking pool.
async fn blocking<T: Send + 'static>(
    pipeline: &Arc<Mutex<Pipeline>>,
    f: impl FnOnce(&mut Pipeline) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let pipeline = Arc::clone(pipeline);
    tokio::task::spawn_blocking(move || {
        let mut pipeline = pipeline.lock().unwrap_or_else(|p| p.into_inner());
        f(&mut pipeline)
    })
    .await
    .unwrap_or_else(|join| Err(StoreError::Invalid(format!("ingest task failed: {join}"))))
}

/// Told how a backlog goes, from any thread: how `ingest` shows progress
/// without this module knowing about terminals. Both methods do nothing by
/// default.
pub trait Observer: Send + Sync {
    /// A file was recorded, or found unchanged.
    fn file_seen(&self) {}
    /// The files are recorded; positions are being derived.
    fn deriving(&self) {}
}

/// Observes nothing: the daemon runs unattended and its log says what it
/// ingests.
impl Observer for () {}

/// Ingests a backlog of `paths` in batches, then brings positions up to
/// date. Stops between articles when `shutdown` is requested. Tells
/// `observer` of each file, and `metrics` how many files wait: those taken
/// from `paths` and not yet written, plus `waiting` others. Returns the
/// tally, the files to try again once they settle (being written), and the
/// files to try again after a while: of batches the database could not
/// take, or whose read hung.
async fn catch_up(
    pipeline: &Arc<Mutex<Pipeline>>,
    mut paths: impl Iterator<Item = PathBuf>,
    shutdown: &Shutdown,
    observer: &Arc<dyn Observer>,
    (metrics, waiting): (&Metrics, usize),
) -> (Tally, Vec<PathBuf>, Vec<PathBuf>) {
    let mut tally = Tally::default();
    let mut deferred = Vec::new();
    let mut failed = Vec::new();
    if let Err(err) = blocking(pipeline, |p| p.store().set_backlog(true)).await {
        warn!("cannot relax syncing for the backlog: {err}");
    }
    // Each round writes the batch read in the round before while reading
    // the next one (see `Pipeline::overlap`).
    let mut pending: Option<Batch> = None;
    loop {
        if shutdown.requested() {
            info!("shutdown requested; stopping after the article in hand");
            break;
        }
        let chunk: Vec<PathBuf> = paths.by_ref().take(BATCH).collect();
        if chunk.is_empty() && pending.is_none() {
            break;
        }
        let stop = shutdown.clone();
        let retry = pending.as_ref().map(Batch::paths).unwrap_or_default();
        metrics.set_queue_depth(waiting + chunk.len() + retry.len());
        let unread = chunk.clone();
        let round = blocking(pipeline, move |p| {
            let mut next = match p.batch(&chunk) {
                Ok(next) => next,
                Err(err) => return Ok((Err(err), Err(chunk))),
            };
            let written = p.overlap(pending, &mut next, &|| stop.requested());
            Ok((written, Ok(next)))
        })
        .await;
        let (written, next) = match round {
            Ok(round) => round,
            Err(err) => (Err(err), Err(unread)),
        };
        match written {
            Ok(done) => {
                for (path, outcome) in done {
                    observer.file_seen();
                    tally.add(&outcome);
                    match outcome {
                        Outcome::Deferred(_) => deferred.push(path),
                        Outcome::Stalled(_) => failed.push(path),
                        _ => {}
                    }
                }
            }
            Err(err) => {
                error!("cannot record {} articles: {err}; will retry", retry.len());
                failed.extend(retry);
            }
        }
        pending = match next {
            Ok(next) => Some(next).filter(|b| !b.is_empty()),
            Err(unread) => {
                error!(
                    "cannot check {} files against the database; will retry",
                    unread.len()
                );
                failed.extend(unread);
                None
            }
        };
    }
    metrics.set_queue_depth(waiting);
    // Positions are derived even after a shutdown request: it is quick, and
    // the marks would otherwise wait for the next start.
    observer.deriving();
    match blocking(pipeline, |p| {
        if let Err(err) = p.store().set_backlog(false) {
            warn!("cannot sync the backlog now: {err}; the next checkpoint will");
        }
        p.derive()
    })
    .await
    {
        Ok(changes) => tally.changes += changes,
        Err(err) => error!("cannot derive positions: {err}; will retry with the next article"),
    }
    (tally, deferred, failed)
}

/// Ingests `paths` (the `ingest` command) until done or `shutdown` is
/// requested, telling `observer` how it goes (for a progress bar).
pub async fn ingest_all(
    pipeline: &Arc<Mutex<Pipeline>>,
    paths: impl Iterator<Item = PathBuf>,
    shutdown: &Shutdown,
    observer: Arc<dyn Observer>,
) -> Result<Tally, StoreError> {
    let metrics = stop_reads_on(pipeline, shutdown);
    let (tally, _, failed) = catch_up(pipeline, paths, shutdown, &observer, (&metrics, 0)).await;
    match failed.len() {
        0 => Ok(tally),
        n => Err(StoreError::Invalid(format!(
            "{n} files could not be read or recorded (see the log); run ingest again"
        ))),
    }
}

/// Stops `pipeline`'s reads on `shutdown`; returns the metrics it counts in.
fn stop_reads_on(pipeline: &Arc<Mutex<Pipeline>>, shutdown: &Shutdown) -> Metrics {
    let p = pipeline.lock().unwrap_or_else(|p| p.into_inner());
    p.reader().stop_on(shutdown.flag());
    p.metrics().clone()
}

/// Feeds the service manager's watchdog while the daemon makes progress:
/// a ping every interval, unless some step in flight (a read, a
/// transaction) has gone a whole interval without progress. Then it says
/// once which step on which file, and pings again once that step moves or
/// ends. Runs beside the loop, so that it goes on while the loop waits on a
/// step; should the loop's own thread block, no ping goes out either.
async fn feed_watchdog(mut watchdog: Watchdog, activity: Activity) {
    let Some(every) = watchdog.interval() else {
        return;
    };
    // The first ping is one interval in, as the service manager's clock
    // starts with the process: READY usually goes first.
    let mut tick = tokio::time::interval_at(Instant::now() + every, every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut stuck: Option<(Step, Option<PathBuf>)> = None;
    loop {
        tick.tick().await;
        match activity.stalled(every) {
            None => {
                if let Some((step, file)) = stuck.take() {
                    info!(
                        file = %file.as_deref().unwrap_or(Path::new("")).display(),
                        step = step.as_str(),
                        "moving again after {:.1} s without a watchdog ping; feeding the watchdog",
                        watchdog.since_ping().as_secs_f64()
                    );
                }
                watchdog.ping();
            }
            Some(stall) => {
                let now = (stall.step, stall.file.clone());
                if stuck.as_ref() != Some(&now) {
                    error!(
                        file = %stall.file.as_deref().unwrap_or(Path::new("")).display(),
                        step = stall.step.as_str(),
                        "{stall}; not feeding the watchdog (the service manager restarts the daemon if this lasts)"
                    );
                    stuck = Some(now);
                }
            }
        }
    }
}

/// Runs the daemon until `shutdown` is requested, holding `lock`; stops
/// with an error should the database or the lock be deleted or replaced.
pub async fn run(
    config: DaemonConfig,
    pipeline: Pipeline,
    shutdown: Shutdown,
    lock: StateLock,
) -> Result<(), DaemonError> {
    if !config.dir.is_dir() {
        return Err(DaemonError::NoFolder(config.dir));
    }
    let placed = InPlace::note(&lock, &config.db).map_err(|source| DaemonError::State {
        path: config.db.clone(),
        source,
    })?;
    let dir = std::fs::canonicalize(&config.dir).unwrap_or(config.dir.clone());
    let mut pipeline = pipeline;
    pipeline.reader().stop_on(shutdown.flag());
    pipeline.set_metrics(config.metrics.clone());
    let activity = pipeline.activity().clone();
    let watchdog = Watchdog::from_env();
    let period = watchdog
        .interval()
        .map_or(Duration::from_secs(1), |w| w.min(Duration::from_secs(1)));
    let feeder = tokio::spawn(feed_watchdog(watchdog, activity.clone()));
    // The sender reads the outbox through its own connection, so that
    // ingestion never waits for a notifier. It starts before the rescan:
    // alerts left pending by the last run go out while the folder is read.
    let sender = match &config.alerts {
        Some(alerts) => match Store::open(&config.db) {
            Ok(store) => {
                pipeline.store_mut().set_outbox(true);
                let wake = Arc::new(Notify::new());
                let task = tokio::spawn(alert::run(
                    store,
                    alerts.clone(),
                    Arc::clone(&wake),
                    shutdown.clone(),
                ));
                Some((wake, task))
            }
            Err(err) => return Err(DaemonError::Alerts(err)),
        },
        None => None,
    };
    let mut daemon = Daemon {
        pipeline: Arc::new(Mutex::new(pipeline)),
        filter: config.filter,
        retry: Retry::new(config.settle),
        checkpoints_deferred: false,
        dir,
        wake: sender.as_ref().map(|(wake, _)| Arc::clone(wake)),
        shutdown: shutdown.clone(),
        metrics: config.metrics.clone(),
    };
    // Watch before the rescan, so nothing written during it is missed.
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut watcher = Some(watch::watch(&daemon.dir, tx.clone())?);
    daemon.rescan(&shutdown).await;
    config.metrics.set_ready();
    let checkpointer = match Store::open(&config.db) {
        Ok(store) => Some(Arc::new(Mutex::new(store))),
        Err(err) => {
            warn!("no background checkpoints ({err}); SQLite checkpoints at commit instead");
            None
        }
    };
    if checkpointer.is_some() {
        daemon.set_autocheckpoint(0).await;
        daemon.checkpoints_deferred = true;
    }
    let mut checkpointing: Option<tokio::task::JoinHandle<()>> = None;
    service::notify("READY=1\nSTATUS=watching for articles");
    info!(dir = %daemon.dir.display(), "watching");

    // The tick checks that the folder, the database and the lock are still
    // there, and starts background checkpoints.
    let mut tick = tokio::time::interval(period);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut outcome = Ok(());
    while !shutdown.requested() {
        let due = daemon.retry.next_due();
        tokio::select! {
            _ = shutdown.wait() => break,
            event = rx.recv() => match event {
                Some(event) => {
                    // Whatever else is queued already comes along: a burst
                    // of renames is seen as one.
                    let mut events = vec![event];
                    while events.len() < EVENTS_AT_ONCE {
                        let Ok(more) = rx.try_recv() else { break };
                        events.push(more);
                    }
                    events.retain(|e| daemon.concerns(e));
                    if events.len() >= GROUP {
                        gather(&mut rx, &mut events, |e| daemon.concerns(e)).await;
                    }
                    daemon.handle_all(events, &shutdown).await;
                }
                None => break,
            },
            _ = sleep_until(due), if due.is_some() => {
                let taken = std::time::Instant::now();
                for path in daemon.retry.take_due() {
                    if shutdown.requested() {
                        break;
                    }
                    daemon.process(&path, taken).await;
                }
            }
            _ = tick.tick() => {
                if let Err(misplaced) = placed.check() {
                    error!("{misplaced}");
                    outcome = Err(misplaced.into());
                    break;
                }
                // Off the ingest path, and never two at once.
                if let Some(store) = &checkpointer {
                    if checkpointing.as_ref().is_none_or(|h| h.is_finished()) {
                        let store = Arc::clone(store);
                        let activity = activity.clone();
                        checkpointing = Some(tokio::task::spawn_blocking(move || {
                            let _busy = activity.begin(Step::Checkpointing, None);
                            let store = store.lock().unwrap_or_else(|p| p.into_inner());
                            if let Err(err) = store.checkpoint() {
                                warn!("background checkpoint failed: {err}");
                            }
                        }));
                    }
                }
                let present = daemon.dir.is_dir();
                if watcher.is_some() && !present {
                    warn!(dir = %daemon.dir.display(), "watched folder is gone; waiting for it to come back");
                    watcher = None;
                } else if watcher.is_none() && present {
                    info!(dir = %daemon.dir.display(), "watched folder is back; rescanning");
                    watcher = Some(watch::watch(&daemon.dir, tx.clone())?);
                    daemon.rescan(&shutdown).await;
                }
            }
        }
        daemon.note_queue();
    }
    service::notify("STOPPING=1");
    info!("shutting down");
    feeder.abort();
    if let Some((_, task)) = sender {
        // The loop may also end because the watcher went away.
        shutdown.request();
        // Lets an attempt in progress finish and be recorded.
        if let Err(err) = task.await {
            error!("alert sender failed: {err}");
        }
    }
    drop(lock);
    outcome
}

/// `work`'s output, unless shutdown is requested and `work` is still not
/// done [`STOP_GRACE`] later (stuck in a transaction that cannot be
/// abandoned): then `None`, and the work is left to the runtime's end.
async fn unless_stopped<T>(shutdown: &Shutdown, work: impl Future<Output = T>) -> Option<T> {
    tokio::select! {
        out = work => Some(out),
        _ = async {
            shutdown.wait().await;
            tokio::time::sleep(STOP_GRACE).await;
        } => None,
    }
}

async fn sleep_until(due: Option<Instant>) {
    if let Some(due) = due {
        tokio::time::sleep_until(due).await;
    }
}

/// Adds to `events` those that `keep` keeps of what comes, until the
/// queue has been quiet for [`QUIET`], for [`GATHER_AT_MOST`] at most, or
/// until [`EVENTS_AT_ONCE`] are held.
async fn gather(
    rx: &mut mpsc::UnboundedReceiver<FileEvent>,
    events: &mut Vec<FileEvent>,
    keep: impl Fn(&FileEvent) -> bool,
) {
    let until = Instant::now() + GATHER_AT_MOST;
    while events.len() < EVENTS_AT_ONCE {
        let quiet = (Instant::now() + QUIET).min(until);
        match tokio::time::timeout_at(quiet, rx.recv()).await {
            Ok(Some(event)) if keep(&event) => events.push(event),
            Ok(Some(_)) => {}
            Ok(None) | Err(_) => return,
        }
    }
}

/// The daemon's state between events.
struct Daemon {
    pipeline: Arc<Mutex<Pipeline>>,
    filter: Filter,
    retry: Retry,
    /// Whether checkpoints run in the background instead of at commit.
    checkpoints_deferred: bool,
    dir: PathBuf,
    /// Wakes the alert sender after a write, when there is one.
    wake: Option<Arc<Notify>>,
    shutdown: Shutdown,
    metrics: Metrics,
}

impl Daemon {
    /// Handles events as if one by one, in the order they came, but with
    /// the complete files gathered: [`GROUP`] or more go as a group
    /// ([`Daemon::ingest_group`]), fewer one by one. An event about a
    /// gathered file, a rescan or a new folder first has the gathered
    /// files ingested, so that it comes after them as it did; others (a
    /// rename's other half, say) do not wait.
    async fn handle_all(&mut self, events: Vec<FileEvent>, shutdown: &Shutdown) {
        let taken = std::time::Instant::now();
        let mut complete: Vec<PathBuf> = Vec::new();
        let mut gathered: HashSet<PathBuf> = HashSet::new();
        for event in events {
            let after_gathered = match &event {
                FileEvent::Complete(_) | FileEvent::Error(_) => false,
                FileEvent::Written(path) | FileEvent::Removed(path) => gathered.contains(path),
                FileEvent::FolderAppeared(_) | FileEvent::Rescan => true,
            };
            if after_gathered {
                gathered.clear();
                self.complete(std::mem::take(&mut complete), taken, shutdown)
                    .await;
            }
            match event {
                FileEvent::Complete(path) => {
                    if self.accepted(&path) && gathered.insert(path.clone()) {
                        self.retry.forget(&path);
                        complete.push(path);
                    }
                }
                FileEvent::Written(path) => {
                    if self.accepted(&path) {
                        self.retry.settle(path);
                    }
                }
                FileEvent::Removed(path) => self.retry.forget(&path),
                FileEvent::FolderAppeared(path) => {
                    if self.accepted(&path) {
                        for file in ingest::walk(&path, &self.filter) {
                            self.retry.settle(file);
                        }
                    }
                }
                FileEvent::Rescan => {
                    warn!(dir = %self.dir.display(), "watcher lost events; rescanning");
                    self.rescan(shutdown).await;
                }
                FileEvent::Error(err) => warn!(dir = %self.dir.display(), "watcher error: {err}"),
            }
        }
        self.complete(complete, taken, shutdown).await;
    }

    /// Ingests files that are complete, taken from the queue at `taken`.
    async fn complete(
        &mut self,
        paths: Vec<PathBuf>,
        taken: std::time::Instant,
        shutdown: &Shutdown,
    ) {
        if paths.len() >= GROUP {
            self.ingest_group(paths, taken, shutdown).await;
        } else {
            for path in paths {
                self.process(&path, taken).await;
            }
        }
    }

    /// Whether an event can lead to anything: not one about a file the
    /// filter ignores (a writer's hidden temporary file, say).
    fn concerns(&self, event: &FileEvent) -> bool {
        match event {
            FileEvent::Written(path) | FileEvent::Complete(path) | FileEvent::Removed(path) => {
                self.accepted(path)
            }
            _ => true,
        }
    }

    fn accepted(&self, path: &Path) -> bool {
        self.filter
            .accept(path.strip_prefix(&self.dir).unwrap_or(path))
    }

    async fn set_autocheckpoint(&mut self, pages: u32) {
        if let Err(err) =
            blocking(&self.pipeline, move |p| p.store().set_autocheckpoint(pages)).await
        {
            warn!("cannot set checkpointing: {err}");
        }
    }

    async fn rescan(&mut self, shutdown: &Shutdown) {
        // A rescan holds up the loop, and with it the background
        // checkpoints: SQLite checkpoints at commit meanwhile.
        if self.checkpoints_deferred {
            self.set_autocheckpoint(1000).await;
        }
        if unless_stopped(shutdown, self.scan(shutdown))
            .await
            .is_none()
        {
            warn!("still catching up {:.1} s after shutdown was requested; stopping without the batch in hand (nothing of it is recorded)", STOP_GRACE.as_secs_f64());
            return;
        }
        if self.checkpoints_deferred {
            self.set_autocheckpoint(0).await;
        }
    }

    /// Ingests every file of the folder that is new or changed.
    async fn scan(&mut self, shutdown: &Shutdown) {
        let paths = ingest::walk(&self.dir, &self.filter);
        let unobserved: Arc<dyn Observer> = Arc::new(());
        let waiting = (&self.metrics, self.retry.len());
        let (_, deferred, failed) =
            catch_up(&self.pipeline, paths, shutdown, &unobserved, waiting).await;
        // Still being written: read again once they settle.
        for path in deferred.into_iter().filter(|p| p.exists()) {
            self.retry.settle(path);
        }
        for path in failed {
            self.retry.backoff(path);
        }
        self.note_queue();
        self.wake_sender();
    }

    /// Tells the metrics how many files wait to be read.
    fn note_queue(&self) {
        self.metrics.set_queue_depth(self.retry.len());
    }

    /// Tells the alert sender that new alerts may be waiting.
    fn wake_sender(&self) {
        if let Some(wake) = &self.wake {
            // Stores a permit if the sender is busy, so none is missed.
            wake.notify_one();
        }
    }

    /// Ingests a burst of files as a backlog is ingested ([`catch_up`]):
    /// read and extracted on every core, written in batches, positions
    /// derived once. Their commits are synced once, at the end, rather
    /// than each: a crash before then can lose some of them from the
    /// database, never from the folder, and the next start reads them
    /// again.
    async fn ingest_group(
        &mut self,
        paths: Vec<PathBuf>,
        taken: std::time::Instant,
        shutdown: &Shutdown,
    ) {
        info!(
            files = paths.len(),
            "a burst of files: ingesting them as a backlog"
        );
        // The check one file gets (see `process`), as the catch-up takes
        // each path (as a rescan's walk looks at each).
        let dir = self.dir.clone();
        let paths = paths.into_iter().filter(move |p| {
            let outside = p.is_symlink() && !ingest::inside(&dir, p);
            if outside {
                warn!(file = %p.display(), "symbolic link points outside the watched folder; not followed");
            }
            !outside
        });
        if self.checkpoints_deferred {
            self.set_autocheckpoint(1000).await;
        }
        let unobserved: Arc<dyn Observer> = Arc::new(());
        let waiting = (&self.metrics, self.retry.len());
        let work = catch_up(&self.pipeline, paths, shutdown, &unobserved, waiting);
        match unless_stopped(shutdown, work).await {
            Some((tally, deferred, failed)) => {
                for _ in 0..tally.new {
                    self.metrics.observe_ingest_latency(taken.elapsed());
                }
                for path in deferred.into_iter().filter(|p| p.exists()) {
                    self.retry.settle(path);
                }
                for path in failed {
                    self.retry.backoff(path);
                }
            }
            None => warn!("still ingesting a burst {:.1} s after shutdown was requested; stopping without the batch in hand (the next start reads it)", STOP_GRACE.as_secs_f64()),
        }
        if self.checkpoints_deferred {
            self.set_autocheckpoint(0).await;
        }
        self.note_queue();
        self.wake_sender();
    }

    /// Ingests one file. Everything that touches the file system runs off
    /// the loop's thread (a stat can hang on a dead mount too); should
    /// shutdown come while it is stuck in a transaction, the daemon waits
    /// [`STOP_GRACE`] and then stops without it. `taken` is when the file's
    /// event or due retry left the queue, for the ingest latency.
    async fn process(&mut self, path: &Path, taken: std::time::Instant) {
        let (owned, dir) = (path.to_path_buf(), self.dir.clone());
        let work = blocking(&self.pipeline, move |p| {
            if owned.is_symlink() && !ingest::inside(&dir, &owned) {
                warn!(file = %owned.display(), "symbolic link points outside the watched folder; not followed");
                return Ok(None);
            }
            let outcome = p.ingest_live(&owned, taken)?;
            Ok(Some((outcome, owned.exists())))
        });
        let Some(result) = unless_stopped(&self.shutdown.clone(), work).await else {
            warn!(file = %path.display(), "still busy {:.1} s after shutdown was requested; stopping without it (nothing of it is recorded)", STOP_GRACE.as_secs_f64());
            return;
        };
        if let Err(err) = &result {
            error!(file = %path.display(), "cannot record article: {err}; will retry");
        }
        self.follow_up(path, result);
        self.wake_sender();
    }

    /// Schedules what must happen next to a file after an attempt (the
    /// outcome, and whether the file still exists).
    fn follow_up(&mut self, path: &Path, result: Result<Option<(Outcome, bool)>, StoreError>) {
        match result {
            Ok(Some((Outcome::Deferred(_), true))) => self.retry.settle(path.to_path_buf()),
            Ok(Some((Outcome::Stalled(_), _))) | Err(_) => self.retry.backoff(path.to_path_buf()),
            Ok(_) => self.retry.forget(path),
        }
    }
}

/// Files waiting to be read: still settling, or failed and backing off.
#[derive(Debug)]
struct Retry {
    settle: Duration,
    due: HashMap<PathBuf, Instant>,
    failures: HashMap<PathBuf, u32>,
}

impl Retry {
    fn new(settle: Duration) -> Retry {
        Retry {
            settle,
            due: HashMap::new(),
            failures: HashMap::new(),
        }
    }

    fn settle(&mut self, path: PathBuf) {
        self.due.insert(path, Instant::now() + self.settle);
    }

    /// Exponential backoff from one second, capped at a minute, so a busy or
    /// full database is retried without spinning.
    fn backoff(&mut self, path: PathBuf) {
        let failures = self.failures.entry(path.clone()).or_insert(0);
        *failures += 1;
        let delay = backoff(Duration::from_secs(1), *failures, Duration::from_secs(60));
        self.due.insert(path, Instant::now() + delay);
    }

    fn forget(&mut self, path: &Path) {
        self.due.remove(path);
        self.failures.remove(path);
    }

    /// How many files wait.
    fn len(&self) -> usize {
        self.due.len()
    }

    fn next_due(&self) -> Option<Instant> {
        self.due.values().min().copied()
    }

    fn take_due(&mut self) -> Vec<PathBuf> {
        let now = Instant::now();
        let mut ready: Vec<PathBuf> = self
            .due
            .iter()
            .filter(|(_, &when)| when <= now)
            .map(|(p, _)| p.clone())
            .collect();
        ready.sort();
        for p in &ready {
            self.due.remove(p);
        }
        ready
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Extractor;
    use crate::lexicon::Lexicon;
    use crate::store::Store;

    fn daemon(dir: &Path) -> Daemon {
        let store = Store::in_memory().expect("db");
        let extractor = Extractor::new(Lexicon::builtin().expect("lexicon"));
        Daemon {
            pipeline: Arc::new(Mutex::new(Pipeline::new(store, extractor, 1 << 20))),
            filter: Filter::default(),
            retry: Retry::new(Duration::from_millis(10)),
            checkpoints_deferred: false,
            dir: std::fs::canonicalize(dir).expect("dir"),
            wake: None,
            shutdown: Shutdown::default(),
            metrics: Metrics::new(),
        }
    }

    fn articles(d: &Daemon) -> u64 {
        let p = d.pipeline.lock().expect("lock");
        p.store().counts().expect("counts").articles
    }

    #[tokio::test]
    async fn a_lost_events_notice_rescans_the_folder() {
        let tmp = tempfile::tempdir().expect("tmp");
        let mut d = daemon(tmp.path());
        // Files that arrived while the watcher's queue overflowed: no events.
        std::fs::write(
            tmp.path().join("a.txt"),
            "Putin invited Zelensky to Moscow.",
        )
        .expect("write");
        std::fs::create_dir(tmp.path().join("sub")).expect("mkdir");
        std::fs::write(
            tmp.path().join("sub/b.txt"),
            "Zelensky invited Putin to Kyiv.",
        )
        .expect("write");
        assert_eq!(articles(&d), 0);
        d.handle_all(vec![FileEvent::Rescan], &Shutdown::default())
            .await;
        assert_eq!(articles(&d), 2);
    }

    #[tokio::test]
    async fn written_files_wait_to_settle_and_complete_ones_do_not() {
        let tmp = tempfile::tempdir().expect("tmp");
        let mut d = daemon(tmp.path());
        let (a, b) = (d.dir.join("a.txt"), d.dir.join("b.txt"));
        std::fs::write(&a, "one article").expect("write");
        std::fs::write(&b, "another article").expect("write");
        d.handle_all(vec![FileEvent::Written(a.clone())], &Shutdown::default())
            .await;
        assert_eq!(articles(&d), 0, "a written file is not read at once");
        assert!(d.retry.next_due().is_some());
        d.handle_all(vec![FileEvent::Complete(b)], &Shutdown::default())
            .await;
        assert_eq!(articles(&d), 1, "a complete file is read at once");
        tokio::time::sleep_until(d.retry.next_due().expect("due")).await;
        for path in d.retry.take_due() {
            d.process(&path, std::time::Instant::now()).await;
        }
        assert_eq!(articles(&d), 2);
    }

    #[tokio::test]
    async fn the_queue_depth_counts_the_files_waiting() {
        let tmp = tempfile::tempdir().expect("tmp");
        let mut d = daemon(tmp.path());
        let depth = |d: &Daemon| {
            let mut out = String::new();
            let snapshot = crate::metrics::DbSnapshot::default();
            d.metrics.encode(&snapshot, &mut out).expect("encode");
            out.lines()
                .find_map(|l| l.strip_prefix("venuewatch_backlog_queue_depth "))
                .map(str::to_owned)
        };
        for name in ["a.txt", "b.txt"] {
            let path = d.dir.join(name);
            std::fs::write(&path, "one article").expect("write");
            d.handle_all(vec![FileEvent::Written(path)], &Shutdown::default())
                .await;
        }
        d.note_queue();
        assert_eq!(depth(&d).as_deref(), Some("2"));
        tokio::time::sleep_until(d.retry.next_due().expect("due")).await;
        for path in d.retry.take_due() {
            d.process(&path, std::time::Instant::now()).await;
        }
        d.note_queue();
        assert_eq!(depth(&d).as_deref(), Some("0"));
    }

    #[test]
    fn backoff_doubles_up_to_a_minute() {
        let mut r = Retry::new(Duration::from_millis(10));
        let path = PathBuf::from("/x");
        let mut delays = Vec::new();
        for _ in 0..9 {
            let before = Instant::now();
            r.backoff(path.clone());
            delays.push((r.next_due().expect("due") - before).as_secs());
        }
        assert_eq!(delays, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
        r.forget(&path);
        assert!(r.next_due().is_none());
    }
}
