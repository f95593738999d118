//! Reviewing the change log: `--format` on the query commands, `--color`
//! and `NO_COLOR`, and that progress never reaches piped output; the real
//! binary on the seeds.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use crate::cli::copy_seeds;
use crate::util::Workspace;

/// A workspace with the seeds ingested.
fn seeded() -> Workspace {
    let ws = Workspace::new();
    copy_seeds(&ws.dir);
    ws.run(&["ingest"]);
    ws
}

fn stdout(ws: &Workspace, args: &[&str]) -> String {
    String::from_utf8(ws.run(args).stdout).expect("UTF-8 output")
}

fn list_len(v: &Value) -> usize {
    v.as_array().expect("JSON list").len()
}

#[test]
fn json_flag_is_format_json() {
    let ws = seeded();
    for cmd in [&["changes"][..], &["positions"], &["timeline", "putin"]] {
        let flag = stdout(&ws, &[cmd, &["--json"]].concat());
        let format = stdout(&ws, &[cmd, &["--format", "json"]].concat());
        assert_eq!(flag, format, "{cmd:?}");
        assert!(list_len(&serde_json::from_str(&flag).expect("json")) > 0);
    }
    let out = ws
        .cmd(&["changes", "--json", "--format", "csv"])
        .output()
        .expect("run");
    assert!(!out.status.success(), "--json and --format conflict");
}

#[test]
fn jsonl_lines_are_the_json_elements() {
    let ws = seeded();
    for cmd in [&["changes"][..], &["positions"], &["timeline", "putin"]] {
        let list = ws.json(&[cmd, &["--json"]].concat());
        let text = stdout(&ws, &[cmd, &["--format", "jsonl"]].concat());
        let lines: Vec<Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).expect("each line is one JSON object"))
            .collect();
        assert_eq!(Value::Array(lines), list, "{cmd:?}");
    }
}

#[test]
fn csv_parses_back_to_the_json_rows() {
    let ws = seeded();
    for cmd in [&["changes"][..], &["positions"]] {
        let list = ws.json(&[cmd, &["--json"]].concat());
        let text = stdout(&ws, &[cmd, &["--format", "csv"]].concat());
        let mut reader = csv::Reader::from_reader(text.as_bytes());
        let header: Vec<String> = reader
            .headers()
            .expect("header row")
            .iter()
            .map(str::to_string)
            .collect();
        let rows: Vec<csv::StringRecord> =
            reader.records().collect::<Result<_, _>>().expect("records");
        assert_eq!(rows.len(), list_len(&list), "{cmd:?}: a row per element");
        // Every field is the JSON value's text (null as empty), evidence and
        // diffs with their commas, quotes and line breaks included.
        for (row, element) in rows.iter().zip(list.as_array().expect("list")) {
            for (column, field) in header.iter().zip(row.iter()) {
                let want = match &element[column] {
                    Value::Null => String::new(),
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                assert_eq!(field, want, "{cmd:?} column {column}");
            }
        }
    }
    // The timeline has a row per claim of each report.
    let steps = ws.json(&["timeline", "putin", "--json"]);
    let claims: usize = steps
        .as_array()
        .expect("list")
        .iter()
        .map(|s| list_len(&s["claims"]))
        .sum();
    let text = stdout(&ws, &["timeline", "putin", "--format", "csv"]);
    let rows = csv::Reader::from_reader(text.as_bytes()).records().count();
    assert_eq!(rows, claims);
}

#[test]
fn every_view_says_where_a_claim_came_from() {
    let ws = seeded();
    let timeline = ws.json(&["timeline", "putin", "--json"]);
    let positions = ws.json(&["positions", "--json"]);
    let changes = ws.json(&["changes", "--json"]);
    let mut titled = 0;
    for element in [&timeline, &positions, &changes]
        .into_iter()
        .flat_map(|list| list.as_array().expect("list"))
    {
        // A seed is a .txt file: the file holding it, its headline when it
        // has one, no address and no item.
        let article = element["article"].as_str().expect("article");
        let file = element["file"].as_str().expect("file");
        let held = std::fs::canonicalize(ws.dir.join(article)).expect("the article's file");
        assert_eq!(Path::new(file), held, "{element}");
        assert!(
            element["url"].is_null() && element["item"].is_null(),
            "{element}"
        );
        titled += usize::from(element["title"].is_string());
    }
    assert!(titled > 0, "no seed has a title");
    // The text shows the name, which leads to the file: as it always did.
    for cmd in [&["changes"][..], &["positions"], &["timeline", "putin"]] {
        let text = stdout(&ws, cmd);
        assert!(
            !text.to_lowercase().contains("source: "),
            "{cmd:?}:\n{text}"
        );
    }
    // Markdown shows the headline under the name.
    let title = positions
        .as_array()
        .expect("list")
        .iter()
        .find_map(|p| p["title"].as_str())
        .expect("a position's article with a title");
    let table = stdout(&ws, &["positions", "--format", "markdown"]);
    assert!(table.contains(&format!("<br>*{title}*")), "{table}");
}

#[test]
fn markdown_has_a_heading_per_report_and_a_diff_per_change() {
    let ws = seeded();
    let list = ws.json(&["changes", "--json"]);
    let mut reports: Vec<(String, String)> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().expect(k).to_string();
            (s("date"), s("article"))
        })
        .collect();
    reports.dedup();
    let md = stdout(&ws, &["changes", "--format", "markdown"]);
    let headings: Vec<&str> = md.lines().filter(|l| l.starts_with("## ")).collect();
    assert_eq!(headings.len(), reports.len(), "{md}");
    for (heading, (date, _)) in headings.iter().zip(&reports) {
        assert!(heading.starts_with(&format!("## {date} · ")), "{heading}");
    }
    assert_eq!(md.matches("```diff\n").count(), list_len(&list), "{md}");
    // The lexicon marks the venue in the evidence (seed 003: "Moscow").
    assert!(md.contains("**Moscow**"), "{md}");
    let table = stdout(&ws, &["positions", "--format", "markdown"]);
    let rows = table.lines().filter(|l| l.starts_with("| ")).count();
    // The header, the rule, a row per position.
    assert_eq!(rows, 2 + list_len(&ws.json(&["positions", "--json"])));
}

#[test]
fn text_changes_group_by_report_oldest_first() {
    let ws = seeded();
    let list = ws.json(&["changes", "--json"]);
    let text = stdout(&ws, &["changes"]);
    let dates: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("Date:   "))
        .collect();
    let mut sorted = dates.clone();
    sorted.sort();
    assert_eq!(dates, sorted, "oldest first");
    let mut reports: Vec<String> = list
        .as_array()
        .expect("list")
        .iter()
        .map(|c| c["article"].as_str().expect("article").to_string())
        .collect();
    reports.dedup();
    let headers: Vec<&str> = text
        .lines()
        .filter_map(|l| l.strip_prefix("report "))
        .collect();
    assert_eq!(headers, reports);
    assert_eq!(text.matches(" -> ").count(), list_len(&list));
}

#[test]
fn color_always_never_and_piped() {
    let ws = seeded();
    let always = stdout(&ws, &["changes", "--color", "always"]);
    assert!(always.contains("\x1b["), "{always}");
    // The diff's added lines are green, and the venue is marked.
    assert!(always.contains("\x1b[32m+"), "{always}");
    assert!(always.contains("\x1b[1;36m"), "{always}");
    // Global: also before the subcommand.
    assert_eq!(stdout(&ws, &["--color", "always", "changes"]), always);
    // `always` wins over NO_COLOR: asked for explicitly.
    let out = ws
        .cmd(&["changes", "--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .expect("run");
    assert_eq!(String::from_utf8_lossy(&out.stdout), always);
    for args in [
        &["changes", "--color", "never"][..],
        &["changes"],
        &["changes", "--color", "auto"],
    ] {
        let text = stdout(&ws, args);
        assert!(!text.contains('\x1b'), "{args:?}: {text}");
    }
    // Data formats never carry color.
    for format in ["json", "jsonl", "csv", "markdown"] {
        let text = stdout(&ws, &["changes", "--color", "always", "--format", format]);
        assert!(!text.contains('\x1b'), "{format}");
    }
}

/// Runs `venuewatch ARGS` with stdout and stderr on a pseudo-terminal
/// (through util-linux `script`), returning what the terminal showed.
fn on_terminal(ws: &Workspace, args: &str, no_color: Option<&str>) -> Option<String> {
    let line = format!(
        "{} {args} --dir {} --state {}",
        env!("CARGO_BIN_EXE_venuewatch"),
        ws.dir.display(),
        ws.state.display()
    );
    let mut cmd = Command::new("script");
    cmd.args(["-qec", &line, "/dev/null"])
        .env_remove("NO_COLOR")
        .env("RUST_LOG", "warn");
    if let Some(v) = no_color {
        cmd.env("NO_COLOR", v);
    }
    match cmd.output() {
        Ok(out) => {
            assert!(
                out.status.success(),
                "{}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(String::from_utf8_lossy(&out.stdout).into_owned())
        }
        // Not every system has `script`; the piped cases above still run.
        Err(err) => {
            eprintln!("skipped: cannot run script(1): {err}");
            None
        }
    }
}

#[test]
fn auto_colors_a_terminal_unless_no_color() {
    let ws = seeded();
    let Some(tty) = on_terminal(&ws, "changes", None) else {
        return;
    };
    assert!(tty.contains("\x1b[32m+"), "{tty}");
    let Some(tty) = on_terminal(&ws, "changes", Some("1")) else {
        return;
    };
    assert!(!tty.contains('\x1b'), "{tty}");
    // An empty NO_COLOR is unset (no-color.org).
    let Some(tty) = on_terminal(&ws, "changes", Some("")) else {
        return;
    };
    assert!(tty.contains('\x1b'), "{tty}");
}

#[test]
fn piped_ingest_prints_no_progress() {
    let ws = Workspace::new();
    copy_seeds(&ws.dir);
    let out = ws.run(&["ingest"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.starts_with("articles: 5 new"), "{stdout}");
    assert_eq!(stdout.lines().count(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    // Log lines only: no bar, no carriage returns, no cursor movement.
    assert!(
        !stderr.contains('\r') && !stderr.contains("\x1b["),
        "{stderr:?}"
    );
    assert!(
        stderr
            .lines()
            .all(|l| l.contains("INFO") || l.contains("WARN")),
        "{stderr}"
    );
}
