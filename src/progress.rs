//! Progress on stderr for long runs (`ingest`, and any later command that
//! walks a corpus): a bar when the number of files is known, a spinner with
//! count and rate when it is not. The only module importing `indicatif`.
//!
//! Everything here is a no-op unless stderr is a terminal: piped or logged
//! output (tests, systemd, containers) is byte for byte what it is without
//! progress. Log lines written through [`Bars::log_writer`] are printed above
//! the bars rather than torn through them. Knows nothing of articles: callers
//! count whatever they count.

use std::io::{self, IsTerminal, Write};
use std::time::Duration;

use indicatif::{
    MultiProgress, ProgressBar, ProgressDrawTarget, ProgressFinish, ProgressState, ProgressStyle,
};

/// The look of a run of known length.
const BAR: &str = "{prefix:>8} [{bar:30}] {human_pos}/{human_len} files ({rate}, {eta} left) {msg}";
/// The look of a run whose length is not known up front (a folder walked
/// as it is ingested).
const SPINNER: &str = "{prefix:>8} {spinner} {human_pos} files ({rate}, {elapsed}) {msg}";

/// Where progress bars are drawn: stderr when it is a terminal, nowhere
/// otherwise. Cheap to clone; clones draw in the same place.
#[derive(Debug, Clone, Default)]
pub struct Bars {
    multi: Option<MultiProgress>,
}

impl Bars {
    /// Bars on stderr if it is a terminal, else none.
    pub fn on_stderr() -> Bars {
        if io::stderr().is_terminal() {
            Bars::drawing(ProgressDrawTarget::stderr())
        } else {
            Bars::hidden()
        }
    }

    /// No bars at all.
    pub fn hidden() -> Bars {
        Bars { multi: None }
    }

    fn drawing(target: ProgressDrawTarget) -> Bars {
        Bars {
            multi: Some(MultiProgress::with_draw_target(target)),
        }
    }

    /// Whether anything will be drawn.
    pub fn visible(&self) -> bool {
        self.multi.is_some()
    }

    /// Starts showing progress through `total` items (a spinner when the
    /// total is not known up front), labelled `label` ("ingest").
    pub fn start(&self, total: Option<u64>, label: &str) -> Progress {
        let Some(multi) = &self.multi else {
            return Progress { bar: None };
        };
        let (bar, template) = match total {
            Some(n) => (ProgressBar::new(n), BAR),
            None => (ProgressBar::new_spinner(), SPINNER),
        };
        // The templates are constants: a bad one is a bug the unit tests
        // catch, not a reason to fail a command.
        if let Ok(style) = ProgressStyle::with_template(template) {
            // Whole files a second: indicatif's own `per_sec` shows four
            // decimals.
            let style = style
                .with_key(
                    "rate",
                    |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                        let _ = write!(w, "{:.0}/s", state.per_sec());
                    },
                )
                .progress_chars("=> ");
            bar.set_style(style);
        }
        // Cleared when the last handle is dropped, even on an early return,
        // so the summary that follows starts on a clean line.
        let bar = multi
            .add(bar.with_prefix(label.to_string()))
            .with_finish(ProgressFinish::AndClear);
        // Redrawn on a timer, so the rate and spinner move while one slow
        // file is read.
        bar.enable_steady_tick(Duration::from_millis(120));
        Progress { bar: Some(bar) }
    }

    /// A writer for log lines: stderr, with the bars lifted while a line is
    /// written.
    pub fn log_writer(&self) -> LogWriter {
        LogWriter {
            multi: self.multi.clone(),
        }
    }
}

/// Progress of one run. Clones share the same bar; it is cleared when the
/// last one is dropped or on [`Progress::finish`].
#[derive(Debug, Clone)]
pub struct Progress {
    bar: Option<ProgressBar>,
}

impl Progress {
    /// Progress that shows nothing.
    pub fn hidden() -> Progress {
        Progress { bar: None }
    }

    /// Counts `n` more items done. Callable from any thread.
    pub fn inc(&self, n: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(n);
        }
    }

    /// Items counted so far (0 when hidden).
    pub fn position(&self) -> u64 {
        self.bar.as_ref().map_or(0, ProgressBar::position)
    }

    /// Shows what is being done now ("deriving positions").
    pub fn set_message(&self, message: &str) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.to_string());
        }
    }

    /// Clears the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// stderr for log lines, written with the progress bars lifted (see
/// [`Bars::log_writer`]).
#[derive(Debug, Clone)]
pub struct LogWriter {
    multi: Option<MultiProgress>,
}

impl LogWriter {
    fn with<T>(&self, f: impl FnOnce(&mut io::Stderr) -> io::Result<T>) -> io::Result<T> {
        let mut stderr = io::stderr();
        match &self.multi {
            Some(multi) => multi.suspend(|| f(&mut stderr)),
            None => f(&mut stderr),
        }
    }
}

impl Write for LogWriter {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.with(|e| e.write(buf))
    }

    // A log event arrives as one `write_all`: lifting the bars once for it
    // keeps the line whole and the redraws few.
    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.with(|e| e.write_all(buf))
    }

    fn flush(&mut self) -> io::Result<()> {
        io::stderr().flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hidden_bars_count_nothing_and_draw_nothing() {
        let bars = Bars::hidden();
        assert!(!bars.visible());
        let p = bars.start(Some(10), "ingest");
        p.inc(3);
        p.set_message("deriving");
        assert_eq!(p.position(), 0);
        p.finish();
    }

    #[test]
    fn bars_count_from_any_thread() {
        // Drawn nowhere, but otherwise real: templates parse and counts add.
        for total in [Some(100), None] {
            let bars = Bars::drawing(ProgressDrawTarget::hidden());
            assert!(bars.visible());
            let p = bars.start(total, "ingest");
            std::thread::scope(|s| {
                for _ in 0..4 {
                    let p = p.clone();
                    s.spawn(move || (0..25).for_each(|_| p.inc(1)));
                }
            });
            assert_eq!(p.position(), 100);
            p.finish();
        }
    }

    #[test]
    fn templates_are_valid() {
        for template in [BAR, SPINNER] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }
}
