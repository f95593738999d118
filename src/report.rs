//! Rendering results for people and programs: text, JSON, JSON lines,
//! Markdown and CSV writers over `&mut impl Write`. The only module that
//! defines serialisable views. Renders what it is given: decides no colors
//! from the environment and loads no lexicon (evidence comes with its marks).
//!
//! The format-level helpers (CSV quoting, Markdown escaping, fences, marked
//! evidence) are in `table`.

mod table;

#[cfg(test)]
mod tests;

use std::io::{self, Write};

use serde::Serialize;

use crate::article::Article;
use crate::diff::{ReportClaim, Step};
use crate::extract::{Claim, Mark, Stance};
use crate::pipeline::Tally;
use crate::reindex::{ArticleClaim, Summary};
use crate::store::{Alert, Counts, LeaderChange, LeaderPosition, OutboxCounts, Rejection, Source};

use table::Markup;

/// How to render for a person.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    /// Whether to use ANSI colors.
    pub color: bool,
}

/// An output format of the query commands (`positions`, `changes`,
/// `timeline`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Format {
    /// For a person: `changes` reads like `git log`.
    #[default]
    Text,
    /// One pretty-printed JSON list (the format `--json` has always given).
    Json,
    /// One compact JSON object per line: the list's elements.
    Jsonl,
    /// Tables, and for `changes` a heading per report with `diff` blocks.
    Markdown,
    /// A header row, then one row per position, change or timeline claim.
    Csv,
}

impl Format {
    /// Whether evidence is shown with its venue and cue marked, so the
    /// caller knows whether to compute [`Mark`]s.
    pub fn shows_marks(self, style: Style) -> bool {
        match self {
            Format::Text => style.color,
            Format::Markdown => true,
            Format::Json | Format::Jsonl | Format::Csv => false,
        }
    }
}

/// One file's extraction result, for `venuewatch extract`.
#[derive(Debug)]
pub struct Extracted {
    /// The file as given.
    pub file: String,
    /// The article's id inside a file of many, or `None`.
    pub item: Option<String>,
    /// The article read from it.
    pub article: Article,
    /// Its claims.
    pub claims: Vec<Claim>,
    /// Leader ids of its claims that the lexicon does not have: heads of a
    /// government the article introduced by title.
    pub unknown: Vec<String>,
}

#[derive(Serialize)]
struct ExtractedView<'a> {
    file: &'a str,
    item: Option<&'a str>,
    title: Option<&'a str>,
    url: Option<&'a str>,
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
    /// Present, and false, only for a leader the lexicon does not have.
    #[serde(skip_serializing_if = "is_true")]
    known: bool,
}

fn is_true(b: &bool) -> bool {
    *b
}

fn claim_view<'a>(c: &'a Claim, unknown: &[String]) -> ClaimView<'a> {
    ClaimView {
        leader: &c.leader,
        stance: c.stance.as_str(),
        venue: &c.venue,
        evidence: &c.evidence,
        speaker: c.speaker.as_deref(),
        historical: c.historical,
        known: !unknown.contains(&c.leader),
    }
}

#[derive(Serialize)]
struct ArticleJson<'a> {
    id: i64,
    name: &'a str,
    date: String,
    date_source: &'a str,
    url: Option<&'a str>,
    title: Option<&'a str>,
    file: Option<&'a str>,
    item: Option<&'a str>,
    claims: Vec<ClaimView<'a>>,
}

/// Writes one stored article, its source and its claims as a JSON object
/// (`GET /api/articles/{id}`).
pub fn article_json(a: &crate::store::ArticleView, out: &mut impl Write) -> io::Result<()> {
    let view = ArticleJson {
        id: a.id,
        name: &a.name,
        date: a.date.to_string(),
        date_source: &a.date_source,
        url: a.source.url.as_deref(),
        title: a.source.title.as_deref(),
        file: a.source.file.as_deref(),
        item: a.source.item.as_deref(),
        claims: a.claims.iter().map(|c| claim_view(c, &[])).collect(),
    };
    json(&view, out)
}

/// One change as a single line of JSON, as `changes --format jsonl` prints
/// it (an event of `GET /api/events`).
pub fn change_json_line(change: &LeaderChange) -> String {
    serde_json::to_string(&change_view(change)).unwrap_or_default()
}

/// Writes extraction results as a JSON list in the gold format.
pub fn extracted_json(results: &[Extracted], out: &mut impl Write) -> io::Result<()> {
    let views: Vec<ExtractedView> = results
        .iter()
        .map(|r| ExtractedView {
            file: &r.file,
            item: r.item.as_deref(),
            title: r.article.title.as_deref(),
            url: r.article.url.as_deref(),
            date: r.article.date.to_string(),
            date_source: r.article.date_source.as_str(),
            claims: r.claims.iter().map(|c| claim_view(c, &r.unknown)).collect(),
        })
        .collect();
    json(&views, out)
}

/// Writes extraction results for a person.
pub fn extracted_text(results: &[Extracted], out: &mut impl Write) -> io::Result<()> {
    for r in results {
        writeln!(
            out,
            "{}{}  date {} ({})",
            r.file,
            r.item
                .as_deref()
                .map(|i| format!(" #{i}"))
                .unwrap_or_default(),
            r.article.date,
            r.article.date_source.as_str()
        )?;
        if let Some(title) = &r.article.title {
            writeln!(out, "  title: {title}")?;
        }
        if let Some(url) = &r.article.url {
            writeln!(out, "  url: {url}")?;
        }
        if r.claims.is_empty() {
            writeln!(out, "  no claims")?;
        }
        for c in &r.claims {
            let historical = if c.historical { " [historical]" } else { "" };
            let unknown = if r.unknown.contains(&c.leader) {
                " [not in the lexicon]"
            } else {
                ""
            };
            let speaker = c
                .speaker
                .as_deref()
                .map(|s| format!(" (via {s})"))
                .unwrap_or_default();
            writeln!(
                out,
                "  {} {} {}{speaker}{historical}{unknown}\n    \"{}\"",
                c.leader,
                c.stance.as_str(),
                c.venue,
                c.evidence
            )?;
        }
    }
    Ok(())
}

/// What the reader made of one article of a file, for `read`.
#[derive(Debug, Clone)]
pub struct ReadArticle {
    /// The file as given.
    pub file: String,
    /// The article's id inside a file of many, or `None`.
    pub item: Option<String>,
    /// The article.
    pub article: Article,
}

#[derive(Serialize)]
struct ReadView<'a> {
    file: &'a str,
    item: Option<&'a str>,
    title: Option<&'a str>,
    date: String,
    date_source: &'static str,
    url: Option<&'a str>,
    body: &'a str,
}

/// Writes what the reader made of each article as a JSON list.
pub fn read_json(articles: &[ReadArticle], out: &mut impl Write) -> io::Result<()> {
    let views: Vec<ReadView> = articles
        .iter()
        .map(|r| ReadView {
            file: &r.file,
            item: r.item.as_deref(),
            title: r.article.title.as_deref(),
            date: r.article.date.to_string(),
            date_source: r.article.date_source.as_str(),
            url: r.article.url.as_deref(),
            body: &r.article.body,
        })
        .collect();
    json(&views, out)
}

/// Writes what the reader made of each article for a person: a header of
/// fields, then the body as it reaches the extractor.
pub fn read_text(articles: &[ReadArticle], out: &mut impl Write) -> io::Result<()> {
    for (i, r) in articles.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let a = &r.article;
        let none = "-";
        writeln!(out, "file:  {}", r.file)?;
        writeln!(out, "item:  {}", r.item.as_deref().unwrap_or(none))?;
        writeln!(out, "title: {}", a.title.as_deref().unwrap_or(none))?;
        writeln!(out, "date:  {} ({})", a.date, a.date_source.as_str())?;
        writeln!(out, "url:   {}", a.url.as_deref().unwrap_or(none))?;
        writeln!(out, "body:")?;
        for line in a.body.lines() {
            writeln!(out, "  {line}")?;
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
    url: Option<&'a str>,
    title: Option<&'a str>,
    file: Option<&'a str>,
    item: Option<&'a str>,
}

/// The CSV columns of [`PositionView`], in field order: the source's last,
/// so that a reader of the older columns by position still finds them.
const POSITION_COLUMNS: [&str; 11] = [
    "leader",
    "venue",
    "stance",
    "since",
    "last_seen",
    "article",
    "evidence",
    "url",
    "title",
    "file",
    "item",
];

fn position_view(lp: &LeaderPosition) -> PositionView<'_> {
    let p = &lp.position;
    let s = &lp.source;
    PositionView {
        leader: &lp.leader,
        venue: &p.venue,
        stance: p.stance.as_str(),
        since: p.since.to_string(),
        last_seen: p.last_seen.to_string(),
        article: &p.article,
        evidence: &p.evidence,
        url: s.url.as_deref(),
        title: s.title.as_deref(),
        file: s.file.as_deref(),
        item: s.item.as_deref(),
    }
}

/// Whether `url` may become a link: an absolute http(s) address with a
/// host, and nothing a browser would strip or a terminal act on. Any other
/// scheme (`javascript:`, `data:`, `file:`) or a relative address is shown
/// as text only.
pub fn is_web_url(url: &str) -> bool {
    let Some((scheme, rest)) = url.split_once("://") else {
        return false;
    };
    (scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https"))
        && !rest.is_empty()
        && !rest.starts_with('/')
        && !url.chars().any(|c| c.is_control() || c.is_whitespace())
}

/// A source's field when it says something: trimmed, never empty.
pub(crate) fn known(field: &Option<String>) -> Option<&str> {
    field.as_deref().map(str::trim).filter(|f| !f.is_empty())
}

/// `text` on one terminal line: line breaks and tabs become spaces, other
/// control characters (an escape sequence in a hostile headline) are shown
/// escaped instead of acted on.
fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => out.extend(c.escape_default()),
            c => out.push(c),
        }
    }
    out
}

/// What the text formats add to an article's name so that a person can
/// find the original: its address and headline, as `url "title"`.
///
/// `None` for an article that is a file of its own and states no address
/// (a `.txt` file): the name already leads to it, and output that showed
/// only the name stays as it was. An item of a file of many is named
/// `file#item` already, so its item id is not repeated; its headline tells
/// it apart from the file's other articles.
fn source_text(s: &Source) -> Option<String> {
    let url = known(&s.url);
    if url.is_none() && known(&s.item).is_none() {
        return None;
    }
    let title = known(&s.title).map(|t| format!("\"{}\"", one_line(t)));
    let parts: Vec<String> = url.map(one_line).into_iter().chain(title).collect();
    (!parts.is_empty()).then(|| parts.join(" "))
}

/// An article's name for Markdown: a link to its address when that is a web
/// address.
fn md_article(name: &str, s: &Source) -> String {
    match known(&s.url).filter(|u| is_web_url(u)) {
        Some(url) => table::md_link(&table::md(name), url),
        None => table::md(name),
    }
}

/// What Markdown shows of a source besides the linked name, escaped: the
/// headline in italics, and an address that is not a web address as text.
fn md_source_notes(s: &Source) -> Vec<String> {
    let title = known(&s.title).map(|t| format!("*{}*", table::md(t)));
    let other = known(&s.url)
        .filter(|u| !is_web_url(u))
        .map(|u| table::md(&one_line(u)));
    title.into_iter().chain(other).collect()
}

/// A Markdown table cell with an article's name and its source.
fn md_article_cell(name: &str, s: &Source) -> String {
    std::iter::once(md_article(name, s))
        .chain(md_source_notes(s))
        .collect::<Vec<_>>()
        .join("<br>")
}

/// Writes the position table in `format`.
pub fn render_positions(
    format: Format,
    positions: &[LeaderPosition],
    out: &mut impl Write,
) -> io::Result<()> {
    let views = positions.iter().map(position_view);
    match format {
        Format::Text => positions_text(positions, out),
        Format::Json => json(&views.collect::<Vec<_>>(), out),
        Format::Jsonl => table::jsonl(views, out),
        Format::Csv => table::csv(&POSITION_COLUMNS, views, out),
        Format::Markdown => positions_markdown(positions, out),
    }
}

fn positions_markdown(positions: &[LeaderPosition], out: &mut impl Write) -> io::Result<()> {
    if positions.is_empty() {
        return writeln!(out, "No positions yet.");
    }
    let rows: Vec<Vec<String>> = positions
        .iter()
        .map(
            |LeaderPosition {
                 leader,
                 position: p,
                 source,
             }| {
                vec![
                    table::md(leader),
                    table::md(&p.venue),
                    p.stance.as_str().to_string(),
                    p.since.to_string(),
                    p.last_seen.to_string(),
                    md_article_cell(&p.article, source),
                    table::md(&p.evidence),
                ]
            },
        )
        .collect();
    table::md_table(
        &[
            "leader",
            "venue",
            "stance",
            "since",
            "last seen",
            "article",
            "evidence",
        ],
        &rows,
        out,
    )
}

/// Writes the position table for a person: each position's line, its
/// evidence under it, and where the article can be found when its name is
/// not all there is to go by ([`source_text`]).
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
        source,
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
        if let Some(source) = source_text(source) {
            writeln!(out, "{:leader_w$}  source: {source}", "")?;
        }
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
    url: Option<&'a str>,
    title: Option<&'a str>,
    file: Option<&'a str>,
    item: Option<&'a str>,
}

/// The CSV columns of [`ChangeView`], in field order (the source's last).
const CHANGE_COLUMNS: [&str; 14] = [
    "leader",
    "venue",
    "kind",
    "from",
    "to",
    "date",
    "article",
    "previous_article",
    "evidence",
    "diff",
    "url",
    "title",
    "file",
    "item",
];

fn change_view(lc: &LeaderChange) -> ChangeView<'_> {
    let c = &lc.change;
    let s = &lc.source;
    ChangeView {
        leader: &lc.leader,
        venue: &c.venue,
        kind: c.kind.as_str(),
        from: c.from.map(|s| s.as_str()),
        to: c.to.as_str(),
        date: c.date.to_string(),
        article: &c.article,
        previous_article: c.previous_article.as_deref(),
        evidence: &c.evidence,
        diff: &c.diff,
        url: s.url.as_deref(),
        title: s.title.as_deref(),
        file: s.file.as_deref(),
        item: s.item.as_deref(),
    }
}

/// Writes the change log in `format`. `marks` gives each change's evidence
/// marks (venue, cue, leader); it is asked only when the format shows them
/// ([`Format::shows_marks`]).
pub fn render_changes(
    format: Format,
    changes: &[LeaderChange],
    style: Style,
    marks: &dyn Fn(&LeaderChange) -> Vec<Mark>,
    out: &mut impl Write,
) -> io::Result<()> {
    let views = changes.iter().map(change_view);
    match format {
        Format::Text => changes_text(changes, style, marks, out),
        Format::Json => json(&views.collect::<Vec<_>>(), out),
        Format::Jsonl => table::jsonl(views, out),
        Format::Csv => table::csv(&CHANGE_COLUMNS, views, out),
        Format::Markdown => changes_markdown(changes, marks, out),
    }
}

/// The changes in runs of one report each (the log is ordered by report).
/// Two articles of one name and date are two reports: their sources differ.
fn by_report(changes: &[LeaderChange]) -> impl Iterator<Item = &[LeaderChange]> {
    changes.chunk_by(|a, b| {
        (a.change.date, &a.change.article, &a.source)
            == (b.change.date, &b.change.article, &b.source)
    })
}

/// The ANSI color of a stance: proposing is green, rejecting red.
fn stance_color(stance: Stance) -> &'static str {
    match stance {
        Stance::Proposes => "32",
        Stance::Rejects => "31",
    }
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

/// Writes the change log for a person, like `git log`: oldest report
/// first, one header per report (file name, date, and where the article
/// can be found when its name is not all there is to go by:
/// [`source_text`]), then each change
/// with its evidence and the diff of the leader's position. With color:
/// the header yellow, the stances and the diff's lines green/red, and the
/// evidence's venue, cue and leader marked.
pub fn changes_text(
    changes: &[LeaderChange],
    style: Style,
    marks: &dyn Fn(&LeaderChange) -> Vec<Mark>,
    out: &mut impl Write,
) -> io::Result<()> {
    if changes.is_empty() {
        return writeln!(out, "no changes yet");
    }
    let color = style.color;
    for (i, report) in by_report(changes).enumerate() {
        let first = &report[0].change;
        if i > 0 {
            writeln!(out)?;
        }
        writeln!(
            out,
            "{}",
            table::paint(&format!("report {}", first.article), "33", color)
        )?;
        writeln!(out, "Date:   {}", first.date)?;
        if let Some(source) = source_text(&report[0].source) {
            writeln!(out, "Source: {source}")?;
        }
        for lc in report {
            let c = &lc.change;
            let from = match c.from {
                Some(s) => table::paint(s.as_str(), stance_color(s), color),
                None => "none".to_string(),
            };
            writeln!(out)?;
            writeln!(
                out,
                "    {} {} {}: {from} -> {}",
                table::paint(&lc.leader, "1", color),
                c.kind.as_str(),
                c.venue,
                table::paint(c.to.as_str(), stance_color(c.to), color),
            )?;
            if let Some(previous) = &c.previous_article {
                writeln!(out, "    previously: {previous}")?;
            }
            let evidence = if color {
                table::marked(&c.evidence, &marks(lc), Markup::Ansi)
            } else {
                c.evidence.clone()
            };
            writeln!(out, "    \"{evidence}\"")?;
            for line in c.diff.lines() {
                let code = match line.as_bytes().first() {
                    _ if line.starts_with("+++") || line.starts_with("---") => "1",
                    Some(b'+') => "32",
                    Some(b'-') => "31",
                    Some(b'@') => "36",
                    _ => "",
                };
                writeln!(
                    out,
                    "    {}",
                    table::paint(line, code, color && !code.is_empty())
                )?;
            }
        }
    }
    Ok(())
}

/// Writes the change log as Markdown: a heading per report, a list item per
/// change with its evidence quoted (venue in bold, cue in italics) and its
/// diff in a `diff` block.
fn changes_markdown(
    changes: &[LeaderChange],
    marks: &dyn Fn(&LeaderChange) -> Vec<Mark>,
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(out, "# Change log")?;
    if changes.is_empty() {
        writeln!(out, "\nNo changes yet.")?;
    }
    for report in by_report(changes) {
        let first = &report[0].change;
        let source = &report[0].source;
        writeln!(
            out,
            "\n## {} · {}",
            first.date,
            md_article(&first.article, source)
        )?;
        let notes = md_source_notes(source);
        if !notes.is_empty() {
            writeln!(out, "\n{}", notes.join(" · "))?;
        }
        for lc in report {
            let c = &lc.change;
            let from = c.from.map_or("none", |s| s.as_str());
            writeln!(
                out,
                "\n- **{}** {} **{}**: {from} → {}",
                table::md(&lc.leader),
                c.kind.as_str(),
                table::md(&c.venue),
                c.to.as_str()
            )?;
            if let Some(previous) = &c.previous_article {
                writeln!(out, "\n  Previously: {}", table::md(previous))?;
            }
            writeln!(
                out,
                "\n  > {}",
                table::marked(&c.evidence, &marks(lc), Markup::Markdown)
            )?;
            // Indented to stay inside the list item.
            let fence = table::fence(&c.diff);
            writeln!(out, "\n  {fence}diff")?;
            for line in c.diff.lines() {
                writeln!(out, "  {line}")?;
            }
            writeln!(out, "  {fence}")?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct StepView<'a> {
    article: &'a str,
    date: String,
    claims: Vec<StepClaimView<'a>>,
    summary: &'a str,
    url: Option<&'a str>,
    title: Option<&'a str>,
    file: Option<&'a str>,
    item: Option<&'a str>,
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

fn step_view((s, src): &(Step, Source)) -> StepView<'_> {
    StepView {
        article: &s.article,
        date: s.date.to_string(),
        claims: step_claims(&s.claims),
        summary: &s.summary,
        url: src.url.as_deref(),
        title: src.title.as_deref(),
        file: src.file.as_deref(),
        item: src.item.as_deref(),
    }
}

/// A timeline flattened for CSV: one row per claim of a report, with the
/// position after the report repeated on each.
#[derive(Serialize)]
struct StepRow<'a> {
    date: String,
    article: &'a str,
    venue: &'a str,
    stance: &'static str,
    evidence: &'a str,
    summary: &'a str,
    url: Option<&'a str>,
    title: Option<&'a str>,
    file: Option<&'a str>,
    item: Option<&'a str>,
}

/// The CSV columns of [`StepRow`], in field order (the source's last).
const STEP_COLUMNS: [&str; 10] = [
    "date", "article", "venue", "stance", "evidence", "summary", "url", "title", "file", "item",
];

fn step_rows(steps: &[(Step, Source)]) -> impl Iterator<Item = StepRow<'_>> {
    steps.iter().flat_map(|(s, src)| {
        s.claims.iter().map(move |c| StepRow {
            date: s.date.to_string(),
            article: &s.article,
            venue: &c.venue,
            stance: c.stance.as_str(),
            evidence: &c.evidence,
            summary: &s.summary,
            url: src.url.as_deref(),
            title: src.title.as_deref(),
            file: src.file.as_deref(),
            item: src.item.as_deref(),
        })
    })
}

/// Writes `leader`'s timeline in `format`: each report with where its
/// article came from ([`crate::store::Store::sources`]). CSV has one row
/// per claim (a report can make several); the other formats one entry per
/// report.
pub fn render_timeline(
    format: Format,
    leader: &str,
    steps: &[(Step, Source)],
    out: &mut impl Write,
) -> io::Result<()> {
    let views = steps.iter().map(step_view);
    match format {
        Format::Text => timeline_text(leader, steps, out),
        Format::Json => json(&views.collect::<Vec<_>>(), out),
        Format::Jsonl => table::jsonl(views, out),
        Format::Csv => table::csv(&STEP_COLUMNS, step_rows(steps), out),
        Format::Markdown => timeline_markdown(leader, steps, out),
    }
}

fn timeline_markdown(
    leader: &str,
    steps: &[(Step, Source)],
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(out, "# Timeline: {}\n", table::md(leader))?;
    if steps.is_empty() {
        return writeln!(out, "No reports give {} a claim.", table::md(leader));
    }
    let rows: Vec<Vec<String>> = steps
        .iter()
        .map(|(s, source)| {
            let claims: Vec<String> = s
                .claims
                .iter()
                .map(|c| {
                    format!(
                        "{} **{}**: “{}”",
                        c.stance.as_str(),
                        table::md(&c.venue),
                        table::md(&c.evidence)
                    )
                })
                .collect();
            vec![
                s.date.to_string(),
                md_article_cell(&s.article, source),
                claims.join("<br>"),
                table::md_lines(&s.summary),
            ]
        })
        .collect();
    table::md_table(&["date", "article", "claims", "position after"], &rows, out)
}

/// Writes a leader's timeline for a person: each report's date and name,
/// where its article can be found when the name is not all there is to go
/// by ([`source_text`]), its claims and the position after it.
pub fn timeline_text(
    leader: &str,
    steps: &[(Step, Source)],
    out: &mut impl Write,
) -> io::Result<()> {
    if steps.is_empty() {
        return writeln!(out, "no reports give {leader} a claim");
    }
    for (s, source) in steps {
        writeln!(out, "{}  {}", s.date, s.article)?;
        if let Some(source) = source_text(source) {
            writeln!(out, "  source: {source}")?;
        }
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
                claim: claim_view(&c.claim, &[]),
            })
            .collect()
    }
    fn changes(list: &[LeaderChange]) -> Vec<ReindexChangeView<'_>> {
        list.iter()
            .map(
                |LeaderChange {
                     leader, change: c, ..
                 }| ReindexChangeView {
                    leader,
                    venue: &c.venue,
                    kind: c.kind.as_str(),
                    from: c.from.map(|s| s.as_str()),
                    to: c.to.as_str(),
                    date: c.date.to_string(),
                    article: &c.article,
                    evidence: &c.evidence,
                },
            )
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
        move |out: &mut dyn Write,
              LeaderChange {
                  leader, change: c, ..
              }: &LeaderChange| {
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
