use super::*;
use crate::html::tests::sample;
use crate::html::{render, Output};

/// The filter a query string asks for, read by the one parser.
fn filter(query: &str) -> ChangeFilter {
    query::parse(query, &[]).expect("query parses")
}

/// The changes left, as `leader venue date`.
fn changes_left(data: &ReportData) -> Vec<String> {
    let mut left: Vec<String> = (data.leaders.iter())
        .flat_map(|l| {
            (l.changes.iter()).map(move |(c, _)| format!("{} {} {}", l.leader, c.venue, c.date))
        })
        .collect();
    left.sort();
    left
}

fn live(data: &ReportData, query: &str) -> String {
    let view = LiveView::new(data, filter(query));
    let mut out = Vec::new();
    render(data, Output::Live(&view), &mut out).expect("render");
    String::from_utf8(out).expect("utf-8")
}

fn report(data: &ReportData) -> String {
    let mut out = Vec::new();
    render(data, Output::Report, &mut out).expect("render");
    String::from_utf8(out).expect("utf-8")
}

#[test]
fn each_filter_narrows_the_changes_as_the_store_does() {
    // The sample's log: putin new moscow (01-02, "Come to Moscow."), putin
    // reversed moscow to rejects (01-20, markup in the evidence), zelensky
    // new kyiv (01-05, "Come to Kyiv.").
    let (new_moscow, reversal, kyiv) = (
        "putin moscow 2026-01-02",
        "putin moscow 2026-01-20",
        "zelensky kyiv 2026-01-05",
    );
    let check = |query: &str, expected: &[&str]| {
        assert_eq!(
            changes_left(&narrow(&sample(), &filter(query))),
            expected,
            "{query}"
        );
    };
    check("", &[new_moscow, reversal, kyiv]);
    check("leader=putin", &[new_moscow, reversal]);
    check("leader=nobody", &[]);
    check("venue=kyiv", &[kyiv]);
    check("stance=rejects", &[reversal]);
    check("stance=proposes", &[new_moscow, kyiv]);
    check("kind=new", &[new_moscow, kyiv]);
    check("kind=reversed&leader=zelensky", &[]);
    // Both ends of the range are included.
    check("since=2026-01-05", &[reversal, kyiv]);
    check("until=2026-01-05", &[new_moscow, kyiv]);
    check("since=2026-01-03&until=2026-01-19", &[kyiv]);
    // Text: ASCII case folded, markup and wildcards literal.
    check("q=MOSCOW", &[new_moscow, reversal]);
    check("q=%3CSCRIPT%3E", &[reversal]);
    check("q=come+to+k", &[kyiv]);
    check("q=%25", &[]);
    check("q=_", &[]);
}

#[test]
fn leaders_claims_and_positions_narrow_too() {
    let data = sample();
    // Only the leader: everything of that leader, nothing of the others.
    let z = narrow(&data, &filter("leader=zelensky"));
    assert_eq!(z.leaders.len(), 1);
    assert_eq!(z.leaders[0].claims.len(), 1);
    // Any other filter keeps only the leaders with a matching change.
    let reversed = narrow(&data, &filter("kind=reversed"));
    let names: Vec<&str> = reversed.leaders.iter().map(|l| l.leader.as_str()).collect();
    assert_eq!(names, ["putin"]);
    // The chart's claims: on the venue, in the range; the position (set on
    // 01-20) was not yet held by 01-10.
    let early = narrow(&data, &filter("venue=moscow&until=2026-01-10"));
    let putin = &early.leaders[0];
    let claims: Vec<&str> = putin
        .claims
        .iter()
        .map(|c| c.claim.evidence.as_str())
        .collect();
    assert_eq!(claims, ["Come to Moscow."]);
    assert!(putin.positions.is_empty());
    // A position is held from when it was set: shown for a later range.
    let late = narrow(&data, &filter("since=2026-01-15&stance=rejects"));
    assert_eq!(late.leaders[0].positions.len(), 1);
    assert_eq!(late.leaders[0].claims.len(), 1);
    let historical = narrow(&data, &filter("q=back+in"));
    assert!(historical.leaders.is_empty(), "no change has that text");
}

#[test]
fn narrowing_by_nothing_changes_nothing_and_twice_is_once() {
    let data = sample();
    assert_eq!(
        report(&narrow(&data, &ChangeFilter::default())),
        report(&data)
    );
    for query in ["leader=putin", "q=moscow&since=2026-01-03", "kind=new"] {
        let once = narrow(&data, &filter(query));
        assert_eq!(
            report(&narrow(&once, &filter(query))),
            report(&once),
            "{query}"
        );
    }
}

#[test]
fn the_live_page_needs_nothing_inline() {
    let page = live(&sample(), "");
    for needle in ["<style", "style=", "href=\"javascript", "<img", "url("] {
        assert!(!page.contains(needle), "{needle}");
    }
    // No event handler attributes (`onclick=`).
    for (i, _) in page.match_indices(" on") {
        let name: String = page[i + 1..]
            .chars()
            .take_while(char::is_ascii_alphabetic)
            .collect();
        assert!(!page[i + 1 + name.len()..].starts_with('='), "{name}");
    }
    assert_eq!(page.matches("<script").count(), 1);
    assert!(page.contains("<script src=\"/static/live.js\" defer></script>"));
    assert!(page.contains("<link rel=\"stylesheet\" href=\"/static/venuewatch.css\">"));
    assert!(page.contains("<meta name=\"viewport\""));
    assert!(page.contains("<a class=\"skip\" href=\"#main\">"));
    assert!(page.contains("<main id=\"main\""));
    // Outside <main>, which live.js replaces.
    let marker = page
        .find("<p id=\"updated\" role=\"status\" aria-live=\"polite\" data-events=\"0\"></p>")
        .expect("marker");
    assert!(marker < page.find("<main").expect("main"));
    // Article text stays text: the hostile evidence and source, escaped.
    assert!(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;"));
    assert!(!page.contains("<1>"));
    // Every link stays on the server, but for articles' own pages.
    let source_link = "<a class=\"source-link\" href=\"";
    for (i, _) in page.match_indices("href=\"") {
        let value = &page[i + 6..];
        let ok = value.starts_with('/')
            || value.starts_with('#')
            || (page[..i + 6].ends_with(source_link) && value.starts_with("https://"));
        assert!(ok && !value.starts_with("//"), "{}", &value[..40]);
    }
    assert!(page.trim_end().ends_with("</html>"));
}

#[test]
fn the_form_keeps_the_view_and_offers_what_is_known() {
    let page = live(
        &sample(),
        "leader=putin&venue=moscow&stance=rejects&kind=reversed&since=2026-01-03&until=2026-01-31&q=%22no%22+%3Cb%3E",
    );
    for needle in [
        "<form class=\"filters\" method=\"get\" action=\"/\"",
        "<label for=\"f-leader\">Leader</label><select id=\"f-leader\" name=\"leader\">",
        "<option value=\"\">any leader</option>",
        "<option value=\"putin\" selected>putin</option>",
        "<option value=\"zelensky\">zelensky</option>",
        "<option value=\"moscow\" selected>moscow</option>",
        "<option value=\"istanbul\">istanbul</option>",
        "<option value=\"kyiv\">kyiv</option>",
        "<option value=\"rejects\" selected>rejects</option>",
        "<option value=\"reversed\" selected>reversed</option>",
        "<label for=\"f-since\">Since</label><input id=\"f-since\" name=\"since\" type=\"date\" value=\"2026-01-03\">",
        "<input id=\"f-until\" name=\"until\" type=\"date\" value=\"2026-01-31\">",
        "<input id=\"f-q\" name=\"q\" type=\"search\" value=\"&quot;no&quot; &lt;b&gt;\">",
        "<a class=\"clear\" href=\"/\">Clear filters</a>",
    ] {
        assert!(page.contains(needle), "{needle}");
    }
    // The form's fields are exactly the parser's parameters.
    let names: Vec<&str> = page
        .split(" name=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|n| *n != "viewport" && *n != "generator")
        .collect();
    assert_eq!(names, query::FILTERS);
    // A leader or venue the form does not know is kept all the same.
    let page = live(&sample(), "leader=%3Cnew%3E");
    assert!(page.contains("<option value=\"&lt;new&gt;\" selected>&lt;new&gt;</option>"));
    assert!(page.contains("Nothing matches these filters."));
}

#[test]
fn links_to_a_leader_or_venue_keep_the_other_filters() {
    let page = live(&sample(), "stance=rejects&q=moscow");
    // The index, the overview and the section title: putin's view, with
    // the stance and text kept; written as to_query writes them.
    let putin = "href=\"/?leader=putin&amp;stance=rejects&amp;q=moscow\"";
    assert_eq!(page.matches(putin).count(), 3, "{page}");
    assert!(page.contains("href=\"/?venue=moscow&amp;stance=rejects&amp;q=moscow\""));
    // A leader link replaces the leader of the view.
    let page = live(&sample(), "leader=zelensky&kind=new");
    assert!(page.contains("href=\"/?leader=zelensky&amp;kind=new\""));
    assert!(page.contains("Showing leader zelensky, kind new."));
    assert!(page.contains("<title>venuewatch: live (leader zelensky, kind new)</title>"));
}

#[test]
fn the_overview_lists_positions_and_the_newest_changes_first() {
    let page = live(&sample(), "");
    let overview = &page[page.find("<section class=\"overview\"").expect("overview")
        ..page.find("<section class=\"leader\"").expect("sections")];
    assert_eq!(overview.matches("<tr data-leader=\"putin\">").count(), 1);
    assert!(overview.contains(
        "<tr data-leader=\"zelensky\"><td class=\"leader\"><a href=\"/?leader=zelensky\">zelensky</a></td>\
         <td class=\"empty\" colspan=\"3\">no current position</td></tr>"
    ));
    let dates: Vec<&str> = overview
        .split("<li class=\"change ")
        .skip(1)
        .filter_map(|li| li.split("<time class=\"date\">").nth(1))
        .map(|t| &t[..10])
        .collect();
    assert_eq!(dates, ["2026-01-20", "2026-01-05", "2026-01-02"]);
    assert!(overview.contains(
        "<li class=\"change reversed\" data-leader=\"putin\">\n<div class=\"change-main\">\n\
         <div class=\"change-head\"><time class=\"date\">2026-01-20</time><span class=\"leader\">putin</span>"
    ));
    // With its evidence, source link and diff.
    assert!(overview.contains("<a class=\"source-link\" href=\"https://example.org/"));
    assert!(overview.contains("<span class=\"add\">+moscow: rejects\n</span>"));
    // The sections follow, as in the report (their titles link to views).
    assert_eq!(page.matches("<section class=\"leader\"").count(), 2);
    assert!(
        page.contains("<h2 id=\"leader-putin-title\"><a href=\"/?leader=putin\">putin</a></h2>")
    );

    // At most `newest` changes, and a note saying so.
    let data = sample();
    let mut view = LiveView::new(&data, ChangeFilter::default());
    view.newest = 1;
    let mut out = Vec::new();
    render(&data, Output::Live(&view), &mut out).expect("render");
    let page = String::from_utf8(out).expect("utf-8");
    assert_eq!(
        page.matches("<li class=\"change reversed\" data-leader")
            .count(),
        1
    );
    assert_eq!(page.matches("data-leader=\"zelensky\">\n<div").count(), 0);
    assert!(page.contains("The 1 newest of 3 changes"));
}

#[test]
fn an_empty_log_says_so() {
    let mut data = sample();
    data.leaders.clear();
    let page = live(&data, "");
    assert!(page.contains("No claims recorded yet"));
    assert!(!page.contains("class=\"overview\""));
}
