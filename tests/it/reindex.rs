//! `reindex`: stored articles read again with another lexicon, what that
//! changed, dry runs, databases from before raw bytes were kept, and the
//! state lock.

use std::collections::BTreeSet;
use std::path::PathBuf;

use serde_json::Value;

use crate::daemon::{has_position, Daemon};
use crate::util::{seed_files, Workspace};

/// An article naming Minsk by a name the built-in lexicon does not know.
const PROBE: &str =
    "date 2026-02-02\n\nPutin invited Zelensky to Mensk for peace talks, the Kremlin said.\n";

/// A lexicon that knows "Mensk" as Minsk and no longer "Belarus" as Belarus:
/// one claim more (the probe's), one fewer (seed 001's "ruled out travelling
/// to Moscow or Belarus").
const LEXICON: &str = r#"extend_builtin = true

[[venue]]
id = "minsk"
kind = "city"
country = "belarus"
capital = true
names = ["Minsk", "Mensk"]

[[venue]]
id = "belarus"
kind = "country"
names = ["Byelorussia", "Belorussia"]
demonyms = ["Belarusian", "Belarussian", "Byelorussian"]
"#;

const SEED_001: &str = "001_5f1eaa11b1af9efe.txt";

/// A workspace with the seeds and the probe ingested with the built-in
/// lexicon, and the path of [`LEXICON`].
fn ingested() -> (Workspace, String) {
    let ws = Workspace::new();
    for f in seed_files() {
        std::fs::copy(&f, ws.dir.join(f.file_name().expect("name"))).expect("copy seed");
    }
    std::fs::write(ws.dir.join("probe.txt"), PROBE).expect("probe");
    ws.run(&["ingest"]);
    let lexicon = ws.dir.parent().expect("tmp").join("lexicon.toml");
    std::fs::write(&lexicon, LEXICON).expect("lexicon");
    (ws, lexicon.display().to_string())
}

type Listed = BTreeSet<(String, String, String, String)>;

/// (leader, stance, venue, article) of a list of claims.
fn claims(list: &Value) -> Listed {
    list.as_array()
        .expect("claims")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().expect(k).to_string();
            (s("leader"), s("stance"), s("venue"), s("article"))
        })
        .collect()
}

/// (leader, venue, kind, article) of a list of changes.
fn changes(list: &Value) -> Listed {
    list.as_array()
        .expect("changes")
        .iter()
        .map(|c| {
            let s = |k: &str| c[k].as_str().expect(k).to_string();
            (s("leader"), s("venue"), s("kind"), s("article"))
        })
        .collect()
}

fn set(items: &[(&str, &str, &str, &str)]) -> Listed {
    items
        .iter()
        .map(|&(a, b, c, d)| (a.into(), b.into(), c.into(), d.into()))
        .collect()
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_lexicon_edit_shows_in_claims_changes_and_positions() {
    let (ws, lexicon) = ingested();
    assert!(!has_position(&ws, "putin", "minsk"));
    assert!(has_position(&ws, "zelensky", "belarus"));

    let text = stdout(&ws.run(&["reindex", "--lexicon", &lexicon]));
    assert!(
        text.contains("reindexed 6 articles; 2 read differently"),
        "{text}"
    );
    assert!(text.contains("claims: 1 added, 1 removed"), "{text}");
    assert!(
        text.contains("+ putin proposes minsk  (probe.txt, 2026-02-02)"),
        "{text}"
    );
    assert!(
        text.contains(&format!("- zelensky rejects belarus  ({SEED_001}")),
        "{text}"
    );
    assert!(text.contains("changes: 1 added, 1 removed"), "{text}");
    assert!(
        text.contains("+ 2026-02-02  putin new minsk: none -> proposes  (probe.txt)"),
        "{text}"
    );
    assert!(has_position(&ws, "putin", "minsk"));
    assert!(!has_position(&ws, "zelensky", "belarus"));

    // The same lexicon again: nothing differs.
    let text = stdout(&ws.run(&["reindex", "--lexicon", &lexicon]));
    assert!(text.contains("0 read differently"), "{text}");
    assert!(
        text.contains("no claims, changes or dates differ"),
        "{text}"
    );

    // Back to the built-in lexicon: the edit undone, listed in full.
    let back = ws.json(&["reindex", "--json"]);
    assert_eq!(
        claims(&back["claims_added"]),
        set(&[("zelensky", "rejects", "belarus", SEED_001)])
    );
    assert_eq!(
        claims(&back["claims_removed"]),
        set(&[("putin", "proposes", "minsk", "probe.txt")])
    );
    assert_eq!(
        changes(&back["changes_added"]),
        set(&[("zelensky", "belarus", "new", SEED_001)])
    );
    assert_eq!(
        changes(&back["changes_removed"]),
        set(&[("putin", "minsk", "new", "probe.txt")])
    );
    assert!(has_position(&ws, "zelensky", "belarus"));
    assert!(!has_position(&ws, "putin", "minsk"));
}

#[test]
fn a_dry_run_reports_what_a_reindex_does_and_writes_nothing() {
    let (ws, lexicon) = ingested();
    let db = ws.state.join("venuewatch.db");
    let bytes = std::fs::read(&db).expect("db");
    let counts = ws.counts();
    let positions = ws.json(&["positions", "--json"]);

    let mut dry = ws.json(&["reindex", "--dry-run", "--json", "--lexicon", &lexicon]);
    assert_eq!(dry["dry_run"], true);
    assert_eq!(claims(&dry["claims_added"]).len(), 1, "{dry}");
    assert!(
        std::fs::read(&db).expect("db") == bytes,
        "the database file changed"
    );
    assert_eq!(ws.counts(), counts);
    assert_eq!(ws.json(&["positions", "--json"]), positions);
    let text = stdout(&ws.run(&["reindex", "--dry-run", "--lexicon", &lexicon]));
    assert!(text.contains("(dry run: nothing was written)"), "{text}");

    let mut real = ws.json(&["reindex", "--json", "--lexicon", &lexicon]);
    dry["dry_run"] = Value::Null;
    real["dry_run"] = Value::Null;
    assert_eq!(dry, real);
    assert_ne!(ws.json(&["positions", "--json"]), positions);
}

#[test]
fn a_database_from_before_raw_bytes_were_kept_is_upgraded_and_reindexed() {
    let ws = Workspace::new();
    std::fs::create_dir_all(&ws.state).expect("state");
    // One article whose file is still there, one whose file is gone; an
    // older extractor found no claims in either.
    let kept = ws.dir.join("kept.txt");
    std::fs::copy(seed_files().remove(4), &kept).expect("copy seed");
    let kept = std::fs::canonicalize(&kept).expect("canonical");
    let bytes = std::fs::read(&kept).expect("read");
    let hash = blake3::hash(&bytes);
    let conn = rusqlite::Connection::open(ws.state.join("venuewatch.db")).expect("open");
    conn.execute_batch(include_str!("../../migrations/0001_init.sql"))
        .expect("0001");
    conn.pragma_update(None, "user_version", 1).expect("v1");
    conn.execute(
        "INSERT INTO articles (id, hash, name, date, date_source, title, body, size, ingested_at)
         VALUES (1, ?1, 'kept.txt', '2026-01-20', 'mtime', NULL, 'Nothing here.', ?2, 'then'),
                (2, x'02', 'gone.txt', '2026-01-31', 'header', NULL,
                 'Putin invited Zelensky to Moscow for peace talks.', 50, 'then')",
        rusqlite::params![hash.as_bytes().as_slice(), bytes.len()],
    )
    .expect("articles");
    conn.execute(
        "INSERT INTO files (path, name, article_id, size, mtime_ns, inode)
         VALUES (?1, 'kept.txt', 1, 0, 0, 0), ('/nowhere/gone.txt', 'gone.txt', 2, 0, 0, 0)",
        [kept.display().to_string()],
    )
    .expect("files");
    drop(conn);

    let first = ws.json(&["reindex", "--json"]);
    assert_eq!(first["recovered"], serde_json::json!(["kept.txt"]));
    assert_eq!(first["body_only"], serde_json::json!(["gone.txt"]));
    assert_eq!(
        claims(&first["claims_added"]),
        set(&[
            ("putin", "proposes", "moscow", "gone.txt"),
            ("zelensky", "proposes", "kyiv", "kept.txt"),
        ])
    );
    assert_eq!(ws.json(&["status", "--json"])["schema_version"], 6);
    let text = stdout(&ws.run(&["reindex"]));
    assert!(
        text.contains("1 stored without their bytes, and no file holds them any more"),
        "{text}"
    );

    // kept.txt's bytes are in the database now: its file is not needed.
    std::fs::remove_file(&kept).expect("remove");
    let again = ws.json(&["reindex", "--json"]);
    assert_eq!(again["recovered"], serde_json::json!([]));
    assert_eq!(again["body_only"], serde_json::json!(["gone.txt"]));
    assert_eq!(again["claims_removed"], serde_json::json!([]));
    assert!(has_position(&ws, "zelensky", "kyiv"));
}

#[test]
fn reindex_refuses_while_a_daemon_runs_on_the_state() {
    let ws = Workspace::new();
    let seed: PathBuf = seed_files().remove(0);
    std::fs::copy(&seed, ws.dir.join("a.txt")).expect("copy");
    let daemon = Daemon::start(&ws);
    daemon.wait_for_log("watching");
    let out = ws.cmd(&["reindex"]).output().expect("run reindex");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("reindex needs the state to itself"), "{err}");
    assert!(err.contains(&format!("pid {}", daemon.child.id())), "{err}");
}

/// The probe's sentence as a feed item and as a saved page, beside the
/// fixtures of every other format.
fn probes() -> [(&'static str, String); 2] {
    let sentence = "Putin invited Zelensky to Mensk for peace talks, the Kremlin said.";
    [
        (
            "probe.rss",
            format!(
                "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Wire</title>\
                 <link>https://wire.example/</link>\n<item><guid>p1</guid><title>Mensk</title>\
                 <link>https://wire.example/p1</link><pubDate>Mon, 02 Feb 2026 09:00:00 +0000</pubDate>\
                 <description>&lt;p&gt;{sentence}&lt;/p&gt;</description></item>\n</channel></rss>\n"
            ),
        ),
        (
            "probe.html",
            format!(
                "<!DOCTYPE html><html><head><title>Mensk</title>\
                 <meta property=\"article:published_time\" content=\"2026-02-03\"></head>\
                 <body><nav><a href=\"/\">Home</a></nav><article><h1>Mensk</h1><p>{sentence}</p>\
                 </article><footer>All rights reserved.</footer></body></html>\n"
            ),
        ),
    ]
}

#[test]
fn pages_feed_items_and_exports_are_read_again_from_what_was_stored() {
    let ws = Workspace::new();
    let fixtures = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/formats");
    for name in [
        "wire.rss",
        "news-page.html",
        "scraper.jsonl",
        "newsapi.json",
        "newsletter.eml",
    ] {
        std::fs::copy(fixtures.join(name), ws.dir.join(name)).expect("copy fixture");
    }
    for (name, text) in probes() {
        std::fs::write(ws.dir.join(name), text).expect("probe");
    }
    ws.run(&["ingest"]);
    let articles = ws.counts().0;
    assert_eq!(articles, 3 + 1 + 3 + 2 + 1 + 2, "every item is an article");

    // The same reader and lexicon: every article reads back as it was.
    let same = ws.json(&["reindex", "--json"]);
    assert_eq!(same["articles"], articles, "{same}");
    assert_eq!(same["refused"], serde_json::json!([]), "{same}");
    assert_eq!(claims(&same["claims_added"]), set(&[]), "{same}");
    assert_eq!(claims(&same["claims_removed"]), set(&[]), "{same}");

    // A lexicon that knows "Mensk": the item and the page give the claim,
    // read from the stored copies (the files are gone).
    for (name, _) in probes() {
        std::fs::remove_file(ws.dir.join(name)).expect("remove probe");
    }
    let lexicon = ws.dir.parent().expect("tmp").join("lexicon.toml");
    std::fs::write(&lexicon, LEXICON).expect("lexicon");
    let lexicon = lexicon.display().to_string();
    let edited = ws.json(&["reindex", "--json", "--lexicon", &lexicon]);
    assert_eq!(
        claims(&edited["claims_added"]),
        set(&[
            ("putin", "proposes", "minsk", "probe.html"),
            ("putin", "proposes", "minsk", "probe.rss#p1"),
        ]),
        "{edited}"
    );
    assert!(has_position(&ws, "putin", "minsk"));
}
