//! Streams 100,000 messages (2,000 pages of 50) from a loopback server serving pre-serialised
//! pages, and reports messages per second.
//!
//! `cargo bench -p graph-client --bench stream`

#[path = "loopback/mod.rs"]
mod loopback;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use futures::TryStreamExt;
use graph_client::GraphClient;
use std::time::Duration;

const PAGES: usize = 2_000;
const PER_PAGE: usize = 50;

fn stream_messages(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let base = runtime.block_on(loopback::start(PAGES, PER_PAGE, true));
    let client = GraphClient::builder().base_url(base).bearer_token("bench-token").build().unwrap();

    let mut group = c.benchmark_group("stream");
    group.throughput(Throughput::Elements((PAGES * PER_PAGE) as u64));
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    group.bench_function("100k_messages_2000_pages", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let mut messages = client.chat(loopback::CHAT_ID).messages().top(50).items();
                let mut count = 0usize;
                while let Some(message) = messages.try_next().await.unwrap() {
                    count += usize::from(message.id.is_value());
                }
                assert_eq!(count, PAGES * PER_PAGE);
            })
        })
    });
    group.finish();
}

criterion_group!(benches, stream_messages);
criterion_main!(benches);
