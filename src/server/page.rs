//! The live page: `GET /` renders the report's data with `html`'s live
//! output, narrowed by the filters in the query string (read by
//! [`query::parse`], as `/api/changes` reads them), and `/static/` serves
//! its style sheet and script, so that the page needs nothing inline under
//! the server's Content-Security-Policy.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;

use super::{report_data, Answer, ApiError, AppState};
use crate::html::{self, Esc, LiveView, Output};
use crate::query::{self, ParamError};

/// The page's routes (under the request timeout).
pub(super) fn routes() -> Router<AppState> {
    Router::new()
        .route("/", get(page))
        .route("/static/venuewatch.css", get(style))
        .route("/static/live.js", get(script))
}

async fn page(State(state): State<AppState>, req: Request) -> Result<Response, ApiError> {
    let filter = match query::parse(req.uri().query().unwrap_or(""), &[]) {
        Ok(filter) => filter,
        Err(err) => return Ok(bad_view(&err)),
    };
    let database = state.inner.config.db.display().to_string();
    let target = req
        .uri()
        .path_and_query()
        .map_or_else(|| "/".to_owned(), |pq| pq.as_str().to_owned());
    let answer = state
        .answer(target, move |store| {
            let data = report_data(store, database)?;
            let view = LiveView::new(&data, filter);
            let mut body = Vec::new();
            html::render(&data, Output::Live(&view), &mut body)
                .map_err(|e| ApiError::Store(crate::store::StoreError::Invalid(e.to_string())))?;
            Ok(Answer::new(
                body,
                vec![
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("text/html; charset=utf-8"),
                    ),
                    // live.js fetches the page again on each change.
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
                ],
            ))
        })
        .await?;
    Ok(answer.into_response())
}

/// A 400 page for a view whose filters are wrong, saying which and how.
fn bad_view(err: &ParamError) -> Response {
    let body = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>venuewatch: bad filter</title>\n<link rel=\"stylesheet\" href=\"/static/venuewatch.css\">\n\
         </head>\n<body class=\"live\">\n<main id=\"main\">\n<h1>This view cannot be shown</h1>\n\
         <p class=\"filtered\">{}</p>\n<p><a href=\"/\">Clear filters</a></p>\n</main>\n</body>\n</html>\n",
        Esc(&err.to_string())
    );
    (
        StatusCode::BAD_REQUEST,
        [(header::CONTENT_TYPE, "text/html; charset=utf-8")],
        body,
    )
        .into_response()
}

async fn style() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html::STYLE,
    )
        .into_response()
}

async fn script() -> Response {
    (
        [
            (header::CONTENT_TYPE, "text/javascript; charset=utf-8"),
            (header::CACHE_CONTROL, "no-cache"),
        ],
        html::LIVE_JS,
    )
        .into_response()
}
