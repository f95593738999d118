//! Writes a deterministic corpus of news-like articles for benchmarks.
//!
//! ```sh
//! cargo run --release --example gen_corpus -- --out DIR --n N --seed S [--start K] [--mix]
//! cargo run --release --example gen_corpus -- --names lexicon/default.toml > names.txt
//! ```
//!
//! Article `i` depends only on (seed, i), so `--n 10000` is the first 10,000
//! files of `--n 100000`, and `--start K` writes articles K..K+N. `--names`
//! prints every leader, official and venue name of a lexicon, one per line
//! (the pattern list for the `rg` floor).
//!
//! `--mix` saves the same articles in the formats of issue 13: a fifth of
//! the UTF-8 ones as news pages (`.html`), a tenth each as a one-item RSS
//! feed (`.rss`), a JSON export (`.json`) and an email (`.eml`), the rest
//! (and every binary or Windows-1252 one) as text. Still one article per
//! file, so article counts compare with the text corpus's.

// Shared with `benches/extract.rs`, which uses the rest of it.
#[allow(dead_code)]
mod corpus;

use std::path::PathBuf;
use std::time::Instant;

fn usage() -> ! {
    eprintln!("usage: gen_corpus --out DIR --n N [--seed S] [--start K] [--threads T] [--mix]\n       gen_corpus --names LEXICON.toml");
    std::process::exit(2)
}

fn main() {
    let mut out = None;
    let mut n = None;
    let mut seed = 1u64;
    let mut start = 0u64;
    let mut mix = false;
    let mut threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().unwrap_or_else(|| usage());
        match arg.as_str() {
            "--out" => out = Some(PathBuf::from(value())),
            "--n" => n = Some(value().parse::<u64>().unwrap_or_else(|_| usage())),
            "--seed" => seed = value().parse().unwrap_or_else(|_| usage()),
            "--start" => start = value().parse().unwrap_or_else(|_| usage()),
            "--threads" => threads = value().parse().unwrap_or_else(|_| usage()),
            "--mix" => mix = true,
            "--names" => {
                names(&PathBuf::from(value()));
                return;
            }
            _ => usage(),
        }
    }
    let (Some(out), Some(n)) = (out, n) else {
        usage()
    };
    std::fs::create_dir_all(&out).unwrap_or_else(|e| {
        eprintln!("gen_corpus: cannot create {}: {e}", out.display());
        std::process::exit(1)
    });
    let t0 = Instant::now();
    let threads = threads.max(1) as u64;
    let totals: Vec<[u64; 9]> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                let out = &out;
                s.spawn(move || {
                    // [bytes, utf8, cp1252, binary, text, html, rss, json, email]
                    let mut tally = [0u64; 9];
                    let mut i = start + t;
                    while i < start + n {
                        let (bytes, kind, format) = if mix {
                            corpus::mixed(seed, i)
                        } else {
                            let (bytes, kind) = corpus::article(seed, i);
                            (bytes, kind, corpus::Format::Text)
                        };
                        tally[4 + match format {
                            corpus::Format::Text => 0,
                            corpus::Format::Html => 1,
                            corpus::Format::Rss => 2,
                            corpus::Format::Json => 3,
                            corpus::Format::Email => 4,
                        }] += 1;
                        let path = out.join(corpus::file_name_as(seed, i, format));
                        if let Err(e) = std::fs::write(&path, &bytes) {
                            eprintln!("gen_corpus: cannot write {}: {e}", path.display());
                            std::process::exit(1);
                        }
                        tally[0] += bytes.len() as u64;
                        tally[match kind {
                            corpus::Kind::Utf8 => 1,
                            corpus::Kind::Cp1252 => 2,
                            corpus::Kind::Binary => 3,
                        }] += 1;
                        i += threads;
                    }
                    tally
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut sum = [0u64; 9];
    for t in totals {
        for k in 0..9 {
            sum[k] += t[k];
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    eprintln!(
        "gen_corpus: wrote {n} files ({} UTF-8, {} Windows-1252, {} binary), {:.1} MB in {secs:.2} s to {}",
        sum[1],
        sum[2],
        sum[3],
        sum[0] as f64 / 1e6,
        out.display()
    );
    if mix {
        eprintln!(
            "gen_corpus: formats: {} text, {} HTML pages, {} RSS feeds, {} JSON exports, {} emails",
            sum[4], sum[5], sum[6], sum[7], sum[8]
        );
    }
}

/// Prints the names of every leader, official and venue in a lexicon file.
fn names(path: &PathBuf) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("gen_corpus: cannot read {}: {e}", path.display());
        std::process::exit(1)
    });
    let doc: toml::Value = toml::from_str(&text).unwrap_or_else(|e| {
        eprintln!("gen_corpus: {} is not TOML: {e}", path.display());
        std::process::exit(1)
    });
    let mut all = std::collections::BTreeSet::new();
    let mut take = |v: &toml::Value| {
        if let Some(list) = v.get("names").and_then(|n| n.as_array()) {
            all.extend(list.iter().filter_map(|s| s.as_str()).map(str::to_owned));
        }
    };
    for table in ["leader", "venue"] {
        for item in doc
            .get(table)
            .and_then(|t| t.as_array())
            .into_iter()
            .flatten()
        {
            take(item);
            for official in item
                .get("officials")
                .and_then(|o| o.as_array())
                .into_iter()
                .flatten()
            {
                take(official);
            }
        }
    }
    for name in all {
        println!("{name}");
    }
}
