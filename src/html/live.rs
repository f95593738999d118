//! The live page's output of the renderer: the report's sections narrowed
//! by a [`ChangeFilter`] from the page's URL, with a filter form, an
//! overview (current positions, newest changes) and the marker `live.js`
//! fills when the change log grows.
//!
//! Pure, as the rest of `html`. Nothing is inline that a strict
//! Content-Security-Policy would refuse (no `<style>`, no script, no
//! `style=`): the style sheet and the script are linked from the server's
//! `/static/`. Every view is a plain GET URL written by
//! [`query::to_query`], so views can be shared and the back button works;
//! the page reads without JavaScript.

use std::io::{self, Write};

use jiff::civil::Date;

use super::{
    anchors, change_item, footer, ordered, plural, section, stance_badge, summary, Esc, LeaderData,
    ReportData,
};
use crate::diff::{Change, ChangeKind};
use crate::extract::Stance;
use crate::query;
use crate::store::{ChangeFilter, Source};

/// How many of the newest matching changes the overview lists.
pub const NEWEST: usize = 50;

/// What the live page shows besides the data: the view asked for in its
/// URL and the choices its form offers.
#[derive(Debug, Clone, Default)]
pub struct LiveView {
    /// The view's filter, as [`query::parse`] read it from the URL (its
    /// paging fields are not used).
    pub filter: ChangeFilter,
    /// The leaders the form offers, in this order.
    pub leaders: Vec<String>,
    /// The venues the form offers, in this order.
    pub venues: Vec<String>,
    /// How many of the newest matching changes the overview lists.
    pub newest: usize,
    /// A line shown under the title, such as how the page's API is
    /// authorised; text, escaped like everything else.
    pub note: Option<String>,
}

impl LiveView {
    /// The view of `filter` over `data` (unnarrowed): its form offers every
    /// leader and every venue that `data` names, sorted, and the overview
    /// lists the [`NEWEST`] changes.
    pub fn new(data: &ReportData, filter: ChangeFilter) -> LiveView {
        let mut leaders: Vec<String> = data.leaders.iter().map(|l| l.leader.clone()).collect();
        leaders.sort();
        leaders.dedup();
        let mut venues: Vec<String> = (data.leaders.iter())
            .flat_map(|l| {
                let claims = l.claims.iter().map(|c| &c.claim.venue);
                let changes = l.changes.iter().map(|(c, _)| &c.venue);
                claims.chain(changes).cloned()
            })
            .collect();
        venues.sort();
        venues.dedup();
        LiveView {
            filter,
            leaders,
            venues,
            newest: NEWEST,
            note: None,
        }
    }
}

/// `data` narrowed to what `filter` asks for (its paging is ignored), with
/// the meaning the store's change query gives each field:
///
/// - changes: of the leader; on the venue; to the stance; of the kind;
///   dated from `since` to `until`, both included; whose evidence contains
///   the text, ASCII letters compared without case (SQL `LIKE`);
/// - claims (the chart): on the venue, of the stance, dated in the range,
///   with the text in their evidence;
/// - positions: on the venue, of the stance, with the text in their
///   evidence, set on or before `until` (held at some time in the range);
/// - leaders: the one asked for; and when anything else is asked, only
///   those with a change that matches.
///
/// The kind narrows only changes. Narrowing twice gives the same data.
pub fn narrow(data: &ReportData, filter: &ChangeFilter) -> ReportData {
    let needle = filter.text.as_deref().map(str::to_ascii_lowercase);
    let has_text = |evidence: &str| {
        (needle.as_deref()).is_none_or(|n| evidence.to_ascii_lowercase().contains(n))
    };
    let in_range =
        |d: Date| filter.since.is_none_or(|s| d >= s) && filter.until.is_none_or(|u| d <= u);
    let venue = |v: &str| filter.venue.as_deref().is_none_or(|f| f == v);
    let stance = |s: Stance| filter.stance.is_none_or(|f| f == s);
    let kind = |k: ChangeKind| filter.kind.is_none_or(|f| f == k);
    let only_leader = ChangeFilter {
        leader: filter.leader.clone(),
        ..ChangeFilter::default()
    };
    let narrows_changes = query::to_query(filter) != query::to_query(&only_leader);

    let leaders = (data.leaders.iter())
        .filter(|l| filter.leader.as_deref().is_none_or(|f| f == l.leader))
        .map(|l| LeaderData {
            leader: l.leader.clone(),
            claims: (l.claims.iter())
                .filter(|c| {
                    venue(&c.claim.venue)
                        && stance(c.claim.stance)
                        && in_range(c.date)
                        && has_text(&c.claim.evidence)
                })
                .cloned()
                .collect(),
            positions: (l.positions.iter())
                .filter(|(p, _)| {
                    venue(&p.venue)
                        && stance(p.stance)
                        && has_text(&p.evidence)
                        && filter.until.is_none_or(|u| p.since <= u)
                })
                .cloned()
                .collect(),
            changes: (l.changes.iter())
                .filter(|(c, _)| {
                    venue(&c.venue)
                        && stance(c.to)
                        && kind(c.kind)
                        && in_range(c.date)
                        && has_text(&c.evidence)
                })
                .cloned()
                .collect(),
        })
        .filter(|l| !narrows_changes || !l.changes.is_empty())
        .collect();
    ReportData {
        generated: data.generated,
        database: data.database.clone(),
        counts: data.counts,
        leaders,
    }
}

/// The URL of the view `filter`.
fn view_href(filter: &ChangeFilter) -> String {
    match query::to_query(filter) {
        q if q.is_empty() => "/".to_owned(),
        q => format!("/?{q}"),
    }
}

/// The URL of `leader`'s view that keeps the other filters.
fn leader_href(filter: &ChangeFilter, leader: &str) -> String {
    view_href(&ChangeFilter {
        leader: Some(leader.to_owned()),
        ..filter.clone()
    })
}

/// The filter in words, for the title and the page: "leader putin, kind
/// reversed"; empty when there is none.
fn describe(f: &ChangeFilter) -> String {
    let mut parts = Vec::new();
    if let Some(l) = &f.leader {
        parts.push(format!("leader {l}"));
    }
    if let Some(v) = &f.venue {
        parts.push(format!("venue {v}"));
    }
    if let Some(s) = f.stance {
        parts.push(format!("to {}", s.as_str()));
    }
    if let Some(k) = f.kind {
        parts.push(format!("kind {}", k.as_str()));
    }
    if let Some(d) = f.since {
        parts.push(format!("since {d}"));
    }
    if let Some(d) = f.until {
        parts.push(format!("until {d}"));
    }
    if let Some(q) = &f.text {
        parts.push(format!("evidence containing \u{201c}{q}\u{201d}"));
    }
    parts.join(", ")
}

/// Writes the live page: `data` (every leader, unnarrowed) narrowed by the
/// view's filter.
pub(super) fn page(all: &ReportData, view: &LiveView, out: &mut impl Write) -> io::Result<()> {
    let filter = &view.filter;
    let data = narrow(all, filter);
    let leaders = ordered(&data);
    let anchors = anchors(&leaders);
    let described = describe(filter);

    let title = match described.as_str() {
        "" => "venuewatch: live".to_owned(),
        d => format!("venuewatch: live ({d})"),
    };
    write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"venuewatch\">\n<title>{}</title>\n\
         <link rel=\"stylesheet\" href=\"/static/venuewatch.css\">\n\
         <script src=\"/static/live.js\" defer></script>\n</head>\n<body class=\"live\">\n\
         <a class=\"skip\" href=\"#main\">Skip to positions and changes</a>\n",
        Esc(&title)
    )?;
    writeln!(out, "<header class=\"page\">")?;
    writeln!(out, "<h1>Where leaders say talks should happen</h1>")?;
    if let Some(note) = &view.note {
        writeln!(out, "<p class=\"note\">{}</p>", Esc(note))?;
    }
    form(view, out)?;
    // Outside <main>, which live.js replaces: the marker stays, and a
    // screen reader hears each update once.
    writeln!(
        out,
        "<p id=\"updated\" role=\"status\" aria-live=\"polite\" data-events=\"0\"></p>"
    )?;
    writeln!(out, "</header>")?;

    // The counts and index are inside <main> so that updates refresh them.
    writeln!(out, "<main id=\"main\" tabindex=\"-1\">")?;
    let hrefs: Vec<String> = leaders
        .iter()
        .map(|l| leader_href(filter, &l.leader))
        .collect();
    summary(&data, "live page, rendered", &leaders, &hrefs, out)?;
    if !described.is_empty() {
        writeln!(
            out,
            "<p class=\"filtered\">Showing {}. <a href=\"/\">Clear filters</a></p>",
            Esc(&described)
        )?;
    }
    if all.leaders.is_empty() {
        writeln!(
            out,
            "<p class=\"empty\">No claims recorded yet: articles the daemon reads appear here.</p>"
        )?;
    } else if leaders.is_empty() {
        writeln!(
            out,
            "<p class=\"empty\">Nothing matches these filters. <a href=\"/\">Clear filters</a></p>"
        )?;
    } else {
        overview(&leaders, view, out)?;
    }
    for ((leader, anchor), href) in leaders.iter().zip(&anchors).zip(&hrefs) {
        section(leader, anchor, Some(href), out)?;
    }
    writeln!(out, "</main>")?;
    footer(out)
}

/// The filter form: a GET of `/` whose fields are [`query::FILTERS`], each
/// showing the view's current value.
fn form(view: &LiveView, out: &mut impl Write) -> io::Result<()> {
    let f = &view.filter;
    writeln!(
        out,
        "<form class=\"filters\" method=\"get\" action=\"/\" role=\"search\" aria-label=\"Filter the changes\">"
    )?;
    let since = f.since.map(|d| d.to_string());
    let until = f.until.map(|d| d.to_string());
    select(
        "leader",
        "Leader",
        "any leader",
        &view.leaders,
        f.leader.as_deref(),
        out,
    )?;
    select(
        "venue",
        "Venue",
        "any venue",
        &view.venues,
        f.venue.as_deref(),
        out,
    )?;
    let stances = [Stance::Proposes, Stance::Rejects].map(|s| s.as_str().to_owned());
    select(
        "stance",
        "Stance (to)",
        "any stance",
        &stances,
        f.stance.map(Stance::as_str),
        out,
    )?;
    let kinds = [ChangeKind::New, ChangeKind::Reversed].map(|k| k.as_str().to_owned());
    select(
        "kind",
        "Kind",
        "any kind",
        &kinds,
        f.kind.map(ChangeKind::as_str),
        out,
    )?;
    input("since", "Since", "date", since.as_deref(), out)?;
    input("until", "Until", "date", until.as_deref(), out)?;
    input("q", "Evidence contains", "search", f.text.as_deref(), out)?;
    writeln!(
        out,
        "<div class=\"actions\"><button type=\"submit\">Apply filters</button> \
         <a class=\"clear\" href=\"/\">Clear filters</a></div>\n</form>"
    )
}

/// A labelled select of `options`, with `current` selected (offered even
/// when it is not among the options, so that the form keeps it).
fn select(
    name: &str,
    label: &str,
    any: &str,
    options: &[String],
    current: Option<&str>,
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"field\"><label for=\"f-{name}\">{label}</label><select id=\"f-{name}\" name=\"{name}\">"
    )?;
    writeln!(out, "<option value=\"\">{any}</option>")?;
    let mut options: Vec<&str> = options.iter().map(String::as_str).collect();
    if let Some(c) = current.filter(|c| !options.contains(c)) {
        options.insert(0, c);
    }
    for o in options {
        let selected = if current == Some(o) { " selected" } else { "" };
        writeln!(
            out,
            "<option value=\"{}\"{selected}>{}</option>",
            Esc(o),
            Esc(o)
        )?;
    }
    writeln!(out, "</select></div>")
}

/// A labelled input of `kind` holding `value`.
fn input(
    name: &str,
    label: &str,
    kind: &str,
    value: Option<&str>,
    out: &mut impl Write,
) -> io::Result<()> {
    writeln!(
        out,
        "<div class=\"field {name}\"><label for=\"f-{name}\">{label}</label>\
         <input id=\"f-{name}\" name=\"{name}\" type=\"{kind}\" value=\"{}\"></div>",
        Esc(value.unwrap_or(""))
    )
}

/// Each leader's current positions, then the newest changes of all.
fn overview(leaders: &[&LeaderData], view: &LiveView, out: &mut impl Write) -> io::Result<()> {
    let filter = &view.filter;
    writeln!(
        out,
        "<section class=\"overview\" aria-labelledby=\"overview-title\">\n\
         <h2 id=\"overview-title\">Overview</h2>\n<h3>Current positions</h3>"
    )?;
    writeln!(
        out,
        "<div class=\"table-wrap\"><table class=\"overview-positions\">\n<thead><tr><th>Leader</th>\
         <th>Venue</th><th>Stance</th><th>Since</th></tr></thead>\n<tbody>"
    )?;
    for l in leaders {
        let leader = format!(
            "<td class=\"leader\"><a href=\"{}\">{}</a></td>",
            Esc(&leader_href(filter, &l.leader)),
            Esc(&l.leader)
        );
        if l.positions.is_empty() {
            writeln!(
                out,
                "<tr data-leader=\"{}\">{leader}<td class=\"empty\" colspan=\"3\">no current position</td></tr>",
                Esc(&l.leader)
            )?;
        }
        for (p, _) in &l.positions {
            let venue_href = view_href(&ChangeFilter {
                venue: Some(p.venue.clone()),
                ..filter.clone()
            });
            writeln!(
                out,
                "<tr data-leader=\"{}\">{leader}<td class=\"venue\"><a href=\"{}\">{}</a></td>\
                 <td class=\"st\">{}</td><td class=\"date\" data-label=\"since\">{}</td></tr>",
                Esc(&l.leader),
                Esc(&venue_href),
                Esc(&p.venue),
                stance_badge(p.stance),
                p.since
            )?;
        }
    }
    writeln!(out, "</tbody></table></div>")?;

    // Newest first: by date, then article, then the log's own order.
    let mut all: Vec<(&str, usize, &Change, &Source)> = (leaders.iter())
        .flat_map(|l| {
            (l.changes.iter().enumerate()).map(move |(i, (c, s))| (l.leader.as_str(), i, c, s))
        })
        .collect();
    let total = all.len();
    all.sort_by(|a, b| (b.2.date, &b.2.article, b.0, b.1).cmp(&(a.2.date, &a.2.article, a.0, a.1)));
    all.truncate(view.newest);
    writeln!(
        out,
        "<h3>Newest changes <span class=\"count\">{}</span></h3>",
        all.len()
    )?;
    if all.len() < total {
        writeln!(
            out,
            "<p class=\"meta\">The {} newest of {}; each leader's section below has the rest.</p>",
            all.len(),
            plural(total, "change", "changes")
        )?;
    }
    if all.is_empty() {
        writeln!(out, "<p class=\"empty\">No changes.</p>")?;
    } else {
        writeln!(out, "<ol class=\"changes newest\">")?;
        for (leader, _, c, source) in all {
            change_item(c, source, Some(leader), out)?;
        }
        writeln!(out, "</ol>")?;
    }
    writeln!(out, "</section>")
}

#[cfg(test)]
mod tests;
