//! When and how long to wait before retrying.

use rand::Rng;
use reqwest::StatusCode;
use std::time::{Duration, SystemTime};

/// How throttled (429) and transiently failing (503, 504, connection errors) requests are
/// retried. All requests this client sends are idempotent `GET`s.
///
/// The wait is the response's `Retry-After` (seconds or an HTTP date), else `base_delay *
/// 2^(retry - 1)` capped at `max_delay`, its upper half jittered. A retry that would take the
/// total wait past `max_total_delay` is not made.
///
/// ```
/// # use graph_client::RetryPolicy;
/// # use std::time::Duration;
/// let policy = RetryPolicy::default().max_retries(5).base_delay(Duration::from_millis(500));
/// assert_eq!(policy.get_max_retries(), 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    max_retries: u32,
    base_delay: Duration,
    max_delay: Duration,
    max_total_delay: Duration,
}

/// The most retries a policy allows, whatever is asked for.
pub const MAX_RETRIES: u32 = 10;

impl Default for RetryPolicy {
    /// 3 retries, 3 s base delay, 60 s per wait, 180 s in total (the Graph SDKs' defaults).
    fn default() -> Self {
        RetryPolicy {
            max_retries: 3,
            base_delay: Duration::from_secs(3),
            max_delay: Duration::from_secs(60),
            max_total_delay: Duration::from_secs(180),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy::default().max_retries(0)
    }

    /// At most `retries` retries after the first attempt (capped at [`MAX_RETRIES`]).
    pub fn max_retries(self, retries: u32) -> Self {
        RetryPolicy { max_retries: retries.min(MAX_RETRIES), ..self }
    }

    /// The first backoff delay, doubled for each further retry.
    pub fn base_delay(self, delay: Duration) -> Self {
        RetryPolicy { base_delay: delay, ..self }
    }

    /// The longest single backoff delay (a `Retry-After` is honoured as given).
    pub fn max_delay(self, delay: Duration) -> Self {
        RetryPolicy { max_delay: delay, ..self }
    }

    /// The most time spent waiting across all retries of one request.
    pub fn max_total_delay(self, delay: Duration) -> Self {
        RetryPolicy { max_total_delay: delay, ..self }
    }

    /// The configured number of retries.
    pub fn get_max_retries(&self) -> u32 {
        self.max_retries
    }

    /// The backoff before retry number `retry` (1-based), without a `Retry-After`: half of
    /// `base * 2^(retry-1)` (capped) plus a random part of up to the other half.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let exponential = self.base_delay.saturating_mul(1u32 << retry.saturating_sub(1).min(20)).min(self.max_delay);
        let half = exponential / 2;
        half + half.mul_f64(rand::rng().random::<f64>())
    }

    /// The wait before retry number `retry`, or `None` if the budget does not allow it.
    pub(crate) fn next_delay(&self, retry: u32, waited: Duration, retry_after: Option<Duration>) -> Option<Duration> {
        if retry > self.max_retries {
            return None;
        }
        let delay = retry_after.filter(|delay| !delay.is_zero()).unwrap_or_else(|| self.backoff(retry));
        // Checked: a `Retry-After` of centuries must end the retries, not overflow.
        waited.checked_add(delay).is_some_and(|total| total <= self.max_total_delay).then_some(delay)
    }
}

/// Whether a status is retried: 429, 503 and 504 only.
pub(crate) fn is_retryable(status: StatusCode) -> bool {
    matches!(status.as_u16(), 429 | 503 | 504)
}

/// Parses `Retry-After`: decimal seconds (`2.128` too) or an HTTP date, relative to `now`.
pub(crate) fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<f64>() {
        return Duration::try_from_secs_f64(seconds).ok();
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_in_seconds_and_dates() {
        let now = httpdate::parse_http_date("Tue, 18 Aug 2020 12:51:51 GMT").unwrap();
        assert_eq!(parse_retry_after("2.128", now), Some(Duration::from_millis(2128)));
        assert_eq!(parse_retry_after(" 7 ", now), Some(Duration::from_secs(7)));
        assert_eq!(parse_retry_after("Tue, 18 Aug 2020 12:52:01 GMT", now), Some(Duration::from_secs(10)));
        assert_eq!(parse_retry_after("Tue, 18 Aug 2020 12:50:00 GMT", now), Some(Duration::ZERO));
        assert_eq!(parse_retry_after("-1", now), None);
        assert_eq!(parse_retry_after("soon", now), None);
    }

    #[test]
    fn backoff_grows_jittered_and_capped() {
        let policy = RetryPolicy::default().base_delay(Duration::from_secs(4)).max_delay(Duration::from_secs(10));
        for _ in 0..50 {
            let first = policy.backoff(1);
            assert!(first >= Duration::from_secs(2) && first <= Duration::from_secs(4), "{first:?}");
            let second = policy.backoff(2);
            assert!(second >= Duration::from_secs(4) && second <= Duration::from_secs(8), "{second:?}");
            let capped = policy.backoff(9);
            assert!(capped >= Duration::from_secs(5) && capped <= Duration::from_secs(10), "{capped:?}");
        }
    }

    #[test]
    fn budget_bounds_retries_and_total_wait() {
        let policy = RetryPolicy::default().max_retries(2).max_total_delay(Duration::from_secs(10));
        let after = Some(Duration::from_secs(4));
        assert_eq!(policy.next_delay(1, Duration::ZERO, after), after);
        assert_eq!(policy.next_delay(2, Duration::from_secs(4), after), after);
        assert_eq!(policy.next_delay(3, Duration::from_secs(8), after), None);
        assert_eq!(policy.next_delay(2, Duration::from_secs(8), after), None);
        assert_eq!(RetryPolicy::none().next_delay(1, Duration::ZERO, after), None);
        // A zero Retry-After falls back to backoff: never an immediate retry.
        assert!(policy.next_delay(1, Duration::ZERO, Some(Duration::ZERO)).unwrap() >= Duration::from_millis(1500));
        assert_eq!(RetryPolicy::default().max_retries(99).get_max_retries(), MAX_RETRIES);
    }

    #[test]
    fn a_retry_after_of_centuries_ends_the_retries_even_without_a_total_cap() {
        let uncapped = RetryPolicy::default().max_total_delay(Duration::MAX);
        let centuries = parse_retry_after("18446744073709549568", SystemTime::now());
        assert!(centuries.is_some());
        assert_eq!(uncapped.next_delay(2, Duration::from_secs(3000), centuries), None);
    }
}
