//! Fault soak: `getAllMessages` exported from graph-mock while it throttles (429 with
//! `Retry-After: 0.01` on 1 request in 20), answers 503/504 in bursts, answers slowly, cuts
//! bodies off halfway and drops connections after the headers, and compared with a second,
//! fault-free graph-mock holding the same data. Loopback only.
//!
//! - `soak_20k_messages_through_faults` (always on): 40 chats × 500 messages.
//! - `soak_1m_messages_through_faults` (ignored): 1000 chats × 1000 messages, in release mode:
//!
//!   ```sh
//!   cargo test --release -p graph-client --test soak -- --ignored --nocapture
//!   ```
//!
//! Both check that:
//! - every message arrives exactly once and in the server's order: each chat's messages come in
//!   one run, newest first with strictly decreasing ids, no chat comes back once left, and the
//!   count is chats × messages per chat (checked in constant memory);
//! - every message is byte-for-byte the JSON the fault-free server sends (raw items from
//!   `raw_pages()`, compared page by page with pages read by plain `reqwest`, never through the
//!   client), and the pages follow the same `$skiptoken`s;
//! - retries are exactly the injected failures (the server's fault schedule is deterministic by
//!   request number), every request is a page or a retry, and retries stay under a fifth of the
//!   requests;
//! - peak RSS (`VmHWM`) is printed at 10 %, 50 % and 100 % of the run; the million-message run
//!   asserts it stays flat, as only one page is held at a time.

use futures::TryStreamExt;
use graph_client::{GraphClient, RetryPolicy};
use graph_mock::{DatasetConfig, Fault, Faults, MockConfig, MockServer};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::collections::HashSet;
use std::time::{Duration, Instant};

const TOKEN: &str = "soak-SECRET-7d2a";

/// The faults: 1 request in 20 throttled, bursts of three 503/504 every 97 requests, 1 in 41
/// slow, 1 in 31 cut off halfway through the body, 1 in 37 dropped after the headers.
fn faults() -> Faults {
    Faults {
        throttle_every: 20,
        retry_after: Some("0.01".into()),
        unavailable_every: 97,
        unavailable_burst: 3,
        slow_every: 41,
        slow_delay: Duration::from_millis(5),
        truncate_every: 31,
        reset_every: 37,
        foreign_next_link: None,
    }
}

/// Retries that wait milliseconds: `Retry-After` (10 ms) when sent, else 1-5 ms backoff; up to
/// 10 retries per request, as faults may follow each other.
fn policy() -> RetryPolicy {
    RetryPolicy::default().max_retries(10).base_delay(Duration::from_millis(1)).max_delay(Duration::from_millis(5))
}

/// `VmHWM` (peak resident set) and `VmRSS` of this process, in KiB.
fn memory_kib() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|line| line.starts_with(name))
            .and_then(|line| line.split_whitespace().nth(1))
            .and_then(|value| value.parse().ok())
            .unwrap_or(0)
    };
    (field("VmHWM:"), field("VmRSS:"))
}

/// A page as the fault-free server sends it, read without the client.
#[derive(Deserialize)]
struct RawPage {
    #[serde(rename = "@odata.nextLink")]
    next_link: Option<String>,
    value: Vec<Box<RawValue>>,
}

/// The fault-free server's pages, one at a time, through plain `reqwest`.
struct Reference {
    http: reqwest::Client,
    next: Option<String>,
}

impl Reference {
    async fn next_page(&mut self) -> Option<RawPage> {
        let url = self.next.take()?;
        let response = self.http.get(&url).bearer_auth(TOKEN).send().await.expect("the reference answers");
        let body = response.error_for_status().expect("the reference never fails").bytes().await.unwrap();
        let page: RawPage = serde_json::from_slice(&body).expect("a reference page");
        self.next = page.next_link.clone();
        Some(page)
    }
}

fn skiptoken(link: Option<&str>) -> Option<String> {
    let url = url::Url::parse(link?).expect("a nextLink is a URL");
    url.query_pairs().find(|(name, _)| name == "$skiptoken").map(|(_, value)| value.into_owned())
}

#[derive(Deserialize)]
struct Key {
    #[serde(rename = "chatId")]
    chat_id: String,
    id: String,
}

/// Checks in constant memory (one id per chat) that messages come exactly once, in order.
struct Order {
    per_chat: usize,
    seen_chats: HashSet<String>,
    current: Option<String>,
    in_current: usize,
    last_id: u64,
    total: usize,
}

impl Order {
    fn new(per_chat: usize) -> Self {
        Order { per_chat, seen_chats: HashSet::new(), current: None, in_current: 0, last_id: 0, total: 0 }
    }

    fn push(&mut self, item: &RawValue) {
        let key: Key = serde_json::from_str(item.get()).expect("a message with chatId and id");
        let id: u64 = key.id.parse().expect("generated ids are numbers");
        if self.current.as_deref() == Some(key.chat_id.as_str()) {
            assert!(
                id < self.last_id,
                "chat {}: message {id} after {}: repeated or out of order",
                key.chat_id,
                self.last_id
            );
        } else {
            if let Some(previous) = &self.current {
                assert_eq!(self.in_current, self.per_chat, "chat {previous} ended early");
            }
            assert!(self.seen_chats.insert(key.chat_id.clone()), "chat {} came back after another chat", key.chat_id);
            self.current = Some(key.chat_id);
            self.in_current = 0;
        }
        self.last_id = id;
        self.in_current += 1;
        self.total += 1;
    }

    fn finish(&self, chats: usize) {
        assert_eq!(self.in_current, self.per_chat, "the last chat ended early");
        assert_eq!(self.seen_chats.len(), chats, "every chat");
        assert_eq!(self.total, chats * self.per_chat, "every message");
    }
}

/// What a soak measured.
struct Figures {
    messages: usize,
    pages: u64,
    requests: u64,
    retries: u64,
    elapsed: Duration,
    /// (percent of the messages, VmHWM KiB, VmRSS KiB).
    memory: Vec<(usize, u64, u64)>,
}

async fn start(dataset: &DatasetConfig, faults: Faults) -> MockServer {
    let config = MockConfig { token: TOKEN.to_owned(), dataset: dataset.clone(), faults, ..Default::default() };
    graph_mock::start(config).await.expect("graph-mock starts on 127.0.0.1")
}

/// Exports `chats × per_chat` messages from a faulty server and a fault-free one side by side,
/// and checks them as the module documentation says.
async fn soak(chats: usize, per_chat: usize) -> Figures {
    let dataset = DatasetConfig { seed_examples: false, chats, messages_per_chat: per_chat, seed: 42 };
    let faults = faults();
    let faulty = start(&dataset, faults.clone()).await;
    let reference_server = start(&dataset, Faults::default()).await;
    let user = faulty.users()[0].id.clone(); // a member of every chat
    let client =
        GraphClient::builder().base_url(faulty.base_url()).bearer_token(TOKEN).retry_policy(policy()).build().unwrap();
    let mut reference = Reference {
        http: reqwest::Client::new(),
        next: Some(format!("{}/users/{user}/chats/getAllMessages?$top=50", reference_server.base_url())),
    };

    let total = chats * per_chat;
    let mut checkpoints = vec![10, 50, 100].into_iter().peekable();
    let mut memory = Vec::new();
    let mut order = Order::new(per_chat);
    let mut pages = 0u64;
    let started = Instant::now();
    let mut stream = client.user(&user).all_messages().top(50).raw_pages();
    loop {
        let got = stream.try_next().await.unwrap_or_else(|error| panic!("page {pages}: {error}"));
        let expected = reference.next_page().await;
        let (got, expected) = match (got, expected) {
            (None, None) => break,
            (Some(got), Some(expected)) => (got, expected),
            (got, _) => panic!(
                "after {pages} pages only the {} stream ended",
                if got.is_none() { "faulty" } else { "reference" }
            ),
        };
        assert_eq!(got.value.len(), expected.value.len(), "page {pages}: length");
        for (index, (item, want)) in got.value.iter().zip(&expected.value).enumerate() {
            assert!(item.get() == want.get(), "page {pages}, item {index} differs:\n{}\n{}", item.get(), want.get());
            order.push(item);
        }
        assert_eq!(skiptoken(got.next_link()), skiptoken(expected.next_link.as_deref()), "page {pages}: next link");
        pages += 1;
        while checkpoints.peek().is_some_and(|percent| order.total * 100 >= percent * total) {
            let (peak, current) = memory_kib();
            memory.push((checkpoints.next().unwrap(), peak, current));
        }
    }
    let elapsed = started.elapsed();
    order.finish(chats);

    let requests = faulty.requests();
    let retries = client.retries();
    let injected = (1..=requests).filter(|n| faults.fault(*n).is_some()).count() as u64;
    assert_eq!(retries, injected, "every injected failure was retried once, nothing else was");
    assert_eq!(requests, pages + retries, "every request was a page or a retry");
    assert!(retries > 0 && retries <= requests / 5, "{retries} retries of {requests} requests");
    faulty.shutdown().await;
    reference_server.shutdown().await;
    Figures { messages: order.total, pages, requests, retries, elapsed, memory }
}

fn report(figures: &Figures) {
    let faults = faults();
    let count = |kind: Fault| (1..=figures.requests).filter(|n| faults.fault(*n) == Some(kind)).count();
    println!(
        "{} messages in {} pages: {:.2?}, {:.0} messages/s; {} requests, {} retries \
         ({} throttled, {} unavailable, {} reset, {} cut off; {} slow answers)",
        figures.messages,
        figures.pages,
        figures.elapsed,
        figures.messages as f64 / figures.elapsed.as_secs_f64(),
        figures.requests,
        figures.retries,
        count(Fault::Throttled),
        count(Fault::Unavailable),
        count(Fault::Reset),
        count(Fault::Truncated),
        (1..=figures.requests).filter(|n| faults.is_slow(*n)).count(),
    );
    for (percent, peak, current) in &figures.memory {
        println!("at {percent:>3} %: peak RSS (VmHWM) {peak} KiB, RSS {current} KiB");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn soak_20k_messages_through_faults() {
    let figures = tokio::time::timeout(Duration::from_secs(600), soak(40, 500)).await.expect("the soak hung");
    report(&figures);
    assert_eq!(figures.messages, 20_000);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "a million messages: run in release mode, see the module documentation"]
async fn soak_1m_messages_through_faults() {
    let figures = tokio::time::timeout(Duration::from_secs(3600), soak(1000, 1000)).await.expect("the soak hung");
    report(&figures);
    assert_eq!(figures.messages, 1_000_000);
    // One page at a time: the peak after a million messages is the peak after 100,000, give or
    // take allocator noise; holding the messages would take gigabytes.
    let (first, last) = (figures.memory[0].1, figures.memory[2].1);
    assert!(last <= first + 64 * 1024, "peak RSS grew from {first} KiB at 10 % to {last} KiB at 100 %");
}
