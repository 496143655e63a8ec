//! Deserialising a ≥10 MB page of chat messages: into the generated models (typed and lossless),
//! into `serde_json::Value`, and into `IgnoredAny` (the cost of parsing alone), in one run.
//!
//! Run: `cargo bench -p graph-models --bench deserialize`.
//!
//! The page is built from the message examples of the seed documentation pages
//! (`tests/fixtures/seeds`), varied per copy: ids, text, timestamps, mentions and reactions.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
mod page;

use graph_models::{ChatMessage, Page};
use page::build_page;
use serde_json::Value;

fn deserialize(c: &mut Criterion) {
    let page = build_page();
    let typed: Page<ChatMessage> = serde_json::from_str(&page).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), serde_json::from_str::<Value>(&page).unwrap(), "lossless");
    eprintln!("page: {} bytes, {} messages", page.len(), typed.value.len());

    // Deserialisation alone, as a program that reads one page at a time sees it: each result is
    // dropped after its iteration, outside the timed part, so the next parse reuses the memory.
    let mut group = c.benchmark_group("deserialize");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.sample_size(20);
    let per_iteration = criterion::BatchSize::PerIteration;
    group.bench_function("graph_models::Page<ChatMessage>", |b| {
        b.iter_batched(|| (), |()| serde_json::from_str::<Page<ChatMessage>>(&page).unwrap(), per_iteration)
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter_batched(|| (), |()| serde_json::from_str::<Value>(&page).unwrap(), per_iteration)
    });
    group.bench_function("serde::de::IgnoredAny", |b| {
        b.iter_batched(|| (), |()| serde_json::from_str::<serde::de::IgnoredAny>(&page).unwrap(), per_iteration)
    });
    group.finish();

    // The same, with freeing the result inside the timed loop, as a program that reads page
    // after page pays it.
    let mut group = c.benchmark_group("deserialize and drop");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.sample_size(20);
    group.bench_function("graph_models::Page<ChatMessage>", |b| {
        b.iter(|| serde_json::from_str::<Page<ChatMessage>>(&page).unwrap())
    });
    group.bench_function("serde_json::Value", |b| b.iter(|| serde_json::from_str::<Value>(&page).unwrap()));
    group.finish();
}

criterion_group!(benches, deserialize);
criterion_main!(benches);
