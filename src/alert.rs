//! Alerts: the sender that delivers the outbox's changes to the configured
//! notifier (a webhook, or a command), oldest first, at least once.
//!
//! The store enqueues an alert in the transaction that adds its change to the
//! log; this module only reads the queue, through its own connection, so a
//! slow or failing notifier never holds up ingestion. An alert leaves the
//! queue only when the notifier acknowledged it (HTTP 2xx, exit status 0);
//! until then the head of the queue is retried with exponential backoff, and
//! after a restart it is retried at once. Whatever the notifier is, it gets
//! each change's idempotency key, so that a change sent again (the daemon
//! stopped between the acknowledgement and recording it) can be recognised.
//!
//! No SQL here, and no rendering: rows come as [`Alert`]s from the store,
//! payloads from [`crate::report::alert_json`].

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::sync::Notify;
use tracing::{error, info, warn};

use crate::daemon::{self, Shutdown};
use crate::report;
use crate::store::{Alert, Store, StoreError};

/// Where alerts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notifier {
    /// POST the JSON to this http(s) URL; 2xx acknowledges.
    Webhook(String),
    /// Run this with `sh -c`, the JSON on its stdin; exit status 0
    /// acknowledges.
    Exec(String),
}

impl Notifier {
    /// A webhook notifier, once `url` is checked to be an http(s) URL.
    pub fn webhook(url: &str) -> Result<Notifier, AlertError> {
        let bad = |why: &str| AlertError::BadUrl {
            url: url.to_string(),
            why: why.to_string(),
        };
        let uri: ureq::http::Uri = url.parse().map_err(|e| bad(&format!("{e}")))?;
        match uri.scheme_str() {
            Some("http" | "https") if uri.host().is_some() => Ok(Notifier::Webhook(url.into())),
            Some("http" | "https") => Err(bad("it has no host")),
            _ => Err(bad("it is not an http:// or https:// URL")),
        }
    }
}

/// How alerts are delivered.
#[derive(Debug, Clone)]
pub struct AlertConfig {
    /// Where to.
    pub notifier: Notifier,
    /// The first retry's delay; it doubles with each failure in a row, up to
    /// [`MAX_BACKOFF`].
    pub backoff: Duration,
    /// How long one attempt may take before it counts as failed.
    pub timeout: Duration,
}

/// The longest wait between two attempts.
pub const MAX_BACKOFF: Duration = Duration::from_secs(300);

/// A bad notifier setting.
#[derive(Debug, thiserror::Error)]
pub enum AlertError {
    /// The webhook URL cannot be used.
    #[error("notify URL {url:?} cannot be used: {why}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        why: String,
    },
}

/// Why one attempt did not deliver an alert.
#[derive(Debug, thiserror::Error)]
pub enum DeliveryError {
    /// The webhook answered, but not with 2xx.
    #[error("HTTP status {0}")]
    Status(u16),
    /// The request failed before an answer (connection, TLS, timeout...).
    #[error("request failed: {0}")]
    Request(String),
    /// The command could not be started.
    #[error("cannot run the notify command: {0}")]
    Spawn(std::io::Error),
    /// The command failed.
    #[error("notify command failed ({status}){stderr}")]
    Exit {
        /// How it ended.
        status: String,
        /// The end of what it wrote to stderr, if anything, with a leading
        /// separator.
        stderr: String,
    },
    /// The attempt took longer than the timeout.
    #[error("no answer within {0:?}")]
    Timeout(Duration),
}

/// The wait before the next attempt after `failures` failures in a row:
/// `base` doubled each time, at most [`MAX_BACKOFF`].
fn backoff(base: Duration, failures: u32) -> Duration {
    daemon::backoff(base, failures, MAX_BACKOFF)
}

/// Delivers alerts from `store`'s outbox until `shutdown` is requested;
/// `wake` is notified when new alerts may have been enqueued. An attempt in
/// progress is finished (it is bounded by the timeout) and recorded before
/// this returns, so a stop between acknowledgement and record is as unlikely
/// as it can be.
pub async fn run(store: Store, config: AlertConfig, wake: Arc<Notify>, shutdown: Shutdown) {
    let store = Arc::new(Mutex::new(store));
    let target = Target::new(&config);
    match db(&store, |s| s.outbox_counts()).await {
        Ok(counts) if counts.pending > 0 => {
            info!(
                pending = counts.pending,
                "delivering alerts pending from before"
            )
        }
        Ok(_) => {}
        Err(err) => warn!("cannot count pending alerts: {err}"),
    }
    // Failures in a row, for the backoff; a restart starts again at once.
    let mut failures = 0u32;
    while !shutdown.requested() {
        let alert = match db(&store, |s| s.next_alert()).await {
            Ok(Some(alert)) => alert,
            Ok(None) => {
                tokio::select! {
                    _ = wake.notified() => {}
                    _ = shutdown.wait() => {}
                }
                continue;
            }
            Err(err) => {
                failures += 1;
                let delay = backoff(config.backoff, failures);
                warn!("cannot read the alert outbox: {err}; trying again in {delay:?}");
                pause(delay, &shutdown).await;
                continue;
            }
        };
        let mut payload = Vec::new();
        if let Err(err) = report::alert_json(&alert, &mut payload) {
            error!(key = %alert.key, "cannot render alert: {err}");
        }
        match target.deliver(&alert.key, payload).await {
            Ok(()) => {
                failures = 0;
                record_delivery(&store, &alert, &config, &shutdown).await;
            }
            Err(err) => {
                failures += 1;
                let delay = backoff(config.backoff, failures);
                let reason = err.to_string();
                let attempt = match db(&store, move |s| s.alert_failed(alert.id, &reason)).await {
                    Ok(attempts) => attempts,
                    Err(db_err) => {
                        warn!(key = %alert.key, "cannot record a failed attempt: {db_err}");
                        alert.attempts + 1
                    }
                };
                let status = match &err {
                    DeliveryError::Status(code) => Some(*code),
                    _ => None,
                };
                warn!(
                    key = %alert.key,
                    leader = %alert.change.leader,
                    venue = %alert.change.change.venue,
                    status,
                    attempt,
                    retry_in_ms = delay.as_millis() as u64,
                    "alert not delivered: {err} (attempt {attempt}); next attempt in {delay:?}"
                );
                pause(delay, &shutdown).await;
            }
        }
    }
}

/// Marks a delivered alert, retrying while the database is busy: until it is
/// marked, a restart would send it again.
async fn record_delivery(
    store: &Arc<Mutex<Store>>,
    alert: &Alert,
    config: &AlertConfig,
    shutdown: &Shutdown,
) {
    let id = alert.id;
    let mut failures = 0;
    loop {
        match db(store, move |s| s.alert_delivered(id)).await {
            Ok(()) => {
                info!(
                    key = %alert.key,
                    leader = %alert.change.leader,
                    venue = %alert.change.change.venue,
                    attempt = alert.attempts + 1,
                    "alert delivered"
                );
                return;
            }
            Err(err) if shutdown.requested() => {
                error!(key = %alert.key, "alert delivered but not recorded ({err}); it will be sent again after the restart");
                return;
            }
            Err(err) => {
                failures += 1;
                let delay = backoff(config.backoff, failures);
                warn!(key = %alert.key, "alert delivered but not recorded yet: {err}; trying again in {delay:?}");
                pause(delay, shutdown).await;
            }
        }
    }
}

/// Sleeps for `delay`, or until shutdown is requested.
async fn pause(delay: Duration, shutdown: &Shutdown) {
    tokio::select! {
        _ = tokio::time::sleep(delay) => {}
        _ = shutdown.wait() => {}
    }
}

/// Runs `f` on the store on the blocking pool.
async fn db<T: Send + 'static>(
    store: &Arc<Mutex<Store>>,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    let store = Arc::clone(store);
    tokio::task::spawn_blocking(move || {
        let store = store.lock().unwrap_or_else(|p| p.into_inner());
        f(&store)
    })
    .await
    .unwrap_or_else(|join| Err(StoreError::Invalid(format!("outbox task failed: {join}"))))
}

/// A notifier ready to take alerts.
enum Target {
    Webhook { url: String, agent: ureq::Agent },
    Exec { command: String, timeout: Duration },
}

impl Target {
    fn new(config: &AlertConfig) -> Target {
        match &config.notifier {
            Notifier::Webhook(url) => Target::Webhook {
                url: url.clone(),
                agent: ureq::Agent::config_builder()
                    .timeout_global(Some(config.timeout))
                    // Statuses are answers, not errors: any non-2xx fails.
                    .http_status_as_error(false)
                    // A redirected POST would become a GET elsewhere; a
                    // 3xx is a failure to fix in the configuration.
                    .max_redirects(0)
                    .user_agent(concat!("venuewatch/", env!("CARGO_PKG_VERSION")))
                    .build()
                    .into(),
            },
            Notifier::Exec(command) => Target::Exec {
                command: command.clone(),
                timeout: config.timeout,
            },
        }
    }

    async fn deliver(&self, key: &str, payload: Vec<u8>) -> Result<(), DeliveryError> {
        match self {
            Target::Webhook { url, agent } => {
                let (url, agent, key) = (url.clone(), agent.clone(), key.to_string());
                // ureq blocks: one attempt on the blocking pool, bounded by
                // the agent's global timeout.
                tokio::task::spawn_blocking(move || post(&agent, &url, &key, &payload))
                    .await
                    .unwrap_or_else(|join| Err(DeliveryError::Request(join.to_string())))
            }
            Target::Exec { command, timeout } => exec(command, key, payload, *timeout).await,
        }
    }
}

fn post(agent: &ureq::Agent, url: &str, key: &str, payload: &[u8]) -> Result<(), DeliveryError> {
    let mut response = agent
        .post(url)
        .header("Content-Type", "application/json")
        .header("Idempotency-Key", key)
        .send(payload)
        .map_err(|err| match err {
            ureq::Error::Timeout(_) => DeliveryError::Request(format!("timed out ({err})")),
            err => DeliveryError::Request(err.to_string()),
        })?;
    // Read (a bounded part of) the answer so the connection can be reused;
    // what it says does not matter.
    let _ = response
        .body_mut()
        .with_config()
        .limit(64 * 1024)
        .read_to_vec();
    let status = response.status();
    if status.is_success() {
        Ok(())
    } else {
        Err(DeliveryError::Status(status.as_u16()))
    }
}

/// Runs `sh -c command` with `payload` on stdin and the key in
/// `VENUEWATCH_IDEMPOTENCY_KEY`; killed when `timeout` passes.
async fn exec(
    command: &str,
    key: &str,
    payload: Vec<u8>,
    timeout: Duration,
) -> Result<(), DeliveryError> {
    let mut child = tokio::process::Command::new("sh")
        .arg("-c")
        .arg(command)
        .env("VENUEWATCH_IDEMPOTENCY_KEY", key)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .map_err(DeliveryError::Spawn)?;
    let stdin = child.stdin.take();
    let write = async move {
        if let Some(mut stdin) = stdin {
            // A command that does not read its input may close it early: its
            // exit status is what counts, not whether it read everything.
            let _ = stdin.write_all(&payload).await;
        }
    };
    let run = async { tokio::join!(write, child.wait_with_output()).1 };
    let output = match tokio::time::timeout(timeout, run).await {
        Ok(output) => output.map_err(DeliveryError::Spawn)?,
        // Dropping the child kills it (kill_on_drop).
        Err(_) => return Err(DeliveryError::Timeout(timeout)),
    };
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stderr = stderr.trim();
    // The end of it, where the error usually is.
    let tail: String = {
        let chars: Vec<char> = stderr.chars().collect();
        chars[chars.len().saturating_sub(300)..].iter().collect()
    };
    Err(DeliveryError::Exit {
        status: output.status.to_string(),
        stderr: if tail.is_empty() {
            String::new()
        } else {
            format!(": {tail}")
        },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_from_the_base_up_to_five_minutes() {
        let secs = |failures| backoff(Duration::from_secs(1), failures).as_secs();
        let schedule: Vec<u64> = (1..=11).map(secs).collect();
        assert_eq!(schedule, [1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300]);
        // However long it fails, no overflow and no longer wait.
        assert_eq!(secs(u32::MAX), 300);
        let fast = Duration::from_millis(50);
        assert_eq!(backoff(fast, 1), fast);
        assert_eq!(backoff(fast, 4), Duration::from_millis(400));
        assert_eq!(backoff(fast, 40), MAX_BACKOFF);
    }

    #[test]
    fn webhook_urls_must_be_http_or_https_with_a_host() {
        for ok in [
            "http://127.0.0.1:8080/hook",
            "https://hooks.slack.com/services/T/B/X",
        ] {
            assert_eq!(
                Notifier::webhook(ok).expect(ok),
                Notifier::Webhook(ok.into())
            );
        }
        for bad in [
            "ftp://example.com/",
            "example.com/hook",
            "http:///x",
            "not a url",
        ] {
            assert!(Notifier::webhook(bad).is_err(), "{bad}");
        }
    }

    #[tokio::test]
    async fn a_command_delivers_with_exit_zero_and_gets_the_payload_and_key() {
        let tmp = tempfile::tempdir().expect("tmp");
        let out = tmp.path().join("out");
        let command = format!(
            "cat > '{}' && printf %s \"$VENUEWATCH_IDEMPOTENCY_KEY\" >> '{}'",
            out.display(),
            out.display()
        );
        exec(&command, "k1", b"{}\n".to_vec(), Duration::from_secs(10))
            .await
            .expect("delivered");
        assert_eq!(std::fs::read_to_string(&out).expect("out"), "{}\nk1");
    }

    #[tokio::test]
    async fn a_failing_or_slow_command_does_not_deliver() {
        let five = Duration::from_secs(5);
        let err = exec("echo broken >&2; exit 3", "k", Vec::new(), five)
            .await
            .unwrap_err();
        assert!(
            matches!(&err, DeliveryError::Exit { stderr, .. } if stderr == ": broken"),
            "{err}"
        );
        // Does not read stdin, and succeeds: delivered.
        exec("true", "k", vec![b'x'; 1 << 20], five)
            .await
            .expect("exit 0 counts");
        let err = exec("sleep 30", "k", Vec::new(), Duration::from_millis(100))
            .await
            .unwrap_err();
        assert!(matches!(err, DeliveryError::Timeout(_)), "{err}");
    }
}
