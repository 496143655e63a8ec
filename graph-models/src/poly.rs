//! Choosing the concrete type of a polymorphic value by its `@odata.type`.
//!
//! Graph writes `@odata.type` first, so the usual case streams: the keys before the discriminator
//! (none, usually) are buffered, and the rest of the object is read straight into the chosen
//! type. An object without a discriminator is buffered whole and read as the declared type.

use crate::de::Key;
use crate::AdditionalProperties;
use serde::de::value::{BorrowedStrDeserializer, MapAccessDeserializer, StringDeserializer};
use serde::de::{Deserialize, DeserializeSeed, Deserializer, Error, MapAccess, Visitor};
use serde_json::Value;
use std::borrow::Cow;
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
            if key.as_str() == ODATA_TYPE {
                let tag: Tag<'de> = map.next_value()?;
                // A discriminator that is not a string names no known type: the fallback keeps it.
                let odata_type = match &tag {
                    Tag::Text(Cow::Borrowed(text)) => Cow::Borrowed(*text),
                    Tag::Text(Cow::Owned(text)) => Cow::Owned(text.clone()),
                    Tag::Other(_) => Cow::Borrowed(""),
                };
                let replay = Replay { before: before.into_iter(), tag: Some(tag), pending: None, rest: Some(map) };
                return T::dispatch(Some(&odata_type), MapAccessDeserializer::new(replay));
            }
            let value: Value = map.next_value()?;
            before.push((key.into_cow().into_owned(), value));
        }
        let replay = Replay { before: before.into_iter(), tag: None, pending: None, rest: None::<A> };
        T::dispatch(None, MapAccessDeserializer::new(replay))
    }
}

/// The discriminator's value: text, borrowed from the input when possible, or anything else.
enum Tag<'de> {
    Text(Cow<'de, str>),
    Other(Value),
}

impl<'de> Deserialize<'de> for Tag<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(TagVisitor)
    }
}

struct TagVisitor;

impl<'de> Visitor<'de> for TagVisitor {
    type Value = Tag<'de>;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an `@odata.type`")
    }

    fn visit_borrowed_str<E: Error>(self, value: &'de str) -> Result<Tag<'de>, E> {
        Ok(Tag::Text(Cow::Borrowed(value)))
    }

    fn visit_str<E: Error>(self, value: &str) -> Result<Tag<'de>, E> {
        Ok(Tag::Text(Cow::Owned(value.to_owned())))
    }

    fn visit_string<E: Error>(self, value: String) -> Result<Tag<'de>, E> {
        Ok(Tag::Text(Cow::Owned(value)))
    }

    fn visit_bool<E: Error>(self, value: bool) -> Result<Tag<'de>, E> {
        Ok(Tag::Other(Value::Bool(value)))
    }

    fn visit_i64<E: Error>(self, value: i64) -> Result<Tag<'de>, E> {
        Ok(Tag::Other(Value::from(value)))
    }

    fn visit_u64<E: Error>(self, value: u64) -> Result<Tag<'de>, E> {
        Ok(Tag::Other(Value::from(value)))
    }

    fn visit_f64<E: Error>(self, value: f64) -> Result<Tag<'de>, E> {
        Ok(Tag::Other(Value::from(value)))
    }

    fn visit_unit<E: Error>(self) -> Result<Tag<'de>, E> {
        Ok(Tag::Other(Value::Null))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Tag<'de>, A::Error> {
        Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq)).map(Tag::Other)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Tag<'de>, A::Error> {
        Value::deserialize(MapAccessDeserializer::new(map)).map(Tag::Other)
    }
}

/// The object again: the entries read before the discriminator, the discriminator, then the rest
/// of the underlying map.
struct Replay<'de, A> {
    before: std::vec::IntoIter<(String, Value)>,
    tag: Option<Tag<'de>>,
    pending: Option<Pending<'de>>,
    rest: Option<A>,
}

/// A value to hand out next: buffered, or the discriminator's.
enum Pending<'de> {
    Value(Value),
    Tag(Tag<'de>),
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Replay<'de, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, A::Error> {
        if let Some((key, value)) = self.before.next() {
            self.pending = Some(Pending::Value(value));
            return seed.deserialize(StringDeserializer::<A::Error>::new(key)).map(Some);
        }
        if let Some(tag) = self.tag.take() {
            self.pending = Some(Pending::Tag(tag));
            return seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(ODATA_TYPE)).map(Some);
        }
        match &mut self.rest {
            Some(rest) => rest.next_key_seed(seed),
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        match self.pending.take() {
            Some(Pending::Value(value) | Pending::Tag(Tag::Other(value))) => {
                return seed.deserialize(value).map_err(A::Error::custom);
            }
            Some(Pending::Tag(Tag::Text(Cow::Borrowed(text)))) => {
                return seed.deserialize(BorrowedStrDeserializer::<A::Error>::new(text));
            }
            Some(Pending::Tag(Tag::Text(Cow::Owned(text)))) => {
                return seed.deserialize(StringDeserializer::<A::Error>::new(text));
            }
            None => {}
        }
        match &mut self.rest {
            Some(rest) => rest.next_value_seed(seed),
            None => Err(A::Error::custom("a value was asked for before its key")),
        }
    }
}
