//! What every generated struct shares: its `Serialize` and `Deserialize`, written once here over
//! the [`Model`] each struct implements (its JSON names and one `match`).

use crate::de::Key;
use crate::ser::StructWriter;
use crate::{AdditionalProperties, Property};
use serde::de::{DeserializeOwned, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use std::fmt;
use std::marker::PhantomData;

/// The part of a generated struct's serde code that differs from one struct to the next.
pub(crate) trait Model: Default + Undeclared {
    /// What a payload error says was expected: ``a `chatMessage` object``.
    const EXPECTING: &'static str;

    /// Writes the declared properties, in declared order.
    fn write<W: Write>(&self, out: W) -> W;

    /// Reads the value of the key `read` holds into its field, or keeps it as an undeclared
    /// property.
    fn read<R: Read>(&mut self, read: R) -> R::Done;
}

/// Where a generated struct keeps its undeclared properties; implemented by `impl_models!`, so
/// that [`Model`] only holds what the generator decides.
pub(crate) trait Undeclared {
    fn undeclared(&self) -> &AdditionalProperties;
    fn undeclared_mut(&mut self) -> &mut AdditionalProperties;
}

/// Where [`Model::write`] writes: one property after the other, errors kept for the end.
pub(crate) trait Write {
    fn property<T: Serialize>(self, key: &str, value: &Property<T>) -> Self;
}

impl<M: SerializeMap> Write for StructWriter<'_, M> {
    fn property<T: Serialize>(self, key: &str, value: &Property<T>) -> Self {
        StructWriter::property(self, key, value)
    }
}

/// One entry of an object being read: its key, and where its value goes.
pub(crate) trait Read {
    /// What reading gives: `Result<(), A::Error>`.
    type Done;
    /// The entry's key.
    fn key(&self) -> &str;
    /// Reads the value into a declared property.
    fn value<T: DeserializeOwned>(self, slot: &mut Property<T>) -> Self::Done;
    /// Keeps the entry as an undeclared property.
    fn other(self, additional: &mut AdditionalProperties) -> Self::Done;
}

/// An entry of a map being read, and how many declared properties the object had before it.
pub(crate) struct Entry<'a, 'de, A> {
    pub(crate) key: Key<'de>,
    pub(crate) map: &'a mut A,
    pub(crate) declared: &'a mut u16,
}

impl<'de, A: MapAccess<'de>> Read for Entry<'_, 'de, A> {
    type Done = Result<(), A::Error>;

    fn key(&self) -> &str {
        self.key.as_str()
    }

    fn value<T: DeserializeOwned>(self, slot: &mut Property<T>) -> Self::Done {
        *slot = self.map.next_value()?;
        *self.declared = crate::additional::next_place(*self.declared);
        Ok(())
    }

    fn other(self, additional: &mut AdditionalProperties) -> Self::Done {
        crate::de::additional(self.map, additional, self.key, *self.declared)
    }
}

/// Writes `value` as a JSON object: declared properties in the schema's order, undeclared ones
/// where they stood (see `StructWriter`); `odata_type` is written first when the value does not
/// carry an `@odata.type`.
pub(crate) fn serialize<T: Model, S: Serializer>(
    value: &T,
    odata_type: Option<&str>,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    value.write(StructWriter::begin(serializer, value.undeclared(), odata_type)).end()
}

/// Reads a `T` from a JSON object, field by field as the keys come.
pub(crate) fn deserialize<'de, T: Model, D: Deserializer<'de>>(deserializer: D) -> Result<T, D::Error> {
    deserializer.deserialize_map(ModelVisitor(PhantomData))
}

/// Reads the rest of `map` into `value`, which has read `declared` declared properties so far.
pub(crate) fn read_rest<'de, T: Model, A: MapAccess<'de>>(
    value: &mut T,
    map: &mut A,
    mut declared: u16,
) -> Result<(), A::Error> {
    while let Some(key) = map.next_key::<Key<'de>>()? {
        value.read(Entry { key, map, declared: &mut declared })?;
    }
    Ok(())
}

struct ModelVisitor<T>(PhantomData<T>);

impl<'de, T: Model> Visitor<'de> for ModelVisitor<T> {
    type Value = T;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut value = T::default();
        read_rest(&mut value, &mut map, 0)?;
        Ok(value)
    }
}

/// `Serialize` and `Deserialize` through [`Model`], and where undeclared properties live, for
/// each generated struct listed after the name of that field.
macro_rules! impl_models {
    ($additional:ident: $($model:ident),* $(,)?) => {$(
        impl crate::model::Undeclared for $model {
            fn undeclared(&self) -> &crate::AdditionalProperties {
                &self.$additional
            }
            fn undeclared_mut(&mut self) -> &mut crate::AdditionalProperties {
                &mut self.$additional
            }
        }

        impl ::serde::Serialize for $model {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                crate::model::serialize(self, ::core::option::Option::None, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $model {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                crate::model::deserialize(deserializer)
            }
        }
    )*};
}

pub(crate) use impl_models;
