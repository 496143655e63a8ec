//! getAllMessages' sender filters, from Microsoft's export guidance: clauses on `from/user/id`,
//! `from/user/userIdentityType`, `from/application/applicationIdentityType` and `messageType`
//! joined with `or` (in parentheses when more follows), `messageType ne 'systemEventMessage'`, and
//! the date range, all joined with `and`.

use crate::odata::ODataError;
use crate::query::{DateFilter, DateProperty};
use graph_models::ChatMessage;
use serde_json::Value;

/// One `eq` clause: the JSON pointer it reads and the value it wants.
#[derive(Debug, Clone)]
struct Clause {
    pointer: &'static str,
    value: String,
}

/// A whole getAllMessages `$filter`.
#[derive(Debug, Clone, Default)]
pub struct MessageFilter {
    /// Any of these (none: everyone).
    senders: Vec<Clause>,
    without_system_events: bool,
    dates: DateFilter,
}

impl MessageFilter {
    /// Parses the filter; date clauses may use `allowed`.
    pub fn parse(filter: &str, allowed: &[(DateProperty, &str)]) -> Result<MessageFilter, ODataError> {
        let mut parsed = MessageFilter::default();
        let mut dates = Vec::new();
        for part in split_top_level(filter, " and ") {
            let part = strip_parentheses(part.trim());
            if part == "messageType ne 'systemEventMessage'" {
                parsed.without_system_events = true;
            } else if part.starts_with("from/") || part.starts_with("messageType") {
                for clause in split_top_level(part, " or ") {
                    parsed.senders.push(sender_clause(strip_parentheses(clause.trim()))?);
                }
            } else {
                dates.extend(split_top_level(part, " and ").into_iter().map(str::to_owned));
            }
        }
        if !dates.is_empty() {
            parsed.dates = DateFilter::parse(&dates.join(" and "), allowed)?;
        }
        Ok(parsed)
    }

    /// Whether `message` passes.
    pub fn accepts(&self, message: &ChatMessage) -> bool {
        if !self.dates.accepts(message) {
            return false;
        }
        if self.senders.is_empty() && !self.without_system_events {
            return true;
        }
        let value = serde_json::to_value(message).unwrap_or(Value::Null);
        let is = |pointer: &str, wanted: &str| value.pointer(pointer).and_then(Value::as_str) == Some(wanted);
        let system = is("/messageType", "systemEventMessage");
        if self.without_system_events && system {
            return false;
        }
        self.senders.is_empty() || self.senders.iter().any(|it| is(it.pointer, &it.value))
    }
}

fn sender_clause(clause: &str) -> Result<Clause, ODataError> {
    let invalid = || ODataError::bad_request(format!("Invalid filter clause: '{clause}'."));
    let (property, literal) = clause.split_once(" eq ").ok_or_else(invalid)?;
    let pointer = match property {
        "from/user/id" => "/from/user/id",
        "from/user/userIdentityType" => "/from/user/userIdentityType",
        "from/application/applicationIdentityType" => "/from/application/applicationIdentityType",
        "messageType" => "/messageType",
        _ => return Err(invalid()),
    };
    let value = literal.strip_prefix('\'').and_then(|it| it.strip_suffix('\'')).ok_or_else(invalid)?;
    Ok(Clause { pointer, value: value.replace("''", "'") })
}

/// `text` split at `separator` where it is outside parentheses and quotes.
fn split_top_level<'a>(text: &'a str, separator: &str) -> Vec<&'a str> {
    let (mut parts, mut depth, mut quoted, mut start) = (Vec::new(), 0i32, false, 0);
    let mut at = 0;
    while at < text.len() {
        let rest = &text[at..];
        match rest.as_bytes()[0] {
            b'\'' => quoted = !quoted,
            b'(' if !quoted => depth += 1,
            b')' if !quoted => depth -= 1,
            _ if !quoted && depth == 0 && rest.starts_with(separator) => {
                parts.push(&text[start..at]);
                at += separator.len();
                start = at;
                continue;
            }
            _ => {}
        }
        at += rest.chars().next().map_or(1, char::len_utf8);
    }
    parts.push(&text[start..]);
    parts
}

fn strip_parentheses(text: &str) -> &str {
    match text.strip_prefix('(').and_then(|it| it.strip_suffix(')')) {
        Some(inner) if split_top_level(inner, ")").len() == 1 => inner.trim(),
        _ => text,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_combinations_parse() {
        let filter = "(from/user/id eq 'a' or from/application/applicationIdentityType eq 'bot') and \
                      messageType ne 'systemEventMessage' and lastModifiedDateTime gt 2020-06-04T18:03:11.591Z";
        let parsed = MessageFilter::parse(filter, &[(DateProperty::LastModified, "gt")]).unwrap();
        assert_eq!(parsed.senders.len(), 2);
        assert!(parsed.without_system_events && parsed.dates.mentions(DateProperty::LastModified));
        assert!(MessageFilter::parse("from/user/id eq 'it''s'", &[]).unwrap().senders[0].value == "it's");
        assert!(MessageFilter::parse("from/user/name eq 'x'", &[]).is_err());
    }
}
