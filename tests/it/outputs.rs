//! The outputs that speed work must leave as they are: `extract --json`,
//! `positions --json` and `changes --json` over a small fixed corpus (the
//! seeds, the dev texts, and generated articles in every input format),
//! compared byte for byte with the copies kept in `tests/fixtures/outputs/`.
//!
//! A change that is meant to change what is extracted (a rule, the lexicon)
//! rewrites the copies with `VENUEWATCH_BLESS=1 cargo test --release --test
//! it outputs::`, and the copies' diff goes into review with it.

use std::path::{Path, PathBuf};

use crate::util::{seed_files, Workspace};

#[allow(dead_code)]
#[path = "../../examples/corpus/mod.rs"]
mod corpus;

/// How many generated articles of each kind the corpus holds.
const PLAIN: u64 = 120;
const MIXED: u64 = 60;

fn kept_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/outputs")
}

/// Fills `dir` with the corpus: the same files on every run.
fn write_corpus(dir: &Path) {
    for seed in seed_files() {
        std::fs::copy(&seed, dir.join(seed.file_name().expect("name"))).expect("copy seed");
    }
    let dev = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dev");
    for entry in std::fs::read_dir(dev).expect("tests/fixtures/dev") {
        let path = entry.expect("entry").path();
        let name = format!("dev-{}", path.file_name().expect("name").to_string_lossy());
        std::fs::copy(&path, dir.join(name)).expect("copy dev text");
    }
    for i in 0..PLAIN {
        let (bytes, _) = corpus::article(7, i);
        let name = corpus::file_name_as(7, i, corpus::Format::Text);
        std::fs::write(dir.join(name), bytes).expect("write article");
    }
    for i in 0..MIXED {
        let (bytes, _, format) = corpus::mixed(8, i);
        std::fs::write(dir.join(corpus::file_name_as(8, i, format)), bytes).expect("write article");
    }
}

/// Compares `actual` with the kept copy `name`, or rewrites the copy when
/// blessing. Paths of the temp folder are written as `DIR`.
fn same_as_kept(name: &str, actual: &[u8], dir: &Path) -> Result<(), String> {
    let actual = String::from_utf8_lossy(actual).replace(&dir.display().to_string(), "DIR");
    let path = kept_dir().join(name);
    if std::env::var_os("VENUEWATCH_BLESS").is_some() {
        std::fs::create_dir_all(kept_dir()).expect("fixtures/outputs");
        std::fs::write(&path, &actual).expect("write kept output");
        return Ok(());
    }
    let kept = std::fs::read_to_string(&path)
        .map_err(|e| format!("{}: {e} (VENUEWATCH_BLESS=1 writes it)", path.display()))?;
    if kept == actual {
        return Ok(());
    }
    // Keep what came out beside the build, to diff against the copy.
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    std::fs::write(&out, &actual).expect("write actual output");
    let line = kept
        .lines()
        .zip(actual.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| kept.lines().count().min(actual.lines().count()));
    Err(format!(
        "{name} differs from {} from line {}: the new output is {}; if the change is \
         meant, rerun with VENUEWATCH_BLESS=1 and review the copy's diff",
        path.display(),
        line + 1,
        out.display()
    ))
}

#[test]
fn extraction_positions_and_changes_are_the_kept_ones() {
    let ws = Workspace::new();
    write_corpus(&ws.dir);
    let dir = ws.dir.to_str().expect("utf-8 temp path");

    // `extract` exits 1 for the corpus's binary files; its JSON is whole.
    let extract = ws
        .cmd(&["extract", "--json", dir])
        .output()
        .expect("extract");
    assert!(!extract.stdout.is_empty(), "extract printed nothing");
    ws.run(&["ingest"]);
    let positions = ws.run(&["positions", "--json"]);
    let changes = ws.run(&["changes", "--json"]);

    let failures: Vec<String> = [
        ("extract.json", &extract.stdout),
        ("positions.json", &positions.stdout),
        ("changes.json", &changes.stdout),
    ]
    .into_iter()
    .filter_map(|(name, out)| same_as_kept(name, out, &ws.dir).err())
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
