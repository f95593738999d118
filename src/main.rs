//! The `venuewatch` binary: parse arguments, set up logging, run.

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = venuewatch::cli::Args::parse();
    venuewatch::cli::init_logging();
    match venuewatch::cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("venuewatch: {err:#}");
            ExitCode::FAILURE
        }
    }
}
