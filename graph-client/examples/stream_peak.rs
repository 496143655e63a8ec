//! Streams N messages (pages of 50) from a loopback server and prints the peak resident set size
//! (`VmHWM` from `/proc/self/status`), to show that memory does not grow with N: the client holds
//! one page at a time, and the server builds each page when asked.
//!
//! ```text
//! cargo run --release -p graph-client --example stream_peak -- 10000
//! cargo run --release -p graph-client --example stream_peak -- 100000
//! ```

#[path = "../benches/loopback/mod.rs"]
mod loopback;

use futures::TryStreamExt;
use graph_client::GraphClient;
use std::time::Instant;

const PER_PAGE: usize = 50;

fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let count: usize = std::env::args().nth(1).map(|arg| arg.parse()).transpose()?.unwrap_or(10_000);
    let pages = count.div_ceil(PER_PAGE);
    let base = loopback::start(pages, PER_PAGE, false).await;
    let client = GraphClient::builder().base_url(base).bearer_token("example-token").build()?;
    let before = peak_rss_kib();

    let started = Instant::now();
    let mut messages = client.chat(loopback::CHAT_ID).messages().top(50).items();
    let (mut streamed, mut text_bytes) = (0usize, 0usize);
    while let Some(message) = messages.try_next().await? {
        streamed += 1;
        text_bytes += message.body_content().map_or(0, str::len);
    }
    let elapsed = started.elapsed();

    println!("messages streamed: {streamed} ({pages} pages, {text_bytes} bytes of text)");
    println!("elapsed: {:.2?} ({:.0} messages/s)", elapsed, streamed as f64 / elapsed.as_secs_f64());
    match (before, peak_rss_kib()) {
        (Some(before), Some(after)) => println!("peak RSS (VmHWM): {after} KiB (before streaming: {before} KiB)"),
        _ => println!("peak RSS: /proc/self/status is not available on this system"),
    }
    Ok(())
}
