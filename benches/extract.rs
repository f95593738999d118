//! Micro-benchmark of the reader and the extractor alone (no file system, no
//! database), in MB/s of raw article bytes, over 500 generated articles
//! (the same generator as `examples/gen_corpus.rs`, seed 7).
//!
//! The `reader-*` groups (issue 13) time `article::read_file` on the same
//! stories saved as news pages (the first 100 articles' pages, 30-80 KiB
//! each) and as RSS feeds (the first 500 articles, ten feeds of 50 items),
//! beside `article::read` on their text files, measured in the same run so
//! the figures compare: `reader-html` and `reader-feed` in bytes per
//! second, `reader-html-pages` and `reader-feed-items` in articles per
//! second.
//!
//! ```sh
//! cargo bench --bench extract
//! cargo bench --bench extract -- reader    # the readers only
//! ```

#[allow(dead_code)]
#[path = "../examples/corpus/mod.rs"]
mod corpus;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use venuewatch::article::{self, Article, Entry};
use venuewatch::extract::Extractor;
use venuewatch::lexicon::Lexicon;

const SAMPLE: u64 = 500;
/// Pages are ten times the size of a text file: fewer keep a sample short.
const PAGES: u64 = 100;
const FEED_ITEMS: u64 = 50;

fn sample() -> Vec<Vec<u8>> {
    (0..SAMPLE).map(|i| corpus::article(7, i).0).collect()
}

fn benches(c: &mut Criterion) {
    let files = sample();
    let bytes: u64 = files.iter().map(|f| f.len() as u64).sum();
    let fallback = jiff::civil::date(2025, 1, 1);
    let extractor = Extractor::new(Lexicon::builtin().expect("built-in lexicon"));
    let articles: Vec<Article> = files
        .iter()
        .filter_map(|f| article::read(f, fallback).ok())
        .collect();
    let claims: usize = articles.iter().map(|a| extractor.extract(a).len()).sum();
    eprintln!(
        "extract bench: {} files, {} bytes, {} readable, {} claims",
        files.len(),
        bytes,
        articles.len(),
        claims
    );

    let mut g = c.benchmark_group("extractor");
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("read", |b| {
        b.iter(|| {
            for f in &files {
                let _ = black_box(article::read(black_box(f), fallback));
            }
        })
    });
    g.bench_function("extract", |b| {
        b.iter(|| {
            for a in &articles {
                black_box(extractor.extract(black_box(a)));
            }
        })
    });
    g.bench_function("read+extract", |b| {
        b.iter(|| {
            for f in &files {
                if let Ok(a) = article::read(black_box(f), fallback) {
                    black_box(extractor.extract(&a));
                }
            }
        })
    });
    g.finish();
}

/// Files with the name `read_file` is given (only the extension counts).
type Files<'a> = [(Vec<u8>, &'a str)];

fn bytes(files: &Files) -> u64 {
    files.iter().map(|(f, _)| f.len() as u64).sum()
}

/// Reads every file, as ingest does; how many articles it found.
fn read_all(files: &Files, fallback: jiff::civil::Date) -> usize {
    files
        .iter()
        .map(|(bytes, name)| {
            article::read_file(black_box(bytes), name, fallback)
                .map_or(0, |entries| count_articles(&entries))
        })
        .sum()
}

fn count_articles(entries: &[Entry]) -> usize {
    entries.iter().filter(|e| e.article.is_ok()).count()
}

fn readers(c: &mut Criterion) {
    let fallback = jiff::civil::date(2025, 1, 1);
    let indices: Vec<u64> = (0..PAGES)
        .filter(|&i| corpus::story(7, i).is_some())
        .collect();
    let pages: Vec<(Vec<u8>, &str)> = indices
        .iter()
        .filter_map(|&i| corpus::page(7, i))
        .map(|p| (p, "page.html"))
        .collect();
    let texts: Vec<(Vec<u8>, &str)> = indices
        .iter()
        .map(|&i| (corpus::article(7, i).0, "article.txt"))
        .collect();
    let feeds: Vec<(Vec<u8>, &str)> = (0..SAMPLE / FEED_ITEMS)
        .map(|k| corpus::feed(7, k * FEED_ITEMS..(k + 1) * FEED_ITEMS).0)
        .map(|f| (f, "world.rss"))
        .collect();
    let feed_texts: Vec<(Vec<u8>, &str)> = (0..SAMPLE)
        .filter(|&i| corpus::story(7, i).is_some())
        .map(|i| (corpus::article(7, i).0, "article.txt"))
        .collect();
    let (page_articles, feed_articles) = (read_all(&pages, fallback), read_all(&feeds, fallback));
    let mut sizes: Vec<usize> = pages.iter().map(|(p, _)| p.len()).collect();
    sizes.sort_unstable();
    eprintln!(
        "reader bench: {} pages, {} bytes (smallest {}, median {}, largest {}), {} articles read; \
         {} feeds, {} bytes, {} articles read; text files: {} bytes (pages' stories), {} bytes (feeds' stories)",
        pages.len(),
        bytes(&pages),
        sizes.first().unwrap_or(&0),
        sizes.get(sizes.len() / 2).unwrap_or(&0),
        sizes.last().unwrap_or(&0),
        page_articles,
        feeds.len(),
        bytes(&feeds),
        feed_articles,
        bytes(&texts),
        bytes(&feed_texts),
    );
    assert_eq!(page_articles, pages.len(), "every page is an article");
    assert_eq!(
        feed_articles,
        feed_texts.len(),
        "every feed item is an article"
    );

    compare(
        c,
        "reader-html",
        ("page", "pages"),
        &pages,
        &texts,
        fallback,
    );
    compare(
        c,
        "reader-feed",
        ("rss", "items"),
        &feeds,
        &feed_texts,
        fallback,
    );
}

/// Times `read_file` on `files` (named `format`) against `read` and
/// `read_file` on the same stories' text files, in the same run: group
/// `name` in bytes per second, `name-unit` in articles per second.
fn compare(
    c: &mut Criterion,
    name: &str,
    (format, unit): (&str, &str),
    files: &Files,
    texts: &Files,
    fallback: jiff::civil::Date,
) {
    let articles = Throughput::Elements(texts.len() as u64);
    for (group, in_files, in_texts) in [
        (
            name.to_string(),
            Throughput::Bytes(bytes(files)),
            Throughput::Bytes(bytes(texts)),
        ),
        (format!("{name}-{unit}"), articles.clone(), articles),
    ] {
        let mut g = c.benchmark_group(group);
        g.sample_size(20);
        g.throughput(in_files);
        g.bench_function(format, |b| b.iter(|| read_all(files, fallback)));
        g.throughput(in_texts);
        g.bench_function("text", |b| {
            b.iter(|| {
                for (f, _) in texts {
                    let _ = black_box(article::read(black_box(f), fallback));
                }
            })
        });
        g.bench_function("text-read_file", |b| b.iter(|| read_all(texts, fallback)));
        g.finish();
    }
}

criterion_group!(extract, benches, readers);
criterion_main!(extract);
