//! The HTML pages: one renderer, two outputs ([`Output`]), so that the
//! report and the live page never drift apart. Both show, per leader, a
//! timeline chart of every claim, the current position table and the change
//! log with its before/after diffs.
//!
//! - The report (`report --html`) is one self-contained page: inline CSS
//!   and SVG; no script, no font, image or style from anywhere else.
//! - The live page (`watch --listen`, `serve`; see [`live`]) links its
//!   style sheet ([`STYLE`]) and script ([`LIVE_JS`]) from the server, so
//!   that it needs nothing inline under a strict Content-Security-Policy;
//!   it adds a filter form, an overview and the "updated" marker.
//!
//! Pure: [`render`] writes plain values that `cli` or the server collected
//! from the store to `&mut impl Write`; it reads no clock, no file and no
//! database. Every
//! text that can come from an article (evidence, file names, ids, headlines,
//! addresses) is written through [`Esc`], so it is text in HTML and in SVG,
//! never markup. Each position and change links to its article's own page
//! when the article states an http(s) address ([`report::is_web_url`]); a
//! link is followed only when clicked, so the page still loads nothing from
//! elsewhere.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt;
use std::io::{self, Write};

use jiff::civil::Date;
use jiff::Timestamp;

use crate::diff::{Change, ChangeKind, Position};
use crate::extract::Stance;
use crate::report;
use crate::store::{Counts, DatedClaim, Source};

mod live;

pub use live::{narrow, LiveView, NEWEST};

/// Everything the report shows.
#[derive(Debug, Clone)]
pub struct ReportData {
    /// When the report was made.
    pub generated: Timestamp,
    /// The database it was made from.
    pub database: String,
    /// The database's row counts.
    pub counts: Counts,
    /// The leaders, in any order (the page orders them by number of claims,
    /// then id).
    pub leaders: Vec<LeaderData>,
}

/// One leader's part of the report.
#[derive(Debug, Clone)]
pub struct LeaderData {
    /// The leader id.
    pub leader: String,
    /// Every claim, historical ones included, in timeline order.
    pub claims: Vec<DatedClaim>,
    /// The current position, by venue, each with where the report that set
    /// it came from.
    pub positions: Vec<(Position, Source)>,
    /// The leader's change log, oldest first, each change with where the
    /// report that made it came from.
    pub changes: Vec<(Change, Source)>,
}

/// Which page [`render`] writes.
#[derive(Debug, Clone, Copy)]
pub enum Output<'a> {
    /// The self-contained report file of `report --html`.
    Report,
    /// The live page the server serves: the data narrowed by the view's
    /// filter, with the filter form, and linked style sheet and script.
    Live(&'a LiveView),
}

/// Writes one HTML page of `data`: the report, or the live page.
pub fn render(data: &ReportData, output: Output<'_>, out: &mut impl Write) -> io::Result<()> {
    match output {
        Output::Report => report_page(data, out),
        Output::Live(view) => live::page(data, view, out),
    }
}

/// The leaders in page order: by number of claims, then id.
fn ordered(data: &ReportData) -> Vec<&LeaderData> {
    let mut leaders: Vec<&LeaderData> = data.leaders.iter().collect();
    leaders.sort_by(|a, b| {
        b.claims
            .len()
            .cmp(&a.claims.len())
            .then_with(|| a.leader.cmp(&b.leader))
    });
    leaders
}

fn report_page(data: &ReportData, out: &mut impl Write) -> io::Result<()> {
    let leaders = ordered(data);
    let anchors = anchors(&leaders);

    write!(out, "{HEAD}{REPORT_STYLE}{HEAD_END}")?;
    writeln!(out, "<header class=\"page\">")?;
    writeln!(out, "<h1>Where leaders say talks should happen</h1>")?;
    let hrefs: Vec<String> = anchors.iter().map(|a| format!("#{a}")).collect();
    summary(data, "report generated", &leaders, &hrefs, out)?;
    writeln!(out, "</header>")?;
    writeln!(out, "<main>")?;
    if leaders.is_empty() {
        writeln!(
            out,
            "<p class=\"empty\">No claims recorded yet: run <code>venuewatch ingest</code> \
             or <code>venuewatch watch</code> first.</p>"
        )?;
    }
    for (leader, anchor) in leaders.iter().zip(&anchors) {
        section(leader, anchor, None, out)?;
    }
    writeln!(out, "</main>")?;
    footer(out)
}

fn footer(out: &mut impl Write) -> io::Result<()> {
    writeln!(
        out,
        "<footer>venuewatch {} &middot; marks: claims as reported on their article's date; \
         rings: changes in the change log; bands: the position held from one change to the next.</footer>",
        env!("CARGO_PKG_VERSION")
    )?;
    writeln!(out, "</body>\n</html>")
}

/// Text escaped for HTML and SVG, in element content and in quoted
/// attribute values alike.
#[derive(Debug, Clone, Copy)]
pub struct Esc<'a>(pub &'a str);

impl fmt::Display for Esc<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut rest = self.0;
        while let Some(i) = rest.find(['&', '<', '>', '"', '\'']) {
            f.write_str(&rest[..i])?;
            f.write_str(match rest.as_bytes()[i] {
                b'&' => "&amp;",
                b'<' => "&lt;",
                b'>' => "&gt;",
                b'"' => "&quot;",
                _ => "&#39;",
            })?;
            rest = &rest[i + 1..];
        }
        f.write_str(rest)
    }
}

/// A unique fragment id per leader, readable in the address bar.
fn anchors(leaders: &[&LeaderData]) -> Vec<String> {
    let mut used = HashSet::new();
    leaders
        .iter()
        .map(|l| {
            let slug: String = l
                .leader
                .chars()
                .map(|c| match c {
                    'a'..='z' | '0'..='9' | '-' | '_' => c,
                    'A'..='Z' => c.to_ascii_lowercase(),
                    _ => '-',
                })
                .collect();
            let base = format!("leader-{slug}");
            let mut anchor = base.clone();
            let mut n = 1;
            while !used.insert(anchor.clone()) {
                n += 1;
                anchor = format!("{base}-{n}");
            }
            anchor
        })
        .collect()
}

/// When and from what the page was made, the database's counts, and the
/// index of leaders, each linked to `hrefs` (in `leaders` order).
fn summary(
    data: &ReportData,
    what: &str,
    leaders: &[&LeaderData],
    hrefs: &[String],
    out: &mut impl Write,
) -> io::Result<()> {
    let c = &data.counts;
    writeln!(
        out,
        "<p class=\"meta\">venuewatch {what} <time datetime=\"{}\">{}</time> \
         from <code>{}</code></p>",
        data.generated,
        data.generated.strftime("%Y-%m-%d %H:%M UTC"),
        Esc(&data.database)
    )?;
    writeln!(out, "<ul class=\"stats\">")?;
    for (n, what) in [
        (leaders.len() as u64, "leaders"),
        (c.articles, "articles"),
        (c.files, "files"),
        (c.claims, "claims"),
        (c.positions, "positions"),
        (c.changes, "changes"),
        (c.rejected, "rejected files"),
    ] {
        writeln!(out, "<li><b>{n}</b><span>{what}</span></li>")?;
    }
    writeln!(out, "</ul>")?;
    if !leaders.is_empty() {
        writeln!(out, "<nav class=\"index\" aria-label=\"Leaders\"><ol>")?;
        for (l, href) in leaders.iter().zip(hrefs) {
            writeln!(
                out,
                "<li><a href=\"{}\">{}</a> <small>{} &middot; {}</small></li>",
                Esc(href),
                Esc(&l.leader),
                plural(l.claims.len(), "claim", "claims"),
                plural(l.changes.len(), "change", "changes"),
            )?;
        }
        writeln!(out, "</ol></nav>")?;
    }
    Ok(())
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A leader's section; on the live page its title links to the leader's
/// own view (`title_href`).
fn section(
    l: &LeaderData,
    anchor: &str,
    title_href: Option<&str>,
    out: &mut impl Write,
) -> io::Result<()> {
    let rings = match_rings(l);
    writeln!(
        out,
        "<section class=\"leader\" id=\"{}\" aria-labelledby=\"{0}-title\">",
        Esc(anchor)
    )?;
    match title_href {
        None => writeln!(
            out,
            "<h2 id=\"{}-title\">{}</h2>",
            Esc(anchor),
            Esc(&l.leader)
        )?,
        Some(href) => writeln!(
            out,
            "<h2 id=\"{}-title\"><a href=\"{}\">{}</a></h2>",
            Esc(anchor),
            Esc(href),
            Esc(&l.leader)
        )?,
    }
    let historical = l.claims.iter().filter(|c| c.claim.historical).count();
    let reversals = l
        .changes
        .iter()
        .filter(|(c, _)| c.kind == ChangeKind::Reversed)
        .count();
    let mut summary = plural(l.claims.len(), "claim", "claims");
    if historical > 0 {
        summary += &format!(" ({historical} historical)");
    }
    summary += &format!(
        " &middot; {} &middot; {} ({})",
        plural(venues(l).len(), "venue", "venues"),
        plural(l.changes.len(), "change", "changes"),
        plural(reversals, "reversal", "reversals"),
    );
    if let (Some(first), Some(last)) = (l.claims.first(), l.claims.last()) {
        summary += &format!(" &middot; {} to {}", first.date, last.date);
    }
    writeln!(out, "<p class=\"meta\">{summary}</p>")?;

    writeln!(out, "<h3>Timeline</h3>")?;
    legend(historical > 0, out)?;
    chart(l, &rings, out)?;

    writeln!(out, "<h3>Current position</h3>")?;
    positions(&l.positions, out)?;

    writeln!(
        out,
        "<h3>Change log <span class=\"count\">{}</span></h3>",
        l.changes.len()
    )?;
    changes(&l.changes, out)?;

    claims(l, &rings, out)?;
    writeln!(out, "</section>")
}

/// The venues a leader's claims name, in chart order (by name).
fn venues(l: &LeaderData) -> Vec<&str> {
    let mut v: Vec<&str> = l.claims.iter().map(|c| c.claim.venue.as_str()).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Which claim made each change: the first not yet matched claim of the
/// change's report with its venue and new stance. Returns the change per
/// claim index, and the changes no claim matched (none, unless the change
/// log and the claims disagree).
fn match_rings(l: &LeaderData) -> Rings<'_> {
    type Key<'a> = (Date, &'a str, &'a str, Stance);
    let mut candidates: HashMap<Key, VecDeque<usize>> = HashMap::new();
    for (i, c) in l.claims.iter().enumerate() {
        if !c.claim.historical {
            let key = (
                c.date,
                c.article.as_str(),
                c.claim.venue.as_str(),
                c.claim.stance,
            );
            candidates.entry(key).or_default().push_back(i);
        }
    }
    let mut by_claim = HashMap::new();
    let mut unmatched = Vec::new();
    for (change, _) in &l.changes {
        let key = (
            change.date,
            change.article.as_str(),
            change.venue.as_str(),
            change.to,
        );
        match candidates.get_mut(&key).and_then(VecDeque::pop_front) {
            Some(i) => {
                by_claim.insert(i, change);
            }
            None => unmatched.push(change),
        }
    }
    Rings {
        by_claim,
        unmatched,
    }
}

struct Rings<'a> {
    by_claim: HashMap<usize, &'a Change>,
    unmatched: Vec<&'a Change>,
}

/// A small inline SVG glyph (for the legend and tables): never a `mark`.
fn glyph(class: &str, shape: Shape) -> String {
    let body = match shape {
        Shape::Circle => "<circle cx=\"7\" cy=\"7\" r=\"5\"/>".to_string(),
        Shape::Diamond => "<path d=\"M7 1.5L12.5 7L7 12.5L1.5 7Z\"/>".to_string(),
        Shape::Ring(w) => {
            format!("<circle cx=\"7\" cy=\"7\" r=\"5.2\" fill=\"none\" stroke-width=\"{w}\"/>")
        }
        Shape::Band => "<line x1=\"1\" y1=\"7\" x2=\"13\" y2=\"7\"/>".to_string(),
    };
    format!(
        "<svg class=\"glyph {class}\" width=\"14\" height=\"14\" viewBox=\"0 0 14 14\" aria-hidden=\"true\">{body}</svg>"
    )
}

#[derive(Debug, Clone, Copy)]
enum Shape {
    Circle,
    Diamond,
    Ring(f64),
    Band,
}

fn stance_shape(s: Stance) -> Shape {
    match s {
        Stance::Proposes => Shape::Circle,
        Stance::Rejects => Shape::Diamond,
    }
}

/// A stance as a colored glyph and word.
fn stance_badge(s: Stance) -> String {
    format!(
        "<span class=\"stance {c}\">{}{}</span>",
        glyph(s.as_str(), stance_shape(s)),
        s.as_str(),
        c = s.as_str()
    )
}

fn legend(historical: bool, out: &mut impl Write) -> io::Result<()> {
    writeln!(out, "<ul class=\"legend\">")?;
    writeln!(out, "<li>{}proposes</li>", glyph("proposes", Shape::Circle))?;
    writeln!(out, "<li>{}rejects</li>", glyph("rejects", Shape::Diamond))?;
    if historical {
        writeln!(
            out,
            "<li>{}{}historical (told as past, not part of the position)</li>",
            glyph("historical", Shape::Circle),
            glyph("historical", Shape::Diamond)
        )?;
    }
    writeln!(
        out,
        "<li>{}new position</li>",
        glyph("legend-ring", Shape::Ring(1.3))
    )?;
    writeln!(
        out,
        "<li>{}reversal</li>",
        glyph("legend-ring", Shape::Ring(2.6))
    )?;
    writeln!(
        out,
        "<li>{}{}position held</li>",
        glyph("held proposes", Shape::Band),
        glyph("held rejects", Shape::Band)
    )?;
    writeln!(out, "</ul>")
}

// The chart's geometry, in viewBox units (the SVG scales to the page width).
const CHART_W: f64 = 960.0;
const ROW_H: f64 = 30.0;
const TOP: f64 = 10.0;
const AXIS_H: f64 = 44.0;
const RIGHT: f64 = 24.0;
const MARK_R: f64 = 6.0;
const SPREAD: f64 = 14.0;
const REACH: f64 = 3.0 * SPREAD;

/// Maps days to x.
struct Scale {
    left: f64,
    right: f64,
    lo: i64,
    hi: i64,
}

impl Scale {
    fn x(&self, day: i64) -> f64 {
        let span = (self.hi - self.lo).max(1) as f64;
        self.left + (day - self.lo) as f64 / span * (self.right - self.left)
    }
}

/// The domain of days shown: the claims' dates with some room on each side.
fn domain(first: i64, last: i64) -> (i64, i64) {
    let span = last - first;
    let pad = if span == 0 { 10 } else { (span / 25).max(2) };
    (first - pad, last + pad)
}

fn chart(l: &LeaderData, rings: &Rings, out: &mut impl Write) -> io::Result<()> {
    let venues = venues(l);
    let row: HashMap<&str, usize> = venues.iter().enumerate().map(|(i, v)| (*v, i)).collect();
    let days: Vec<i64> = l.claims.iter().map(|c| day_number(c.date)).collect();
    let (Some(&first), Some(&last)) = (days.iter().min(), days.iter().max()) else {
        return writeln!(out, "<p class=\"empty\">No claims.</p>");
    };
    let (lo, hi) = domain(first, last);
    let label_chars = venues.iter().map(|v| v.chars().count()).max().unwrap_or(0);
    let left = (label_chars as f64 * 7.4 + 22.0).clamp(72.0, 240.0);
    let scale = Scale {
        left,
        right: CHART_W - RIGHT,
        lo,
        hi,
    };
    let plot_h = venues.len() as f64 * ROW_H;
    let height = TOP + plot_h + AXIS_H;
    let y = |venue: &str| TOP + (row.get(venue).copied().unwrap_or(0) as f64 + 0.5) * ROW_H;

    writeln!(
        out,
        "<figure class=\"chart-box\"><svg class=\"chart\" viewBox=\"0 0 {CHART_W} {height}\" \
         width=\"{CHART_W}\" height=\"{height}\" role=\"img\" aria-label=\"Timeline of {}&#39;s venue claims\">",
        Esc(&l.leader)
    )?;

    // Row bands and venue labels.
    for (i, venue) in venues.iter().enumerate() {
        let top = TOP + i as f64 * ROW_H;
        if i % 2 == 0 {
            writeln!(
                out,
                "<rect class=\"band\" x=\"0\" y=\"{top}\" width=\"{CHART_W}\" height=\"{ROW_H}\"/>"
            )?;
        }
        writeln!(
            out,
            "<text class=\"venue-label\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\" dominant-baseline=\"central\">{}</text>",
            left - 12.0,
            top + ROW_H / 2.0,
            Esc(venue)
        )?;
    }

    // Time axis: gridlines and labels.
    let axis_y = TOP + plot_h;
    for t in ticks(lo, hi) {
        let x = scale.x(t.day);
        writeln!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{TOP}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>",
            axis_y + 5.0
        )?;
        writeln!(
            out,
            "<text class=\"tick\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
            axis_y + 19.0,
            Esc(&t.label)
        )?;
        if let Some(year) = &t.year {
            writeln!(
                out,
                "<text class=\"tick year\" x=\"{x:.1}\" y=\"{:.1}\" text-anchor=\"middle\">{}</text>",
                axis_y + 35.0,
                Esc(year)
            )?;
        }
    }
    writeln!(
        out,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{axis_y:.1}\" x2=\"{:.1}\" y2=\"{axis_y:.1}\"/>",
        scale.right
    )?;

    // The position held on each venue, from one change to the next.
    let mut by_venue: BTreeMap<&str, Vec<&Change>> = BTreeMap::new();
    for (c, _) in &l.changes {
        by_venue.entry(c.venue.as_str()).or_default().push(c);
    }
    for (venue, cs) in &by_venue {
        if !row.contains_key(venue) {
            continue;
        }
        for (i, c) in cs.iter().enumerate() {
            let end = cs.get(i + 1).map_or(last, |n| day_number(n.date));
            let (x1, x2) = (scale.x(day_number(c.date)), scale.x(end));
            if x2 - x1 < 1.0 {
                continue;
            }
            writeln!(
                out,
                "<line class=\"held {}\" x1=\"{x1:.1}\" y1=\"{y:.1}\" x2=\"{x2:.1}\" y2=\"{y:.1}\"/>",
                c.to.as_str(),
                y = y(venue)
            )?;
        }
    }

    // One mark per claim; marks that would overlap on a row side by side.
    let mut on_row: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, c) in l.claims.iter().enumerate() {
        on_row.entry(c.claim.venue.as_str()).or_default().push(i);
    }
    let mut at: Vec<(f64, f64)> = vec![(0.0, 0.0); l.claims.len()];
    for (venue, members) in &on_row {
        // Claims come in timeline order, so `members` is sorted by x.
        let xs: Vec<f64> = members.iter().map(|&i| scale.x(days[i])).collect();
        for (&i, x) in members.iter().zip(dodge(&xs, SPREAD, REACH)) {
            at[i] = (x.clamp(MARK_R + 2.0, CHART_W - MARK_R - 2.0), y(venue));
        }
    }
    for (i, c) in l.claims.iter().enumerate() {
        let (x, y) = at[i];
        let mut class = format!("mark {}", c.claim.stance.as_str());
        if c.claim.historical {
            class += " historical";
        }
        let title = mark_title(c, rings.by_claim.get(&i).copied());
        let id = format!("{}.{}", c.article_id, c.seq);
        match c.claim.stance {
            Stance::Proposes => writeln!(
                out,
                "<circle class=\"{class}\" data-claim=\"{}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{MARK_R}\"><title>{}</title></circle>",
                Esc(&id),
                Esc(&title)
            )?,
            Stance::Rejects => {
                let s = MARK_R + 1.2;
                writeln!(
                    out,
                    "<path class=\"{class}\" data-claim=\"{}\" d=\"M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z\"><title>{}</title></path>",
                    Esc(&id),
                    y - s,
                    x + s,
                    y + s,
                    x - s,
                    Esc(&title)
                )?
            }
        }
    }

    // Rings on the claims that changed the position.
    let mut ringed: Vec<(usize, &Change)> = rings.by_claim.iter().map(|(i, c)| (*i, *c)).collect();
    ringed.sort_by_key(|(i, _)| *i);
    let placed = ringed.into_iter().map(|(i, c)| (at[i], c));
    let unplaced = (rings.unmatched.iter())
        .filter(|c| row.contains_key(c.venue.as_str()))
        .map(|c| ((scale.x(day_number(c.date)), y(&c.venue)), *c));
    for ((x, y), c) in placed.chain(unplaced) {
        writeln!(
            out,
            "<circle class=\"ring {}\" cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"{:.1}\"/>",
            c.kind.as_str(),
            MARK_R + 3.8
        )?;
    }
    writeln!(out, "</svg></figure>")
}

/// Spreads sorted positions `xs` so that neighbours are `gap` apart: each
/// run of crowded marks is centred on the mean of its positions. A mark
/// moves at most `reach` beyond its run's first or last position; a run too
/// dense for that is squeezed, its marks overlapping.
fn dodge(xs: &[f64], gap: f64, reach: f64) -> Vec<f64> {
    // Runs as (first index, length, sum of positions).
    let mut runs: Vec<(usize, usize, f64)> = Vec::new();
    let half_width = |n: usize| (n as f64 - 1.0) / 2.0 * gap;
    for (i, &x) in xs.iter().enumerate() {
        runs.push((i, 1, x));
        while let [.., (a, an, asum), (_, bn, bsum)] = runs[..] {
            let a_right = asum / an as f64 + half_width(an);
            let b_left = bsum / bn as f64 - half_width(bn);
            if b_left - a_right >= gap - 1e-6 {
                break;
            }
            runs.truncate(runs.len() - 2);
            runs.push((a, an + bn, asum + bsum));
        }
    }
    let mut out = Vec::with_capacity(xs.len());
    for (a, n, sum) in runs {
        let (first, last) = (xs[a], xs[a + n - 1]);
        let width = (2.0 * half_width(n)).min(last - first + 2.0 * reach);
        let step = if n > 1 { width / (n - 1) as f64 } else { 0.0 };
        let centre =
            (sum / n as f64).clamp(first - reach + width / 2.0, last + reach - width / 2.0);
        out.extend((0..n).map(|k| centre + (k as f64 - (n as f64 - 1.0) / 2.0) * step));
    }
    out
}

/// A mark's tooltip: date, article, stance, venue and evidence.
fn mark_title(c: &DatedClaim, change: Option<&Change>) -> String {
    let mut t = format!(
        "{} \u{b7} {} {}\n{}\n\u{201c}{}\u{201d}",
        c.date,
        c.claim.stance.as_str(),
        c.claim.venue,
        c.article,
        c.claim.evidence
    );
    if let Some(speaker) = &c.claim.speaker {
        t += &format!("\nvia {speaker}");
    }
    if c.claim.historical {
        t += "\nhistorical: told as past, not part of the position";
    }
    if let Some(ch) = change {
        t += &format!(
            "\nchange: {} ({} \u{2192} {})",
            ch.kind.as_str(),
            ch.from.map_or("none", Stance::as_str),
            ch.to.as_str()
        );
    }
    t
}

/// Where an article can be found, as HTML: its headline, linked to its own
/// page when it states a web address; an address of any other kind is
/// shown as text, never a link. Empty when neither is known.
fn source_html(s: &Source) -> String {
    let (url, title) = (report::known(&s.url), report::known(&s.title));
    match url {
        Some(url) if report::is_web_url(url) => format!(
            "<a class=\"source-link\" href=\"{}\" rel=\"noreferrer\">{}</a>",
            Esc(url),
            Esc(title.unwrap_or(url))
        ),
        _ => {
            let title = title.map(|t| format!("<span class=\"source-title\">{}</span>", Esc(t)));
            let url = url.map(|u| format!("<span class=\"source-url\">{}</span>", Esc(u)));
            title.into_iter().chain(url).collect::<Vec<_>>().join(" ")
        }
    }
}

fn positions(positions: &[(Position, Source)], out: &mut impl Write) -> io::Result<()> {
    if positions.is_empty() {
        return writeln!(
            out,
            "<p class=\"empty\">No current position (only historical claims).</p>"
        );
    }
    writeln!(
        out,
        "<div class=\"table-wrap\"><table class=\"positions\">\n<thead><tr><th>Venue</th><th>Stance</th>\
         <th>Since</th><th>Last seen</th><th>Article</th><th>Evidence</th></tr></thead>\n<tbody>"
    )?;
    for (p, source) in positions {
        let source = match source_html(source) {
            s if s.is_empty() => s,
            s => format!("<br>{s}"),
        };
        writeln!(
            out,
            "<tr><td class=\"venue\">{}</td><td class=\"st\">{}</td><td class=\"date\" data-label=\"since\">{}</td>\
             <td class=\"date\" data-label=\"last seen\">{}</td><td class=\"file\"><code>{}</code>{source}</td>\
             <td class=\"evidence\">{}</td></tr>",
            Esc(&p.venue),
            stance_badge(p.stance),
            p.since,
            p.last_seen,
            Esc(&p.article),
            Esc(&p.evidence)
        )?;
    }
    writeln!(out, "</tbody></table></div>")
}

fn changes(changes: &[(Change, Source)], out: &mut impl Write) -> io::Result<()> {
    if changes.is_empty() {
        return writeln!(out, "<p class=\"empty\">No changes.</p>");
    }
    writeln!(out, "<ol class=\"changes\">")?;
    for (c, source) in changes {
        change_item(c, source, None, out)?;
    }
    writeln!(out, "</ol>")
}

/// One change of the log: its head, evidence, source and diff. In a list
/// of many leaders' changes, `leader` names whose it is.
fn change_item(
    c: &Change,
    source: &Source,
    leader: Option<&str>,
    out: &mut impl Write,
) -> io::Result<()> {
    let kind = c.kind.as_str();
    let from = match c.from {
        Some(s) => stance_badge(s),
        None => "<span class=\"stance none\">none</span>".to_string(),
    };
    let (data_leader, leader_head) = match leader {
        Some(l) => (
            format!(" data-leader=\"{}\"", Esc(l)),
            format!("<span class=\"leader\">{}</span>", Esc(l)),
        ),
        None => (String::new(), String::new()),
    };
    writeln!(
        out,
        "<li class=\"change {kind}\"{data_leader}>\n<div class=\"change-main\">"
    )?;
    writeln!(
        out,
        "<div class=\"change-head\"><time class=\"date\">{}</time>{leader_head}<span class=\"kind {kind}\">{kind}</span>\
         <span class=\"venue\">{}</span><span class=\"fromto\">{from} <span class=\"arrow\">\u{2192}</span> {}</span></div>",
        c.date,
        Esc(&c.venue),
        stance_badge(c.to),
    )?;
    writeln!(
        out,
        "<blockquote class=\"evidence\">{}</blockquote>",
        Esc(&c.evidence)
    )?;
    write!(
        out,
        "<p class=\"source\">article <code>{}</code>",
        Esc(&c.article)
    )?;
    let source = source_html(source);
    if !source.is_empty() {
        write!(out, " &middot; {source}")?;
    }
    if let Some(previous) = &c.previous_article {
        write!(out, " &middot; previously <code>{}</code>", Esc(previous))?;
    }
    writeln!(out, "</p>\n</div>")?;
    write!(
        out,
        "<pre class=\"diff\" aria-label=\"position before and after\">"
    )?;
    diff_lines(&c.diff, out)?;
    writeln!(out, "</pre>\n</li>")
}

/// How many unchanged lines a diff shows around a change.
const DIFF_CONTEXT: usize = 2;

/// A unified diff, one colored line per `span`; runs of unchanged lines far
/// from any change are folded into one "unchanged" line.
fn diff_lines(diff: &str, out: &mut impl Write) -> io::Result<()> {
    let lines: Vec<(&str, &str)> = diff
        .lines()
        .map(|line| {
            let class = match line.as_bytes().first() {
                _ if line.starts_with("---") || line.starts_with("+++") => "hdr",
                Some(b'+') => "add",
                Some(b'-') => "del",
                Some(b'@') => "hunk",
                _ => "ctx",
            };
            (class, line)
        })
        .collect();
    let changed: Vec<usize> = (lines.iter().enumerate())
        .filter(|(_, (class, _))| matches!(*class, "add" | "del"))
        .map(|(i, _)| i)
        .collect();
    let near = |i: usize| changed.iter().any(|&c| c.abs_diff(i) <= DIFF_CONTEXT);
    let mut far: Vec<&str> = Vec::new();
    for (i, &(class, line)) in lines.iter().enumerate() {
        if class == "ctx" && !near(i) {
            far.push(line);
            continue;
        }
        fold(&mut far, out)?;
        write!(out, "<span class=\"{class}\">{}\n</span>", Esc(line))?;
    }
    fold(&mut far, out)
}

/// Writes unchanged lines far from a change: one stays, more fold into one.
fn fold(far: &mut Vec<&str>, out: &mut impl Write) -> io::Result<()> {
    match far.as_slice() {
        [] => {}
        [line] => write!(out, "<span class=\"ctx\">{}\n</span>", Esc(line))?,
        lines => write!(
            out,
            "<span class=\"fold\">\u{22ef} {} unchanged venues\n</span>",
            lines.len()
        )?,
    }
    far.clear();
    Ok(())
}

/// Every claim as a table, folded: the chart's tooltips for reading and
/// searching without a mouse.
fn claims(l: &LeaderData, rings: &Rings, out: &mut impl Write) -> io::Result<()> {
    if l.claims.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "<details class=\"claims\"><summary>All {}</summary>",
        plural(l.claims.len(), "claim", "claims")
    )?;
    writeln!(
        out,
        "<div class=\"table-wrap\"><table>\n<thead><tr><th>Date</th><th>Venue</th><th>Stance</th>\
         <th>Article</th><th>Evidence</th><th>Note</th></tr></thead>\n<tbody>"
    )?;
    for (i, c) in l.claims.iter().enumerate() {
        let mut note = Vec::new();
        if c.claim.historical {
            note.push("historical".to_string());
        }
        if let Some(ch) = rings.by_claim.get(&i) {
            note.push(ch.kind.as_str().to_string());
        }
        if let Some(s) = &c.claim.speaker {
            note.push(format!("via {s}"));
        }
        writeln!(
            out,
            "<tr><td class=\"date\">{}</td><td class=\"venue\">{}</td><td class=\"st\">{}</td>\
             <td class=\"file\"><code>{}</code></td><td class=\"evidence\">{}</td><td class=\"note\">{}</td></tr>",
            c.date,
            Esc(&c.claim.venue),
            stance_badge(c.claim.stance),
            Esc(&c.article),
            Esc(&c.claim.evidence),
            Esc(&note.join(", "))
        )?;
    }
    writeln!(out, "</tbody></table></div></details>")
}

/// A labelled tick on the time axis.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Tick {
    day: i64,
    label: String,
    /// The year, under the label, on the first tick and where it changes.
    year: Option<String>,
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Ticks for the days `lo..=hi`: month starts (every 1, 2, 3 or 6 months,
/// or years), or days when fewer than two month starts fall in the range.
fn ticks(lo: i64, hi: i64) -> Vec<Tick> {
    let (Some(a), Some(b)) = (date_of(lo), date_of(hi)) else {
        return Vec::new();
    };
    let month_index = |d: Date| i64::from(d.year()) * 12 + i64::from(d.month()) - 1;
    let months: Vec<i64> = (month_index(a)..=month_index(b))
        .filter(|&m| day_number(month_start(m)) >= lo)
        .collect();
    let mut ticks = Vec::new();
    if months.len() >= 2 {
        let step = [1, 2, 3, 6, 12, 24, 60, 120, 600]
            .into_iter()
            .find(|s| months.len() as i64 / s <= 12)
            .unwrap_or(1200);
        let mut last_year = None;
        for m in months.into_iter().filter(|m| m % step == 0) {
            let d = month_start(m);
            let year = (step < 12 && last_year != Some(d.year())).then(|| d.year().to_string());
            last_year = Some(d.year());
            ticks.push(Tick {
                day: day_number(d),
                label: if step < 12 {
                    MONTHS[(d.month() - 1) as usize].to_string()
                } else {
                    d.year().to_string()
                },
                year,
            });
        }
    } else {
        let step = [1, 2, 7, 14]
            .into_iter()
            .find(|s| (hi - lo) / s <= 10)
            .unwrap_or(14);
        let mut last_year = None;
        let mut day = lo;
        while day <= hi {
            if let Some(d) = date_of(day) {
                let year = (last_year != Some(d.year())).then(|| d.year().to_string());
                last_year = Some(d.year());
                ticks.push(Tick {
                    day,
                    label: format!("{} {}", d.day(), MONTHS[(d.month() - 1) as usize]),
                    year,
                });
            }
            day += step;
        }
    }
    ticks
}

/// The first day of the month `y * 12 + m - 1`.
fn month_start(index: i64) -> Date {
    let (y, m) = (index.div_euclid(12), index.rem_euclid(12) + 1);
    Date::new(
        i16::try_from(y).unwrap_or(1970),
        i8::try_from(m).unwrap_or(1),
        1,
    )
    .unwrap_or(Date::ZERO)
}

/// Days since 1970-01-01 (proleptic Gregorian).
fn day_number(d: Date) -> i64 {
    let (m, dd) = (i64::from(d.month()), i64::from(d.day()));
    let y = i64::from(d.year()) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + dd - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The date `day_number` days after 1970-01-01.
fn date_of(day: i64) -> Option<Date> {
    let z = day + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    Date::new(i16::try_from(y).ok()?, m as i8, d as i8).ok()
}

/// The document head up to the style sheet. The Content-Security-Policy
/// makes the browser refuse anything from elsewhere, should it ever creep in.
const HEAD: &str = r#"<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="generator" content="venuewatch">
<title>venuewatch: venue positions</title>
<style>
"#;

/// The rest of the head, after the report's inline style sheet.
const HEAD_END: &str = "</style>\n</head>\n<body>\n";

/// The report's style sheet, inlined in its `<style>`.
const REPORT_STYLE: &str = include_str!("html/style.css");

/// The style sheet of both outputs: the report's, and the live page's
/// additions (the filter form, the skip link, focus, the "updated" marker).
/// The live page links it as `/static/venuewatch.css`.
pub const STYLE: &str = concat!(
    include_str!("html/style.css"),
    include_str!("html/live.css")
);

/// The live page's script, linked as `/static/live.js`: follows
/// `/api/events` and refreshes `<main>` on each change.
pub const LIVE_JS: &str = include_str!("html/live.js");

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Claim;
    use jiff::civil::date;

    pub(super) fn claim(
        article_id: i64,
        seq: i64,
        article: &str,
        day: i8,
        stance: Stance,
        venue: &str,
        evidence: &str,
    ) -> DatedClaim {
        DatedClaim {
            article_id,
            seq,
            article: article.to_string(),
            date: date(2026, 1, day),
            claim: Claim {
                leader: "putin".into(),
                stance,
                venue: venue.into(),
                evidence: evidence.into(),
                speaker: None,
                historical: false,
            },
        }
    }

    pub(super) fn change(kind: ChangeKind, from: Option<Stance>, c: &DatedClaim) -> Change {
        Change {
            venue: c.claim.venue.clone(),
            kind,
            from,
            to: c.claim.stance,
            date: c.date,
            article: c.article.clone(),
            previous_article: from.map(|_| "a.txt".to_string()),
            evidence: c.claim.evidence.clone(),
            diff: "--- before\n+++ after\n@@ -1 +1 @@\n-moscow: proposes\n+moscow: rejects\n"
                .to_string(),
        }
    }

    /// The source of b&c<1>.txt: a web address and a headline with quotes,
    /// markup and ampersands.
    fn hostile_source() -> Source {
        Source {
            file: Some("/news/b&c<1>.txt".into()),
            item: None,
            url: Some("https://example.org/a?x=1&y=\"2\"<b>".into()),
            title: Some("Putin's \"no\" <b>& more</b>".into()),
        }
    }

    /// putin: proposes moscow (a.txt, no source known), a historical
    /// istanbul claim, then rejects moscow (b&c<1>.txt, evidence with
    /// markup, a hostile source); zelensky: one claim, whose article states
    /// a `javascript:` address.
    pub(super) fn sample() -> ReportData {
        let hostile = "He said <script>alert(\"x\")</script> & 'no' to Moscow";
        let a = claim(
            1,
            0,
            "a.txt",
            2,
            Stance::Proposes,
            "moscow",
            "Come to Moscow.",
        );
        let mut h = claim(
            1,
            1,
            "a.txt",
            2,
            Stance::Proposes,
            "istanbul",
            "Back in 2022.",
        );
        h.claim.historical = true;
        let b = claim(2, 0, "b&c<1>.txt", 20, Stance::Rejects, "moscow", hostile);
        let changes = vec![
            (change(ChangeKind::New, None, &a), Source::default()),
            (
                change(ChangeKind::Reversed, Some(Stance::Proposes), &b),
                hostile_source(),
            ),
        ];
        let putin = LeaderData {
            leader: "putin".into(),
            positions: vec![(
                Position {
                    venue: "moscow".into(),
                    stance: Stance::Rejects,
                    since: b.date,
                    last_seen: b.date,
                    article: b.article.clone(),
                    evidence: hostile.into(),
                },
                hostile_source(),
            )],
            claims: vec![a, h, b],
            changes,
        };
        let z = claim(3, 0, "z.txt", 5, Stance::Proposes, "kyiv", "Come to Kyiv.");
        let script = Source {
            url: Some("javascript:alert(1)".into()),
            title: Some("Kyiv <i>invites</i>".into()),
            ..Source::default()
        };
        let zelensky = LeaderData {
            leader: "zelensky".into(),
            positions: Vec::new(),
            changes: vec![(change(ChangeKind::New, None, &z), script)],
            claims: vec![z],
        };
        ReportData {
            generated: "2026-02-01T12:00:00Z".parse().expect("timestamp"),
            database: "state/<db>&.db".into(),
            counts: Counts {
                articles: 3,
                files: 3,
                claims: 4,
                positions: 1,
                changes: 3,
                rejected: 0,
            },
            // Fewer claims first: the page must reorder.
            leaders: vec![zelensky, putin],
        }
    }

    fn html(data: &ReportData) -> String {
        let mut out = Vec::new();
        render(data, Output::Report, &mut out).expect("render");
        String::from_utf8(out).expect("utf-8")
    }

    fn count(haystack: &str, needle: &str) -> usize {
        haystack.matches(needle).count()
    }

    #[test]
    fn one_mark_per_claim_and_one_ring_per_change() {
        let page = html(&sample());
        // Each check: (needle, expected count).
        for (needle, expected) in [
            ("class=\"mark", 4),
            ("class=\"mark proposes", 3),
            ("class=\"mark rejects", 1),
            ("class=\"mark proposes historical\"", 1),
            ("data-claim=\"", 4),
            ("data-claim=\"2.0\"", 1),
            ("class=\"ring", 3),
            ("class=\"ring reversed\"", 1),
            ("<li class=\"change reversed\">", 1),
            ("<section class=\"leader\"", 2),
        ] {
            assert_eq!(count(&page, needle), expected, "{needle}");
        }
    }

    #[test]
    fn every_article_text_is_escaped() {
        let page = html(&sample());
        assert!(!page.contains("<script"), "raw markup from an article");
        assert!(!page.contains("<1>"), "raw file name");
        assert!(!page.contains("& 'no'"), "raw ampersand and quote");
        assert!(
            page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;no&#39;")
        );
        assert!(page.contains("b&amp;c&lt;1&gt;.txt"));
        assert!(page.contains("state/&lt;db&gt;&amp;.db"));
        // In the SVG tooltip, the table and the change log.
        assert_eq!(count(&page, "&lt;script&gt;"), 4);
        // Every ampersand starts an entity.
        for (i, _) in page.match_indices('&') {
            let entity = &page[i..page[i..].find(';').map_or(page.len(), |e| i + e + 1)];
            assert!(
                entity.len() <= 8
                    && entity[1..entity.len() - 1]
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b == b'#'),
                "bare & at {i}: {entity:?}"
            );
        }
    }

    #[test]
    fn leaders_are_ordered_by_claims_and_indexed() {
        let page = html(&sample());
        let putin = page
            .find("<section class=\"leader\" id=\"leader-putin\"")
            .expect("putin");
        let zelensky = page
            .find("<section class=\"leader\" id=\"leader-zelensky\"")
            .expect("zelensky");
        assert!(putin < zelensky);
        assert!(page.contains(
            "<a href=\"#leader-putin\">putin</a> <small>3 claims &middot; 2 changes</small>"
        ));
        assert!(page.contains("<a href=\"#leader-zelensky\">"));
        assert!(
            page.contains("<time datetime=\"2026-02-01T12:00:00Z\">2026-02-01 12:00 UTC</time>")
        );
    }

    #[test]
    fn anchors_are_unique_and_safe() {
        let leaders: Vec<LeaderData> = ["Putin", "putin", "a b", "a-b", "\"><x"]
            .iter()
            .map(|id| LeaderData {
                leader: id.to_string(),
                claims: Vec::new(),
                positions: Vec::new(),
                changes: Vec::new(),
            })
            .collect();
        let refs: Vec<&LeaderData> = leaders.iter().collect();
        assert_eq!(
            anchors(&refs),
            [
                "leader-putin",
                "leader-putin-2",
                "leader-a-b",
                "leader-a-b-2",
                "leader----x"
            ]
        );
    }

    #[test]
    fn the_page_is_self_contained() {
        let page = html(&sample());
        for needle in ["<script", "<link", "<img", "@import", "url(", "src="] {
            assert!(!page.contains(needle), "{needle}");
        }
        // The only addresses are the sources' links, followed when clicked.
        let links = "<a class=\"source-link\" href=\"https:";
        assert_eq!(count(&page, "https:"), count(&page, links));
        assert!(!page.contains("http:"));
        assert!(page.starts_with("<!DOCTYPE html>"));
        assert!(page.trim_end().ends_with("</html>"));
    }

    #[test]
    fn positions_and_changes_link_to_their_source() {
        let page = html(&sample());
        let link = "<a class=\"source-link\" \
            href=\"https://example.org/a?x=1&amp;y=&quot;2&quot;&lt;b&gt;\" rel=\"noreferrer\">\
            Putin&#39;s &quot;no&quot; &lt;b&gt;&amp; more&lt;/b&gt;</a>";
        // The position's and the reversal's, each once.
        assert_eq!(count(&page, link), 2, "{page}");
        assert!(page.contains(&format!(
            "<td class=\"file\"><code>b&amp;c&lt;1&gt;.txt</code><br>{link}</td>"
        )));
        assert!(page.contains(&format!(
            "article <code>b&amp;c&lt;1&gt;.txt</code> &middot; {link} &middot; previously"
        )));
        // A change with no source known shows its article alone.
        assert!(page.contains("article <code>a.txt</code></p>"));
    }

    #[test]
    fn only_web_addresses_become_links() {
        let page = html(&sample());
        assert!(!page.contains("href=\"javascript"), "{page}");
        assert!(page.contains(
            "article <code>z.txt</code> &middot; <span class=\"source-title\">Kyiv &lt;i&gt;invites&lt;/i&gt;</span> \
             <span class=\"source-url\">javascript:alert(1)</span></p>"
        ));
        for url in [
            "javascript:alert(1)",
            "JavaScript://example.org/%0aalert(1)",
            "data:text/html,<b>x</b>",
            "file:///etc/passwd",
            "//example.org/a",
            "/news/a",
            "https:///a",
            "https://example.org/a\nb",
        ] {
            let s = Source {
                url: Some(url.into()),
                ..Source::default()
            };
            assert!(!source_html(&s).contains("<a "), "{url:?}");
        }
        let s = Source {
            url: Some("HTTP://example.org/a".into()),
            ..Source::default()
        };
        assert_eq!(
            source_html(&s),
            "<a class=\"source-link\" href=\"HTTP://example.org/a\" rel=\"noreferrer\">HTTP://example.org/a</a>"
        );
        assert_eq!(source_html(&Source::default()), "");
    }

    #[test]
    fn diffs_are_colored_by_line() {
        let page = html(&sample());
        assert!(page.contains("<span class=\"del\">-moscow: proposes\n</span><span class=\"add\">+moscow: rejects\n</span>"));
        assert!(page.contains("<span class=\"hdr\">--- before\n</span>"));
    }

    #[test]
    fn unchanged_lines_far_from_a_change_are_folded() {
        let mut diff = String::from("--- before\n+++ after\n@@ -1,8 +1,8 @@\n");
        for v in ["a", "b", "c", "d"] {
            diff += &format!(" {v}: proposes\n");
        }
        diff += "-e: proposes\n+e: rejects\n";
        for v in ["f", "g", "h"] {
            diff += &format!(" {v}: proposes\n");
        }
        let mut out = Vec::new();
        diff_lines(&diff, &mut out).expect("render");
        let out = String::from_utf8(out).expect("utf-8");
        let shown: Vec<&str> = out
            .split("</span>")
            .filter_map(|s| s.split('>').nth(1))
            .map(str::trim_end)
            .collect();
        assert_eq!(
            shown,
            [
                "--- before",
                "+++ after",
                "@@ -1,8 +1,8 @@",
                "\u{22ef} 2 unchanged venues",
                " c: proposes",
                " d: proposes",
                "-e: proposes",
                "+e: rejects",
                " f: proposes",
                " g: proposes",
                " h: proposes",
            ]
        );
    }

    #[test]
    fn an_empty_database_renders_a_note() {
        let mut data = sample();
        data.leaders.clear();
        let page = html(&data);
        assert!(page.contains("No claims recorded yet"));
        assert_eq!(count(&page, "class=\"mark"), 0);
    }

    #[test]
    fn crowded_marks_are_spread_around_their_mean() {
        let check = |xs: &[f64], expected: &[f64]| {
            assert_eq!(dodge(xs, 10.0, 30.0), expected, "{xs:?}");
        };
        check(&[], &[]);
        check(&[5.0], &[5.0]);
        check(&[0.0, 0.0], &[-5.0, 5.0]);
        check(&[0.0, 30.0], &[0.0, 30.0]);
        check(&[0.0, 3.0, 6.0], &[-7.0, 3.0, 13.0]);
        // A run that grows into its neighbour takes it in.
        check(&[0.0, 0.0, 0.0, 16.0], &[-11.0, -1.0, 9.0, 19.0]);
        // Too many on one day: squeezed into the reach on either side.
        check(&[0.0; 7], &[-30.0, -20.0, -10.0, 0.0, 10.0, 20.0, 30.0]);
        check(
            &[0.0; 13],
            &(0..13).map(|k| -30.0 + 5.0 * k as f64).collect::<Vec<_>>(),
        );
    }

    #[test]
    fn day_numbers_round_trip_and_agree_with_jiff() {
        let epoch = date(1970, 1, 1);
        for d in [
            date(1970, 1, 1),
            date(2000, 2, 29),
            date(2026, 1, 30),
            date(1969, 12, 31),
            date(2100, 3, 1),
        ] {
            let n = day_number(d);
            assert_eq!(
                i64::from(d.since(epoch).expect("span").get_days()),
                n,
                "{d}"
            );
            assert_eq!(date_of(n), Some(d));
        }
    }

    #[test]
    fn ticks_fit_the_range() {
        let check = |from: Date, to: Date, labels: &[&str], years: &[&str]| {
            let (lo, hi) = domain(day_number(from), day_number(to));
            let t = ticks(lo, hi);
            let got: Vec<&str> = t.iter().map(|t| t.label.as_str()).collect();
            let got_years: Vec<&str> = t.iter().filter_map(|t| t.year.as_deref()).collect();
            assert_eq!(
                (got.as_slice(), got_years.as_slice()),
                (labels, years),
                "{from}..{to}"
            );
        };
        check(
            date(2025, 9, 3),
            date(2026, 1, 30),
            &["Sep", "Oct", "Nov", "Dec", "Jan", "Feb"],
            &["2025", "2026"],
        );
        check(
            date(2026, 1, 30),
            date(2026, 1, 30),
            &[
                "20 Jan", "22 Jan", "24 Jan", "26 Jan", "28 Jan", "30 Jan", "1 Feb", "3 Feb",
                "5 Feb", "7 Feb", "9 Feb",
            ],
            &["2026"],
        );
        check(
            date(2019, 12, 1),
            date(2026, 1, 30),
            &["2020", "2021", "2022", "2023", "2024", "2025", "2026"],
            &[],
        );
    }
}
