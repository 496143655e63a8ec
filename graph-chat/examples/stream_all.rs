//! The Rust side of the streaming comparison in `bench/compare.sh`: every message of a user's
//! chats through `getAllMessages`, typed, from any Graph-compatible root.
//!
//! `stream_all BASE_URL TOKEN USER` prints one JSON line: messages, seconds, messages/s and the
//! peak resident set size (VmHWM).

use futures::TryStreamExt;
use graph_client::GraphClient;
use std::time::Instant;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [base_url, token, user] = args.as_slice() else {
        return Err("usage: stream_all BASE_URL TOKEN USER".into());
    };
    let client = GraphClient::builder().base_url(base_url.clone()).bearer_token(token.clone()).build()?;
    let started = Instant::now();
    let mut messages = client.user(user).all_messages().top(50).items();
    let mut count = 0u64;
    while let Some(message) = messages.try_next().await? {
        count += u64::from(message.id.is_value());
    }
    let seconds = started.elapsed().as_secs_f64();
    let peak = std::fs::read_to_string("/proc/self/status")?
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:").map(|it| it.trim().to_owned()))
        .unwrap_or_default();
    println!(
        "{}",
        serde_json::json!({"language": "rust", "client": "graph-client", "messages": count, "seconds": seconds,
                           "messages_per_second": count as f64 / seconds, "peak_rss": peak})
    );
    Ok(())
}
