//! `AdditionalProperties`: the properties of an object that its model does not declare.

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// Properties a model does not declare (`@odata.type`, `@odata.etag`, properties the service added
/// after the schema was written, ...), in the order received, written back unchanged.
///
/// A list rather than a map: most objects carry none or one or two, so a list allocates less and
/// keeps the original order. A key that appears twice in the payload is kept twice and written
/// twice; lookups see the last one, as JSON parsers do.
///
/// ```
/// # use graph_models::AdditionalProperties;
/// let mut extra = AdditionalProperties::new();
/// extra.insert("tenantId", "e61ef81e".into());
/// assert_eq!(extra["tenantId"], "e61ef81e");
/// assert_eq!(extra.get("missing"), None);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AdditionalProperties(Vec<(Cow<'static, str>, Value)>);

/// Keys that appear on most objects that have undeclared properties at all; kept as static
/// strings, they cost no allocation.
const WELL_KNOWN_KEYS: &[&str] = &["@odata.type", "@odata.context", "@odata.etag", "@odata.id", "tenantId"];

/// The key as stored: a static string for a well-known key, an owned copy otherwise.
fn stored_key(key: Cow<'_, str>) -> Cow<'static, str> {
    match WELL_KNOWN_KEYS.iter().find(|it| **it == key) {
        Some(known) => Cow::Borrowed(known),
        None => Cow::Owned(key.into_owned()),
    }
}

impl AdditionalProperties {
    /// No properties.
    pub fn new() -> Self {
        AdditionalProperties(Vec::new())
    }

    /// The value of `key`, the last one if the payload repeated it.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.iter().rev().find(|(it, _)| it == key).map(|(_, value)| value)
    }

    /// Sets `key` to `value`, replacing the last entry of that key or appending a new one.
    pub fn insert(&mut self, key: impl Into<String>, value: Value) {
        let key = key.into();
        match self.0.iter_mut().rev().find(|(it, _)| *it == key) {
            Some((_, slot)) => *slot = value,
            None => self.0.push((stored_key(Cow::Owned(key)), value)),
        }
    }

    /// Removes every entry of `key`, returning the last value.
    pub fn remove(&mut self, key: &str) -> Option<Value> {
        let mut removed = None;
        self.0.retain_mut(|(it, value)| {
            if it == key {
                removed = Some(std::mem::take(value));
                false
            } else {
                true
            }
        });
        removed
    }

    /// Keeps the entries for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &Value) -> bool) {
        self.0.retain(|(key, value)| keep(key, value));
    }

    /// The entries in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.0.iter().map(|(key, value)| (&**key, value))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends an entry as received, without looking for an earlier one of the same key.
    pub(crate) fn push(&mut self, key: Cow<'_, str>, value: Value) {
        // Most objects carry one undeclared property (`@odata.type`): room for one, not the four a
        // `Vec` would reserve, keeps a page of them smaller.
        if self.0.capacity() == 0 {
            self.0.reserve_exact(1);
        }
        self.0.push((stored_key(key), value));
    }

    /// The entries as a JSON object (a repeated key keeps its last value).
    pub fn to_json_object(&self) -> serde_json::Map<String, Value> {
        self.0.iter().map(|(key, value)| (key.clone().into_owned(), value.clone())).collect()
    }
}

impl std::ops::Index<&str> for AdditionalProperties {
    type Output = Value;

    /// The value of `key`, or `Value::Null` when there is none, like `serde_json::Value`'s index.
    fn index(&self, key: &str) -> &Value {
        static NULL: Value = Value::Null;
        self.get(key).unwrap_or(&NULL)
    }
}

impl From<serde_json::Map<String, Value>> for AdditionalProperties {
    fn from(object: serde_json::Map<String, Value>) -> Self {
        object.into_iter().collect()
    }
}

impl FromIterator<(String, Value)> for AdditionalProperties {
    fn from_iter<I: IntoIterator<Item = (String, Value)>>(entries: I) -> Self {
        AdditionalProperties(entries.into_iter().map(|(key, value)| (stored_key(Cow::Owned(key)), value)).collect())
    }
}

impl Serialize for AdditionalProperties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in &self.0 {
            map.serialize_entry(&**key, value)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for AdditionalProperties {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ObjectVisitor)
    }
}

struct ObjectVisitor;

impl<'de> Visitor<'de> for ObjectVisitor {
    type Value = AdditionalProperties;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<AdditionalProperties, A::Error> {
        let mut properties = AdditionalProperties::new();
        while let Some(key) = map.next_key::<crate::de::Key<'de>>()? {
            let value = map.next_value()?;
            properties.push(key.into_cow(), value);
        }
        Ok(properties)
    }
}
