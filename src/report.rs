//! Rendering results for people and programs: text and JSON writers over
//! `&mut impl Write`. The only module that defines serialisable views.

use std::io::{self, Write};

use serde::Serialize;

use crate::article::Article;
use crate::diff::{ReportClaim, Step};
use crate::extract::Claim;
use crate::pipeline::Tally;
use crate::reindex::{ArticleClaim, Summary};
use crate::store::{Counts, LeaderChange, LeaderPosition, Rejection};

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

/// Writes the change log as JSON.
pub fn changes_json(changes: &[LeaderChange], out: &mut impl Write) -> io::Result<()> {
    let views: Vec<ChangeView> = changes
        .iter()
        .map(|LeaderChange { leader, change: c }| ChangeView {
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
        })
        .collect();
    json(&views, out)
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
    writeln!(out, "rejected:  {}", s.rejected.len())?;
    for r in &s.rejected {
        writeln!(out, "    {}: {}", r.path, r.reason)?;
    }
    Ok(())
}

/// How many entries of each list `reindex_text` shows; `--json` has all.
const LISTED: usize = 20;

#[derive(Serialize)]
struct ReindexView<'a> {
    dry_run: bool,
    articles: u64,
    reread: u64,
    recovered: &'a [String],
    body_only: &'a [String],
    refused: Vec<RefusedView<'a>>,
    redated: Vec<RedatedView<'a>>,
    claims_added: Vec<ArticleClaimView<'a>>,
    claims_removed: Vec<ArticleClaimView<'a>>,
    changes_added: Vec<ReindexChangeView<'a>>,
    changes_removed: Vec<ReindexChangeView<'a>>,
}

#[derive(Serialize)]
struct RefusedView<'a> {
    article: &'a str,
    reason: &'a str,
}

#[derive(Serialize)]
struct RedatedView<'a> {
    article: &'a str,
    from: String,
    to: String,
}

#[derive(Serialize)]
struct ArticleClaimView<'a> {
    article: &'a str,
    date: String,
    #[serde(flatten)]
    claim: ClaimView<'a>,
}

#[derive(Serialize)]
struct ReindexChangeView<'a> {
    leader: &'a str,
    venue: &'a str,
    kind: &'static str,
    from: Option<&'static str>,
    to: &'static str,
    date: String,
    article: &'a str,
    evidence: &'a str,
}

/// Writes what `reindex` changed as JSON, every claim and change listed.
pub fn reindex_json(s: &Summary, out: &mut impl Write) -> io::Result<()> {
    fn claims(list: &[ArticleClaim]) -> Vec<ArticleClaimView<'_>> {
        list.iter()
            .map(|c| ArticleClaimView {
                article: &c.article,
                date: c.date.to_string(),
                claim: claim_view(&c.claim),
            })
            .collect()
    }
    fn changes(list: &[LeaderChange]) -> Vec<ReindexChangeView<'_>> {
        list.iter()
            .map(|LeaderChange { leader, change: c }| ReindexChangeView {
                leader,
                venue: &c.venue,
                kind: c.kind.as_str(),
                from: c.from.map(|s| s.as_str()),
                to: c.to.as_str(),
                date: c.date.to_string(),
                article: &c.article,
                evidence: &c.evidence,
            })
            .collect()
    }
    let view = ReindexView {
        dry_run: s.dry_run,
        articles: s.articles,
        reread: s.reread,
        recovered: &s.recovered,
        body_only: &s.body_only,
        refused: s
            .refused
            .iter()
            .map(|(article, reason)| RefusedView { article, reason })
            .collect(),
        redated: s
            .redated
            .iter()
            .map(|r| RedatedView {
                article: &r.article,
                from: r.from.to_string(),
                to: r.to.to_string(),
            })
            .collect(),
        claims_added: claims(&s.claims_added),
        claims_removed: claims(&s.claims_removed),
        changes_added: changes(&s.changes_added),
        changes_removed: changes(&s.changes_removed),
    };
    json(&view, out)
}

/// Writes what `reindex` changed for a person: counts, and the first
/// [`LISTED`] entries of each list.
pub fn reindex_text(s: &Summary, out: &mut impl Write) -> io::Result<()> {
    let dry = if s.dry_run {
        " (dry run: nothing was written)"
    } else {
        ""
    };
    writeln!(
        out,
        "reindexed {} articles{dry}; {} read differently",
        s.articles, s.reread
    )?;
    if !s.recovered.is_empty() {
        writeln!(
            out,
            "{} stored without their bytes (ingested by an older venuewatch) were read from their files again{}",
            s.recovered.len(),
            if s.dry_run { "" } else { ", and their bytes are now kept" }
        )?;
    }
    if !s.body_only.is_empty() {
        writeln!(
            out,
            "{} stored without their bytes, and no file holds them any more: extractor run on the stored text, reader not run again",
            s.body_only.len()
        )?;
        capped(out, &s.body_only, |out, name| writeln!(out, "  {name}"))?;
    }
    if !s.refused.is_empty() {
        writeln!(
            out,
            "{} the reader now refuses, kept as they were:",
            s.refused.len()
        )?;
        capped(out, &s.refused, |out, (name, reason)| {
            writeln!(out, "  {name}: {reason}")
        })?;
    }
    if s.is_empty() {
        return writeln!(out, "no claims, changes or dates differ");
    }
    if !s.redated.is_empty() {
        writeln!(out, "dates: {} articles re-dated", s.redated.len())?;
        capped(out, &s.redated, |out, r| {
            writeln!(out, "  {}  {} -> {}", r.article, r.from, r.to)
        })?;
    }
    writeln!(
        out,
        "claims: {} added, {} removed",
        s.claims_added.len(),
        s.claims_removed.len()
    )?;
    let claim = |sign: char| {
        move |out: &mut dyn Write, c: &ArticleClaim| {
            let historical = if c.claim.historical {
                " [historical]"
            } else {
                ""
            };
            writeln!(
                out,
                "  {sign} {} {} {}{historical}  ({}, {})",
                c.claim.leader,
                c.claim.stance.as_str(),
                c.claim.venue,
                c.article,
                c.date
            )
        }
    };
    capped(out, &s.claims_added, claim('+'))?;
    capped(out, &s.claims_removed, claim('-'))?;
    writeln!(
        out,
        "changes: {} added, {} removed",
        s.changes_added.len(),
        s.changes_removed.len()
    )?;
    let change = |sign: char| {
        move |out: &mut dyn Write, LeaderChange { leader, change: c }: &LeaderChange| {
            writeln!(
                out,
                "  {sign} {}  {leader} {} {}: {} -> {}  ({})",
                c.date,
                c.kind.as_str(),
                c.venue,
                c.from.map(|s| s.as_str()).unwrap_or("none"),
                c.to.as_str(),
                c.article
            )
        }
    };
    capped(out, &s.changes_added, change('+'))?;
    capped(out, &s.changes_removed, change('-'))
}

/// Writes the first [`LISTED`] items, then how many more there are.
fn capped<T>(
    out: &mut impl Write,
    items: &[T],
    mut line: impl FnMut(&mut dyn Write, &T) -> io::Result<()>,
) -> io::Result<()> {
    for item in items.iter().take(LISTED) {
        line(out, item)?;
    }
    if items.len() > LISTED {
        writeln!(
            out,
            "  ... and {} more (--json lists all)",
            items.len() - LISTED
        )?;
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
    use crate::extract::Stance;
    use crate::reindex::Redated;

    fn text(s: &Summary) -> String {
        let mut out = Vec::new();
        reindex_text(s, &mut out).expect("render");
        String::from_utf8(out).expect("utf-8")
    }

    #[test]
    fn reindex_text_lists_a_few_of_each_and_counts_the_rest() {
        let claim = |i: usize| ArticleClaim {
            article: format!("a{i:02}.txt"),
            date: jiff::civil::date(2026, 1, 5),
            claim: Claim {
                leader: "putin".into(),
                stance: Stance::Proposes,
                venue: "minsk".into(),
                evidence: String::new(),
                speaker: None,
                historical: i == 0,
            },
        };
        let summary = Summary {
            dry_run: true,
            articles: 30,
            reread: 25,
            redated: vec![Redated {
                article: "a00.txt".into(),
                from: jiff::civil::date(2025, 1, 1),
                to: jiff::civil::date(2026, 1, 5),
            }],
            claims_added: (0..25).map(claim).collect(),
            ..Summary::default()
        };
        let t = text(&summary);
        assert!(
            t.starts_with(
                "reindexed 30 articles (dry run: nothing was written); 25 read differently\n"
            ),
            "{t}"
        );
        assert!(
            t.contains("dates: 1 articles re-dated\n  a00.txt  2025-01-01 -> 2026-01-05\n"),
            "{t}"
        );
        assert!(t.contains("claims: 25 added, 0 removed\n  + putin proposes minsk [historical]  (a00.txt, 2026-01-05)\n"), "{t}");
        assert!(t.contains("  + putin proposes minsk  (a19.txt, 2026-01-05)\n  ... and 5 more (--json lists all)\n"), "{t}");
        assert!(!t.contains("a20.txt"), "{t}");
        assert!(t.ends_with("changes: 0 added, 0 removed\n"), "{t}");

        let nothing = text(&Summary {
            articles: 3,
            ..Summary::default()
        });
        assert_eq!(
            nothing,
            "reindexed 3 articles; 0 read differently\nno claims, changes or dates differ\n"
        );
    }
}
