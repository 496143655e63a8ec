//! An optional client-side rate limit after the documented Teams limits. Each spaces requests
//! evenly (one every `period / n`), so no window of that length holds more than `n`.

use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::Mutex;
use tokio::time::Instant;

/// A number of requests per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    requests: u32,
    period: Duration,
}

impl Rate {
    /// `requests` per `period`; at least one request.
    pub fn new(requests: u32, period: Duration) -> Self {
        Rate { requests: requests.max(1), period }
    }

    /// `requests` per second.
    pub fn per_second(requests: u32) -> Self {
        Rate::new(requests, Duration::from_secs(1))
    }

    fn interval(self) -> Duration {
        self.period / self.requests
    }
}

/// Client-side limits; `None` disables one. Every limit applies per client, that is per app and
/// tenant (one client holds one app's token for one tenant).
///
/// [`RateLimits::teams`] holds the documented values. Microsoft says they change; set your own
/// when they do.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RateLimits {
    /// Every request of the client: 130,000 per 10 s per app (the global Graph limit).
    pub global: Option<Rate>,
    /// Requests on one chat (its messages, one message, hosted contents, pinned messages, members
    /// or the chat itself): 1 per second.
    pub per_chat: Option<Rate>,
    /// `GET /chats/{id}/messages` and `/chats/{id}/messages/{id}` across all chats: 20 per second
    /// per app per tenant.
    pub chat_messages: Option<Rate>,
    /// `GET /users/{id}/chats/getAllMessages`, `getAllRetainedMessages` and
    /// `getAllMessages/delta`: 200 per second per app per tenant (delta has no row of its own in
    /// the documented table; it is a getAllMessages call).
    pub all_messages: Option<Rate>,
    /// List chats and Get chat for one user: 5 per second per user.
    pub chats_per_user: Option<Rate>,
    /// Other Teams `GET`s (chats, members, hosted contents, pinned messages): 30 per second per
    /// app per tenant.
    pub other_gets: Option<Rate>,
}

impl RateLimits {
    /// The documented Teams limits (see the field docs).
    pub fn teams() -> Self {
        RateLimits {
            global: Some(Rate::new(130_000, Duration::from_secs(10))),
            per_chat: Some(Rate::per_second(1)),
            chat_messages: Some(Rate::per_second(20)),
            all_messages: Some(Rate::per_second(200)),
            chats_per_user: Some(Rate::per_second(5)),
            other_gets: Some(Rate::per_second(30)),
        }
    }
}

/// One limit a request counts against: which, and for what (a user, a chat; empty for a limit
/// on the whole client).
pub type Limit = (Bucket, String);

/// The limits of [`RateLimits`], one per field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Bucket {
    /// [`RateLimits::per_chat`].
    PerChat,
    /// [`RateLimits::chat_messages`].
    ChatMessages,
    /// [`RateLimits::all_messages`].
    AllMessages,
    /// [`RateLimits::chats_per_user`].
    ChatsPerUser,
    /// [`RateLimits::other_gets`].
    OtherGets,
    /// [`RateLimits::global`], which every request counts against.
    Global,
}

impl RateLimits {
    fn rate(&self, bucket: Bucket) -> Option<Rate> {
        match bucket {
            Bucket::PerChat => self.per_chat,
            Bucket::ChatMessages => self.chat_messages,
            Bucket::AllMessages => self.all_messages,
            Bucket::ChatsPerUser => self.chats_per_user,
            Bucket::OtherGets => self.other_gets,
            Bucket::Global => self.global,
        }
    }
}

/// The limiter state: the next free slot per limit and key.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    limits: RateLimits,
    next_free: Mutex<HashMap<Limit, Instant>>,
}

/// Keys kept before stale ones are pruned.
const PRUNE_ABOVE: usize = 4096;

impl RateLimiter {
    pub(crate) fn new(limits: RateLimits) -> Self {
        RateLimiter { limits, next_free: Mutex::new(HashMap::new()) }
    }

    /// Waits until the request may be sent under every limit it counts against.
    pub(crate) async fn acquire(&self, limits: &[Limit]) {
        let slot = self.reserve(limits).await;
        if slot > Instant::now() {
            tracing::debug!(wait_ms = (slot - Instant::now()).as_millis() as u64, "client-side rate limit");
            tokio::time::sleep_until(slot).await;
        }
    }

    /// Reserves the earliest instant at which every applicable limit has a free slot.
    async fn reserve(&self, limits: &[Limit]) -> Instant {
        let global = (Bucket::Global, String::new());
        let active: Vec<(&Limit, Rate)> =
            limits.iter().chain([&global]).filter_map(|limit| Some((limit, self.limits.rate(limit.0)?))).collect();
        let now = Instant::now();
        let mut next_free = self.next_free.lock().await;
        if next_free.len() > PRUNE_ABOVE {
            next_free.retain(|_, free| *free > now);
        }
        let slot = active.iter().filter_map(|(limit, _)| next_free.get(*limit).copied()).fold(now, Instant::max);
        for (limit, rate) in active {
            next_free.insert(limit.clone(), slot + rate.interval());
        }
        slot
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chat(id: &str) -> Vec<Limit> {
        vec![(Bucket::ChatMessages, String::new()), (Bucket::PerChat, id.to_owned())]
    }

    #[tokio::test(start_paused = true)]
    async fn spaces_requests_per_chat_and_per_tenant() {
        let limits = RateLimits {
            per_chat: Some(Rate::per_second(1)),
            chat_messages: Some(Rate::per_second(4)),
            ..RateLimits::default()
        };
        let limiter = RateLimiter::new(limits);
        let start = Instant::now();
        let offsets = [
            limiter.reserve(&chat("a")).await - start,
            limiter.reserve(&chat("a")).await - start,
            limiter.reserve(&chat("b")).await - start,
            limiter.reserve(&chat("c")).await - start,
            limiter.reserve(&chat("a")).await - start,
        ];
        let ms = |ms| Duration::from_millis(ms);
        // "a" waits for its own 1/s limit; "b" and "c" only for the 4/s tenant-wide one.
        assert_eq!(offsets, [ms(0), ms(1000), ms(1250), ms(1500), ms(2000)]);
    }

    #[tokio::test(start_paused = true)]
    async fn acquire_waits_for_the_slot() {
        let limiter = RateLimiter::new(RateLimits { all_messages: Some(Rate::per_second(2)), ..RateLimits::default() });
        let start = Instant::now();
        for _ in 0..3 {
            limiter.acquire(&[(Bucket::AllMessages, String::new())]).await;
        }
        assert_eq!(Instant::now() - start, Duration::from_millis(1000));
    }

    #[tokio::test(start_paused = true)]
    async fn no_limits_no_wait() {
        let limiter = RateLimiter::new(RateLimits::default());
        let start = Instant::now();
        for _ in 0..100 {
            limiter.acquire(&chat("a")).await;
        }
        assert_eq!(Instant::now(), start);
    }
}
