//! Micro-benchmark of the reader and the extractor alone (no file system, no
//! database), in MB/s of raw article bytes, over 500 generated articles
//! (the same generator as `examples/gen_corpus.rs`, seed 7).
//!
//! ```sh
//! cargo bench --bench extract
//! ```

#[allow(dead_code)]
#[path = "../examples/corpus/mod.rs"]
mod corpus;

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use venuewatch::article::{self, Article};
use venuewatch::extract::Extractor;
use venuewatch::lexicon::Lexicon;

const SAMPLE: u64 = 500;

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

criterion_group!(extract, benches);
criterion_main!(extract);
