//! venuewatch watches a folder of news articles, extracts what each leader
//! says about where peace talks or a summit should happen, records those
//! venue positions in SQLite and logs when a position changes.
//!
//! # Layout
//! - [`lexicon`]: the data file of leaders, venues and cue words.
//! - [`article`]: pure; bytes -> decoded, dated article body.
//! - [`extract`]: pure; article -> venue claims.
#![warn(missing_docs)]

pub mod article;
pub mod cli;
pub mod extract;
pub mod ingest;
pub mod lexicon;
pub mod report;
