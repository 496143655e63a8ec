//! `Flags<E>`: a value of a flags enum, a set written as comma-separated member names.

use serde::de::Visitor;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// A set of members of a flags enum such as [`crate::ChatMessageActions`], written on the wire as
/// `"reactionAdded,reactionRemoved"`. Names the schema does not know are kept in order as
/// `Other` members, so the text is written back exactly as received.
///
/// ```
/// # use graph_models::{ChatMessagePolicyViolationDlpActionTypes as Dlp, Flags};
/// let flags: Flags<Dlp> = serde_json::from_str(r#""notifySender,blockAccess,quarantine""#).unwrap();
/// assert!(flags.contains(&Dlp::BlockAccess));
/// assert_eq!(flags.members()[2], Dlp::Other("quarantine".into()));
/// assert_eq!(serde_json::to_string(&flags).unwrap(), r#""notifySender,blockAccess,quarantine""#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Flags<E>(Vec<E>);

impl<E> Flags<E> {
    /// A set of the given members, in the order they will be written.
    pub fn new(members: Vec<E>) -> Self {
        Flags(members)
    }

    /// The members in the order received.
    pub fn members(&self) -> &[E] {
        &self.0
    }

    /// Whether `member` is in the set.
    pub fn contains(&self, member: &E) -> bool
    where
        E: PartialEq,
    {
        self.0.contains(member)
    }

    /// Whether the set is empty (the empty string on the wire).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<E> Default for Flags<E> {
    fn default() -> Self {
        Flags(Vec::new())
    }
}

impl<E: AsRef<str>> Serialize for Flags<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let names: Vec<&str> = self.0.iter().map(AsRef::as_ref).collect();
        serializer.serialize_str(&names.join(","))
    }
}

impl<'de, E: for<'a> From<&'a str>> Deserialize<'de> for Flags<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(FlagsVisitor(PhantomData))
    }
}

/// Splits the text where the deserializer holds it, borrowed or in its scratch buffer, so that
/// only the members that are not declared ever own a copy.
struct FlagsVisitor<E>(PhantomData<E>);

impl<'de, E: for<'a> From<&'a str>> Visitor<'de> for FlagsVisitor<E> {
    type Value = Flags<E>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("comma-separated member names")
    }

    fn visit_str<Er>(self, text: &str) -> Result<Flags<E>, Er> {
        if text.is_empty() {
            return Ok(Flags(Vec::new()));
        }
        // Split on commas only: surrounding spaces stay part of a name, so the text round-trips.
        Ok(Flags(text.split(',').map(E::from).collect()))
    }
}
