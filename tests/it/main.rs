//! End-to-end tests: run the real `venuewatch` binary against temp folders and
//! a real SQLite file.

mod alerts;
mod browser;
mod cli;
mod daemon;
mod docs;
mod faults;
mod formats;
mod fresh_machine;
mod fuse;
mod fuzz;
mod outputs;
mod reindex;
mod report;
mod review;
mod server;
mod service;
mod util;
