//! Deserialisation helpers the generated `Deserialize` impls call.

use crate::AdditionalProperties;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use std::borrow::Cow;
use std::fmt;

/// An object key, borrowed from the input when the deserializer allows it, so that matching a
/// declared property name allocates nothing.
pub(crate) struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    pub(crate) fn borrowed(key: &'de str) -> Self {
        Key(Cow::Borrowed(key))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn into_cow(self) -> Cow<'de, str> {
        self.0
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("a property name")
    }

    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(value)))
    }

    fn visit_str<E>(self, value: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E>(self, value: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(value)))
    }
}

/// Keeps a property the schema does not declare, as received, `after` that many declared ones.
pub(crate) fn additional<'de, A: MapAccess<'de>>(
    map: &mut A,
    properties: &mut AdditionalProperties,
    key: Key<'de>,
    after: u16,
) -> Result<(), A::Error> {
    let value = map.next_value()?;
    properties.push(key.into_cow(), value, after);
    Ok(())
}

/// Reads a member of a generated enum from a string: `From<&str>` gives the member, or the
/// fallback that keeps an unknown value. serde's derive would first buffer every value for the
/// `#[serde(untagged)]` fallback; matching the borrowed string directly avoids that.
pub(crate) fn enum_member<'de, E, D>(deserializer: D, expecting: &'static str) -> Result<E, D::Error>
where
    E: for<'a> From<&'a str>,
    D: Deserializer<'de>,
{
    deserializer.deserialize_str(MemberVisitor(expecting, std::marker::PhantomData))
}

struct MemberVisitor<E>(&'static str, std::marker::PhantomData<E>);

impl<'de, E: for<'a> From<&'a str>> Visitor<'de> for MemberVisitor<E> {
    type Value = E;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(self.0)
    }

    fn visit_str<Er>(self, value: &str) -> Result<E, Er> {
        Ok(E::from(value))
    }
}
