//! The JSON API: each endpoint answers with what the CLI prints as JSON for
//! the same query (the same renderers in `report`), and `GET /api/events`
//! streams new changes as server-sent events.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::{Path, Request, State};
use axum::http::{header, HeaderMap, HeaderName, HeaderValue};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures_util::stream::{self, Stream};

use super::{Answer, ApiError, AppState};
use crate::query::{self, ParamError};
use crate::report::{self, Format, Style};
use crate::store::Store;

/// How often an event stream looks for new changes in the database.
const EVENT_POLL: Duration = Duration::from_millis(250);
/// Events read from the database at a time.
const EVENT_BATCH: usize = 100;

/// The OpenAPI description of these routes.
const OPENAPI: &str = include_str!("openapi.json");

/// The request/response routes (under the request timeout).
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/api/positions", get(positions))
        .route("/api/changes", get(changes))
        .route("/api/timeline/{leader}", get(timeline))
        .route("/api/articles/{id}", get(article))
        .route("/api/status", get(status))
        .route("/api/openapi.json", get(openapi))
}

/// The event stream, which stays open.
pub(super) fn event_routes() -> Router<AppState> {
    Router::new().route("/api/events", get(events))
}

fn json_body(body: Vec<u8>) -> Response {
    ([(header::CONTENT_TYPE, "application/json")], body).into_response()
}

/// Renders into a buffer; a failure to write to memory is no client's fault.
fn render(f: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> Result<Vec<u8>, ApiError> {
    let mut body = Vec::new();
    f(&mut body).map_err(|e| ApiError::Store(crate::store::StoreError::Invalid(e.to_string())))?;
    Ok(body)
}

/// A 400 unless `leader` has claims in the database.
fn known_leader(store: &Store, param: &str, leader: &str) -> Result<(), ApiError> {
    let leaders = store.leaders()?;
    if leaders.iter().any(|l| l == leader) {
        return Ok(());
    }
    Err(ApiError::Param(ParamError {
        param: param.to_owned(),
        message: format!(
            "no leader {leader:?} in the database (known: {})",
            leaders.join(", ")
        ),
    }))
}

async fn positions(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    no_parameters(&req)?;
    let answer = state
        .answer(target(&req), |store| {
            let positions = store.positions()?;
            render(|out| report::render_positions(Format::Json, &positions, out)).map(Answer::json)
        })
        .await?;
    Ok(answer.into_response())
}

/// The request's path and query, which name its answer.
fn target(req: &Request) -> String {
    req.uri()
        .path_and_query()
        .map_or_else(|| req.uri().path().to_owned(), |pq| pq.as_str().to_owned())
}

/// Parameters are checked even where none are taken, so that a filter an
/// endpoint ignores is an error rather than a silently wider answer.
fn no_parameters(req: &Request) -> Result<(), ApiError> {
    match req
        .uri()
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).next())
    {
        Some((name, _)) => Err(ApiError::Param(ParamError {
            param: name.into_owned(),
            message: "this endpoint takes no parameters".into(),
        })),
        None => Ok(()),
    }
}

async fn changes(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let mut filter = query::parse(req.uri().query().unwrap_or(""), &["limit", "cursor"])?;
    filter.limit.get_or_insert(query::DEFAULT_LIMIT);
    let answer = state
        .answer(target(&req), move |store| {
            if let Some(leader) = &filter.leader {
                known_leader(store, "leader", leader)?;
            }
            let page = store.change_page(&filter)?;
            let next = page.next.map(|cursor| {
                let mut query = query::to_query(&filter);
                if !query.is_empty() {
                    query.push('&');
                }
                let limit = filter.limit.unwrap_or(query::DEFAULT_LIMIT);
                (
                    cursor.to_string(),
                    format!("{query}limit={limit}&cursor={cursor}"),
                )
            });
            let body = render(|out| {
                report::render_changes(
                    Format::Json,
                    &page.changes,
                    Style::default(),
                    &|_| Vec::new(),
                    out,
                )
            })?;
            let mut answer = Answer::json(body);
            if let Some((cursor, query)) = next {
                if let Ok(v) = HeaderValue::from_str(&cursor) {
                    answer
                        .headers
                        .push((HeaderName::from_static("x-next-cursor"), v));
                }
                if let Ok(v) =
                    HeaderValue::from_str(&format!("</api/changes?{query}>; rel=\"next\""))
                {
                    answer.headers.push((header::LINK, v));
                }
            }
            Ok(answer)
        })
        .await?;
    Ok(answer.into_response())
}

async fn timeline(
    State(state): State<AppState>,
    Path(leader): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let answer = state
        .answer(target(&req), move |store| {
            known_leader(store, "leader", &leader)?;
            let derived = store.timeline(&leader)?;
            let sources = store.sources(&derived.steps)?;
            let steps: Vec<_> = derived.steps.into_iter().zip(sources).collect();
            render(|out| report::render_timeline(Format::Json, &leader, &steps, out))
                .map(Answer::json)
        })
        .await?;
    Ok(answer.into_response())
}

async fn article(
    State(state): State<AppState>,
    Path(id): Path<String>,
    req: Request,
) -> Result<Response, ApiError> {
    let id: i64 = id.parse().map_err(|_| {
        ApiError::Param(ParamError {
            param: "id".into(),
            message: format!("{id:?} is not an article id (a number)"),
        })
    })?;
    let answer = state
        .answer(target(&req), move |store| {
            let article = store
                .article(id)?
                .ok_or_else(|| ApiError::NotFound(format!("article {id}")))?;
            render(|out| report::article_json(&article, out)).map(Answer::json)
        })
        .await?;
    Ok(answer.into_response())
}

async fn status(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    no_parameters(&req)?;
    let (db, dir) = (
        state.inner.config.db.clone(),
        state.inner.config.state.clone(),
    );
    let body = state
        .query(move |store| {
            let status = report::Status {
                database: db.display().to_string(),
                schema_version: store.schema_version()?,
                counts: store.counts()?,
                rejected: store.rejections()?,
                last_ingest: store.last_ingest()?,
                daemon: crate::service::StateLock::holder(&dir),
                outbox: store.outbox_counts()?,
            };
            render(|out| report::status_json(&status, out))
        })
        .await?;
    Ok(json_body(body))
}

async fn openapi() -> Response {
    json_body(OPENAPI.as_bytes().to_vec())
}

/// Where a client's stream starts: after the event it names in
/// `Last-Event-ID` (a reconnecting EventSource sends it), else after the
/// newest change, so that a new page sees only what comes next.
fn resume_from(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(value) = headers.get("last-event-id") else {
        return Ok(None);
    };
    value
        .to_str()
        .ok()
        .and_then(|v| v.trim().parse::<i64>().ok())
        .filter(|&id| id >= 0)
        .map(Some)
        .ok_or_else(|| {
            ApiError::Param(ParamError {
                param: "Last-Event-ID".into(),
                message: "is the id of an event this server sent (a number)".into(),
            })
        })
}

async fn events(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    let after = match resume_from(&headers)? {
        Some(id) => id,
        None => state.query(|store| Ok(store.last_change_event()?)).await?,
    };
    Ok(Sse::new(event_stream(state, after))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15)))
        .into_response())
}

/// Every change found after event `after`, as `change` events whose data
/// is the change's JSON line and whose id is its event id; ends at
/// shutdown.
fn event_stream(state: AppState, after: i64) -> impl Stream<Item = Result<Event, Infallible>> {
    let shutdown = state.inner.shutdown.clone();
    stream::unfold(
        (state, after, Vec::new().into_iter()),
        move |(state, mut after, mut queued)| {
            let shutdown = shutdown.clone();
            async move {
                loop {
                    if let Some(event) = queued.next() {
                        return Some((Ok(event), (state, after, queued)));
                    }
                    if shutdown.requested() {
                        return None;
                    }
                    let from = after;
                    match state
                        .query(move |s| Ok(s.change_events(from, EVENT_BATCH)?))
                        .await
                    {
                        Ok(found) if !found.is_empty() => {
                            // The database has moved past every kept
                            // answer: forgotten before the event goes
                            // out, so that a page fetched on it (the live
                            // page's script) is never one from before,
                            // whatever the answers' own watch has seen.
                            state.inner.answers.invalidate();
                            after = found.last().map_or(after, |e| e.id);
                            let events: Vec<Event> = found
                                .iter()
                                .map(|e| {
                                    Event::default()
                                        .event("change")
                                        .id(e.id.to_string())
                                        .data(report::change_json_line(&e.change))
                                })
                                .collect();
                            queued = events.into_iter();
                            continue;
                        }
                        Ok(_) => {}
                        Err(err) => {
                            tracing::warn!("event stream cannot read the database: {err:?}")
                        }
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(EVENT_POLL) => {}
                        _ = shutdown.wait() => return None,
                    }
                }
            }
        },
    )
}
