//! The `venuewatch` binary: parse arguments, run, map the result to an exit
//! code. (`cli::run` sets up logging once the config says how.)

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let args = venuewatch::cli::Args::parse();
    match venuewatch::cli::run(args) {
        Ok(code) => code,
        // The reader went away (`changes | head`): nothing left to say.
        Err(err) if venuewatch::cli::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("venuewatch: {err:#}");
            ExitCode::FAILURE
        }
    }
}
