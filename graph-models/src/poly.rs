//! Choosing the concrete type of a polymorphic value by its `@odata.type`.
//!
//! Graph writes `@odata.type` first, so the usual case streams: the keys before the discriminator
//! (none, usually) are buffered, and the rest of the object is read straight into the chosen
//! type. An object without a discriminator is buffered whole and read as the declared type.

use crate::de::Key;
use crate::AdditionalProperties;
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, Visitor};
use serde_json::Value;
use std::fmt;
use std::marker::PhantomData;

/// The discriminator property.
pub(crate) const ODATA_TYPE: &str = "@odata.type";

/// Implemented by each generated polymorphic enum.
pub(crate) trait Dispatch: Sized {
    /// Reads the object from `deserializer` as the type `odata_type` names, the declared type
    /// when it is `None`, or the fallback.
    fn dispatch<'de, D: Deserializer<'de>>(odata_type: Option<&str>, deserializer: D) -> Result<Self, D::Error>;
}

/// The `@odata.type` among a model's undeclared properties.
pub(crate) fn odata_type(properties: &AdditionalProperties) -> Option<&str> {
    properties.get(ODATA_TYPE).and_then(Value::as_str)
}

/// Deserialises a polymorphic value.
pub(crate) fn deserialize<'de, T: Dispatch, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(PolyVisitor(PhantomData))
}

struct PolyVisitor<T>(PhantomData<T>);

impl<'de, T: Dispatch> Visitor<'de> for PolyVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        // Entries before the discriminator; Graph writes it first, so this rarely allocates.
        let mut before: Vec<(String, Value)> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            let value: Value = map.next_value()?;
            if key.as_str() == ODATA_TYPE {
                // A discriminator that is not a string names no known type: the fallback keeps it.
                let odata_type = value.as_str().unwrap_or_default().to_owned();
                let replay = Replay { before: before.into_iter(), tag: Some(value), pending: None, rest: Some(map) };
                return T::dispatch(Some(&odata_type), MapAccessDeserializer::new(replay));
            }
            before.push((key.into_string(), value));
        }
        let replay = Replay { before: before.into_iter(), tag: None, pending: None, rest: None::<A> };
        T::dispatch(None, MapAccessDeserializer::new(replay))
    }
}

/// The object again: the entries read before the discriminator, the discriminator, then the rest
/// of the underlying map.
struct Replay<A> {
    before: std::vec::IntoIter<(String, Value)>,
    tag: Option<Value>,
    pending: Option<Value>,
    rest: Option<A>,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.before.next() {
            self.pending = Some(value);
            return seed.deserialize(StringDeserializer::<A::Error>::new(key)).map(Some);
        }
        if let Some(tag) = self.tag.take() {
            self.pending = Some(tag);
            return seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(ODATA_TYPE)).map(Some);
        }
        match &mut self.rest {
            Some(rest) => rest.next_key_seed(seed),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        if let Some(value) = self.pending.take() {
            return seed.deserialize(value).map_err(A::Error::custom);
        }
        match &mut self.rest {
            Some(rest) => rest.next_value_seed(seed),
            None => Err(A::Error::custom("a value was asked for before its key")),
        }
    }
}
