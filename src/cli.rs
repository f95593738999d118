//! Command-line interface: clap arguments -> a validated [`Config`] -> the
//! library's commands. The only module (with `main`) that uses `anyhow`.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use jiff::civil::Date;

use crate::daemon::{self, DaemonConfig, Shutdown};
use crate::eval;
use crate::extract::Extractor;
use crate::ingest;
use crate::lexicon::Lexicon;
use crate::pipeline::Pipeline;
use crate::report::{self, Style};
use crate::store::{self, ChangeFilter, Store};

/// Watches a folder of news articles and records where leaders say peace
/// talks should happen.
#[derive(Debug, Parser)]
#[command(name = "venuewatch", version, about)]
pub struct Args {
    /// The watched folder of articles [default: seeds]. For `eval`, the folder
    /// of the gold file's articles [default: the gold file's folder].
    #[arg(long, global = true, env = "VENUEWATCH_DIR")]
    pub dir: Option<PathBuf>,
    /// The state folder; the database is STATE/venuewatch.db.
    #[arg(long, global = true, env = "VENUEWATCH_STATE", default_value = "state")]
    pub state: PathBuf,
    /// A lexicon file to use instead of the built-in one.
    #[arg(long, global = true, env = "VENUEWATCH_LEXICON")]
    pub lexicon: Option<PathBuf>,
    /// Largest article file accepted, in bytes.
    #[arg(long, global = true, default_value_t = ingest::DEFAULT_MAX_SIZE)]
    pub max_size: u64,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest the folder, then watch it and ingest each new or changed file
    /// until SIGINT or SIGTERM.
    Watch {
        /// Milliseconds a written file must stay quiet before it is read when
        /// no close or rename marks it complete.
        #[arg(long, default_value_t = 2000)]
        settle_ms: u64,
    },
    /// Ingest files or folders once, then exit.
    Ingest {
        /// Files or folders (default: the watched folder).
        paths: Vec<PathBuf>,
    },
    /// Run the reader and extractor on files and print the claims (no database).
    Extract {
        /// Print a JSON list in the gold format.
        #[arg(long)]
        json: bool,
        /// Article files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the current position table: one row per leader and venue.
    Positions {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the change log, oldest first.
    Changes {
        /// Only this leader (an id such as `putin`).
        #[arg(long)]
        leader: Option<String>,
        /// Only changes on or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<Date>,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print every report that gave a leader a claim, with the position after it.
    Timeline {
        /// The leader id (`putin`).
        leader: String,
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
    /// Score the extractor against a hand-labelled gold file (as score.py does).
    Eval {
        /// The gold file (see shared/eval/GUIDELINES.md).
        gold: PathBuf,
        /// Also print each miss, false claim and wrong date.
        #[arg(short, long)]
        verbose: bool,
    },
    /// Print database counts and rejected files.
    Status {
        /// Print JSON.
        #[arg(long)]
        json: bool,
    },
}

/// Validated settings shared by the commands.
#[derive(Debug)]
struct Config {
    dir: PathBuf,
    db: PathBuf,
    lexicon: Lexicon,
    max_size: u64,
}

impl Config {
    fn from_args(args: &Args) -> anyhow::Result<Config> {
        let lexicon = match &args.lexicon {
            Some(path) => Lexicon::load(path)?,
            None => Lexicon::builtin()?,
        };
        Ok(Config {
            dir: args.dir.clone().unwrap_or_else(|| PathBuf::from("seeds")),
            db: args.state.join(store::DB_FILE),
            lexicon,
            max_size: args.max_size,
        })
    }

    /// Opens the database for writing, creating the state folder if needed.
    fn open_for_writing(&self) -> anyhow::Result<Store> {
        if let Some(state) = self.db.parent() {
            std::fs::create_dir_all(state).with_context(|| {
                format!(
                    "cannot create state folder {} (pass --state DIR)",
                    state.display()
                )
            })?;
        }
        Ok(Store::open(&self.db)?)
    }

    /// Opens an existing database for queries.
    fn open_for_reading(&self) -> anyhow::Result<Store> {
        anyhow::ensure!(
            self.db.exists(),
            "no database at {} (run `venuewatch ingest` or `venuewatch watch` first, or pass --state DIR)",
            self.db.display()
        );
        Ok(Store::open(&self.db)?)
    }

    fn pipeline(self) -> anyhow::Result<Pipeline> {
        let store = self.open_for_writing()?;
        Ok(Pipeline::new(
            store,
            Extractor::new(self.lexicon),
            self.max_size,
        ))
    }
}

/// Sets up `tracing` to stderr, honouring `RUST_LOG` (default `info`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}

/// Runs a parsed command line.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::from_args(&args)?;
    let mut out = std::io::stdout().lock();
    let style = Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match args.command {
        Command::Watch { settle_ms } => {
            let daemon = DaemonConfig {
                dir: config.dir.clone(),
                settle: Duration::from_millis(settle_ms),
            };
            let pipeline = config.pipeline()?;
            runtime()?.block_on(async {
                let shutdown = Shutdown::on(daemon::signal());
                daemon::run(daemon, pipeline, shutdown).await
            })?;
        }
        Command::Ingest { paths } => {
            let paths = if paths.is_empty() {
                vec![config.dir.clone()]
            } else {
                paths
            };
            let files = expand(&paths)?;
            let pipeline = Arc::new(Mutex::new(config.pipeline()?));
            let tally = runtime()?.block_on(async {
                let shutdown = Shutdown::on(daemon::signal());
                daemon::ingest_all(&pipeline, files, &shutdown).await
            });
            report::tally(&tally, &mut out)?;
        }
        Command::Extract { json, files } => {
            let extractor = Extractor::new(config.lexicon);
            let mut results = Vec::new();
            let mut failed = false;
            for path in &files {
                match ingest::read_article(path, config.max_size) {
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
            if json {
                report::extracted_json(&results, &mut out)?;
            } else {
                report::extracted_text(&results, &mut out)?;
            }
            if failed {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Positions { json } => {
            let positions = config.open_for_reading()?.positions()?;
            if json {
                report::positions_json(&positions, &mut out)?;
            } else {
                report::positions_text(&positions, &mut out)?;
            }
        }
        Command::Changes {
            leader,
            since,
            json,
        } => {
            let filter = ChangeFilter { leader, since };
            let changes = config.open_for_reading()?.changes(&filter)?;
            if json {
                report::changes_json(&changes, &mut out)?;
            } else {
                report::changes_text(&changes, style, &mut out)?;
            }
        }
        Command::Timeline { leader, json } => {
            let derived = config.open_for_reading()?.timeline(&leader)?;
            if json {
                report::timeline_json(&derived.steps, &mut out)?;
            } else {
                report::timeline_text(&leader, &derived.steps, &mut out)?;
            }
        }
        Command::Eval { gold, verbose } => {
            let text = std::fs::read_to_string(&gold)
                .with_context(|| format!("cannot read gold file {}", gold.display()))?;
            let gold_articles = eval::parse_gold(&text, &gold.display().to_string())?;
            let dir = match &args.dir {
                Some(dir) => dir.clone(),
                None => gold.parent().map(Path::to_path_buf).unwrap_or_default(),
            };
            let extractor = Extractor::new(config.lexicon);
            let mut predicted = Vec::new();
            for g in &gold_articles {
                let path = dir.join(&g.file);
                match ingest::read_article(&path, config.max_size) {
                    Ok((_, article)) => predicted.push(eval::Predicted {
                        file: g.file.clone(),
                        date: article.date.to_string(),
                        claims: extractor
                            .extract(&article)
                            .into_iter()
                            .map(|c| (c.leader, c.stance.as_str().to_string(), c.venue, c.evidence))
                            .collect(),
                    }),
                    Err(err) => eprintln!("venuewatch: {err} (scored as no claims)"),
                }
            }
            eval::render(
                &eval::evaluate(&gold_articles, &predicted),
                verbose,
                &mut out,
            )?;
        }
        Command::Status { json } => {
            let store = config.open_for_reading()?;
            let status = report::Status {
                database: config.db.display().to_string(),
                schema_version: store.schema_version()?,
                counts: store.counts()?,
                rejected: store.rejections()?,
            };
            if json {
                report::status_json(&status, &mut out)?;
            } else {
                report::status_text(&status, &mut out)?;
            }
        }
    }
    out.flush().context("writing to stdout")?;
    Ok(ExitCode::SUCCESS)
}

fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")
}

/// Files named directly, and the article files inside folders.
fn expand(paths: &[PathBuf]) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            files.extend(ingest::walk(Path::new(path)));
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}
