//! The HTTP server of `watch --listen` and `serve`: the live page, the JSON
//! API (what the CLI prints as JSON), server-sent events of new changes,
//! and `/metrics`, `/healthz` and `/readyz` for operators.
//!
//! Read-only by construction: every query goes through read-only SQLite
//! connections of its own ([`Store::open_read_only`]), on the blocking
//! pool, so a reader never takes the write lock and never holds up
//! ingestion. Connections are served by hand (hyper) rather than by
//! `axum::serve`, for a header timeout and a cap on open connections.
//! Off loopback, every request but the health checks needs the bearer
//! token.

mod answers;
mod api;
mod page;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use subtle::ConstantTimeEq;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt as _;
use tower_http::set_header::SetResponseHeaderLayer;
use tracing::{info, warn};

use crate::daemon::Shutdown;
use crate::metrics::{DbSnapshot, Metrics};
use crate::store::{Store, StoreError};
use answers::{Answer, Answers};

/// How long a client may take to send a request's headers.
const HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request (but an event stream) may take, body and answer.
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// Open connections beyond this wait to be accepted.
pub const MAX_CONNECTIONS: usize = 512;
/// How much less the server's threads weigh than the daemon's, as a nice
/// increment (capped at 19, the lowest). At 19 a server thread gets about
/// 1.5% of a core against a thread at the daemon's level when both want
/// it (weight 15 against 1,024), and all the time ingestion leaves idle:
/// readers wait a little during a catch-up, but are never starved, as
/// they would be at SCHED_IDLE. At 10 the catch-up beside 200 clients
/// took measurably longer (BENCHMARKS.md, "Serving while ingesting").
const NICE: i32 = 19;
/// Queries that run at once, each on a read-only connection kept open
/// between requests; more wait their turn. Without a bound, 200 clients
/// meant 200 blocking threads, most opening a fresh connection (reading
/// the schema, preparing every statement) and all contending for SQLite's
/// allocator lock: the catch-up beside them took 3.5 times as long
/// (BENCHMARKS.md, "Serving while ingesting").
const QUERY_SLOTS: usize = 2;
/// The cookie a browser keeps the token in, once it has given it as
/// `?token=`.
const TOKEN_COOKIE: &str = "venuewatch_token";

/// The page's security policy: nothing from elsewhere, no inline script or
/// style, no framing.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; \
     script-src 'self'; img-src 'self' data:; connect-src 'self'; form-action 'self'; \
     base-uri 'none'; frame-ancestors 'none'";

/// What the server serves, and to whom.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen.
    pub listen: SocketAddr,
    /// The bearer token every request needs (required off loopback).
    pub token: Option<String>,
    /// The database.
    pub db: PathBuf,
    /// The state folder (whose lock tells whether a daemon runs).
    pub state: PathBuf,
    /// An origin allowed to call the API from a browser (CORS); none by
    /// default.
    pub cors_origin: Option<String>,
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServerError {
    /// Listening off loopback without a token.
    #[error("listening on {0} would serve the change log beyond this machine without a token: pass --token or --token-file (or listen on 127.0.0.1)")]
    NoToken(SocketAddr),
    /// The token is empty or too short to be a secret.
    #[error("the token must be at least 16 characters")]
    WeakToken,
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source} (is another program using the port?)")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// A readiness probe got no answer.
    #[error("no answer from {url}: {reason} (is the server running, and listening there?)")]
    Probe {
        /// The address asked.
        url: String,
        /// Why.
        reason: String,
    },
    /// The CORS origin is not a valid header value.
    #[error("the CORS origin {0:?} is not a valid origin (such as https://desk.example.org)")]
    Cors(String),
    /// The server's thread or its runtime could not be started.
    #[error("cannot start the server's thread: {0}")]
    Thread(std::io::Error),
}

/// A server bound to its address, not yet serving.
#[derive(Debug)]
pub struct Bound {
    listener: TcpListener,
    config: ServerConfig,
}

impl Bound {
    /// The address it listens on (the port chosen, for port 0).
    pub fn addr(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or(self.config.listen)
    }
}

/// Asks a server's readiness address (`/readyz`) whether it is ready: the
/// `ready` command, a health check for images without an HTTP client.
/// Returns the answer's body with whether it was a success.
pub fn probe(url: &str) -> Result<(bool, String), ServerError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .timeout_global(Some(Duration::from_secs(5)))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| ServerError::Probe {
        url: url.to_owned(),
        reason: e.to_string(),
    })?;
    let body = response.body_mut().read_to_string().unwrap_or_default();
    Ok((response.status().is_success(), body))
}

/// Checks the settings and binds the address.
pub async fn bind(config: ServerConfig) -> Result<Bound, ServerError> {
    match &config.token {
        None if !config.listen.ip().is_loopback() => {
            return Err(ServerError::NoToken(config.listen))
        }
        Some(token) if token.trim().len() < 16 => return Err(ServerError::WeakToken),
        _ => {}
    }
    if let Some(origin) = &config.cors_origin {
        HeaderValue::from_str(origin).map_err(|_| ServerError::Cors(origin.clone()))?;
    }
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|source| ServerError::Bind {
            addr: config.listen,
            source,
        })?;
    Ok(Bound { listener, config })
}

/// A server serving on a thread of its own ([`spawn`]).
#[derive(Debug)]
pub struct Serving {
    stopped: tokio::sync::oneshot::Receiver<()>,
}

impl Serving {
    /// Completes once the server has stopped (after shutdown).
    pub async fn stopped(self) {
        let _ = self.stopped.await;
    }
}

/// Binds `config` and serves it until `shutdown`, as [`serve`] does, but
/// on a thread of its own, with its own runtime and blocking pool, at a
/// lower priority than the caller's threads: what `watch --listen` runs
/// beside ingestion. When both want the CPU, recording articles comes
/// first and answers wait; on its own runtime, the daemon's loop never
/// waits behind the server's connections either. Returns once the address
/// is bound (or could not be).
pub async fn spawn(
    config: ServerConfig,
    metrics: Metrics,
    shutdown: Shutdown,
) -> Result<Serving, ServerError> {
    let (bound_tx, bound_rx) = tokio::sync::oneshot::channel();
    let (stopped_tx, stopped_rx) = tokio::sync::oneshot::channel();
    std::thread::Builder::new()
        .name("server".into())
        .spawn(move || {
            lower_priority();
            let rt = match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(rt) => rt,
                Err(err) => {
                    let _ = bound_tx.send(Err(ServerError::Thread(err)));
                    return;
                }
            };
            rt.block_on(async move {
                match bind(config).await {
                    Ok(bound) => {
                        let _ = bound_tx.send(Ok(()));
                        serve(bound, metrics, shutdown).await;
                    }
                    Err(err) => {
                        let _ = bound_tx.send(Err(err));
                    }
                }
            });
            // A query stuck past shutdown is abandoned with its thread.
            rt.shutdown_timeout(crate::daemon::STOP_GRACE);
            let _ = stopped_tx.send(());
        })
        .map_err(ServerError::Thread)?;
    match bound_rx.await {
        Ok(bound) => bound?,
        Err(_) => {
            return Err(ServerError::Thread(std::io::Error::other(
                "the server's thread ended before it listened",
            )))
        }
    }
    Ok(Serving {
        stopped: stopped_rx,
    })
}

/// Lowers the calling thread's priority by [`NICE`]. On Linux a nice
/// value belongs to a thread and is inherited by the threads it starts,
/// so the server's blocking pool (its queries) runs at it too, and the
/// daemon's threads keep theirs. Failing is no reason not to serve.
fn lower_priority() {
    let lowered = rustix::process::getpriority_process(None)
        .and_then(|now| rustix::process::setpriority_process(None, (now + NICE).min(19)));
    if let Err(err) = lowered {
        warn!("cannot lower the server's priority: {err}; it competes with ingestion as an equal");
    }
}

/// What every handler shares.
#[derive(Clone)]
struct AppState {
    inner: Arc<Inner>,
}

struct Inner {
    config: ServerConfig,
    /// Idle read-only connections, at most [`QUERY_SLOTS`].
    pool: Mutex<Vec<Store>>,
    /// One permit per query running, [`QUERY_SLOTS`] in all.
    queries: Arc<Semaphore>,
    metrics: Metrics,
    shutdown: Shutdown,
    /// Answers kept until the database changes.
    answers: Arc<Answers>,
}

/// Why a request failed, as an HTTP status and a JSON error.
#[derive(Debug)]
enum ApiError {
    /// A parameter is wrong: 400, naming it.
    Param(crate::query::ParamError),
    /// Nothing there: 404.
    NotFound(String),
    /// The database failed: 503 (it may be busy, or being replaced).
    Store(StoreError),
}

impl From<StoreError> for ApiError {
    fn from(err: StoreError) -> ApiError {
        ApiError::Store(err)
    }
}

impl From<crate::query::ParamError> for ApiError {
    fn from(err: crate::query::ParamError) -> ApiError {
        ApiError::Param(err)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            ApiError::Param(err) => (
                StatusCode::BAD_REQUEST,
                serde_json::json!({"error": err.to_string(), "parameter": err.param}),
            ),
            ApiError::NotFound(what) => (
                StatusCode::NOT_FOUND,
                serde_json::json!({"error": format!("{what} not found")}),
            ),
            ApiError::Store(err) => {
                warn!("query failed: {err}");
                (
                    StatusCode::SERVICE_UNAVAILABLE,
                    serde_json::json!({"error": format!("the database could not be read: {err}")}),
                )
            }
        };
        (status, axum::Json(body)).into_response()
    }
}

impl AppState {
    /// Runs `f` on a read-only connection on the blocking pool.
    async fn query<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, ApiError> + Send + 'static,
    ) -> Result<T, ApiError> {
        // Waiting here costs a task, not a thread: the permit is taken
        // before the blocking pool is asked for one, and held by the
        // query itself, so that a request dropped (timed out) while its
        // query runs does not let another start beside it.
        let Ok(permit) = Arc::clone(&self.inner.queries).acquire_owned().await else {
            return Err(ApiError::Store(StoreError::Invalid(
                "the server is stopping".into(),
            )));
        };
        let inner = Arc::clone(&self.inner);
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let taken = inner.pool.lock().unwrap_or_else(|p| p.into_inner()).pop();
            let store = match taken {
                Some(store) => store,
                None => Store::open_read_only(&inner.config.db)?,
            };
            let out = f(&store);
            // As many connections as permits, never more: each is idle
            // here or in use by a permit's holder.
            inner
                .pool
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .push(store);
            out
        })
        .await
        .unwrap_or_else(|err| Err(ApiError::Store(StoreError::Invalid(err.to_string()))))
    }
}

impl AppState {
    /// The answer to the request for `target` (its path and query): kept
    /// from an earlier request while the database is unchanged, else
    /// `f`'s on a read-only connection, kept for the next.
    async fn answer(
        &self,
        target: String,
        f: impl FnOnce(&Store) -> Result<Answer, ApiError> + Send + 'static,
    ) -> Result<Answer, ApiError> {
        let answers = &self.inner.answers;
        let generation = answers.generation();
        if let Some(answer) = answers.get(&target, generation) {
            return Ok(answer);
        }
        let answers = Arc::clone(answers);
        self.query(move |store| {
            // Many ask at once when the database changes: those that
            // waited for a query slot find the first one's answer.
            if let Some(answer) = answers.get(&target, generation) {
                return Ok(answer);
            }
            let answer = f(store)?;
            answers.put(target, generation, &answer);
            Ok(answer)
        })
        .await
    }
}

/// Serves until `shutdown`: each connection is served on its own task,
/// at most [`MAX_CONNECTIONS`] at once; once shutdown is requested, no
/// connection is accepted and open ones are closed as their requests end
/// (event streams end at once).
pub async fn serve(bound: Bound, metrics: Metrics, shutdown: Shutdown) {
    let addr = bound.addr();
    let state = AppState {
        inner: Arc::new(Inner {
            config: bound.config.clone(),
            pool: Mutex::new(Vec::new()),
            queries: Arc::new(Semaphore::new(QUERY_SLOTS)),
            metrics,
            shutdown: shutdown.clone(),
            answers: Arc::default(),
        }),
    };
    tokio::spawn(answers::watch(
        Arc::clone(&state.inner.answers),
        state.inner.config.db.clone(),
        shutdown.clone(),
    ));
    let app = router(state);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    info!(%addr, "serving http://{addr}");
    loop {
        let permit = tokio::select! {
            _ = shutdown.wait() => break,
            permit = Arc::clone(&slots).acquire_owned() => match permit {
                Ok(permit) => permit,
                Err(_) => break,
            },
        };
        let (stream, peer) = tokio::select! {
            _ = shutdown.wait() => break,
            accepted = bound.listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Out of descriptors, say: pause rather than spin.
                    warn!("cannot accept a connection: {err}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
        };
        let app = app.clone();
        let shutdown = shutdown.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    app.clone().oneshot(req.map(axum::body::Body::new))
                });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(HEADER_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            tokio::pin!(conn);
            tokio::select! {
                result = conn.as_mut() => {
                    if let Err(err) = result {
                        tracing::debug!(%peer, "connection ended: {err}");
                    }
                }
                _ = shutdown.wait() => {
                    conn.as_mut().graceful_shutdown();
                    let _ = tokio::time::timeout(Duration::from_secs(1), conn).await;
                }
            }
        });
    }
    info!("server stopped");
}

fn router(state: AppState) -> Router {
    let timed = Router::new()
        .merge(page::routes())
        .merge(api::routes())
        .route("/metrics", get(metrics))
        .layer(tower_http::timeout::TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(answers::gzip_kept))
        .layer(tower_http::compression::CompressionLayer::new());
    let headers = |name, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let mut app = Router::new()
        .merge(timed)
        .merge(api::event_routes())
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            authorize,
        ))
        .layer(tower_http::timeout::RequestBodyTimeoutLayer::new(
            REQUEST_TIMEOUT,
        ))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(16 * 1024))
        .layer(headers(
            header::CONTENT_SECURITY_POLICY,
            CONTENT_SECURITY_POLICY,
        ))
        .layer(headers(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(headers(header::REFERRER_POLICY, "no-referrer"))
        .layer(headers(header::X_FRAME_OPTIONS, "DENY"));
    if let Some(origin) = state
        .inner
        .config
        .cors_origin
        .as_deref()
        .and_then(|o| HeaderValue::from_str(o).ok())
    {
        app = app.layer(SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            origin,
        ));
    }
    app.with_state(state)
}

/// Lets a request through when no token is set, or when it carries the
/// token: as `Authorization: Bearer`, or in the cookie a browser got by
/// opening a page with `?token=` once (answered with the cookie and a
/// redirect to the same address without the token, so that it is neither
/// bookmarked nor shared). The health checks need no token: they tell
/// nothing.
async fn authorize(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let Some(token) = state.inner.config.token.as_deref() else {
        return next.run(req).await;
    };
    let path = req.uri().path();
    if path == "/healthz" || path == "/readyz" {
        return next.run(req).await;
    }
    let same = |given: &str| bool::from(given.as_bytes().ct_eq(token.as_bytes()));
    let headers = req.headers();
    let bearer = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .is_some_and(|v| same(v.trim()));
    let cookie = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .any(|(k, v)| k == TOKEN_COOKIE && same(v));
    if bearer || cookie {
        return next.run(req).await;
    }
    // A browser's first visit: the token in the address.
    let query = req.uri().query().unwrap_or("");
    let mut given = None;
    let mut rest = form_urlencoded::Serializer::new(String::new());
    for (k, v) in form_urlencoded::parse(query.as_bytes()) {
        if k == "token" {
            given = Some(v.into_owned());
        } else {
            rest.append_pair(&k, &v);
        }
    }
    if let Some(given) = given.filter(|g| same(g)) {
        let rest = rest.finish();
        let to = match rest.is_empty() {
            true => path.to_string(),
            false => format!("{path}?{rest}"),
        };
        let cookie = format!("{TOKEN_COOKIE}={given}; Path=/; HttpOnly; SameSite=Strict");
        let mut response = Redirect::to(&to).into_response();
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().insert(header::SET_COOKIE, value);
        }
        return response;
    }
    let mut response = (
        StatusCode::UNAUTHORIZED,
        axum::Json(serde_json::json!({
            "error": "this server needs its token: send `Authorization: Bearer TOKEN`, or open the page once as /?token=TOKEN"
        })),
    )
        .into_response();
    response.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"venuewatch\""),
    );
    response
}

async fn not_found() -> ApiError {
    ApiError::NotFound("page".into())
}

async fn healthz() -> &'static str {
    "ok\n"
}

/// Ready once the daemon has caught up with its folder (a `serve` process
/// at once) and the database can be read, and written by the daemon.
async fn readyz(State(state): State<AppState>) -> Response {
    if !state.inner.metrics.is_ready() {
        return (StatusCode::SERVICE_UNAVAILABLE, "catching up\n").into_response();
    }
    let db = state.inner.config.db.clone();
    let checked = state
        .query(move |store| {
            store.counts()?;
            let writable = std::fs::OpenOptions::new().write(true).open(&db).is_ok();
            Ok(writable)
        })
        .await;
    match checked {
        Ok(true) => "ready\n".into_response(),
        Ok(false) => (
            StatusCode::SERVICE_UNAVAILABLE,
            "the database is not writable\n",
        )
            .into_response(),
        Err(err) => err.into_response(),
    }
}

async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let db = state.inner.config.db.clone();
    let snapshot = state
        .query(move |store| Ok(DbSnapshot::read(store, &db)?))
        .await?;
    let mut text = String::new();
    if state.inner.metrics.encode(&snapshot, &mut text).is_err() {
        return Err(ApiError::Store(StoreError::Invalid(
            "metrics could not be encoded".into(),
        )));
    }
    Ok(([(header::CONTENT_TYPE, crate::metrics::CONTENT_TYPE)], text).into_response())
}

/// Everything the HTML report and the live page show, read from `store`
/// (`database` names it on the page).
pub fn report_data(store: &Store, database: String) -> Result<crate::html::ReportData, StoreError> {
    let positions = store.positions()?;
    let changes = store.changes(&crate::store::ChangeFilter::default())?;
    let mut leaders = Vec::new();
    for leader in store.leaders()? {
        leaders.push(crate::html::LeaderData {
            claims: store.leader_claims(&leader)?,
            positions: positions
                .iter()
                .filter(|p| p.leader == leader)
                .map(|p| (p.position.clone(), p.source.clone()))
                .collect(),
            changes: changes
                .iter()
                .filter(|c| c.leader == leader)
                .map(|c| (c.change.clone(), c.source.clone()))
                .collect(),
            leader,
        });
    }
    Ok(crate::html::ReportData {
        generated: jiff::Timestamp::now(),
        database,
        counts: store.counts()?,
        leaders,
    })
}
