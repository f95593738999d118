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

use crate::alert::{AlertConfig, Notifier};
use crate::daemon::{self, DaemonConfig, Shutdown};
use crate::eval;
use crate::extract::Extractor;
use crate::filter::Filter;
use crate::ingest;
use crate::lexicon::Lexicon;
use crate::pipeline::Pipeline;
use crate::report::{self, Style};
use crate::service::StateLock;
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
    /// The state folder; the database is STATE/venuewatch.db [default: state].
    #[arg(long, global = true, env = "VENUEWATCH_STATE")]
    pub state: Option<PathBuf>,
    /// A lexicon file to use instead of (or, with `extend_builtin = true`, on
    /// top of) the built-in one.
    #[arg(long, global = true, env = "VENUEWATCH_LEXICON")]
    pub lexicon: Option<PathBuf>,
    /// Largest article file accepted, in bytes [default: 10 MiB].
    #[arg(long, global = true, env = "VENUEWATCH_MAX_SIZE")]
    pub max_size: Option<u64>,
    /// Log format on stderr [default: pretty].
    #[arg(long, global = true, env = "VENUEWATCH_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// A TOML config file [default: /etc/venuewatch/venuewatch.toml if present].
    #[arg(long, global = true, env = "VENUEWATCH_CONFIG")]
    pub config: Option<PathBuf>,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// How log lines are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// For people: one colored line per event.
    #[default]
    Pretty,
    /// For journald, Loki and friends: one JSON object per line.
    Json,
}

/// The config file's keys; flags and environment variables override them.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    dir: Option<PathBuf>,
    state: Option<PathBuf>,
    lexicon: Option<PathBuf>,
    #[serde(default)]
    ignore: Vec<String>,
    max_size: Option<u64>,
    log_format: Option<LogFormat>,
    settle_ms: Option<u64>,
    notify_url: Option<String>,
    notify_exec: Option<String>,
    notify_backoff_ms: Option<u64>,
    notify_timeout_ms: Option<u64>,
}

const DEFAULT_CONFIG: &str = "/etc/venuewatch/venuewatch.toml";

impl FileConfig {
    fn load(explicit: Option<&Path>) -> anyhow::Result<FileConfig> {
        let path = match explicit {
            Some(path) => path,
            None if Path::new(DEFAULT_CONFIG).is_file() => Path::new(DEFAULT_CONFIG),
            None => return Ok(FileConfig::default()),
        };
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read config file {}", path.display()))?;
        toml::from_str(&text)
            .with_context(|| format!("config file {} is not valid", path.display()))
    }
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Ingest the folder, then watch it and ingest each new or changed file
    /// until SIGINT or SIGTERM.
    Watch {
        /// Milliseconds a written file must stay quiet before it is read when
        /// no close or rename marks it complete [default: 2000].
        #[arg(long)]
        settle_ms: Option<u64>,
        /// POST each new change as JSON to this http(s) URL (2xx = delivered).
        #[arg(long, value_name = "URL", env = "VENUEWATCH_NOTIFY_URL")]
        notify_url: Option<String>,
        /// Run this shell command for each new change, the JSON on stdin
        /// (exit 0 = delivered).
        #[arg(long, value_name = "CMD", env = "VENUEWATCH_NOTIFY_EXEC")]
        notify_exec: Option<String>,
        /// Milliseconds before the first retry of an alert; doubles per
        /// failure, up to 5 minutes [default: 1000].
        #[arg(long, value_name = "MS", env = "VENUEWATCH_NOTIFY_BACKOFF_MS")]
        notify_backoff_ms: Option<u64>,
        /// Milliseconds one delivery attempt may take [default: 10000].
        #[arg(long, value_name = "MS", env = "VENUEWATCH_NOTIFY_TIMEOUT_MS")]
        notify_timeout_ms: Option<u64>,
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
    /// Write a self-contained HTML report: per leader, a timeline chart of
    /// every claim, the current positions and the change log with diffs.
    Report {
        /// The HTML file to write (replaced if it exists).
        #[arg(long, value_name = "FILE")]
        html: PathBuf,
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

/// Validated settings shared by the commands: flags > environment > config
/// file > defaults.
#[derive(Debug)]
struct Config {
    dir: PathBuf,
    state: PathBuf,
    db: PathBuf,
    /// A lexicon file; the built-in lexicon when `None`. Loaded only by the
    /// commands that extract, so queries start fast.
    lexicon: Option<PathBuf>,
    filter: Filter,
    max_size: u64,
    log_format: LogFormat,
    settle: Duration,
    /// Where `watch` announces new changes, if anywhere.
    alerts: Option<AlertConfig>,
}

impl Config {
    fn from_args(args: &Args) -> anyhow::Result<Config> {
        let file = FileConfig::load(args.config.as_deref())?;
        let alerts = alerts(&args.command, &file)?;
        let state = args
            .state
            .clone()
            .or(file.state)
            .unwrap_or_else(|| PathBuf::from("state"));
        let settle_ms = match &args.command {
            Command::Watch { settle_ms, .. } => *settle_ms,
            _ => None,
        };
        Ok(Config {
            dir: args
                .dir
                .clone()
                .or(file.dir)
                .unwrap_or_else(|| PathBuf::from("seeds")),
            db: state.join(store::DB_FILE),
            state,
            lexicon: args.lexicon.clone().or(file.lexicon),
            filter: Filter::new(&file.ignore)?,
            max_size: args
                .max_size
                .or(file.max_size)
                .unwrap_or(ingest::DEFAULT_MAX_SIZE),
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            settle: Duration::from_millis(settle_ms.or(file.settle_ms).unwrap_or(2000)),
            alerts,
        })
    }

    /// Creates the state folder if needed.
    fn create_state(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all(&self.state).with_context(|| {
            format!(
                "cannot create state folder {} (pass --state DIR)",
                self.state.display()
            )
        })
    }

    /// Opens the database for writing, creating the state folder if needed.
    fn open_for_writing(&self) -> anyhow::Result<Store> {
        self.create_state()?;
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

    fn extractor(&self) -> anyhow::Result<Extractor> {
        let lexicon = match &self.lexicon {
            Some(path) => Lexicon::load(path)?,
            None => Lexicon::builtin()?,
        };
        Ok(Extractor::new(lexicon))
    }

    fn pipeline(&self) -> anyhow::Result<Pipeline> {
        let extractor = self.extractor()?;
        let store = self.open_for_writing()?;
        Ok(Pipeline::new(store, extractor, self.max_size))
    }
}

/// The notifier settings: a notifier from the flags (or their environment
/// variables) or else from the file, never from both levels mixed; the
/// numbers key by key, flags > environment > file > defaults.
fn alerts(command: &Command, file: &FileConfig) -> anyhow::Result<Option<AlertConfig>> {
    let (url, exec, backoff_ms, timeout_ms) = match command {
        Command::Watch {
            notify_url,
            notify_exec,
            notify_backoff_ms,
            notify_timeout_ms,
            ..
        } => (
            notify_url.clone(),
            notify_exec.clone(),
            *notify_backoff_ms,
            *notify_timeout_ms,
        ),
        _ => (None, None, None, None),
    };
    let notifier = |url: Option<&String>, exec: Option<&String>, level: &str| match (url, exec) {
        (Some(_), Some(_)) => {
            anyhow::bail!("a notify URL and a notify command are both set {level}: set only one")
        }
        (Some(url), None) => Ok(Some(Notifier::webhook(url)?)),
        (None, Some(command)) if command.trim().is_empty() => {
            anyhow::bail!("the notify command set {level} is empty")
        }
        (None, Some(command)) => Ok(Some(Notifier::Exec(command.clone()))),
        (None, None) => Ok(None),
    };
    // A notifier set on the command line replaces the file's, whichever kind.
    let chosen = match notifier(url.as_ref(), exec.as_ref(), "by flags or environment")? {
        Some(n) => Some(n),
        None => notifier(
            file.notify_url.as_ref(),
            file.notify_exec.as_ref(),
            "in the config file",
        )?,
    };
    let ms = |value: Option<u64>, file: Option<u64>, default: u64, name: &str| {
        let ms = value.or(file).unwrap_or(default);
        anyhow::ensure!(ms > 0, "{name} must be at least 1 (milliseconds)");
        Ok(Duration::from_millis(ms))
    };
    let backoff = ms(
        backoff_ms,
        file.notify_backoff_ms,
        1000,
        "notify_backoff_ms",
    )?;
    let timeout = ms(
        timeout_ms,
        file.notify_timeout_ms,
        10_000,
        "notify_timeout_ms",
    )?;
    Ok(chosen.map(|notifier| AlertConfig {
        notifier,
        backoff,
        timeout,
    }))
}

/// Sets up `tracing` to stderr in `format`, honouring `RUST_LOG` (default
/// `info`).
fn init_logging(format: LogFormat) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Pretty => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

/// Runs a parsed command line.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::from_args(&args)?;
    init_logging(config.log_format);
    let mut out = std::io::stdout().lock();
    let style = Style {
        color: std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    };
    match args.command {
        Command::Watch { .. } => {
            config.create_state()?;
            let _lock = StateLock::acquire(&config.state)?;
            let daemon = DaemonConfig {
                dir: config.dir.clone(),
                settle: config.settle,
                filter: config.filter.clone(),
                db: config.db.clone(),
                alerts: config.alerts.clone(),
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
            let files = expand(&paths, &config.filter)?;
            let pipeline = Arc::new(Mutex::new(config.pipeline()?));
            let tally = runtime()?.block_on(async {
                let shutdown = Shutdown::on(daemon::signal());
                daemon::ingest_all(&pipeline, files, &shutdown).await
            })?;
            report::tally(&tally, &mut out)?;
        }
        Command::Extract { json, files } => {
            let extractor = config.extractor()?;
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
        Command::Report { html } => {
            let store = config.open_for_reading()?;
            let positions = store.positions()?;
            let changes = store.changes(&ChangeFilter::default())?;
            let mut leaders = Vec::new();
            for leader in store.leaders()? {
                leaders.push(crate::html::LeaderData {
                    claims: store.leader_claims(&leader)?,
                    positions: positions
                        .iter()
                        .filter(|p| p.leader == leader)
                        .map(|p| p.position.clone())
                        .collect(),
                    changes: changes
                        .iter()
                        .filter(|c| c.leader == leader)
                        .map(|c| c.change.clone())
                        .collect(),
                    leader,
                });
            }
            let data = crate::html::ReportData {
                generated: jiff::Timestamp::now(),
                database: std::fs::canonicalize(&config.db)
                    .unwrap_or_else(|_| config.db.clone())
                    .display()
                    .to_string(),
                counts: store.counts()?,
                leaders,
            };
            let mut page = Vec::new();
            crate::html::render(&data, &mut page)?;
            std::fs::write(&html, page)
                .with_context(|| format!("cannot write {}", html.display()))?;
            writeln!(
                out,
                "wrote {} ({} leaders, {} claims)",
                html.display(),
                data.leaders.len(),
                data.counts.claims
            )?;
        }
        Command::Eval { gold, verbose } => {
            let text = std::fs::read_to_string(&gold)
                .with_context(|| format!("cannot read gold file {}", gold.display()))?;
            let gold_articles = eval::parse_gold(&text, &gold.display().to_string())?;
            let dir = match &args.dir {
                Some(dir) => dir.clone(),
                None => gold.parent().map(Path::to_path_buf).unwrap_or_default(),
            };
            let extractor = config.extractor()?;
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
                last_ingest: store.last_ingest()?,
                daemon: StateLock::holder(&config.state),
                outbox: store.outbox_counts()?,
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

/// Files named directly, and the article files inside folders, one at a
/// time.
fn expand(paths: &[PathBuf], filter: &Filter) -> anyhow::Result<impl Iterator<Item = PathBuf>> {
    let mut sources: Vec<Box<dyn Iterator<Item = PathBuf>>> = Vec::new();
    for path in paths {
        let meta =
            std::fs::metadata(path).with_context(|| format!("cannot read {}", path.display()))?;
        if meta.is_dir() {
            sources.push(Box::new(ingest::walk(path, filter)));
        } else {
            let file = std::fs::canonicalize(path).unwrap_or_else(|_| path.clone());
            sources.push(Box::new(std::iter::once(file)));
        }
    }
    Ok(sources.into_iter().flatten())
}
