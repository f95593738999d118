//! Tests of the renderers on a small derived history, through one `render`
//! helper per command: every format, CSV and JSON lines read back, text
//! compared whole.

use jiff::civil::date;

use super::*;
use crate::diff::{derive, Derived, Report};
use crate::extract::{Mark, MarkKind};
use crate::store::Source;

use Stance::{Proposes as P, Rejects as R};

fn report(article: &str, day: i8, claims: &[(&str, Stance, &str)]) -> Report {
    Report {
        article: article.to_string(),
        date: date(2026, 1, day),
        claims: claims
            .iter()
            .map(|&(venue, stance, evidence)| ReportClaim {
                venue: venue.to_string(),
                stance,
                evidence: evidence.to_string(),
            })
            .collect(),
    }
}

/// Putin proposes Moscow, then (in one report) rejects Moscow and proposes
/// Minsk; evidence with the characters formats must escape.
fn putin() -> Derived {
    derive(&[
        report(
            "a.txt",
            1,
            &[(
                "moscow",
                P,
                "\u{201C}Let him come to Moscow,\u{201D} Putin said.",
            )],
        ),
        report(
            "b|1.txt",
            2,
            &[
                (
                    "moscow",
                    R,
                    "Putin said \"Moscow, no\"\nand *not* <now> | ever.",
                ),
                ("minsk", P, "Minsk is ready to host, Putin's aide said."),
            ],
        ),
    ])
}

fn changes() -> Vec<LeaderChange> {
    putin()
        .changes
        .into_iter()
        .map(|change| LeaderChange {
            leader: "putin".to_string(),
            change,
            source: Source::default(),
        })
        .collect()
}

fn positions() -> Vec<LeaderPosition> {
    putin()
        .positions
        .into_iter()
        .map(|position| LeaderPosition {
            leader: "putin".to_string(),
            position,
            source: Source::default(),
        })
        .collect()
}

/// The timeline, no source known for any report.
fn steps() -> Vec<(Step, Source)> {
    putin()
        .steps
        .into_iter()
        .map(|s| (s, Source::default()))
        .collect()
}

/// Where b|1.txt came from: an item of a feed, with an address and a
/// headline holding characters the formats must escape. (Nothing is known
/// of a.txt.)
fn feed_source() -> Source {
    Source {
        file: Some("/data/feeds/b.xml".into()),
        item: Some("b-1".into()),
        url: Some("https://example.org/news/minsk?id=1&lang=en(2)".into()),
        title: Some("Minsk \"ready\" | *not* <now>".into()),
    }
}

/// The source of an article by its name: [`feed_source`] for b|1.txt.
fn source_of(article: &str) -> Source {
    match article {
        "b|1.txt" => feed_source(),
        _ => Source::default(),
    }
}

fn sourced_changes() -> Vec<LeaderChange> {
    changes()
        .into_iter()
        .map(|c| LeaderChange {
            source: source_of(&c.change.article),
            ..c
        })
        .collect()
}

fn sourced_positions() -> Vec<LeaderPosition> {
    positions()
        .into_iter()
        .map(|p| LeaderPosition {
            source: source_of(&p.position.article),
            ..p
        })
        .collect()
}

fn sourced_steps() -> Vec<(Step, Source)> {
    steps()
        .into_iter()
        .map(|(s, _)| {
            let source = source_of(&s.article);
            (s, source)
        })
        .collect()
}

/// Marks every occurrence of the venue's capitalised name and of "come to"
/// and "ready to host": a stand-in for the extractor's marks.
fn marks(c: &LeaderChange) -> Vec<Mark> {
    let venue = c.change.venue.clone();
    let venue = venue[..1].to_uppercase() + &venue[1..];
    let mut marks: Vec<Mark> = [
        (venue.as_str(), MarkKind::Venue),
        ("come to", MarkKind::Cue),
        ("ready to host", MarkKind::Cue),
    ]
    .into_iter()
    .flat_map(|(phrase, kind)| {
        c.change
            .evidence
            .match_indices(phrase)
            .map(move |(at, p)| Mark {
                range: at..at + p.len(),
                kind,
            })
            .collect::<Vec<_>>()
    })
    .collect();
    marks.sort_by_key(|m| m.range.start);
    marks
}

fn render(f: impl FnOnce(&mut Vec<u8>) -> io::Result<()>) -> String {
    let mut out = Vec::new();
    f(&mut out).expect("render");
    String::from_utf8(out).expect("UTF-8")
}

fn changes_in(format: Format, color: bool) -> String {
    render(|out| render_changes(format, &changes(), Style { color }, &marks, out))
}

#[test]
fn changes_text_reads_like_git_log() {
    let got = changes_in(Format::Text, false);
    let want = r#"report a.txt
Date:   2026-01-01

    putin new moscow: none -> proposes
    "“Let him come to Moscow,” Putin said."
    --- before
    +++ after
    @@ -0,0 +1 @@
    +moscow: proposes

report b|1.txt
Date:   2026-01-02

    putin reversed moscow: proposes -> rejects
    previously: a.txt
    "Putin said "Moscow, no"
and *not* <now> | ever."
    --- before
    +++ after
    @@ -1 +1 @@
    -moscow: proposes
    +moscow: rejects

    putin new minsk: none -> proposes
    "Minsk is ready to host, Putin's aide said."
    --- before
    +++ after
    @@ -1 +1,2 @@
    +minsk: proposes
     moscow: rejects
"#;
    assert_eq!(got, want, "\n{got}");
}

#[test]
fn color_only_when_asked() {
    let plain = changes_in(Format::Text, false);
    assert!(!plain.contains('\x1b'), "{plain}");
    let colored = changes_in(Format::Text, true);
    for (what, needle) in [
        ("report header", "\x1b[33mreport a.txt\x1b[0m"),
        ("added line", "\x1b[32m+moscow: proposes\x1b[0m"),
        ("removed line", "\x1b[31m-moscow: proposes\x1b[0m"),
        ("hunk", "\x1b[36m@@ -0,0 +1 @@\x1b[0m"),
        ("venue", "\x1b[1;36mMoscow\x1b[0m"),
        ("cue", "\x1b[1;35mcome to\x1b[0m"),
        ("new stance", "-> \x1b[32mproposes\x1b[0m"),
    ] {
        assert!(colored.contains(needle), "{what}: {colored:?}");
    }
    // Without the escapes it is the plain text.
    let mut stripped = String::new();
    let mut rest = colored.as_str();
    while let Some(at) = rest.find('\x1b') {
        stripped.push_str(&rest[..at]);
        let end = rest[at..].find('m').expect("SGR end");
        rest = &rest[at + end + 1..];
    }
    stripped.push_str(rest);
    assert_eq!(stripped, plain);
}

#[test]
fn json_is_the_list_jsonl_its_elements() {
    let list: Vec<serde_json::Value> =
        serde_json::from_str(&changes_in(Format::Json, true)).expect("JSON list");
    assert_eq!(list.len(), 3);
    assert_eq!(list[1]["previous_article"], "a.txt");
    let lines: Vec<serde_json::Value> = changes_in(Format::Jsonl, true)
        .lines()
        .map(|l| serde_json::from_str(l).expect("one object per line"))
        .collect();
    assert_eq!(lines, list);
    // Color never leaks into data.
    assert!(!changes_in(Format::Jsonl, true).contains('\x1b'));
}

/// Reads CSV back: the header and the records.
fn read_csv(text: &str) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let header = r
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = r
        .records()
        .map(|rec| rec.expect("record").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn csv_quotes_commas_quotes_and_line_breaks() {
    let text = changes_in(Format::Csv, true);
    assert!(
        text.contains("\"Putin said \"\"Moscow, no\"\"\nand *not* <now> | ever.\""),
        "{text}"
    );
    let (header, rows) = read_csv(&text);
    assert_eq!(header, CHANGE_COLUMNS);
    assert_eq!(rows.len(), 3);
    let all = changes();
    for (row, c) in rows.iter().zip(&all) {
        assert_eq!(row[8], c.change.evidence);
        assert_eq!(row[9], c.change.diff);
    }
    assert_eq!(rows[0][3], "", "no previous stance is an empty field");
    assert_eq!(rows[1][3], "proposes");
}

#[test]
fn csv_columns_are_the_json_fields_in_order() {
    let json_keys = |text: &str| -> Vec<String> {
        let v: serde_json::Value = serde_json::from_str(text).expect("json");
        let first = v.as_array().and_then(|a| a.first()).cloned().expect("one");
        let mut keys: Vec<String> = first.as_object().expect("object").keys().cloned().collect();
        keys.sort();
        keys
    };
    // Compared as sets: the JSON map's key order is serde_json's business.
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    };
    assert_eq!(
        json_keys(&changes_in(Format::Json, false)),
        sorted(&CHANGE_COLUMNS)
    );
    let pos = render(|o| render_positions(Format::Json, &positions(), o));
    assert_eq!(json_keys(&pos), sorted(&POSITION_COLUMNS));
    // And the order: a header-writing serializer agrees with ours.
    for (columns, text) in [
        (&CHANGE_COLUMNS[..], changes_in(Format::Csv, false)),
        (
            &POSITION_COLUMNS[..],
            render(|o| render_positions(Format::Csv, &positions(), o)),
        ),
        (
            &STEP_COLUMNS[..],
            render(|o| render_timeline(Format::Csv, "putin", &steps(), o)),
        ),
    ] {
        let first = text.lines().next().expect("header");
        assert_eq!(first, columns.join(","));
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    w.serialize(change_view(&changes()[0])).expect("serialize");
    let auto = String::from_utf8(w.into_inner().expect("flush")).expect("utf8");
    assert_eq!(auto.lines().next(), Some(CHANGE_COLUMNS.join(",").as_str()));
}

#[test]
fn empty_csv_still_has_its_header() {
    let text = render(|o| render_changes(Format::Csv, &[], Style::default(), &marks, o));
    assert_eq!(text, format!("{}\n", CHANGE_COLUMNS.join(",")));
    let text = render(|o| render_changes(Format::Jsonl, &[], Style::default(), &marks, o));
    assert_eq!(text, "");
}

#[test]
fn changes_markdown_has_a_heading_per_report_and_diff_blocks() {
    let got = changes_in(Format::Markdown, false);
    let want = r#"# Change log

## 2026-01-01 · a.txt

- **putin** new **moscow**: none → proposes

  > “Let him *come to* **Moscow**,” Putin said.

  ```diff
  --- before
  +++ after
  @@ -0,0 +1 @@
  +moscow: proposes
  ```

## 2026-01-02 · b\|1.txt

- **putin** reversed **moscow**: proposes → rejects

  Previously: a.txt

  > Putin said "**Moscow**, no" and \*not\* \<now\> \| ever.

  ```diff
  --- before
  +++ after
  @@ -1 +1 @@
  -moscow: proposes
  +moscow: rejects
  ```

- **putin** new **minsk**: none → proposes

  > **Minsk** is *ready to host*, Putin's aide said.

  ```diff
  --- before
  +++ after
  @@ -1 +1,2 @@
  +minsk: proposes
   moscow: rejects
  ```
"#;
    assert_eq!(got, want, "\n{got}");
}

#[test]
fn positions_and_timeline_as_markdown_tables() {
    let got = render(|o| render_positions(Format::Markdown, &positions(), o));
    let want = "| leader | venue | stance | since | last seen | article | evidence |
| --- | --- | --- | --- | --- | --- | --- |
| putin | minsk | proposes | 2026-01-02 | 2026-01-02 | b\\|1.txt | Minsk is ready to host, Putin's aide said. |
| putin | moscow | rejects | 2026-01-02 | 2026-01-02 | b\\|1.txt | Putin said \"Moscow, no\" and \\*not\\* \\<now\\> \\| ever. |
";
    assert_eq!(got, want, "\n{got}");
    let got = render(|o| render_timeline(Format::Markdown, "putin", &steps(), o));
    assert!(got.starts_with("# Timeline: putin\n\n| date | article | claims | position after |\n"));
    assert!(
        got.contains("| 2026-01-02 | b\\|1.txt | rejects **moscow**: “Putin said"),
        "{got}"
    );
    assert!(
        got.contains("| minsk: proposes<br>moscow: rejects |"),
        "{got}"
    );
    assert_eq!(
        got.lines().count(),
        2 + 2 + 2,
        "title, blank, header, rule, a row per report"
    );
}

#[test]
fn timeline_csv_has_a_row_per_claim() {
    let text = render(|o| render_timeline(Format::Csv, "putin", &steps(), o));
    let (_, rows) = read_csv(&text);
    let got: Vec<(&str, &str, &str)> = rows
        .iter()
        .map(|r| (r[1].as_str(), r[2].as_str(), r[3].as_str()))
        .collect();
    assert_eq!(
        got,
        [
            ("a.txt", "moscow", "proposes"),
            ("b|1.txt", "moscow", "rejects"),
            ("b|1.txt", "minsk", "proposes")
        ]
    );
    assert_eq!(rows[2][5], "minsk: proposes\nmoscow: rejects\n");
}

#[test]
fn marks_are_shown_and_bad_ones_skipped() {
    let text = "Let him come to Moscow.";
    let m = |start: usize, end: usize, kind| Mark {
        range: start..end,
        kind,
    };
    let marks = [
        m(8, 15, MarkKind::Cue),
        m(10, 12, MarkKind::Venue), // overlaps the cue
        m(16, 22, MarkKind::Venue),
        m(20, 99, MarkKind::Leader), // past the end
    ];
    assert_eq!(
        table::marked(text, &marks, Markup::Ansi),
        "Let him \x1b[1;35mcome to\x1b[0m \x1b[1;36mMoscow\x1b[0m."
    );
    assert_eq!(
        table::marked(text, &marks, Markup::Markdown),
        "Let him *come to* **Moscow**."
    );
    // A range inside a character is no boundary: skipped.
    assert_eq!(
        table::marked("Kyïv", &[m(0, 3, MarkKind::Venue)], Markup::Markdown),
        "Kyïv"
    );
}

#[test]
fn fences_outlast_backticks() {
    assert_eq!(table::fence("no ticks"), "```");
    assert_eq!(table::fence("a ``` b"), "````");
    assert_eq!(table::fence("`````"), "``````");
}

#[test]
fn markdown_escapes_markup() {
    assert_eq!(
        table::md("a|b *c* _d_ `e` [f](g) <h> #i \\ & ~"),
        "a\\|b \\*c\\* \\_d\\_ \\`e\\` \\[f\\](g) \\<h\\> \\#i \\\\ \\& \\~"
    );
    assert_eq!(table::md("two\r\nlines"), "two lines");
}

mod reindex {
    use super::*;
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

mod alert {
    use super::*;
    use crate::diff::{Change, ChangeKind};

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
            source: Source {
                file: Some("/data/feeds/c.xml".into()),
                item: Some("c-3".into()),
                url: Some("https://example.org/c".into()),
                title: Some("Putin invites Zelensky".into()),
            },
        };
        let mut log = Vec::new();
        render_changes(
            Format::Json,
            std::slice::from_ref(&change),
            Style::default(),
            &|_| Vec::new(),
            &mut log,
        )
        .expect("render");
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
        // Where the change came from, to click through to.
        for (key, value) in [
            ("url", "https://example.org/c"),
            ("title", "Putin invites Zelensky"),
            ("file", "/data/feeds/c.xml"),
            ("item", "c-3"),
        ] {
            assert_eq!(alert[key], value, "{key}");
        }
    }
}

/// Tests of what every format shows of a report's source: one report
/// ([`feed_source`]) with everything known, one with nothing.
mod sources {
    use super::*;

    /// The text formats' rendering of [`feed_source`].
    const SHOWN: &str =
        "https://example.org/news/minsk?id=1&lang=en(2) \"Minsk \"ready\" | *not* <now>\"";

    fn sourced_changes_in(format: Format) -> String {
        render(|out| render_changes(format, &sourced_changes(), Style::default(), &marks, out))
    }

    #[test]
    fn text_adds_a_source_line_only_when_there_is_more_than_the_name() {
        // Changes: under the report's header, aligned with its date.
        let plain = changes_in(Format::Text, false);
        assert_eq!(
            sourced_changes_in(Format::Text),
            plain.replace(
                "Date:   2026-01-02\n",
                &format!("Date:   2026-01-02\nSource: {SHOWN}\n")
            )
        );
        // Positions: under the evidence, aligned with it.
        let got = render(|o| render_positions(Format::Text, &sourced_positions(), o));
        let want = format!(
            r#"leader  venue   stance    since       last_seen   article
putin   minsk   proposes  2026-01-02  2026-01-02  b|1.txt
        "Minsk is ready to host, Putin's aide said."
        source: {SHOWN}
putin   moscow  rejects   2026-01-02  2026-01-02  b|1.txt
        "Putin said "Moscow, no"
and *not* <now> | ever."
        source: {SHOWN}
"#
        );
        assert_eq!(got, want, "\n{got}");
        let plain = render(|o| render_positions(Format::Text, &positions(), o));
        assert_eq!(
            plain,
            want.replace(&format!("        source: {SHOWN}\n"), "")
        );
        // Timeline: under the report's line, as indented as "position after".
        let got = render(|o| render_timeline(Format::Text, "putin", &sourced_steps(), o));
        let plain = render(|o| render_timeline(Format::Text, "putin", &steps(), o));
        assert_eq!(
            got,
            plain.replace(
                "2026-01-02  b|1.txt\n",
                &format!("2026-01-02  b|1.txt\n  source: {SHOWN}\n")
            )
        );
        assert!(
            plain.starts_with("2026-01-01  a.txt\n    proposes moscow:"),
            "{plain}"
        );
    }

    #[test]
    fn the_source_line_says_what_the_name_does_not() {
        let line = |file: bool, item: Option<&str>, url: Option<&str>, title: Option<&str>| {
            source_text(&Source {
                file: file.then(|| "/data/a".to_string()),
                item: item.map(str::to_string),
                url: url.map(str::to_string),
                title: title.map(str::to_string),
            })
        };
        // A .txt file: its name leads to it; the output stays as it was.
        assert_eq!(line(true, None, None, Some("Headline")), None);
        assert_eq!(line(false, None, None, None), None);
        // An item of a file of many: its headline tells it from the others.
        assert_eq!(
            line(true, Some("7"), None, Some("Headline")).as_deref(),
            Some("\"Headline\"")
        );
        assert_eq!(line(true, Some("7"), None, None), None);
        assert_eq!(
            line(true, None, Some("https://example.org/a"), None).as_deref(),
            Some("https://example.org/a")
        );
        // A blank field is no field.
        assert_eq!(
            line(true, Some("7"), Some("  "), Some(" Headline ")).as_deref(),
            Some("\"Headline\"")
        );
        // Nothing in a headline or address acts on the terminal.
        assert_eq!(
            line(
                true,
                Some("7"),
                Some("https://example.org/\x1b[2J"),
                Some("Two\nlines\x1b]0;pwned\x07")
            )
            .as_deref(),
            Some("https://example.org/\\u{1b}[2J \"Two lines\\u{1b}]0;pwned\\u{7}\"")
        );
    }

    #[test]
    fn json_and_jsonl_carry_the_source_or_null() {
        let source_of = |v: &serde_json::Value| {
            ["url", "title", "file", "item"].map(|k| v[k].as_str().map(str::to_string))
        };
        let full = |v: &serde_json::Value| {
            assert_eq!(
                source_of(v),
                [
                    feed_source().url,
                    feed_source().title,
                    feed_source().file,
                    feed_source().item
                ],
                "{v}"
            );
        };
        let none = |v: &serde_json::Value| {
            for key in ["url", "title", "file", "item"] {
                assert!(v.get(key).is_some_and(|f| f.is_null()), "{key}: {v}");
            }
        };
        let list = |text: &str| -> Vec<serde_json::Value> {
            serde_json::from_str(text).expect("JSON list")
        };
        let lines = |text: &str| -> Vec<serde_json::Value> {
            text.lines()
                .map(|l| serde_json::from_str(l).expect("JSON line"))
                .collect()
        };

        let change_list = list(&sourced_changes_in(Format::Json));
        assert_eq!(lines(&sourced_changes_in(Format::Jsonl)), change_list);
        none(&change_list[0]);
        full(&change_list[1]);
        full(&change_list[2]);

        let position_list = list(&render(|o| {
            render_positions(Format::Json, &sourced_positions(), o)
        }));
        let jsonl = render(|o| render_positions(Format::Jsonl, &sourced_positions(), o));
        assert_eq!(lines(&jsonl), position_list);
        full(&position_list[0]);
        let plain = list(&render(|o| render_positions(Format::Json, &positions(), o)));
        none(&plain[0]);

        let step_list = list(&render(|o| {
            render_timeline(Format::Json, "putin", &sourced_steps(), o)
        }));
        let jsonl = render(|o| render_timeline(Format::Jsonl, "putin", &sourced_steps(), o));
        assert_eq!(lines(&jsonl), step_list);
        none(&step_list[0]);
        full(&step_list[1]);
    }

    #[test]
    fn csv_has_the_source_columns_last() {
        let want = |row: &[String]| {
            let n = row.len();
            assert_eq!(
                row[n - 4..],
                [
                    "https://example.org/news/minsk?id=1&lang=en(2)",
                    "Minsk \"ready\" | *not* <now>",
                    "/data/feeds/b.xml",
                    "b-1"
                ]
            );
        };
        let blank = |row: &[String]| assert_eq!(row[row.len() - 4..], ["", "", "", ""]);

        let (header, rows) = read_csv(&sourced_changes_in(Format::Csv));
        assert_eq!(header[header.len() - 4..], ["url", "title", "file", "item"]);
        assert_eq!(header, CHANGE_COLUMNS);
        blank(&rows[0]);
        want(&rows[1]);
        want(&rows[2]);

        let text = render(|o| render_positions(Format::Csv, &sourced_positions(), o));
        let (header, rows) = read_csv(&text);
        assert_eq!(header, POSITION_COLUMNS);
        assert_eq!(header[header.len() - 4..], ["url", "title", "file", "item"]);
        want(&rows[0]);

        let text = render(|o| render_timeline(Format::Csv, "putin", &sourced_steps(), o));
        let (header, rows) = read_csv(&text);
        assert_eq!(header, STEP_COLUMNS);
        assert_eq!(header[header.len() - 4..], ["url", "title", "file", "item"]);
        blank(&rows[0]);
        want(&rows[1]);
        want(&rows[2]);
    }

    /// [`feed_source`]'s link and headline in Markdown.
    const LINK: &str = r"[b\|1.txt](https://example.org/news/minsk?id=1\&lang=en\(2\))";
    const TITLE: &str = r#"*Minsk "ready" \| \*not\* \<now\>*"#;

    #[test]
    fn markdown_links_the_name_and_shows_the_headline() {
        let got = sourced_changes_in(Format::Markdown);
        let plain = changes_in(Format::Markdown, false);
        assert_eq!(
            got,
            plain.replace(
                "## 2026-01-02 · b\\|1.txt\n",
                &format!("## 2026-01-02 · {LINK}\n\n{TITLE}\n")
            ),
            "\n{got}"
        );

        let got = render(|o| render_positions(Format::Markdown, &sourced_positions(), o));
        assert!(
            got.contains(&format!(
                "| putin | minsk | proposes | 2026-01-02 | 2026-01-02 | {LINK}<br>{TITLE} | Minsk"
            )),
            "\n{got}"
        );
        assert_eq!(got.lines().count(), 4, "header, rule, a row per position");

        let got = render(|o| render_timeline(Format::Markdown, "putin", &sourced_steps(), o));
        assert!(got.contains("| 2026-01-01 | a.txt | proposes"), "\n{got}");
        assert!(
            got.contains(&format!("| 2026-01-02 | {LINK}<br>{TITLE} | rejects")),
            "\n{got}"
        );
    }

    #[test]
    fn markdown_links_only_web_addresses() {
        let with_url = |url: &str| Source {
            url: Some(url.into()),
            title: Some("T".into()),
            ..Source::default()
        };
        assert_eq!(
            md_article_cell("a.txt", &with_url("javascript:alert(1)")),
            "a.txt<br>*T*<br>javascript:alert(1)"
        );
        assert_eq!(
            md_article_cell("a.txt", &with_url("[x](javascript:alert(1))")),
            "a.txt<br>*T*<br>\\[x\\](javascript:alert(1))"
        );
        assert_eq!(
            md_article_cell("a.txt", &with_url("https://example.org/a")),
            "[a.txt](https://example.org/a)<br>*T*"
        );
        assert_eq!(md_article_cell("a.txt", &Source::default()), "a.txt");
    }

    #[test]
    fn a_link_destination_cannot_break_out() {
        assert_eq!(
            table::md_link("a", "https://example.org/a b|c`d<e>f\"g\\h(i)&j"),
            r"[a](https://example.org/a%20b%7Cc%60d%3Ce%3Ef%22g%5Ch\(i\)\&j)"
        );
        // Non-ASCII letters stay readable; control characters do not stay.
        assert_eq!(
            table::md_link("a", "https://example.org/Київ\u{85}\u{a0}"),
            "[a](https://example.org/Київ%C2%85%C2%A0)"
        );
    }

    #[test]
    fn web_addresses_are_absolute_http_or_https() {
        for url in [
            "https://example.org/a",
            "http://example.org",
            "HTTPS://EXAMPLE.ORG/",
        ] {
            assert!(is_web_url(url), "{url}");
        }
        for url in [
            "javascript:alert(1)",
            "javascript://example.org/%0aalert(1)",
            "data:text/html,x",
            "file:///etc/passwd",
            "ftp://example.org/a",
            "//example.org/a",
            "/a",
            "https://",
            "https:///a",
            " https://example.org/a",
            "https://example.org/a b",
            "https://example.org/\na",
            "",
        ] {
            assert!(!is_web_url(url), "{url:?}");
        }
    }
}
