//! `graph-mock`: serves the mock Graph chat endpoints on 127.0.0.1 until interrupted.

use clap::Parser;
use std::time::Duration;

/// mimalloc, as in graph-chat: serving is building and serialising models.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A local server that behaves like the Microsoft Graph Teams chat endpoints.
#[derive(Debug, Parser)]
#[command(version)]
struct Args {
    /// Port on 127.0.0.1; 0 picks a free one.
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// The bearer token to accept.
    #[arg(long, default_value = graph_mock::DEFAULT_TOKEN)]
    token: String,
    /// Generated chats (besides the documentation examples).
    #[arg(long, default_value_t = 12)]
    chats: usize,
    /// Generated messages per chat.
    #[arg(long, default_value_t = 40)]
    messages_per_chat: usize,
    /// Seed of the generated data.
    #[arg(long, default_value_t = 1)]
    seed: u64,
    /// Leave out the documentation examples.
    #[arg(long)]
    no_seed_examples: bool,
    /// Answer every Nth request with 429.
    #[arg(long, default_value_t = 0)]
    throttle_every: u64,
    /// Retry-After sent with 429/503/504, in seconds.
    #[arg(long)]
    retry_after: Option<String>,
    /// Start a burst of 503/504 answers every Nth request.
    #[arg(long, default_value_t = 0)]
    unavailable_every: u64,
    /// Length of each 503/504 burst.
    #[arg(long, default_value_t = 1)]
    unavailable_burst: u64,
    /// Delay every Nth answer.
    #[arg(long, default_value_t = 0)]
    slow_every: u64,
    /// The delay of a slow answer, in milliseconds.
    #[arg(long, default_value_t = 500)]
    slow_ms: u64,
    /// Cut every Nth body off halfway.
    #[arg(long, default_value_t = 0)]
    truncate_every: u64,
    /// Drop the connection after the headers of every Nth answer.
    #[arg(long, default_value_t = 0)]
    reset_every: u64,
    /// Point every nextLink at this origin instead, e.g. http://127.0.0.2:9.
    #[arg(long)]
    foreign_next_link: Option<String>,
    /// For how many steps of simulated time (`POST /mock/advance`) a deltaLink stays valid.
    #[arg(long, default_value_t = 24)]
    delta_link_lifetime: u64,
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let args = Args::parse();
    let config = graph_mock::MockConfig {
        port: args.port,
        token: args.token,
        dataset: graph_mock::DatasetConfig {
            seed_examples: !args.no_seed_examples,
            chats: args.chats,
            messages_per_chat: args.messages_per_chat,
            seed: args.seed,
        },
        faults: graph_mock::Faults {
            throttle_every: args.throttle_every,
            retry_after: args.retry_after,
            unavailable_every: args.unavailable_every,
            unavailable_burst: args.unavailable_burst,
            slow_every: args.slow_every,
            slow_delay: Duration::from_millis(args.slow_ms),
            truncate_every: args.truncate_every,
            reset_every: args.reset_every,
            foreign_next_link: args.foreign_next_link,
        },
        delta_link_lifetime: args.delta_link_lifetime,
    };
    let server = graph_mock::start(config).await?;
    println!("graph-mock listening: {} (token: {})", server.base_url(), server.token());
    tokio::signal::ctrl_c().await?;
    server.shutdown().await;
    Ok(())
}
