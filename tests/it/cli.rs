//! One-shot commands: extraction on the seeds and on folders, ingest order
//! independence, idempotence and corrections.

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;

use crate::util::{permutations, seed_files, seeds_dir, Workspace};

type Triple = (String, String, String);

fn triples(claims: &Value, keep: impl Fn(&Value) -> bool) -> BTreeSet<Triple> {
    claims
        .as_array()
        .expect("claims")
        .iter()
        .filter(|c| keep(c))
        .map(|c| {
            let s = |k: &str| c[k].as_str().expect(k).to_string();
            (s("leader"), s("stance"), s("venue"))
        })
        .collect()
}

#[test]
fn seeds_give_every_gold_claim_and_nothing_outside_the_gold() {
    let gold: Value =
        serde_json::from_str(include_str!("../fixtures/seeds.gold.json")).expect("gold");
    let ws = Workspace::new();
    let mut args = vec!["extract".to_string(), "--json".to_string()];
    args.extend(seed_files().iter().map(|p| p.display().to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let pred = ws.json(&args);
    let pred = pred.as_array().expect("list");
    assert_eq!(pred.len(), 5);
    for g in gold.as_array().expect("gold list") {
        let file = g["file"].as_str().expect("file");
        let p = pred
            .iter()
            .find(|p| p["file"].as_str().is_some_and(|f| f.ends_with(file)))
            .unwrap_or_else(|| panic!("no prediction for {file}"));
        let required = triples(&g["claims"], |c| !c["optional"].as_bool().unwrap_or(false));
        let allowed = triples(&g["claims"], |_| true);
        let got = triples(&p["claims"], |_| true);
        let missing: Vec<_> = required.difference(&got).collect();
        let extra: Vec<_> = got.difference(&allowed).collect();
        assert!(missing.is_empty(), "{file}: missing {missing:?}");
        assert!(
            extra.is_empty(),
            "{file}: claims outside the gold {extra:?}"
        );
        if let Some(date) = g["date"].as_str() {
            assert_eq!(p["date"].as_str(), Some(date), "{file}: date");
            assert_ne!(
                p["date_source"].as_str(),
                Some("mtime"),
                "{file}: date source"
            );
        } else {
            assert_eq!(
                p["date_source"].as_str(),
                Some("mtime"),
                "{file}: date source"
            );
        }
    }
}

#[test]
fn extract_reads_a_folder_as_ingest_does() {
    let ws = Workspace::new();
    let seeds = seed_files();
    let nested = ws.dir.join("2026").join("february");
    let drafts = ws.dir.join(".drafts");
    for folder in [&nested, &drafts] {
        std::fs::create_dir_all(folder).expect("folder");
    }
    let copy = |seed: &Path, to: &Path| {
        std::fs::copy(seed, to).expect("copy seed");
    };
    copy(&seeds[0], &ws.dir.join("a.txt"));
    copy(&seeds[3], &nested.join("b.txt"));
    // Each of these gives claims when named, but is no article in a folder.
    let skipped = [
        ws.dir.join(".hidden.txt"),
        ws.dir.join("c.txt.tmp"),
        nested.join("d.part"),
        drafts.join("e.txt"),
    ];
    for file in &skipped {
        copy(&seeds[3], file);
    }

    let dir = ws.dir.display().to_string();
    let from_folder = ws.json(&["extract", "--json", &dir]);
    let files: Vec<&str> = from_folder
        .as_array()
        .expect("list")
        .iter()
        .map(|r| r["file"].as_str().expect("file"))
        .collect();
    let expected = [format!("{dir}/2026/february/b.txt"), format!("{dir}/a.txt")];
    assert_eq!(
        files, expected,
        "the folder's articles, sorted, none skipped"
    );
    for r in from_folder.as_array().expect("list") {
        assert!(!triples(&r["claims"], |_| true).is_empty(), "{r}");
    }
    let named = ws.json(&["extract", "--json", &expected[0], &expected[1]]);
    assert_eq!(from_folder, named, "a folder's files read as if named");

    for file in &skipped {
        let one = ws.json(&["extract", "--json", &file.display().to_string()]);
        assert!(
            !triples(&one[0]["claims"], |_| true).is_empty(),
            "{} is skipped only in a folder",
            file.display()
        );
    }

    let text = ws.run(&["extract", &dir]);
    let text = String::from_utf8_lossy(&text.stdout);
    let headers: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once("  date ").map(|(file, _)| file))
        .collect();
    assert_eq!(headers, expected, "text output:\n{text}");
}

/// An RSS feed whose items are these texts, as plain-text descriptions.
fn feed_of(texts: &[String]) -> String {
    let escape = |t: &str| {
        t.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    let items: String = texts
        .iter()
        .enumerate()
        .map(|(i, t)| {
            format!(
                "<item><guid>story-{i}</guid><title>Story {i}</title><description>{}</description></item>\n",
                escape(t)
            )
        })
        .collect();
    format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>Wire</title><link>https://wire.example/</link>\n{items}</channel></rss>\n"
    )
}

#[test]
fn every_ingest_order_gives_the_same_positions_and_changes() {
    // Four seeds as files, the fifth as a feed item, beside a copy of the
    // third as a second item: items and files are reports alike.
    let seeds = seed_files();
    let read = |p: &Path| std::fs::read_to_string(p).expect("seed");
    let feeds = tempfile::tempdir().expect("tempdir");
    let feed = feeds.path().join("wire.rss");
    std::fs::write(&feed, feed_of(&[read(&seeds[4]), read(&seeds[2])])).expect("feed");
    let files: Vec<String> = seeds[..4]
        .iter()
        .chain([&feed])
        .map(|p| p.display().to_string())
        .collect();
    let mut expected: Option<(Value, Value)> = None;
    let orders = permutations(&files);
    assert_eq!(orders.len(), 120);
    for order in orders {
        let ws = Workspace::new();
        // One file per run, as articles arriving one by one would.
        for file in &order {
            ws.run(&["ingest", file]);
        }
        let got = (
            ws.json(&["positions", "--json"]),
            ws.json(&["changes", "--json"]),
        );
        match &expected {
            None => {
                assert!(
                    !got.1.as_array().expect("changes").is_empty(),
                    "seeds give changes"
                );
                expected = Some(got);
            }
            Some(first) => assert_eq!(first, &got, "order {order:?}"),
        }
    }
}

#[test]
fn ingesting_again_restarting_or_touching_adds_nothing() {
    let ws = Workspace::new();
    copy_seeds(&ws.dir);
    ws.run(&["ingest"]);
    let first = ws.counts();
    assert_eq!(first.0, 5, "five articles");
    assert!(first.2 > 0, "claims were extracted");
    ws.run(&["ingest"]);
    assert_eq!(ws.counts(), first);
    for entry in std::fs::read_dir(&ws.dir).expect("dir") {
        let file = std::fs::File::options()
            .append(true)
            .open(entry.expect("entry").path())
            .expect("open");
        file.set_modified(std::time::SystemTime::now())
            .expect("touch");
    }
    let out = ws.run(&["ingest"]);
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 new, 5 unchanged"));
    assert_eq!(ws.counts(), first);
}

#[test]
fn the_same_content_under_two_names_is_one_article() {
    let ws = Workspace::new();
    let seed = &seed_files()[3];
    std::fs::copy(seed, ws.dir.join("b.txt")).expect("copy");
    ws.run(&["ingest"]);
    let before = ws.json(&["changes", "--json"]);
    std::fs::copy(seed, ws.dir.join("a.txt")).expect("copy");
    ws.run(&["ingest"]);
    let (articles, files, ..) = ws.counts();
    assert_eq!((articles, files), (1, 2));
    let after = ws.json(&["changes", "--json"]);
    assert_eq!(
        before.as_array().map(Vec::len),
        after.as_array().map(Vec::len)
    );
    // The article goes by its smallest name, whichever copy came first.
    assert_eq!(after[0]["article"], "a.txt");
}

#[test]
fn a_changed_file_replaces_its_claims() {
    let ws = Workspace::new();
    let seeds = seed_files();
    let file = ws.dir.join("story.txt");
    // Seed 003: Putin invites Zelensky to Moscow.
    std::fs::copy(&seeds[3], &file).expect("copy");
    ws.run(&["ingest"]);
    let leaders = |ws: &Workspace| -> BTreeSet<String> {
        ws.json(&["positions", "--json"])
            .as_array()
            .expect("list")
            .iter()
            .map(|p| p["leader"].as_str().expect("leader").to_string())
            .collect()
    };
    assert_eq!(leaders(&ws), BTreeSet::from(["putin".to_string()]));
    // A correction: the file now holds seed 004 (Zelensky invites Putin to Kyiv).
    std::fs::copy(&seeds[4], &file).expect("copy");
    ws.run(&["ingest"]);
    assert_eq!(leaders(&ws), BTreeSet::from(["zelensky".to_string()]));
    let (articles, files, ..) = ws.counts();
    assert_eq!((articles, files), (1, 1));
}

#[test]
fn a_file_rewritten_as_a_non_article_gives_what_a_clean_ingest_gives() {
    let ws = Workspace::new();
    let seeds = seed_files();
    let file = ws.dir.join("story.txt");
    std::fs::copy(&seeds[3], &file).expect("copy");
    std::fs::copy(&seeds[4], ws.dir.join("other.txt")).expect("copy");
    ws.run(&["ingest"]);
    assert_eq!(ws.counts().0, 2);
    // A writer that left holes: the file is now binary.
    std::fs::write(&file, b"Moscow\0\0\0\0 talks").expect("write");
    ws.run(&["ingest"]);
    let clean = ws.same_folder();
    clean.run(&["ingest"]);
    assert_eq!(ws.counts(), clean.counts());
    assert_eq!(
        ws.json(&["positions", "--json"]),
        clean.json(&["positions", "--json"])
    );
    let rejected = ws.json(&["status", "--json"])["rejected"].clone();
    assert_eq!(rejected.as_array().map(Vec::len), Some(1), "{rejected}");
}

#[test]
fn queries_without_a_database_say_what_to_do() {
    let ws = Workspace::new();
    let out = ws.cmd(&["positions"]).output().expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no database") && err.contains("venuewatch ingest"),
        "{err}"
    );
}

pub fn copy_seeds(to: &Path) {
    for seed in seed_files() {
        std::fs::copy(&seed, to.join(seed.file_name().expect("name"))).expect("copy");
    }
    assert!(seeds_dir().is_dir());
}

/// Runs `venuewatch eval` and returns (strict F1, country F1, dates right,
/// dated).
fn eval(gold: &Path, dir: &Path) -> (f64, f64, u64, u64) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_venuewatch"))
        .arg("eval")
        .arg(gold)
        .arg("--dir")
        .arg(dir)
        .env_remove("VENUEWATCH_DIR")
        .env_remove("VENUEWATCH_LEXICON")
        .output()
        .expect("run eval");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let f1 = |level: &str| -> f64 {
        let line = text.lines().find(|l| l.starts_with(level)).expect(level);
        line.rsplit("f1=")
            .next()
            .and_then(|v| v.parse().ok())
            .expect("f1")
    };
    let dates = text
        .lines()
        .find(|l| l.starts_with("dates"))
        .expect("dates");
    let (right, dated) = dates
        .split_whitespace()
        .nth(1)
        .and_then(|r| r.split_once('/'))
        .expect("dates x/y");
    (
        f1("strict"),
        f1("country"),
        right.parse().expect("right"),
        dated.parse().expect("dated"),
    )
}

fn fixtures() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

#[test]
fn eval_on_the_seeds_is_perfect() {
    let (strict, country, right, dated) = eval(&fixtures().join("seeds.gold.json"), &seeds_dir());
    assert_eq!((strict, country), (1.0, 1.0));
    assert_eq!((right, dated), (3, 3));
}

/// The extractor's quality on the dev set may not fall below these figures.
const DEV_STRICT_F1: f64 = 0.95;
const DEV_COUNTRY_F1: f64 = 0.95;

#[test]
fn eval_on_the_dev_set_meets_the_targets() {
    let dev = fixtures().join("dev");
    let (strict, country, right, dated) = eval(&dev.join("dev.gold.json"), &dev);
    assert!(
        strict >= DEV_STRICT_F1,
        "strict F1 {strict} < {DEV_STRICT_F1}"
    );
    assert!(
        country >= DEV_COUNTRY_F1,
        "country F1 {country} < {DEV_COUNTRY_F1}"
    );
    assert_eq!(right, dated, "every dated dev article gets its date");
}

/// `venuewatch eval` prints what the reference scorer prints for the same
/// predictions, miss for miss (`tests/fixtures/score.py` is a copy of
/// `shared/eval/score.py`, kept equal to it when that folder is beside the
/// repository).
#[test]
fn eval_scores_exactly_as_the_reference_scorer() {
    let dev = fixtures().join("dev");
    let scorer = fixtures().join("score.py");
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/eval/score.py");
    if shared.exists() {
        assert_eq!(
            std::fs::read_to_string(&shared).expect("shared score.py"),
            std::fs::read_to_string(&scorer).expect("score.py"),
            "tests/fixtures/score.py differs from shared/eval/score.py: copy it again"
        );
    }
    let tmp = tempfile::tempdir().expect("tmp");
    let bin = env!("CARGO_BIN_EXE_venuewatch");
    let mut texts: Vec<_> = std::fs::read_dir(&dev)
        .expect("dev folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    texts.sort();
    let extract = std::process::Command::new(bin)
        .args(["extract", "--json"])
        .args(&texts)
        .env_remove("VENUEWATCH_LEXICON")
        .output()
        .expect("run extract");
    assert!(
        extract.status.success(),
        "{}",
        String::from_utf8_lossy(&extract.stderr)
    );
    let pred = tmp.path().join("pred.json");
    std::fs::write(&pred, &extract.stdout).expect("write predictions");
    let gold = dev.join("dev.gold.json");
    let python = std::process::Command::new("python3")
        .arg(&scorer)
        .arg(&gold)
        .arg(&pred)
        .arg("-v")
        .output()
        .expect("python3 runs score.py (scripts/test installs it)");
    assert!(
        python.status.success(),
        "{}",
        String::from_utf8_lossy(&python.stderr)
    );
    let ours = std::process::Command::new(bin)
        .arg("eval")
        .arg(&gold)
        .arg("--dir")
        .arg(&dev)
        .arg("-v")
        .env_remove("VENUEWATCH_LEXICON")
        .output()
        .expect("run eval");
    // score.py prints misses and falses in its own order; compare as sets of
    // lines, and the summary lines exactly.
    let lines = |out: &[u8]| {
        let mut l: Vec<String> = String::from_utf8_lossy(out)
            .lines()
            // score.py prints Python tuples ('putin', 'proposes', ...).
            .map(|l| match l.find("  gold:").or_else(|| l.find("  from:")) {
                Some(at) => l[..at].replace('\'', ""),
                None => l.replace('\'', ""),
            })
            .filter(|l| !l.starts_with("  date"))
            .collect();
        l.sort();
        l
    };
    assert_eq!(lines(&ours.stdout), lines(&python.stdout));
}

/// `lexicon suggest` lists who the articles introduce by a government's
/// title and the lexicon lacks, as entries that load when pasted into a user
/// lexicon; with them, the person's later words count without the title.
#[test]
fn lexicon_suggest_prints_entries_that_teach_the_extractor() {
    let ws = Workspace::new();
    let folder = ws.dir.join("news");
    std::fs::create_dir_all(&folder).expect("folder");
    std::fs::write(
        folder.join("a.txt"),
        "date 2025-03-20

         Chilean Foreign Minister Ana Testperson said on Monday that her country wanted peace.

         The Peruvian president, Jorge Madeupname, called for calm.
",
    )
    .expect("article");
    let out = ws.run(&["lexicon", "suggest", folder.to_str().expect("utf-8")]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("names = [\"Ana Testperson\", \"Testperson\"]"),
        "{text}"
    );
    assert!(text.contains("country = \"chile\""), "{text}");
    assert!(text.contains("Jorge Madeupname"), "{text}");

    // Pasted into a user lexicon, the minister's words without her title
    // speak for Chile's president on the date.
    let root = ws.dir.parent().expect("tmp");
    let lexicon = root.join("suggested.toml");
    std::fs::write(&lexicon, format!("extend_builtin = true\n{text}")).expect("lexicon");
    let later = root.join("b.txt");
    std::fs::write(
        &later,
        "date 2025-03-21\n\nTestperson proposed Geneva for the talks.\n",
    )
    .expect("article");
    let claims = |with: bool| {
        let mut cmd = ws.cmd(&["extract", "--json", later.to_str().expect("utf-8")]);
        if with {
            cmd.arg("--lexicon").arg(&lexicon);
        }
        let out = cmd.output().expect("extract");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        json[0]["claims"]
            .as_array()
            .expect("claims")
            .iter()
            .map(|c| format!("{} {} {}", c["leader"], c["stance"], c["venue"]).replace('"', ""))
            .collect::<Vec<_>>()
    };
    assert_eq!(claims(false), Vec::<String>::new());
    assert_eq!(claims(true), ["boric proposes geneva"]);

    // A head of government the lexicon has no one for on the date is a
    // leader of its own, marked as not in the lexicon.
    let unknown = root.join("c.txt");
    std::fs::write(
        &unknown,
        "date 2026-11-20\n\nThe Colombian president, Jorge Madeupname, proposed Geneva for the talks.\n",
    )
    .expect("article");
    let out = ws.run(&["extract", "--json", unknown.to_str().expect("utf-8")]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let claim = &json[0]["claims"][0];
    assert_eq!(claim["leader"], "madeupname", "{json}");
    assert_eq!(claim["known"], false, "{json}");
}

#[test]
fn a_user_lexicon_adds_a_leader_without_recompiling() {
    let ws = Workspace::new();
    let root = ws.dir.parent().expect("tmp");
    let lexicon = root.join("mine.toml");
    std::fs::write(
        &lexicon,
        r#"extend_builtin = true

[[leader]]
id = "ruritania_king"
names = ["Rudolf Elphberg", "Elphberg"]
country = "ruritania"
titles = ["the Ruritanian king"]
officials = [{ names = ["Fritz von Tarlenheim", "Tarlenheim"], role = "chancellor" }]

[[venue]]
id = "ruritania"
kind = "country"
names = ["Ruritania"]
demonyms = ["Ruritanian"]

[[venue]]
id = "strelsau"
kind = "city"
country = "ruritania"
capital = true
names = ["Strelsau"]
"#,
    )
    .expect("lexicon");
    let article = ws.dir.join("a.txt");
    std::fs::write(
        &article,
        "date 2026-03-02 Ruritania offers its capital\n\n\
         King Rudolf Elphberg invited Vladimir Putin and Volodymyr Zelensky to Strelsau for peace talks.\n\n\
         Tarlenheim later said Ruritania was ready to host the leaders.\n",
    )
    .expect("article");
    let claims = |lexicon: Option<&Path>| -> BTreeSet<Triple> {
        let mut cmd = ws.cmd(&["extract", "--json"]);
        if let Some(l) = lexicon {
            cmd.arg("--lexicon").arg(l);
        }
        let out = cmd.arg(&article).output().expect("run");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let v: Value = serde_json::from_slice(&out.stdout).expect("json");
        triples(&v[0]["claims"], |_| true)
    };
    let t = |l: &str, s: &str, v: &str| (l.to_string(), s.to_string(), v.to_string());
    // The built-in lexicon knows neither the king nor his capital...
    assert!(!claims(None).iter().any(|c| c.0 == "ruritania_king"));
    // ...the user's file teaches both, and keeps everything built in.
    let got = claims(Some(&lexicon));
    assert!(
        got.contains(&t("ruritania_king", "proposes", "strelsau")),
        "{got:?}"
    );
    assert!(
        got.contains(&t("ruritania_king", "proposes", "ruritania")),
        "{got:?}"
    );
}
