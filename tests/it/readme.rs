//! The README's review session ("Reviewing what changed: a session"): every
//! `$ ` command in the section's `console` blocks runs in `sh` against the
//! real binary, with a temp folder standing for `/tmp/vw-demo`, and must
//! print exactly what the README shows under it. A `...` in a shown line
//! stands for any text (a timestamp).

use std::path::Path;
use std::process::Command;

const SECTION: &str = "## Reviewing what changed: a session";
/// The folder the README's commands use.
const DEMO: &str = "/tmp/vw-demo";

/// A `$ ` command (with its here-document, if any) and the lines shown
/// under it.
struct Step {
    command: String,
    expected: Vec<String>,
}

/// The steps of the section's `console` blocks, in order.
fn steps(readme: &str) -> Vec<Step> {
    let start = readme.find(SECTION).expect("the README has the section");
    let section = &readme[start + SECTION.len()..];
    let section = &section[..section.find("\n## ").unwrap_or(section.len())];
    let mut steps: Vec<Step> = Vec::new();
    let mut lines = section.lines();
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
fn the_review_session_prints_what_the_readme_shows() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).expect("README.md");
    let steps = steps(&readme);
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
            "`{}` printed what the README does not show.\n--- README\n{}\n--- printed\n{}",
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
