//! What the server serves and how it misbehaves.

use std::time::Duration;

/// Everything `start` needs; `Default` serves the seed examples and a small generated tenant on
/// an ephemeral port, accepting the token `mock-token`, with no faults.
#[derive(Debug, Clone)]
pub struct MockConfig {
    /// The TCP port on 127.0.0.1; 0 picks a free one.
    pub port: u16,
    /// The bearer token the server accepts.
    pub token: String,
    /// The data served.
    pub dataset: DatasetConfig,
    /// Injected faults.
    pub faults: Faults,
    /// For how many steps of simulated time ([`MockServer::advance`](crate::MockServer::advance))
    /// a deltaLink stays valid; an older one answers 410 Gone with `syncStateNotFound`.
    pub delta_link_lifetime: u64,
}

impl Default for MockConfig {
    fn default() -> Self {
        MockConfig {
            port: 0,
            token: DEFAULT_TOKEN.to_owned(),
            dataset: DatasetConfig::default(),
            faults: Faults::default(),
            delta_link_lifetime: 24,
        }
    }
}

/// The token a default server accepts.
pub const DEFAULT_TOKEN: &str = "mock-token";

/// The data: the seed documentation examples, plus generated chats whose messages are made on
/// demand from (seed, chat, index), so a million messages take no memory.
#[derive(Debug, Clone)]
pub struct DatasetConfig {
    /// Serve the chats and messages of the Graph documentation examples.
    pub seed_examples: bool,
    /// How many generated chats.
    pub chats: usize,
    /// How many messages each generated chat has.
    pub messages_per_chat: usize,
    /// The generator's seed: the same seed gives the same data.
    pub seed: u64,
}

impl Default for DatasetConfig {
    fn default() -> Self {
        DatasetConfig { seed_examples: true, chats: 12, messages_per_chat: 40, seed: 1 }
    }
}

/// Faults, each applied by request count so that runs are reproducible. A request is counted
/// when it reaches the server, faulty or not; `every: 0` turns a fault off.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Every Nth request is answered 429 with `Retry-After: retry_after`.
    pub throttle_every: u64,
    /// The `Retry-After` value sent with 429 and 503 answers, e.g. `"1"` or `"0.05"`.
    pub retry_after: Option<String>,
    /// Every Nth request starts a burst of `unavailable_burst` answers alternating 503 and 504.
    pub unavailable_every: u64,
    /// Length of a 503/504 burst.
    pub unavailable_burst: u64,
    /// Every Nth request is answered after `slow_delay`.
    pub slow_every: u64,
    /// How long a slow answer waits.
    pub slow_delay: Duration,
    /// Every Nth successful body is cut off halfway and the connection dropped.
    pub truncate_every: u64,
    /// Every Nth request gets its headers and then a dropped connection, with no body.
    pub reset_every: u64,
    /// Every nextLink points to this origin (e.g. `http://127.0.0.2:9`) instead of the server's.
    pub foreign_next_link: Option<String>,
}

/// What [`Faults`] does to one request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// 429 with the configured `Retry-After`.
    Throttled,
    /// 503 (even request numbers) or 504, with the configured `Retry-After`.
    Unavailable,
    /// The headers of a successful answer, then a dropped connection.
    Reset,
    /// The headers and half the body of a successful answer, then a dropped connection.
    Truncated,
}

impl Faults {
    /// The fault injected into request number `n` (1-based, counted as requests arrive), in the
    /// order of precedence the server applies; `None` for an answer without one. The schedule
    /// is the server's own, so a test can count what it should have seen.
    pub fn fault(&self, n: u64) -> Option<Fault> {
        let every = |period: u64| period > 0 && n % period == 0;
        if every(self.throttle_every) {
            Some(Fault::Throttled)
        } else if self.unavailable_every > 0
            && n >= self.unavailable_every
            && n % self.unavailable_every < self.unavailable_burst
        {
            Some(Fault::Unavailable)
        } else if every(self.reset_every) {
            Some(Fault::Reset)
        } else if every(self.truncate_every) {
            Some(Fault::Truncated)
        } else {
            None
        }
    }

    /// Whether request `n` is answered after [`slow_delay`](Self::slow_delay); throttled and
    /// unavailable answers come at once.
    pub fn is_slow(&self, n: u64) -> bool {
        self.slow_every > 0
            && n % self.slow_every == 0
            && !matches!(self.fault(n), Some(Fault::Throttled | Fault::Unavailable))
    }
}
