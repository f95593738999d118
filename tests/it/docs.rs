//! The documentation says what is true. The review session
//! (`docs/review.md`): every `$ ` command in the page's `console` blocks runs
//! in `sh` against the real binary, with a temp folder standing for
//! `/tmp/vw-demo`, and must print exactly what the page shows under it (a
//! `...` in a shown line stands for any text: a timestamp). The README's
//! example is an excerpt of that session. Every relative link in the README
//! and in `docs/` leads to a file, and to a heading there when it names one.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The page with the review session.
const REVIEW: &str = "docs/review.md";
/// The folder the session's commands use.
const DEMO: &str = "/tmp/vw-demo";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn read(relative: &str) -> String {
    std::fs::read_to_string(root().join(relative)).unwrap_or_else(|e| panic!("{relative}: {e}"))
}

/// A `$ ` command (with its here-document, if any) and the lines shown
/// under it.
struct Step {
    command: String,
    expected: Vec<String>,
}

/// The steps of a page's `console` blocks, in order.
fn steps(page: &str) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    let mut lines = page.lines();
    let mut in_console = false;
    while let Some(line) = lines.next() {
        if !in_console {
            in_console = line == "```console";
        } else if line == "```" {
            in_console = false;
        } else if let Some(command) = line.strip_prefix("$ ") {
            let mut command = command.to_string();
            if command.contains("<<'EOF'") {
                for body in lines.by_ref() {
                    command.push('\n');
                    command.push_str(body);
                    if body == "EOF" {
                        break;
                    }
                }
            }
            steps.push(Step {
                command,
                expected: Vec::new(),
            });
        } else {
            let step = steps.last_mut().expect("output follows a `$ ` line");
            step.expected.push(line.to_string());
        }
    }
    steps
}

/// Whether `actual` is `expected` with each `...` standing for any text.
fn matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("...").collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return expected == actual;
    };
    let Some(mut rest) = actual
        .strip_prefix(first)
        .and_then(|rest| rest.strip_suffix(last))
    else {
        return false;
    };
    for part in middle {
        match rest.find(part) {
            Some(at) => rest = &rest[at + part.len()..],
            None => return false,
        }
    }
    true
}

#[test]
fn the_review_session_prints_what_the_page_shows() {
    let root = root();
    let steps = steps(&read(REVIEW));
    let commands: Vec<&str> = steps.iter().map(|s| s.command.as_str()).collect();
    for needed in [
        "venuewatch ingest",
        "venuewatch positions",
        "venuewatch changes",
        "venuewatch timeline",
        "venuewatch status",
        "reindex --dry-run",
        "venuewatch report --html",
    ] {
        assert!(
            commands.iter().any(|c| c.contains(needed)),
            "no `{needed}` in the session: {commands:#?}"
        );
    }

    let tmp = tempfile::tempdir().expect("temp dir");
    let demo = std::fs::canonicalize(tmp.path())
        .expect("canonical temp dir")
        .join("vw-demo")
        .display()
        .to_string();
    let bin = Path::new(env!("CARGO_BIN_EXE_venuewatch"))
        .parent()
        .expect("binary's folder");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let path = std::env::join_paths(
        std::iter::once(bin.to_path_buf()).chain(std::env::split_paths(&path)),
    )
    .expect("PATH");

    // Each command runs in a shell of its own; the `export`s before it
    // carry over, as they would in one shell.
    let mut exports = String::new();
    for step in &steps {
        let command = step.command.replace(DEMO, &demo);
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(format!("exec 2>&1\n{exports}{command}"))
            .current_dir(root)
            .env("PATH", &path)
            .env_remove("RUST_LOG")
            .env_remove("NO_COLOR");
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("VENUEWATCH_") {
                cmd.env_remove(key);
            }
        }
        let out = cmd.output().expect("run sh");
        let text = String::from_utf8_lossy(&out.stdout).replace(&demo, DEMO);
        assert!(
            out.status.success(),
            "`{}` failed: {}\n{text}",
            step.command,
            out.status
        );
        let actual: Vec<&str> = text.lines().collect();
        let same = actual.len() == step.expected.len()
            && actual
                .iter()
                .zip(&step.expected)
                .all(|(a, e)| matches(e, a));
        assert!(
            same,
            "`{}` printed what {REVIEW} does not show.\n--- {REVIEW}\n{}\n--- printed\n{}",
            step.command,
            step.expected.join("\n"),
            actual.join("\n")
        );
        if step.command.starts_with("export ") {
            exports.push_str(&command);
            exports.push('\n');
        }
    }
}

#[test]
fn dots_stand_for_any_text_and_nothing_else_does() {
    assert!(matches(
        "last ingest: ...",
        "last ingest: 2026-11-21T05:30:39Z"
    ));
    assert!(matches("a ... c ... e", "a b c d e"));
    assert!(matches("same", "same"));
    assert!(!matches("same", "same "));
    assert!(!matches("last ingest: ...", "last run: 2026-11-21"));
    assert!(!matches("ab...b", "ab"));
    assert!(!matches("a ... c ... e", "a b e"));
}

#[test]
fn the_readme_example_is_an_excerpt_of_the_review_session() {
    let session = steps(&read(REVIEW));
    let example = steps(&read("README.md"));
    assert!(!example.is_empty(), "the README shows an example");
    for shown in &example {
        let step = session
            .iter()
            .find(|s| s.command == shown.command)
            .unwrap_or_else(|| panic!("`{}` is not in {REVIEW}", shown.command));
        assert!(
            step.expected
                .windows(shown.expected.len())
                .any(|w| w == shown.expected.as_slice()),
            "the README shows for `{}` lines that {REVIEW} does not:\n{}",
            shown.command,
            shown.expected.join("\n")
        );
    }
}

/// The anchor GitHub gives a heading: lower case, spaces as hyphens, no
/// punctuation but `-` and `_`.
fn anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a page's headings (outside code blocks).
fn anchors(page: &str) -> BTreeSet<String> {
    let mut in_code = false;
    let mut found = BTreeSet::new();
    for line in page.lines() {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with('#') {
            found.insert(anchor(line.trim_start_matches('#')));
        }
    }
    found
}

/// The targets of a page's Markdown links `[text](target)`.
fn links(page: &str) -> Vec<&str> {
    page.match_indices("](")
        .filter_map(|(at, _)| {
            let rest = &page[at + 2..];
            rest.find(')').map(|end| &rest[..end])
        })
        .collect()
}

#[test]
fn every_link_in_the_readme_and_docs_leads_somewhere() {
    let mut pages = vec![PathBuf::from("README.md")];
    for entry in std::fs::read_dir(root().join("docs")).expect("docs/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "md") {
            pages.push(
                path.strip_prefix(root())
                    .expect("in the repo")
                    .to_path_buf(),
            );
        }
    }
    assert!(pages.len() > 5, "the docs: {pages:?}");
    let mut checked = 0;
    for page in &pages {
        let text = read(&page.display().to_string());
        let folder = page.parent().expect("page's folder");
        for link in links(&text) {
            if link.contains("://") {
                continue;
            }
            let (file, fragment) = link.split_once('#').unwrap_or((link, ""));
            let target = if file.is_empty() {
                page.clone()
            } else {
                folder.join(file)
            };
            let path = root().join(&target);
            assert!(
                path.exists(),
                "{}: the link to {link} leads nowhere",
                page.display()
            );
            if !fragment.is_empty() {
                let headings = anchors(&std::fs::read_to_string(&path).expect("linked page"));
                assert!(
                    headings.contains(fragment),
                    "{}: no heading #{fragment} in {} (there are {headings:?})",
                    page.display(),
                    target.display()
                );
            }
            checked += 1;
        }
    }
    // The README's table alone links to every page in docs/.
    let readme = read("README.md");
    for page in &pages[1..] {
        let link = format!("]({})", page.display());
        assert!(
            readme.contains(&link),
            "the README does not link to {}",
            page.display()
        );
    }
    assert!(checked > 20, "only {checked} links checked");
}

#[test]
fn anchors_are_the_ones_github_makes() {
    assert_eq!(anchor(" Editing the lexicon"), "editing-the-lexicon");
    assert_eq!(
        anchor(" Reviewing what changed: a session"),
        "reviewing-what-changed-a-session"
    );
    assert_eq!(
        anchor(" What was verified, and what was not"),
        "what-was-verified-and-what-was-not"
    );
    assert_eq!(links("see [a](b.md#c) and [d](e)"), ["b.md#c", "e"]);
}
