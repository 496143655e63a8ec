//! `Edm.DateTimeOffset` and `Edm.Duration`: the text as received, with typed access through jiff.
//!
//! The text is kept verbatim because real payloads carry values a strict parser rejects (the Graph
//! documentation itself shows `"2021-03-1706:47:05.123Z"`); such a value must not make the message
//! fail to deserialise, and must be written back unchanged.

use serde::{Deserialize, Serialize};
use std::fmt;

/// An `Edm.DateTimeOffset`: ISO 8601 / RFC 3339 text such as `2021-03-17T06:47:05.123Z`.
///
/// ```
/// # use graph_models::DateTimeOffset;
/// let good = DateTimeOffset::new("0001-01-01T00:00:00Z");
/// assert_eq!(good.to_timestamp().unwrap().to_string(), "0001-01-01T00:00:00Z");
/// let bad = DateTimeOffset::new("2021-03-1706:47:05.123Z");
/// assert!(bad.to_timestamp().is_err());
/// assert_eq!(bad.as_str(), "2021-03-1706:47:05.123Z");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DateTimeOffset(String);

impl DateTimeOffset {
    /// Wraps text as received; it is checked only when read with [`Self::to_timestamp`].
    pub fn new(text: impl Into<String>) -> Self {
        DateTimeOffset(text.into())
    }

    /// The text as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The instant, or the parse error for malformed text.
    pub fn to_timestamp(&self) -> Result<jiff::Timestamp, jiff::Error> {
        self.0.parse()
    }

    /// The text as received.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl From<jiff::Timestamp> for DateTimeOffset {
    /// RFC 3339 in UTC, as Graph writes it.
    fn from(timestamp: jiff::Timestamp) -> Self {
        DateTimeOffset(timestamp.to_string())
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An `Edm.Duration`: ISO 8601 duration text such as `PT1M13S`.
///
/// ```
/// # use graph_models::Duration;
/// let call = Duration::new("PT1M13S");
/// assert_eq!(call.to_signed_duration().unwrap().as_secs(), 73);
/// assert!(Duration::new("73 seconds-ish").to_span().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Duration(String);

impl Duration {
    /// Wraps text as received; it is checked only when read.
    pub fn new(text: impl Into<String>) -> Self {
        Duration(text.into())
    }

    /// The text as received.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The duration with its calendar units (years, months, days) as written.
    pub fn to_span(&self) -> Result<jiff::Span, jiff::Error> {
        self.0.parse()
    }

    /// The duration as an exact length of time; fails for calendar units such as days.
    pub fn to_signed_duration(&self) -> Result<jiff::SignedDuration, jiff::Error> {
        self.0.parse()
    }

    /// The text as received.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}
