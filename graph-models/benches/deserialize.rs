//! Deserialising a ≥10 MB page of chat messages: into the generated models through
//! `graph_models::decode` (typed and lossless), into `serde_json::Value`, and into `IgnoredAny`
//! (the cost of parsing alone), in one run.
//!
//! Run: `cargo bench -p graph-models --bench deserialize`.
//!
//! The page is built from the message examples of the seed documentation pages
//! (`graph-mock/seeds`), varied per copy: ids, text, timestamps, mentions and reactions.
//!
//! Two reference points run in the same groups (`baselines`): hand-written `#[derive(Deserialize)]`
//! structs for the page's fields, lossy, with owned strings and with borrowed ones. They show what
//! an owned model can reach at all with `serde_json`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
mod baselines;
mod page;

use graph_models::{ChatMessage, Page};
use page::build_page;
use serde_json::Value;

fn deserialize(c: &mut Criterion) {
    let page = build_page();
    let bytes = page.as_bytes();
    let typed: Page<ChatMessage> = graph_models::decode(bytes).unwrap();
    assert_eq!(serde_json::to_value(&typed).unwrap(), serde_json::from_str::<Value>(&page).unwrap(), "lossless");
    eprintln!("page: {} bytes, {} messages", page.len(), typed.value.len());
    // The baselines must read what the models read, or their figures mean nothing.
    let typed_bodies: Vec<&str> = typed.value.iter().filter_map(|it| it.body.get()?.content.as_deref()).collect();
    let owned: baselines::Page<String> = serde_json::from_str(&page).unwrap();
    assert_eq!(baselines::bodies(&owned), typed_bodies, "owned baseline");
    let borrowed: baselines::Page<baselines::Borrowed> = serde_json::from_str(&page).unwrap();
    assert_eq!(baselines::bodies(&borrowed), typed_bodies, "borrowed baseline");

    // Deserialisation alone, as a program that reads one page at a time sees it: each result is
    // dropped after its iteration, outside the timed part, so the next parse reuses the memory.
    let mut group = c.benchmark_group("deserialize");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.sample_size(20);
    let per_iteration = criterion::BatchSize::PerIteration;
    group.bench_function("graph_models::decode::<Page<ChatMessage>>", |b| {
        b.iter_batched(|| (), |()| graph_models::decode::<Page<ChatMessage>>(bytes).unwrap(), per_iteration)
    });
    group.bench_function("serde_json::from_slice::<Value>", |b| {
        b.iter_batched(|| (), |()| serde_json::from_slice::<Value>(bytes).unwrap(), per_iteration)
    });
    group.bench_function("serde_json::from_slice::<IgnoredAny>", |b| {
        b.iter_batched(|| (), |()| serde_json::from_slice::<serde::de::IgnoredAny>(bytes).unwrap(), per_iteration)
    });
    group.bench_function("baseline: derive, lossy, owned", |b| {
        b.iter_batched(|| (), |()| serde_json::from_str::<baselines::Page<String>>(&page).unwrap(), per_iteration)
    });
    group.bench_function("baseline: derive, lossy, borrowed", |b| {
        b.iter_batched(
            || (),
            |()| serde_json::from_str::<baselines::Page<baselines::Borrowed>>(&page).unwrap(),
            per_iteration,
        )
    });
    group.finish();

    // The same, with freeing the result inside the timed loop, as a program that reads page
    // after page pays it.
    // The targets are set on this group: typed ≥ 2.6× `Value`'s throughput and ≥ 0.16×
    // `IgnoredAny`'s.
    let mut group = c.benchmark_group("decode and drop");
    group.throughput(Throughput::Bytes(page.len() as u64));
    group.sample_size(20);
    group.bench_function("graph_models::decode::<Page<ChatMessage>>", |b| {
        b.iter(|| graph_models::decode::<Page<ChatMessage>>(bytes).unwrap())
    });
    group.bench_function("serde_json::from_slice::<Value>", |b| {
        b.iter(|| serde_json::from_slice::<Value>(bytes).unwrap())
    });
    group.bench_function("serde_json::from_slice::<IgnoredAny>", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(bytes).unwrap())
    });
    group.bench_function("baseline: derive, lossy, owned", |b| {
        b.iter(|| serde_json::from_str::<baselines::Page<String>>(&page).unwrap())
    });
    group.bench_function("baseline: derive, lossy, borrowed", |b| {
        b.iter(|| serde_json::from_str::<baselines::Page<baselines::Borrowed>>(&page).unwrap())
    });
    group.finish();
}

criterion_group!(benches, deserialize);
criterion_main!(benches);
