//! Percent-encoding and OData literals: an id is one path segment, a query value one value.

use crate::error::Error;
use crate::request::Invalid;
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// Everything but RFC 3986 unreserved characters, `:` and `@` (which Graph's own documentation
/// leaves raw in chat ids such as `19:...@thread.v2`).
const SEGMENT: &AsciiSet =
    &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~').remove(b':').remove(b'@');

/// Everything but RFC 3986 unreserved characters: `&`, `=`, `+`, `#`, `%` and spaces included.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

/// An id encoded as exactly one path segment, or why it cannot be one: empty ids and the dot
/// segments `.` and `..` (which URL parsers would resolve away, encoded or not) are refused.
#[derive(Debug, Clone)]
pub(crate) struct Segment(Result<String, Invalid>);

impl Segment {
    /// `id`, which names a `what` ("chat id") in errors.
    pub(crate) fn new(what: &'static str, id: &str) -> Self {
        Segment(match id {
            "" => Err(Invalid::EmptyId(what)),
            "." => Err(Invalid::DotSegment(what, ".")),
            ".." => Err(Invalid::DotSegment(what, "..")),
            _ => Ok(utf8_percent_encode(id, SEGMENT).to_string()),
        })
    }

    /// The encoded segment.
    pub(crate) fn encoded(&self) -> Result<&str, Error> {
        self.0.as_deref().map_err(|invalid| invalid.clone().into())
    }
}

/// A query string of `$`-prefixed OData options (names are literal) and encoded values.
#[derive(Debug, Clone, Default)]
pub struct Query(Vec<(&'static str, String)>);

impl Query {
    /// Adds a parameter with its value as given (it is encoded when written).
    pub(crate) fn push(&mut self, name: &'static str, value: impl Into<String>) {
        self.0.push((name, value.into()));
    }

    /// `?name=value&...`, or nothing.
    pub(crate) fn write(&self, out: &mut String) {
        for (index, (name, value)) in self.0.iter().enumerate() {
            out.push(if index == 0 { '?' } else { '&' });
            out.push_str(name);
            out.push('=');
            out.extend(utf8_percent_encode(value, QUERY_VALUE));
        }
    }
}

/// An OData string literal: `text` in single quotes, with quotes inside doubled.
///
/// Use it to build `$filter` expressions from untrusted text; the expression as a whole is
/// percent-encoded when sent.
///
/// ```
/// # use graph_client::odata_string;
/// assert_eq!(odata_string("let's meet"), "'let''s meet'");
/// let filter = format!("topic eq {}", odata_string("a&b=c"));
/// assert_eq!(filter, "topic eq 'a&b=c'");
/// ```
pub fn odata_string(text: &str) -> String {
    format!("'{}'", text.replace('\'', "''"))
}

/// A `$filter` `Edm.DateTimeOffset` literal, UTC to the millisecond: `2020-06-04T18:03:11.591Z`.
pub(crate) fn datetime_literal(timestamp: jiff::Timestamp) -> String {
    timestamp.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_ids_stay_one_segment() {
        let segment = |what, id| Segment::new(what, id).encoded().map(str::to_owned);
        assert_eq!(segment("chat id", "19:abc@thread.v2").unwrap(), "19:abc@thread.v2");
        assert_eq!(segment("chat id", "a/../b?x=1#frag").unwrap(), "a%2F..%2Fb%3Fx%3D1%23frag");
        assert_eq!(segment("chat id", "50%").unwrap(), "50%25");
        assert_eq!(segment("user", "first.last@contoso.com").unwrap(), "first.last@contoso.com");
        assert_eq!(segment("user", "a b\\c\u{e9}").unwrap(), "a%20b%5Cc%C3%A9");
        assert_eq!(segment("user", "it's(1)").unwrap(), "it%27s%281%29");
        for bad in ["", ".", ".."] {
            assert!(segment("chat id", bad).is_err());
        }
    }

    #[test]
    fn query_values_cannot_add_parameters() {
        let mut query = Query::default();
        query.push("$top", "5");
        query.push("$filter", "topic eq 'a&$top=1+2#x%'");
        let mut out = String::new();
        query.write(&mut out);
        assert_eq!(out, "?$top=5&$filter=topic%20eq%20%27a%26%24top%3D1%2B2%23x%25%27");
    }

    #[test]
    fn datetime_literals_are_utc_with_milliseconds() {
        let t: jiff::Timestamp = "2020-06-04T20:03:11.591789+02:00".parse().unwrap();
        assert_eq!(datetime_literal(t), "2020-06-04T18:03:11.591Z");
        let t: jiff::Timestamp = "2022-09-22T00:00:00Z".parse().unwrap();
        assert_eq!(datetime_literal(t), "2022-09-22T00:00:00.000Z");
    }
}
