//! venuewatch watches a folder of news articles, extracts what each leader
//! says about where peace talks or a summit should happen, records those
//! venue positions in SQLite and logs when a position changes.
//!
//! # Layout
//! - [`cli`]: arguments -> config -> commands (with `main`, the only `anyhow` user).
//! - [`daemon`]: the `watch` event loop: rescan, watch, ingest, shut down.
//! - [`activity`]: the steps in flight and when each last made progress,
//!   for the watchdog.
//! - [`alert`]: delivers the outbox's new changes to a webhook or a command.
//! - [`watch`]: the only module importing `notify`; yields [`watch::FileEvent`]s.
//! - [`filter`]: pure; which paths are articles.
//! - [`pipeline`]: files through read -> decode -> extract -> store (one per
//!   transaction live, a batch per transaction catching up).
//! - [`reindex`]: stored articles through the reader and extractor again,
//!   and what that changed.
//! - [`ingest`]: reads files: path -> bytes, hash, metadata; only regular
//!   files, and never waiting on a read without progress past a bound.
//! - [`article`]: pure; bytes -> decoded, dated article body.
//! - [`extract`]: pure; article -> venue claims.
//! - [`lexicon`]: the data file of leaders, venues and cue words.
//! - [`store`]: the only module importing `rusqlite`.
//! - [`server`]: the HTTP server of `watch --listen` and `serve`: the live
//!   page, the JSON API, server-sent events, metrics and health checks.
//! - [`service`]: the state lock and the systemd notify protocol.
//! - [`metrics`]: the only module importing `prometheus_client`; counters,
//!   histograms and database gauges in the Prometheus text format.
//! - [`diff`]: pure; a leader's reports -> positions and changes with diffs.
//! - [`report`]: renders results as text, JSON, JSON lines, Markdown or CSV.
//! - [`progress`]: progress bars on stderr, only when it is a terminal.
//! - [`query`]: pure; the change log's filters and paging in a URL, for the
//!   live page and the API.
//! - [`html`]: pure; renders the self-contained HTML report (`report --html`).
//! - [`eval`]: pure; scores extractor output against a gold file.
//! - [`suggest`]: pure; people the articles introduce and the lexicon lacks,
//!   as lexicon entries (`lexicon suggest`).
#![warn(missing_docs)]

pub mod activity;
pub mod alert;
pub mod article;
pub mod cli;
pub mod daemon;
pub mod diff;
pub mod eval;
pub mod extract;
pub mod filter;
pub mod html;
pub mod ingest;
pub mod lexicon;
pub mod metrics;
pub mod pipeline;
pub mod progress;
pub mod query;
pub mod reindex;
pub mod report;
pub mod server;
pub mod service;
pub mod store;
pub mod suggest;
pub mod watch;
