//! Rendering results for people and programs: text and JSON writers over
//! `&mut impl Write`. The only module that defines serialisable views.

use std::io::{self, Write};

use serde::Serialize;

use crate::article::Article;
use crate::extract::Claim;

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
    serde_json::to_writer_pretty(&mut *out, &views)?;
    writeln!(out)
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
