//! Command-line interface: clap arguments -> a validated [`Config`] -> the
//! library's commands. The only module (with `main`) that uses `anyhow`.

use std::ffi::OsStr;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use jiff::civil::Date;

use crate::alert::{AlertConfig, Notifier};
use crate::article::Article;
use crate::daemon::{self, DaemonConfig, Shutdown};
use crate::eval;
use crate::extract::Extractor;
use crate::filter::Filter;
use crate::ingest;
use crate::lexicon::Lexicon;
use crate::metrics::Metrics;
use crate::pipeline::Pipeline;
use crate::progress::{Bars, Progress};
use crate::reindex;
use crate::report::{self, Format, Style};
use crate::server::{self, ServerConfig};
use crate::service::StateLock;
use crate::store::{self, ChangeFilter, Store};
use crate::suggest;

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
    /// Milliseconds a file's read may go without progress (a hung network
    /// mount) before it is abandoned and retried later [default: 10000].
    #[arg(
        long,
        global = true,
        value_name = "MS",
        env = "VENUEWATCH_READ_TIMEOUT_MS"
    )]
    pub read_timeout_ms: Option<u64>,
    /// Log format on stderr [default: pretty].
    #[arg(long, global = true, env = "VENUEWATCH_LOG_FORMAT")]
    pub log_format: Option<LogFormat>,
    /// A TOML config file [default: /etc/venuewatch/venuewatch.toml if present].
    #[arg(long, global = true, env = "VENUEWATCH_CONFIG")]
    pub config: Option<PathBuf>,
    /// Color on stdout: `auto` when it is a terminal and NO_COLOR is unset.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
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

/// When stdout gets ANSI colors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum ColorWhen {
    /// When stdout is a terminal and `NO_COLOR` is unset or empty.
    #[default]
    Auto,
    /// Always, even into a pipe or file (`less -R`).
    Always,
    /// Never.
    Never,
}

impl ColorWhen {
    /// Whether to color, given whether stdout is a terminal and the value of
    /// `NO_COLOR` (<https://no-color.org>: set and not empty means no color,
    /// unless asked for explicitly).
    fn resolve(self, terminal: bool, no_color: Option<&OsStr>) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => terminal && no_color.is_none_or(OsStr::is_empty),
        }
    }
}

/// An output format of the query commands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FormatArg {
    /// For a person.
    Text,
    /// A pretty-printed JSON list.
    Json,
    /// One JSON object per line.
    Jsonl,
    /// Markdown tables (and for `changes`, headings and diff blocks).
    Markdown,
    /// CSV with a header row.
    Csv,
}

/// How a query command prints: `--format`, or `--json` for `--format json`.
#[derive(Debug, Clone, clap::Args)]
pub struct Output {
    /// Output format [default: text].
    #[arg(long, value_enum, value_name = "FORMAT")]
    pub format: Option<FormatArg>,
    /// Print JSON (the same as `--format json`).
    #[arg(long, conflicts_with = "format")]
    pub json: bool,
}

impl Output {
    fn format(&self) -> Format {
        match (self.json, self.format) {
            (true, _) => Format::Json,
            (false, None | Some(FormatArg::Text)) => Format::Text,
            (false, Some(FormatArg::Json)) => Format::Json,
            (false, Some(FormatArg::Jsonl)) => Format::Jsonl,
            (false, Some(FormatArg::Markdown)) => Format::Markdown,
            (false, Some(FormatArg::Csv)) => Format::Csv,
        }
    }
}

/// Where the HTTP server listens, and the token it asks for.
#[derive(Debug, Clone, Default, clap::Args)]
pub struct Listen {
    /// Serve the live page, the API and metrics on this address (for
    /// `watch`, off unless set). Off loopback it needs a token.
    #[arg(long, value_name = "ADDR", env = "VENUEWATCH_LISTEN")]
    pub listen: Option<std::net::SocketAddr>,
    /// The bearer token every request must carry (at least 16 characters);
    /// prefer --token-file, which keeps it out of the process list.
    #[arg(
        long,
        value_name = "TOKEN",
        env = "VENUEWATCH_TOKEN",
        hide_env_values = true,
        conflicts_with = "token_file"
    )]
    pub token: Option<String>,
    /// A file whose first line is the token.
    #[arg(long, value_name = "FILE", env = "VENUEWATCH_TOKEN_FILE")]
    pub token_file: Option<PathBuf>,
    /// Let web pages from this origin call the API (CORS), e.g.
    /// https://desk.example.org; none by default.
    #[arg(long, value_name = "ORIGIN", env = "VENUEWATCH_CORS_ORIGIN")]
    pub cors_origin: Option<String>,
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
    read_timeout_ms: Option<u64>,
    log_format: Option<LogFormat>,
    settle_ms: Option<u64>,
    notify_url: Option<String>,
    notify_exec: Option<String>,
    notify_backoff_ms: Option<u64>,
    notify_timeout_ms: Option<u64>,
    listen: Option<std::net::SocketAddr>,
    token_file: Option<PathBuf>,
    cors_origin: Option<String>,
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

/// What `lexicon` does.
#[derive(Debug, Subcommand)]
pub enum LexiconAction {
    /// Print, as lexicon entries to review and paste, the people the
    /// articles introduce by a title of a known government ("Kenyan Foreign
    /// Minister Musalia Mudavadi") whom the lexicon does not name.
    Suggest {
        /// Article files or folders (default: the watched folder).
        paths: Vec<PathBuf>,
    },
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
        /// Serving the live page and the API while watching.
        #[command(flatten)]
        listen: Listen,
    },
    /// Serve the live page, the API and metrics over a state folder,
    /// read-only and without ingesting (a daemon may write it meanwhile).
    Serve {
        /// Where and to whom to serve [default: --listen 127.0.0.1:8080].
        #[command(flatten)]
        listen: Listen,
    },
    /// Ingest files or folders once, then exit.
    Ingest {
        /// Files or folders (default: the watched folder).
        paths: Vec<PathBuf>,
    },
    /// Read every stored article again with the current lexicon and rules,
    /// derive positions and changes again, and print what changed. Refuses
    /// while a daemon runs on the same state.
    Reindex {
        /// Show what would change, and write nothing.
        #[arg(long)]
        dry_run: bool,
        /// Print JSON, listing every claim and change (the text lists 20 of each).
        #[arg(long)]
        json: bool,
    },
    /// Print what the reader makes of files (no database): per article, the
    /// file, the item's id inside a file of many, title, date and where it
    /// came from, URL and the body text the extractor sees.
    Read {
        /// Print a JSON list of objects with the keys file, item, title,
        /// date, date_source, url and body.
        #[arg(long)]
        json: bool,
        /// Article files, or folders whose article files are read, recursively
        /// and with the filter `ingest` applies.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Run the reader and extractor on files and print the claims (no database).
    Extract {
        /// Print a JSON list in the gold format.
        #[arg(long)]
        json: bool,
        /// Article files, or folders whose article files are read, recursively
        /// and with the filter `ingest` applies.
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// Work with the lexicon.
    Lexicon {
        /// What to do with it.
        #[command(subcommand)]
        action: LexiconAction,
    },
    /// Print the current position table: one row per leader and venue.
    Positions {
        /// How to print.
        #[command(flatten)]
        output: Output,
    },
    /// Print the change log, oldest first.
    Changes {
        /// Only this leader (an id such as `putin`).
        #[arg(long)]
        leader: Option<String>,
        /// Only changes on or after this date (YYYY-MM-DD).
        #[arg(long)]
        since: Option<Date>,
        /// Only changes on or before this date (YYYY-MM-DD).
        #[arg(long)]
        until: Option<Date>,
        /// Only changes of the position on this venue (`moscow`).
        #[arg(long)]
        venue: Option<String>,
        /// Only changes to this stance.
        #[arg(long, value_parser = ["proposes", "rejects"])]
        stance: Option<String>,
        /// Only changes of this kind.
        #[arg(long, value_parser = ["new", "reversed"])]
        kind: Option<String>,
        /// Only changes whose evidence contains this text.
        #[arg(long, value_name = "TEXT")]
        search: Option<String>,
        /// At most this many changes; the cursor of the next page goes to
        /// stderr.
        #[arg(long, value_name = "N")]
        limit: Option<usize>,
        /// Start after the change this cursor names (from --limit's output
        /// or the API's X-Next-Cursor).
        #[arg(long)]
        cursor: Option<String>,
        /// How to print.
        #[command(flatten)]
        output: Output,
    },
    /// Print every report that gave a leader a claim, with the position after it.
    Timeline {
        /// The leader id (`putin`).
        leader: String,
        /// How to print.
        #[command(flatten)]
        output: Output,
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
    /// Exit 0 when the server at URL says it is ready (`GET /readyz`: caught
    /// up, database writable), 1 otherwise: a container health check that
    /// needs no HTTP client in the image.
    Ready {
        /// The server's readiness address.
        #[arg(default_value = "http://127.0.0.1:8080/readyz")]
        url: String,
    },
}

/// Validated settings shared by the commands: flags > environment > config
/// file > defaults.
#[derive(Debug, Clone)]
struct Config {
    dir: PathBuf,
    state: PathBuf,
    db: PathBuf,
    /// A lexicon file; the built-in lexicon when `None`. Loaded only by the
    /// commands that extract, so queries start fast.
    lexicon: Option<PathBuf>,
    filter: Filter,
    max_size: u64,
    read_timeout: Duration,
    log_format: LogFormat,
    settle: Duration,
    /// Where `watch` announces new changes, if anywhere.
    alerts: Option<AlertConfig>,
    /// Where `watch` or `serve` serves the live page and the API, if anywhere.
    server: Option<ServerConfig>,
}

impl Config {
    fn from_args(args: &Args) -> anyhow::Result<Config> {
        let file = FileConfig::load(args.config.as_deref())?;
        let alerts = alerts(&args.command, &file)?;
        let state = args
            .state
            .clone()
            .or(file.state.clone())
            .unwrap_or_else(|| PathBuf::from("state"));
        let server = server(&args.command, &file, &state)?;
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
            read_timeout: match args.read_timeout_ms.or(file.read_timeout_ms) {
                Some(0) => anyhow::bail!("read_timeout_ms must be at least 1 (milliseconds)"),
                Some(ms) => Duration::from_millis(ms),
                None => ingest::DEFAULT_READ_TIMEOUT,
            },
            log_format: args.log_format.or(file.log_format).unwrap_or_default(),
            settle: Duration::from_millis(settle_ms.or(file.settle_ms).unwrap_or(2000)),
            alerts,
            server,
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

    /// Opens the database for writing, waiting while another process holds
    /// its write lock past the busy timeout (a backup, someone's `sqlite3`):
    /// a lock that passes is no reason to fail a start. Gives up after a
    /// minute.
    fn open_when_free(&self) -> anyhow::Result<Store> {
        let give_up = std::time::Instant::now() + Duration::from_secs(60);
        let mut failures = 0;
        loop {
            match self.open_for_writing() {
                Err(err)
                    if std::time::Instant::now() < give_up
                        && err
                            .downcast_ref::<store::StoreError>()
                            .is_some_and(store::StoreError::is_busy) =>
                {
                    failures += 1;
                    let wait =
                        daemon::backoff(Duration::from_secs(1), failures, Duration::from_secs(10));
                    tracing::warn!(
                        "{err:#}; another process holds its lock; trying again in {} s",
                        wait.as_secs()
                    );
                    std::thread::sleep(wait);
                }
                other => return other,
            }
        }
    }

    /// Opens an existing database for queries.
    fn open_for_reading(&self) -> anyhow::Result<Store> {
        anyhow::ensure!(
            self.db.exists(),
            "no database at {} (run `venuewatch ingest` or `venuewatch watch` first, or pass --state DIR)",
            self.db.display()
        );
        let store = Store::open(&self.db)?;
        store.map_for_queries()?;
        Ok(store)
    }

    fn extractor(&self) -> anyhow::Result<Extractor> {
        let lexicon = match &self.lexicon {
            Some(path) => Lexicon::load(path)?,
            None => Lexicon::builtin()?,
        };
        Ok(Extractor::new(lexicon))
    }

    /// The extractor, to mark venues and cues in evidence shown to a person;
    /// without it (a lexicon that no longer loads) evidence is shown plain,
    /// which is no reason to fail a query.
    fn marker(&self) -> Option<Extractor> {
        self.extractor()
            .inspect_err(|err| tracing::warn!("evidence shown unmarked: {err:#}"))
            .ok()
    }

    fn pipeline(&self) -> anyhow::Result<Pipeline> {
        let extractor = self.extractor()?;
        let store = self.open_when_free()?;
        let mut pipeline = Pipeline::new(store, extractor, self.max_size);
        pipeline.set_read_timeout(self.read_timeout);
        Ok(pipeline)
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

/// The server settings of `watch` and `serve`: flags > environment >
/// config file; `serve` listens on 127.0.0.1:8080 unless told otherwise,
/// `watch` only when told.
fn server(
    command: &Command,
    file: &FileConfig,
    state: &Path,
) -> anyhow::Result<Option<ServerConfig>> {
    let (listen, default) = match command {
        Command::Watch { listen, .. } => (listen, None),
        Command::Serve { listen } => (
            listen,
            Some(std::net::SocketAddr::from(([127, 0, 0, 1], 8080))),
        ),
        _ => return Ok(None),
    };
    let Some(addr) = listen.listen.or(file.listen).or(default) else {
        return Ok(None);
    };
    let token = match (
        &listen.token,
        listen.token_file.as_ref().or(file.token_file.as_ref()),
    ) {
        (Some(token), _) => Some(token.trim().to_owned()),
        (None, Some(path)) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read the token file {}", path.display()))?;
            let token = text.lines().next().unwrap_or("").trim().to_owned();
            anyhow::ensure!(
                !token.is_empty(),
                "the token file {} is empty",
                path.display()
            );
            Some(token)
        }
        (None, None) => None,
    };
    Ok(Some(ServerConfig {
        listen: addr,
        token,
        db: state.join(store::DB_FILE),
        state: state.to_path_buf(),
        cors_origin: listen.cors_origin.clone().or(file.cors_origin.clone()),
    }))
}

/// Sets up `tracing` to stderr in `format`, honouring `RUST_LOG` (default
/// `info`), printing above any progress `bars`.
fn init_logging(format: LogFormat, bars: &Bars) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let writer = bars.log_writer();
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(move || writer.clone());
    match format {
        LogFormat::Pretty => builder.with_ansi(std::io::stderr().is_terminal()).init(),
        LogFormat::Json => builder.json().flatten_event(true).init(),
    }
}

/// Runs a parsed command line.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let config = Config::from_args(&args)?;
    // Only a long run shows progress; elsewhere stderr carries the log alone.
    let bars = match args.command {
        Command::Ingest { .. } | Command::Reindex { .. } => Bars::on_stderr(),
        _ => Bars::hidden(),
    };
    init_logging(config.log_format, &bars);
    // Buffered: stdout on its own flushes at every line, and a change log
    // can run to hundreds of thousands of lines.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, std::io::stdout().lock());
    let style = Style {
        color: args.color.resolve(
            std::io::stdout().is_terminal(),
            std::env::var_os("NO_COLOR").as_deref(),
        ),
    };
    match args.command {
        Command::Watch { .. } => {
            config.create_state()?;
            let lock = StateLock::acquire(&config.state)?;
            let metrics = Metrics::new();
            let daemon = DaemonConfig {
                dir: config.dir.clone(),
                settle: config.settle,
                filter: config.filter.clone(),
                db: config.db.clone(),
                alerts: config.alerts.clone(),
                metrics: metrics.clone(),
            };
            let rt = runtime()?;
            let ran = rt.block_on(async {
                // Listening before the database is opened: a stop asked for
                // while a locked database is waited for is a clean exit.
                let shutdown = Shutdown::on(daemon::signal());
                let opening = config.clone();
                let pipeline = tokio::select! {
                    opened = tokio::task::spawn_blocking(move || opening.pipeline()) => opened??,
                    _ = shutdown.wait() => {
                        tracing::info!("shutdown requested while waiting for the database");
                        return anyhow::Ok(());
                    }
                };
                // Bound before the catch-up, so that a port in use fails
                // the start at once; served while the folder is read, on
                // a thread of its own that yields to ingestion.
                let server = match config.server.clone() {
                    Some(server) => Some(server::spawn(server, metrics, shutdown.clone()).await?),
                    None => None,
                };
                let ran = daemon::run(daemon, pipeline, shutdown.clone(), lock).await;
                shutdown.request();
                if let Some(server) = server {
                    server.stopped().await;
                }
                Ok(ran?)
            });
            // A transaction stuck past shutdown is left to roll back, as
            // after a crash, rather than wait for it without end.
            rt.shutdown_timeout(daemon::STOP_GRACE);
            ran?;
        }
        Command::Serve { .. } => {
            let server = config
                .server
                .clone()
                .context("serve needs an address to listen on (--listen)")?;
            anyhow::ensure!(
                config.db.exists(),
                "no database at {} (run `venuewatch ingest` or `venuewatch watch` first, or pass --state DIR)",
                config.db.display()
            );
            // Checked once before serving, so that a database this build
            // cannot read fails the start rather than every request.
            Store::open_read_only(&config.db)?;
            let metrics = Metrics::new();
            metrics.set_ready();
            let rt = runtime()?;
            rt.block_on(async {
                let shutdown = Shutdown::on(daemon::signal());
                let bound = server::bind(server).await?;
                server::serve(bound, metrics, shutdown).await;
                anyhow::Ok(())
            })?;
            rt.shutdown_timeout(daemon::STOP_GRACE);
        }
        Command::Ingest { paths } => {
            let paths = if paths.is_empty() {
                vec![config.dir.clone()]
            } else {
                paths
            };
            // Files named one by one give a known total; a folder is walked
            // as it is ingested, and counting it first would walk it twice.
            let total = paths
                .iter()
                .all(|p| p.is_file())
                .then_some(paths.len() as u64);
            let files = expand(&paths, &config.filter)?;
            let pipeline = Arc::new(Mutex::new(config.pipeline()?));
            let progress = bars.start(total, "ingest");
            let observer = Arc::new(Shown(progress.clone()));
            let tally = runtime()?.block_on(async {
                let shutdown = Shutdown::on(daemon::signal());
                daemon::ingest_all(&pipeline, files, &shutdown, observer).await
            })?;
            progress.finish();
            report::tally(&tally, &mut out)?;
        }
        Command::Reindex { dry_run, json } => {
            let extractor = config.extractor()?;
            let mut store = config.open_for_reading()?;
            // Alone on the state, dry run or not: the reindex holds the write
            // lock for its whole length, and a daemon reading new articles
            // with another lexicon meanwhile would undo what it shows.
            let _lock =
                StateLock::acquire(&config.state).context("reindex needs the state to itself")?;
            let options = reindex::Options {
                dry_run,
                max_size: config.max_size,
            };
            // The bar starts when the count of stored articles is known.
            let bar: std::sync::OnceLock<Progress> = std::sync::OnceLock::new();
            let progress = |p: reindex::Progress| match p {
                reindex::Progress::Start { articles } => {
                    tracing::info!(articles, dry_run, "reindexing");
                    let _ = bar.set(bars.start(Some(articles), "reindex"));
                }
                reindex::Progress::Article { .. } => {
                    if let Some(bar) = bar.get() {
                        bar.inc(1);
                    }
                }
                reindex::Progress::Deriving => {
                    if let Some(bar) = bar.get() {
                        bar.set_message("deriving positions");
                    }
                }
            };
            let summary = reindex::run(&mut store, &extractor, options, &progress)?;
            if let Some(bar) = bar.get() {
                bar.finish();
            }
            if json {
                report::reindex_json(&summary, &mut out)?;
            } else {
                report::reindex_text(&summary, &mut out)?;
            }
        }
        Command::Read { json, paths } => {
            let mut articles = Vec::new();
            let failed = each_article(&paths, &config, |file, item, article| {
                articles.push(report::ReadArticle {
                    file: file.to_owned(),
                    item,
                    article,
                })
            });
            if json {
                report::read_json(&articles, &mut out)?;
            } else {
                report::read_text(&articles, &mut out)?;
            }
            if failed {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Extract { json, paths } => {
            let extractor = config.extractor()?;
            let lexicon = extractor.lexicon();
            let mut results = Vec::new();
            let failed = each_article(&paths, &config, |file, item, article| {
                let claims = extractor.extract(&article);
                let mut unknown: Vec<String> = claims
                    .iter()
                    .filter(|c| !lexicon.leaders.iter().any(|l| l.id == c.leader))
                    .map(|c| c.leader.clone())
                    .collect();
                unknown.dedup();
                results.push(report::Extracted {
                    file: file.to_owned(),
                    item,
                    article,
                    claims,
                    unknown,
                });
            });
            if json {
                report::extracted_json(&results, &mut out)?;
            } else {
                report::extracted_text(&results, &mut out)?;
            }
            if failed {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Lexicon {
            action: LexiconAction::Suggest { paths },
        } => {
            let extractor = config.extractor()?;
            let paths = if paths.is_empty() {
                vec![config.dir.clone()]
            } else {
                paths
            };
            let mut sightings = Vec::new();
            let mut failed = false;
            for (path, shown) in named_files(&paths, &config.filter) {
                match ingest::read_article(&path, config.max_size) {
                    Ok((_, article)) => {
                        for intro in extractor.introductions(&article) {
                            sightings.push(suggest::Sighting {
                                intro,
                                file: shown.display().to_string(),
                                date: article.date,
                            });
                        }
                    }
                    Err(err) => {
                        eprintln!("venuewatch: {err}");
                        failed = true;
                    }
                }
            }
            suggest::render(&sightings, extractor.lexicon(), &mut out)?;
            if failed {
                return Ok(ExitCode::FAILURE);
            }
        }
        Command::Positions { output } => {
            let positions = config.open_for_reading()?.positions()?;
            report::render_positions(output.format(), &positions, &mut out)?;
        }
        Command::Changes {
            leader,
            since,
            until,
            venue,
            stance,
            kind,
            search,
            limit,
            cursor,
            output,
        } => {
            let filter = ChangeFilter {
                leader,
                since,
                until,
                venue,
                stance: stance.as_deref().and_then(crate::extract::Stance::parse),
                kind: kind.as_deref().and_then(crate::diff::ChangeKind::parse),
                text: search.filter(|s| !s.is_empty()),
                after: cursor
                    .map(|c| {
                        c.parse()
                            .map_err(|why: String| anyhow::anyhow!("--cursor: {why}"))
                    })
                    .transpose()?,
                limit,
            };
            let page = config.open_for_reading()?.change_page(&filter)?;
            if let Some(next) = &page.next {
                eprintln!("next page: --cursor {next}");
            }
            let changes = page.changes;
            let format = output.format();
            let marker = match format.shows_marks(style) && !changes.is_empty() {
                true => config.marker(),
                false => None,
            };
            let marks = |c: &store::LeaderChange| match &marker {
                Some(ex) => ex.marks(&c.change.evidence, &c.leader, &c.change.venue),
                None => Vec::new(),
            };
            report::render_changes(format, &changes, style, &marks, &mut out)?;
        }
        Command::Timeline { leader, output } => {
            let store = config.open_for_reading()?;
            let derived = store.timeline(&leader)?;
            let sources = store.sources(&derived.steps)?;
            let steps: Vec<_> = derived.steps.into_iter().zip(sources).collect();
            report::render_timeline(output.format(), &leader, &steps, &mut out)?;
        }
        Command::Report { html } => {
            let store = config.open_for_reading()?;
            let database = std::fs::canonicalize(&config.db)
                .unwrap_or_else(|_| config.db.clone())
                .display()
                .to_string();
            let data = server::report_data(&store, database)?;
            let mut page = Vec::new();
            crate::html::render(&data, crate::html::Output::Report, &mut page)?;
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
        Command::Ready { url } => {
            let (ready, body) = server::probe(&url)?;
            write!(out, "{body}")?;
            if !ready {
                return Ok(ExitCode::FAILURE);
            }
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

/// A backlog's progress shown on a bar.
struct Shown(Progress);

impl daemon::Observer for Shown {
    fn file_seen(&self) {
        self.0.inc(1);
    }

    fn deriving(&self) {
        self.0.set_message("deriving positions");
    }
}

/// Whether `err` is a write to a closed pipe, as when the output is piped
/// into `head` or a pager quit early: like `git log`, not worth a message.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
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

/// The files `extract` reads, each with the name it is shown by. A file named
/// is read as named, whatever its name. A folder's article files are those
/// `ingest` would read, shown under the folder's name as given and sorted,
/// so that the output does not depend on directory order.
/// Reads every article of the files named (folders walked), passing each to
/// `f` with the file as shown and the item's id; prints what is not an
/// article (a file, or an item of a file of many) on stderr. Returns whether
/// anything was.
fn each_article(
    paths: &[PathBuf],
    config: &Config,
    mut f: impl FnMut(&str, Option<String>, Article),
) -> bool {
    let mut failed = false;
    for (path, shown) in named_files(paths, &config.filter) {
        let shown = shown.display().to_string();
        match ingest::read_articles(&path, config.max_size) {
            Ok((_, entries)) => {
                for entry in entries {
                    match entry.article {
                        Ok(article) => f(&shown, entry.item, article),
                        Err(reason) => {
                            let item = entry.item.unwrap_or_default();
                            eprintln!("venuewatch: rejected {shown} item {item}: {reason}");
                            failed = true;
                        }
                    }
                }
            }
            Err(err) => {
                eprintln!("venuewatch: {err}");
                failed = true;
            }
        }
    }
    failed
}

fn named_files(paths: &[PathBuf], filter: &Filter) -> Vec<(PathBuf, PathBuf)> {
    let mut files = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push((path.clone(), path.clone()));
            continue;
        }
        let walk = ingest::walk(path, filter);
        let root = walk.root().to_path_buf();
        let mut found: Vec<(PathBuf, PathBuf)> = walk
            .map(|file| {
                let shown = match file.strip_prefix(&root) {
                    Ok(relative) => path.join(relative),
                    Err(_) => file.clone(),
                };
                (file, shown)
            })
            .collect();
        if found.is_empty() {
            tracing::warn!(folder = %path.display(), "no article files in the folder");
        }
        found.sort_by(|a, b| a.1.cmp(&b.1));
        files.extend(found);
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn color_follows_the_flag_the_terminal_and_no_color() {
        let unset = None;
        let set = Some(OsStr::new("1"));
        let empty = Some(OsStr::new(""));
        let cases = [
            (ColorWhen::Auto, true, unset, true),
            (ColorWhen::Auto, false, unset, false),
            (ColorWhen::Auto, true, set, false),
            (ColorWhen::Auto, true, empty, true),
            (ColorWhen::Always, false, set, true),
            (ColorWhen::Never, true, unset, false),
        ];
        for (when, terminal, no_color, want) in cases {
            assert_eq!(
                when.resolve(terminal, no_color),
                want,
                "{when:?} terminal={terminal} NO_COLOR={no_color:?}"
            );
        }
    }

    #[test]
    fn a_closed_pipe_is_no_error_worth_reporting() {
        let pipe = std::io::Error::from(std::io::ErrorKind::BrokenPipe);
        assert!(is_broken_pipe(
            &anyhow::Error::from(pipe).context("writing to stdout")
        ));
        let full = std::io::Error::from(std::io::ErrorKind::StorageFull);
        assert!(!is_broken_pipe(&anyhow::Error::from(full)));
    }

    fn format_of(args: &[&str]) -> Option<Format> {
        let args = Args::try_parse_from([&["venuewatch"], args].concat()).ok()?;
        match args.command {
            Command::Changes { output, .. }
            | Command::Positions { output }
            | Command::Timeline { output, .. } => Some(output.format()),
            _ => None,
        }
    }

    #[test]
    fn json_is_an_alias_of_format_json() {
        assert_eq!(format_of(&["changes"]), Some(Format::Text));
        assert_eq!(format_of(&["changes", "--json"]), Some(Format::Json));
        assert_eq!(
            format_of(&["positions", "--format", "json"]),
            Some(Format::Json)
        );
        assert_eq!(
            format_of(&["timeline", "putin", "--format", "jsonl"]),
            Some(Format::Jsonl)
        );
        assert_eq!(
            format_of(&["changes", "--format", "csv"]),
            Some(Format::Csv)
        );
        assert_eq!(
            format_of(&["changes", "--format", "markdown"]),
            Some(Format::Markdown)
        );
        assert_eq!(format_of(&["changes", "--json", "--format", "csv"]), None);
        assert_eq!(format_of(&["changes", "--format", "yaml"]), None);
    }
}
