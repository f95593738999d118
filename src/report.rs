//! Rendering results for people and programs: text and JSON writers over
//! `&mut impl Write`. The only module that defines serialisable views.

use std::io::{self, Write};

use serde::Serialize;

use crate::article::Article;
use crate::diff::{ReportClaim, Step};
use crate::extract::Claim;
use crate::pipeline::Tally;
use crate::store::{Alert, Counts, LeaderChange, LeaderPosition, OutboxCounts, Rejection};

/// How to render for a person.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Whether to use ANSI colors.
    pub color: bool,
}

/// One file's extraction result, for `venuewatch extract`.
#[derive(Debug)]
pub struct Extracted {
    /// The file as given.
    pub file: String,
    /// The article read from it.
    pub article: Article,
    /// Its claims.
    pub claims: Vec<Claim>,
}

#[derive(Serialize)]
struct ExtractedView<'a> {
    file: &'a str,
    date: String,
    date_source: &'static str,
    claims: Vec<ClaimView<'a>>,
}

#[derive(Serialize)]
struct ClaimView<'a> {
    leader: &'a str,
    stance: &'static str,
    venue: &'a str,
    evidence: &'a str,
    speaker: Option<&'a str>,
    historical: bool,
}

fn claim_view(c: &Claim) -> ClaimView<'_> {
    ClaimView {
        leader: &c.leader,
        stance: c.stance.as_str(),
        venue: &c.venue,
        evidence: &c.evidence,
        speaker: c.speaker.as_deref(),
        historical: c.historical,
    }
}

/// Writes extraction results as a JSON list in the gold format.
pub fn extracted_json(results: &[Extracted], out: &mut impl Write) -> io::Result<()> {
    let views: Vec<ExtractedView> = results
        .iter()
        .map(|r| ExtractedView {
            file: &r.file,
            date: r.article.date.to_string(),
            date_source: r.article.date_source.as_str(),
            claims: r.claims.iter().map(claim_view).collect(),
        })
        .collect();
    json(&views, out)
}

/// Writes extraction results for a person.
pub fn extracted_text(results: &[Extracted], out: &mut impl Write) -> io::Result<()> {
    for r in results {
        writeln!(
            out,
            "{}  date {} ({})",
            r.file,
            r.article.date,
            r.article.date_source.as_str()
        )?;
        if r.claims.is_empty() {
            writeln!(out, "  no claims")?;
        }
        for c in &r.claims {
            let historical = if c.historical { " [historical]" } else { "" };
            let speaker = c
                .speaker
                .as_deref()
                .map(|s| format!(" (via {s})"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} {} {}{speaker}{historical}\n    \"{}\"",
                c.leader,
                c.stance.as_str(),
                c.venue,
                c.evidence
            )?;
        }
    }
    Ok(())
}

/// Writes `ingest`'s one-line summary.
pub fn tally(t: &Tally, out: &mut impl Write) -> io::Result<()> {
    let deferred = if t.deferred > 0 {
        format!(", {} deferred (being written or gone)", t.deferred)
    } else {
        String::new()
    };
    writeln!(
        out,
        "articles: {} new, {} unchanged, {} rejected{deferred}; claims: {}; changes: {}",
        t.new, t.unchanged, t.rejected, t.claims, t.changes
    )
}

#[derive(Serialize)]
struct PositionView<'a> {
    leader: &'a str,
    venue: &'a str,
    stance: &'static str,
    since: String,
    last_seen: String,
    article: &'a str,
    evidence: &'a str,
}

/// Writes the position table as JSON.
pub fn positions_json(positions: &[LeaderPosition], out: &mut impl Write) -> io::Result<()> {
    let views: Vec<PositionView> = positions
        .iter()
        .map(
            |LeaderPosition {
                 leader,
                 position: p,
             }| PositionView {
                leader,
                venue: &p.venue,
                stance: p.stance.as_str(),
                since: p.since.to_string(),
                last_seen: p.last_seen.to_string(),
                article: &p.article,
                evidence: &p.evidence,
            },
        )
        .collect();
    json(&views, out)
}

/// Writes the position table for a person.
pub fn positions_text(positions: &[LeaderPosition], out: &mut impl Write) -> io::Result<()> {
    if positions.is_empty() {
        return writeln!(out, "no positions yet");
    }
    let leader_w = positions
        .iter()
        .map(|p| p.leader.len())
        .max()
        .unwrap_or(0)
        .max(6);
    let venue_w = positions
        .iter()
        .map(|p| p.position.venue.len())
        .max()
        .unwrap_or(0)
        .max(5);
    writeln!(
        out,
        "{:leader_w$}  {:venue_w$}  {:8}  {:10}  {:10}  article",
        "leader", "venue", "stance", "since", "last_seen"
    )?;
    for LeaderPosition {
        leader,
        position: p,
    } in positions
    {
        writeln!(
            out,
            "{:leader_w$}  {:venue_w$}  {:8}  {:10}  {:10}  {}\n{:leader_w$}  \"{}\"",
            leader,
            p.venue,
            p.stance.as_str(),
            p.since.to_string(),
            p.last_seen.to_string(),
            p.article,
            "",
            p.evidence
        )?;
    }
    Ok(())
}

#[derive(Serialize)]
struct ChangeView<'a> {
    leader: &'a str,
    venue: &'a str,
    kind: &'static str,
    from: Option<&'static str>,
    to: &'static str,
    date: String,
    article: &'a str,
    previous_article: Option<&'a str>,
    evidence: &'a str,
    diff: &'a str,
}

fn change_view(LeaderChange { leader, change: c }: &LeaderChange) -> ChangeView<'_> {
    ChangeView {
        leader,
        venue: &c.venue,
        kind: c.kind.as_str(),
        from: c.from.map(|s| s.as_str()),
        to: c.to.as_str(),
        date: c.date.to_string(),
        article: &c.article,
        previous_article: c.previous_article.as_deref(),
        evidence: &c.evidence,
        diff: &c.diff,
    }
}

/// Writes the change log as JSON.
pub fn changes_json(changes: &[LeaderChange], out: &mut impl Write) -> io::Result<()> {
    let views: Vec<ChangeView> = changes.iter().map(change_view).collect();
    json(&views, out)
}

#[derive(Serialize)]
struct AlertView<'a> {
    #[serde(flatten)]
    change: ChangeView<'a>,
    idempotency_key: &'a str,
}

/// Writes an alert's payload: the change as `changes --json` shows it plus
/// its `idempotency_key`, as one line of JSON (so that a command appending
/// its input to a file writes JSON Lines).
pub fn alert_json(alert: &Alert, out: &mut impl Write) -> io::Result<()> {
    let view = AlertView {
        change: change_view(&alert.change),
        idempotency_key: &alert.key,
    };
    serde_json::to_writer(&mut *out, &view)?;
    writeln!(out)
}

/// Writes the change log for a person, with colored diffs when `style` says.
pub fn changes_text(
    changes: &[LeaderChange],
    style: Style,
    out: &mut impl Write,
) -> io::Result<()> {
    if changes.is_empty() {
        return writeln!(out, "no changes yet");
    }
    for LeaderChange { leader, change: c } in changes {
        let from = c.from.map(|s| s.as_str()).unwrap_or("none");
        writeln!(
            out,
            "{}  {leader} {} {}: {from} -> {}  ({})",
            c.date,
            c.kind.as_str(),
            c.venue,
            c.to.as_str(),
            c.article
        )?;
        if let Some(previous) = &c.previous_article {
            writeln!(out, "    previously: {previous}")?;
        }
        writeln!(out, "    \"{}\"", c.evidence)?;
        for line in c.diff.lines() {
            let color = match line.as_bytes().first() {
                _ if !style.color => None,
                Some(b'+') if !line.starts_with("+++") => Some("32"),
                Some(b'-') if !line.starts_with("---") => Some("31"),
                Some(b'@') => Some("36"),
                _ => None,
            };
            match color {
                Some(code) => writeln!(out, "    \x1b[{code}m{line}\x1b[0m")?,
                None => writeln!(out, "    {line}")?,
            }
        }
        writeln!(out)?;
    }
    Ok(())
}

#[derive(Serialize)]
struct StepView<'a> {
    article: &'a str,
    date: String,
    claims: Vec<StepClaimView<'a>>,
    summary: &'a str,
}

#[derive(Serialize)]
struct StepClaimView<'a> {
    venue: &'a str,
    stance: &'static str,
    evidence: &'a str,
}

fn step_claims(claims: &[ReportClaim]) -> Vec<StepClaimView<'_>> {
    claims
        .iter()
        .map(|c| StepClaimView {
            venue: &c.venue,
            stance: c.stance.as_str(),
            evidence: &c.evidence,
        })
        .collect()
}

/// Writes a leader's timeline as JSON.
pub fn timeline_json(steps: &[Step], out: &mut impl Write) -> io::Result<()> {
    let views: Vec<StepView> = steps
        .iter()
        .map(|s| StepView {
            article: &s.article,
            date: s.date.to_string(),
            claims: step_claims(&s.claims),
            summary: &s.summary,
        })
        .collect();
    json(&views, out)
}

/// Writes a leader's timeline for a person.
pub fn timeline_text(leader: &str, steps: &[Step], out: &mut impl Write) -> io::Result<()> {
    if steps.is_empty() {
        return writeln!(out, "no reports give {leader} a claim");
    }
    for s in steps {
        writeln!(out, "{}  {}", s.date, s.article)?;
        for c in &s.claims {
            writeln!(
                out,
                "    {} {}: \"{}\"",
                c.stance.as_str(),
                c.venue,
                c.evidence
            )?;
        }
        writeln!(out, "  position after:")?;
        for line in s.summary.lines() {
            writeln!(out, "    {line}")?;
        }
    }
    Ok(())
}

/// What `venuewatch status` shows.
#[derive(Debug)]
pub struct Status {
    /// The database path.
    pub database: String,
    /// Its schema version.
    pub schema_version: usize,
    /// Row counts.
    pub counts: Counts,
    /// Rejected files.
    pub rejected: Vec<Rejection>,
    /// When the newest article was ingested.
    pub last_ingest: Option<String>,
    /// Whether a daemon holds the state lock, and its pid if known.
    pub daemon: Option<Option<u32>>,
    /// Alerts pending and delivered.
    pub outbox: OutboxCounts,
}

#[derive(Serialize)]
struct StatusView<'a> {
    database: &'a str,
    schema_version: usize,
    articles: u64,
    files: u64,
    claims: u64,
    positions: u64,
    changes: u64,
    last_ingest: Option<&'a str>,
    daemon_running: bool,
    daemon_pid: Option<u32>,
    outbox_pending: u64,
    outbox_delivered: u64,
    rejected: Vec<RejectionView<'a>>,
}

#[derive(Serialize)]
struct RejectionView<'a> {
    path: &'a str,
    reason: &'a str,
    at: &'a str,
}

/// Writes the status as JSON.
pub fn status_json(s: &Status, out: &mut impl Write) -> io::Result<()> {
    let view = StatusView {
        database: &s.database,
        schema_version: s.schema_version,
        articles: s.counts.articles,
        files: s.counts.files,
        claims: s.counts.claims,
        positions: s.counts.positions,
        changes: s.counts.changes,
        last_ingest: s.last_ingest.as_deref(),
        daemon_running: s.daemon.is_some(),
        daemon_pid: s.daemon.flatten(),
        outbox_pending: s.outbox.pending,
        outbox_delivered: s.outbox.delivered,
        rejected: s
            .rejected
            .iter()
            .map(|r| RejectionView {
                path: &r.path,
                reason: &r.reason,
                at: &r.at,
            })
            .collect(),
    };
    json(&view, out)
}

/// Writes the status for a person.
pub fn status_text(s: &Status, out: &mut impl Write) -> io::Result<()> {
    let c = &s.counts;
    writeln!(
        out,
        "database:  {} (schema version {})",
        s.database, s.schema_version
    )?;
    writeln!(
        out,
        "articles:  {} ({} files), claims: {}, positions: {}, changes: {}",
        c.articles, c.files, c.claims, c.positions, c.changes
    )?;
    writeln!(
        out,
        "last ingest: {}",
        s.last_ingest.as_deref().unwrap_or("never")
    )?;
    match s.daemon {
        Some(Some(pid)) => writeln!(out, "daemon:    running (pid {pid})")?,
        Some(None) => writeln!(out, "daemon:    running")?,
        None => writeln!(out, "daemon:    not running")?,
    }
    writeln!(
        out,
        "alerts:    {} pending, {} delivered",
        s.outbox.pending, s.outbox.delivered
    )?;
    writeln!(out, "rejected:  {}", s.rejected.len())?;
    for r in &s.rejected {
        writeln!(out, "    {}: {}", r.path, r.reason)?;
    }
    Ok(())
}

fn json(value: &impl Serialize, out: &mut impl Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Change, ChangeKind};
    use crate::extract::Stance;

    #[test]
    fn an_alert_is_the_change_as_changes_json_shows_it_plus_its_key() {
        let change = LeaderChange {
            leader: "putin".into(),
            change: Change {
                venue: "istanbul".into(),
                kind: ChangeKind::Reversed,
                from: Some(Stance::Rejects),
                to: Stance::Proposes,
                date: jiff::civil::date(2026, 3, 3),
                article: "c.txt".into(),
                previous_article: Some("a.txt".into()),
                evidence: "Putin invited \"Zelensky\" to Istanbul.".into(),
                diff: "-a\n+b\n".into(),
            },
        };
        let mut log = Vec::new();
        changes_json(std::slice::from_ref(&change), &mut log).expect("render");
        let alert = Alert {
            id: 7,
            key: "0c652fbb24dd4323f9de4cbd04e8093b".into(),
            change,
            attempts: 2,
        };
        let mut payload = Vec::new();
        alert_json(&alert, &mut payload).expect("render");
        let text = String::from_utf8(payload).expect("utf-8");
        assert_eq!(text.lines().count(), 1, "one line: {text}");
        assert!(text.ends_with('\n'));
        let mut alert: serde_json::Value = serde_json::from_str(&text).expect("json");
        let key = alert
            .as_object_mut()
            .and_then(|o| o.remove("idempotency_key"));
        assert_eq!(
            key.as_ref().and_then(|k| k.as_str()),
            Some("0c652fbb24dd4323f9de4cbd04e8093b")
        );
        let log: serde_json::Value = serde_json::from_slice(&log).expect("json");
        assert_eq!(alert, log[0]);
    }
}
