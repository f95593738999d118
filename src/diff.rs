//! The diff engine: a leader's reports in timeline order -> their current
//! position (venue -> stance) and the changes that led to it, each with a
//! before/after diff of the position summary made with `similar`.
//!
//! Pure: the store hands in claims and writes back what comes out. Because
//! everything here is derived from the reports alone, the result does not
//! depend on the order in which articles arrived.

use std::collections::BTreeMap;

use jiff::civil::Date;
use similar::TextDiff;

use crate::extract::Stance;

/// One claim of one report, as the diff engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportClaim {
    /// The venue id.
    pub venue: String,
    /// The stance.
    pub stance: Stance,
    /// The evidence sentence.
    pub evidence: String,
}

/// A report: one article's current (non-historical) claims for one leader.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// The article's name (its file name).
    pub article: String,
    /// The article's date.
    pub date: Date,
    /// Its claims in text order.
    pub claims: Vec<ReportClaim>,
}

/// A leader's stance on one venue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Position {
    /// The venue id.
    pub venue: String,
    /// The current stance.
    pub stance: Stance,
    /// Date of the report that set this stance.
    pub since: Date,
    /// Date of the latest report that stated it.
    pub last_seen: Date,
    /// The report that set this stance.
    pub article: String,
    /// Its evidence sentence.
    pub evidence: String,
}

/// Whether a change is a first statement or a reversal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    /// The leader had no stance on this venue before.
    New,
    /// The leader's stance on this venue flipped.
    Reversed,
}

impl ChangeKind {
    /// The name used in JSON and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::New => "new",
            ChangeKind::Reversed => "reversed",
        }
    }

    /// Parses [`ChangeKind::as_str`] back.
    pub fn parse(s: &str) -> Option<ChangeKind> {
        match s {
            "new" => Some(ChangeKind::New),
            "reversed" => Some(ChangeKind::Reversed),
            _ => None,
        }
    }
}

/// A position change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// The venue id.
    pub venue: String,
    /// New or reversed.
    pub kind: ChangeKind,
    /// The stance before (`None` for a new venue).
    pub from: Option<Stance>,
    /// The stance after.
    pub to: Stance,
    /// The report's date.
    pub date: Date,
    /// The report that made the change.
    pub article: String,
    /// The report that had set the previous stance.
    pub previous_article: Option<String>,
    /// The evidence sentence.
    pub evidence: String,
    /// Unified diff of the leader's position summary, before -> after.
    pub diff: String,
}

/// One step of a leader's timeline: a report and the position after it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    /// The report's article name.
    pub article: String,
    /// The report's date.
    pub date: Date,
    /// The report's claims.
    pub claims: Vec<ReportClaim>,
    /// The position summary after applying the report.
    pub summary: String,
}

/// Everything derived from a leader's reports.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Derived {
    /// The current position, sorted by venue.
    pub positions: Vec<Position>,
    /// The changes, oldest first.
    pub changes: Vec<Change>,
    /// The timeline, one step per report.
    pub steps: Vec<Step>,
}

/// Replays `reports` in timeline order: by (date, article name), whatever
/// order they are given in.
pub fn derive(reports: &[Report]) -> Derived {
    let mut ordered: Vec<&Report> = reports.iter().collect();
    ordered.sort_by(|a, b| (a.date, &a.article).cmp(&(b.date, &b.article)));
    let mut replay = Replay::default();
    let mut out = Derived::default();
    for report in ordered {
        out.changes.extend(replay.apply(report));
        out.steps.push(Step {
            article: report.article.clone(),
            date: report.date,
            claims: report.claims.clone(),
            summary: replay.summary(),
        });
    }
    out.positions = replay.into_positions();
    out
}

/// A leader's position being built report by report. Starting from stored
/// positions lets a report that comes after all others be applied without
/// replaying the whole timeline.
#[derive(Debug, Clone, Default)]
pub struct Replay {
    state: BTreeMap<String, Position>,
}

impl Replay {
    /// Resumes from a leader's current positions.
    pub fn resume(positions: Vec<Position>) -> Replay {
        Replay {
            state: positions
                .into_iter()
                .map(|p| (p.venue.clone(), p))
                .collect(),
        }
    }

    /// The stance held on `venue` now, if any.
    pub fn position(&self, venue: &str) -> Option<&Position> {
        self.state.get(venue)
    }

    /// Applies one report (which must not come before any report applied so
    /// far) and returns the changes it makes.
    pub fn apply(&mut self, report: &Report) -> Vec<Change> {
        let mut changes = Vec::new();
        for claim in &report.claims {
            if let Some(p) = self.state.get_mut(&claim.venue) {
                if p.stance == claim.stance {
                    // A reaffirmation moves last_seen only.
                    p.last_seen = report.date.max(p.last_seen);
                    continue;
                }
            }
            let previous = self.state.get(&claim.venue);
            let before = self.summary();
            let (kind, from, previous_article) = match previous {
                None => (ChangeKind::New, None, None),
                Some(p) => (
                    ChangeKind::Reversed,
                    Some(p.stance),
                    Some(p.article.clone()),
                ),
            };
            self.state.insert(
                claim.venue.clone(),
                Position {
                    venue: claim.venue.clone(),
                    stance: claim.stance,
                    since: report.date,
                    last_seen: report.date,
                    article: report.article.clone(),
                    evidence: claim.evidence.clone(),
                },
            );
            changes.push(Change {
                venue: claim.venue.clone(),
                kind,
                from,
                to: claim.stance,
                date: report.date,
                article: report.article.clone(),
                previous_article,
                evidence: claim.evidence.clone(),
                diff: unified_diff(&before, &self.summary()),
            });
        }
        changes
    }

    /// The position summary: one line per venue, sorted, so that diffs of it
    /// read well.
    pub fn summary(&self) -> String {
        let mut text = String::with_capacity(self.state.len() * 24);
        for p in self.state.values() {
            text.push_str(&p.venue);
            text.push_str(": ");
            text.push_str(p.stance.as_str());
            text.push('\n');
        }
        text
    }

    /// The positions, sorted by venue.
    pub fn into_positions(self) -> Vec<Position> {
        self.state.into_values().collect()
    }
}

fn unified_diff(before: &str, after: &str) -> String {
    TextDiff::from_lines(before, after)
        .unified_diff()
        // The standard three lines of context: a leader can hold positions
        // on dozens of venues, and every change stores its diff.
        .context_radius(3)
        .header("before", "after")
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn report(article: &str, day: i8, claims: &[(&str, Stance)]) -> Report {
        Report {
            article: article.to_string(),
            date: date(2026, 1, day),
            claims: claims
                .iter()
                .map(|(venue, stance)| ReportClaim {
                    venue: venue.to_string(),
                    stance: *stance,
                    evidence: format!("{article} says {venue}"),
                })
                .collect(),
        }
    }

    use Stance::{Proposes as P, Rejects as R};

    #[test]
    fn new_then_reaffirmed_then_reversed() {
        let d = derive(&[
            report("a.txt", 1, &[("moscow", P)]),
            report("b.txt", 2, &[("moscow", P)]),
            report("c.txt", 3, &[("moscow", R)]),
        ]);
        let kinds: Vec<_> = d.changes.iter().map(|c| (c.kind, c.from, c.to)).collect();
        assert_eq!(
            kinds,
            [
                (ChangeKind::New, None, P),
                (ChangeKind::Reversed, Some(P), R)
            ]
        );
        assert_eq!(d.changes[1].previous_article.as_deref(), Some("a.txt"));
        let p = &d.positions[0];
        assert_eq!(
            (p.stance, p.since, p.last_seen),
            (R, date(2026, 1, 3), date(2026, 1, 3))
        );
        assert_eq!(d.steps.len(), 3);
    }

    #[test]
    fn reaffirmation_moves_last_seen_only() {
        let d = derive(&[
            report("a.txt", 1, &[("kyiv", P)]),
            report("b.txt", 5, &[("kyiv", P)]),
        ]);
        assert_eq!(d.changes.len(), 1);
        let p = &d.positions[0];
        assert_eq!(
            (p.since, p.last_seen, p.article.as_str()),
            (date(2026, 1, 1), date(2026, 1, 5), "a.txt")
        );
    }

    #[test]
    fn silence_does_not_retract() {
        let d = derive(&[
            report("a.txt", 1, &[("minsk", R)]),
            report("b.txt", 2, &[("kyiv", P)]),
        ]);
        let venues: Vec<_> = d.positions.iter().map(|p| p.venue.as_str()).collect();
        assert_eq!(venues, ["kyiv", "minsk"]);
    }

    #[test]
    fn order_of_input_does_not_matter() {
        let a = report("a.txt", 3, &[("moscow", R)]);
        let b = report("b.txt", 1, &[("moscow", P)]);
        let c = report("c.txt", 3, &[("moscow", P)]);
        let first = derive(&[a.clone(), b.clone(), c.clone()]);
        assert_eq!(first, derive(&[c.clone(), a.clone(), b.clone()]));
        assert_eq!(first, derive(&[b, c, a]));
        // Same date: the file name breaks the tie, so c.txt comes last.
        assert_eq!(first.positions[0].stance, P);
    }

    #[test]
    fn resuming_from_positions_equals_replaying_everything() {
        let reports = [
            report("a.txt", 1, &[("kyiv", P), ("minsk", R)]),
            report("b.txt", 2, &[("moscow", P)]),
            report("c.txt", 3, &[("moscow", R), ("kyiv", P)]),
        ];
        let whole = derive(&reports);
        let first = derive(&reports[..2]);
        let mut replay = Replay::resume(first.positions.clone());
        let later = replay.apply(&reports[2]);
        assert_eq!(later, whole.changes[first.changes.len()..]);
        assert_eq!(replay.into_positions(), whole.positions);
    }

    #[test]
    fn diff_shows_the_whole_summary_before_and_after() {
        let d = derive(&[
            report("a.txt", 1, &[("kyiv", P)]),
            report("b.txt", 2, &[("moscow", P)]),
            report("c.txt", 3, &[("moscow", R)]),
        ]);
        let expected = "--- before\n+++ after\n@@ -1,2 +1,2 @@\n kyiv: proposes\n-moscow: proposes\n+moscow: rejects\n";
        assert_eq!(d.changes[2].diff, expected);
        assert_eq!(d.steps[2].summary, "kyiv: proposes\nmoscow: rejects\n");
    }
}
