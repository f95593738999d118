//! Command-line interface: clap arguments -> a validated config -> the
//! library's commands. The only module (with `main`) that uses `anyhow`.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::extract::Extractor;
use crate::lexicon::Lexicon;
use crate::{ingest, report};

/// Watches a folder of news articles and records where leaders say peace
/// talks should happen.
#[derive(Debug, Parser)]
#[command(name = "venuewatch", version, about)]
pub struct Args {
    /// The watched folder of articles.
    #[arg(long, global = true, env = "VENUEWATCH_DIR", default_value = "seeds")]
    pub dir: PathBuf,
    /// The state folder; the database is STATE/venuewatch.db.
    #[arg(long, global = true, env = "VENUEWATCH_STATE", default_value = "state")]
    pub state: PathBuf,
    /// A lexicon file to use instead of the built-in one.
    #[arg(long, global = true, env = "VENUEWATCH_LEXICON")]
    pub lexicon: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the reader and extractor on files and print the claims (no database).
    Extract {
        /// Print a JSON list in the gold format.
        #[arg(long)]
        json: bool,
        /// Article files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Sets up `tracing` to stderr, honouring `RUST_LOG` (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
}

/// Runs a parsed command line.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let lexicon = match &args.lexicon {
        Some(path) => Lexicon::load(path)?,
        None => Lexicon::builtin()?,
    };
    match args.command {
        Command::Extract { json, files } => {
            let extractor = Extractor::new(lexicon);
            let mut results = Vec::new();
            let mut failed = false;
            for path in &files {
                match ingest::read_article(path) {
                    Ok((_, article)) => {
                        let claims = extractor.extract(&article);
                        results.push(report::Extracted {
                            file: path.display().to_string(),
                            article,
                            claims,
                        });
                    }
                    Err(err) => {
                        eprintln!("venuewatch: {err}");
                        failed = true;
                    }
                }
            }
            let mut out = std::io::stdout().lock();
            if json {
                report::extracted_json(&results, &mut out)?;
            } else {
                report::extracted_text(&results, &mut out)?;
            }
            out.flush().context("writing to stdout")?;
            Ok(if failed {
                ExitCode::FAILURE
            } else {
                ExitCode::SUCCESS
            })
        }
    }
}
