//! `AdditionalProperties`: the properties of an object that its model does not declare, each
//! kept as the JSON text it arrived as.

use serde::de::{Deserialize, DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;

/// Properties a model does not declare (`@odata.type`, `@odata.etag`, properties the service added
/// after the schema was written, ...), in the order received, each kept as its JSON text byte for
/// byte and written back unchanged where it stood among the declared properties: a number like
/// `123456789012345678901234567890`, `-0` or `1e400` comes back exactly as it was. Values are
/// typed on demand with [`get_as`](Self::get_as).
///
/// A list rather than a map: most objects carry none or one or two, so a list allocates less and
/// keeps the original order. A key that appears twice in the payload is kept twice and written
/// twice; lookups see the last one, as JSON parsers do.
///
/// ```
/// # use graph_models::AdditionalProperties;
/// let mut extra = AdditionalProperties::new();
/// extra.insert("tenantId", "e61ef81e");
/// extra.insert_json("size", "123456789012345678901234567890").unwrap();
/// assert_eq!(extra.get_str("tenantId").as_deref(), Some("e61ef81e"));
/// assert_eq!(extra.get("size").unwrap().get(), "123456789012345678901234567890");
/// assert_eq!(extra.get_as::<f64>("size").unwrap().unwrap(), 1.2345678901234568e29);
/// assert!(extra.get("missing").is_none());
/// ```
#[derive(Debug, Clone, Default)]
pub struct AdditionalProperties(Vec<Entry>);

/// One undeclared property: its key, its JSON text, and where it stood among the declared ones.
#[derive(Debug, Clone)]
struct Entry {
    key: Cow<'static, str>,
    value: Box<RawValue>,
    /// How many declared properties came before it in the object it was read from, so that a
    /// model writes it back in the same place; [`SET_IN_CODE`] for one set in code.
    after: u16,
}

/// The place of a property set in code rather than read: after the declared properties (or
/// first, for an annotation such as `@odata.type`).
pub(crate) const SET_IN_CODE: u16 = u16::MAX;

/// The place after one more declared property than `declared`; an object with more than
/// `SET_IN_CODE - 1` of them (possible only with repeated keys) keeps the rest at the last place.
pub(crate) fn next_place(declared: u16) -> u16 {
    declared.saturating_add(1).min(SET_IN_CODE - 1)
}

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

    /// The JSON text of `key`'s value, the last one if the payload repeated it.
    pub fn get(&self, key: &str) -> Option<&RawValue> {
        self.0.iter().rev().find(|it| it.key == key).map(|it| &*it.value)
    }

    /// The value of `key` read as `T`: `None` if there is no such key, an error if the value is
    /// not a `T`.
    pub fn get_as<T: DeserializeOwned>(&self, key: &str) -> Option<Result<T, serde_json::Error>> {
        self.get(key).map(|raw| serde_json::from_str(raw.get()))
    }

    /// The value of `key` if it is a JSON string: borrowed unless it has escapes.
    pub fn get_str(&self, key: &str) -> Option<Cow<'_, str>> {
        let raw = self.get(key)?.get();
        serde_json::from_str::<&str>(raw)
            .map(Cow::Borrowed)
            .or_else(|_| serde_json::from_str::<String>(raw).map(Cow::Owned))
            .ok()
    }

    /// Sets `key` to `value` serialised as JSON, replacing the last entry of that key or
    /// appending a new one. Values that cannot be JSON (a map with non-string keys) are skipped.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Serialize) {
        if let Ok(raw) = serde_json::value::to_raw_value(&value) {
            self.insert_raw(key, raw);
        }
    }

    /// Sets `key` to the JSON text `json`, kept as written; an error if it is not JSON.
    pub fn insert_json(&mut self, key: impl Into<String>, json: &str) -> Result<(), serde_json::Error> {
        let raw = RawValue::from_string(json.to_owned())?;
        self.insert_raw(key, raw);
        Ok(())
    }

    /// Sets `key` to an already parsed JSON text; a new key goes after the declared properties
    /// when the model is written (an annotation, `@...`, before them).
    pub fn insert_raw(&mut self, key: impl Into<String>, value: Box<RawValue>) {
        let key = key.into();
        match self.0.iter_mut().rev().find(|it| it.key == key) {
            Some(entry) => entry.value = value,
            None => self.0.push(Entry { key: stored_key(Cow::Owned(key)), value, after: SET_IN_CODE }),
        }
    }

    /// Removes every entry of `key`, returning the last value.
    pub fn remove(&mut self, key: &str) -> Option<Box<RawValue>> {
        let mut removed = None;
        let mut kept = Vec::with_capacity(self.0.len());
        for entry in self.0.drain(..) {
            if entry.key == key {
                removed = Some(entry.value);
            } else {
                kept.push(entry);
            }
        }
        self.0 = kept;
        removed
    }

    /// Keeps the entries for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &RawValue) -> bool) {
        self.0.retain(|it| keep(&it.key, &it.value));
    }

    /// The entries in the order received.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &RawValue)> {
        self.0.iter().map(|it| (&*it.key, &*it.value))
    }

    /// The entries with the number of declared properties each came after ([`SET_IN_CODE`] for
    /// one set in code).
    pub(crate) fn placed(&self) -> impl Iterator<Item = (&str, &RawValue, u16)> {
        self.0.iter().map(|it| (&*it.key, &*it.value, it.after))
    }

    /// How many entries there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Appends an entry as received, `after` that many declared properties, without looking for
    /// an earlier one of the same key.
    pub(crate) fn push(&mut self, key: Cow<'_, str>, value: Box<RawValue>, after: u16) {
        // Most objects carry one undeclared property (`@odata.type`): room for one, not the four a
        // `Vec` would reserve, keeps a page of them smaller.
        if self.0.capacity() == 0 {
            self.0.reserve_exact(1);
        }
        self.0.push(Entry { key: stored_key(key), value, after });
    }

    /// The entries as a JSON object (a repeated key keeps its last value). The conversion parses
    /// every value, so numbers become `serde_json` numbers; the entries themselves keep the text.
    pub fn to_json_object(&self) -> serde_json::Map<String, serde_json::Value> {
        self.0
            .iter()
            .filter_map(|it| Some((it.key.clone().into_owned(), serde_json::from_str(it.value.get()).ok()?)))
            .collect()
    }
}

/// Equal when the same keys hold the same JSON text, in the same order (wherever they stood
/// among the declared properties).
impl PartialEq for AdditionalProperties {
    fn eq(&self, other: &Self) -> bool {
        self.0.len() == other.0.len()
            && self.0.iter().zip(&other.0).all(|(a, b)| a.key == b.key && a.value.get() == b.value.get())
    }
}

impl Serialize for AdditionalProperties {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for entry in &self.0 {
            map.serialize_entry(&*entry.key, &entry.value)?;
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
            // On its own, a map has no declared neighbours: its entries go where ones set in code do.
            properties.push(key.into_cow(), value, SET_IN_CODE);
        }
        Ok(properties)
    }
}
