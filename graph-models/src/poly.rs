//! What every generated polymorphic enum shares: choosing the concrete type of a value by its
//! `@odata.type`, and reaching the variant's struct to write it, written once here over the
//! [`Union`] each enum implements (its discriminators and one `match`).
//!
//! Graph writes `@odata.type` first, so the usual case streams: the keys before the discriminator
//! (none, usually) are kept as their JSON text, and the rest of the object is read straight into
//! the chosen type. An object without a discriminator is kept whole that way and read as the
//! declared type, or as the fallback.

use crate::de::Key;
use crate::model::{self, Entry, Model};
use crate::AdditionalProperties;
use serde::de::{DeserializeSeed, Deserializer, Error, MapAccess, Visitor};
use serde::ser::Serializer;
use serde_json::value::RawValue;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// The discriminator property.
pub(crate) const ODATA_TYPE: &str = "@odata.type";

/// The part of a generated polymorphic enum's code that differs from one enum to the next.
pub(crate) trait Union: Sized {
    /// The `@odata.type` of each variant but the fallback, by variant index.
    const DISCRIMINATORS: &'static [&'static str];
    /// The variant of an object without `@odata.type`: the declared type's, when it is concrete;
    /// `None` for the fallback.
    const UNTAGGED: Option<usize>;

    /// Reads `object` as variant number `variant`; any other number is the fallback.
    fn read<O: ReadVariant<Self>>(variant: usize, object: O) -> O::Done;

    /// Calls `visit` with the variant's struct and the variant's number (the fallback's is past
    /// the last discriminator).
    fn variant<'a, V: VisitVariant<'a>>(&'a self, visit: V) -> V::Output;
}

/// An object being read as one variant of `U`.
pub(crate) trait ReadVariant<U> {
    /// What reading gives: `Result<U, A::Error>`.
    type Done;
    /// Reads a `T` and makes the variant of it.
    fn to<T: Model + Into<U>>(self) -> Self::Done;
    /// Reads a `T` and makes `wrap` of it: the fallback, which `From` does not choose.
    fn map<T: Model>(self, wrap: fn(T) -> U) -> Self::Done;
}

/// Something done with the struct a variant holds.
pub(crate) trait VisitVariant<'a> {
    /// What it gives.
    type Output;
    /// Does it with `value`, the struct of variant number `variant`.
    fn visit<T: Model>(self, value: &'a T, variant: usize) -> Self::Output;
}

/// The undeclared properties of a variant.
pub(crate) fn additional_properties<U: Union>(value: &U) -> &AdditionalProperties {
    struct Get;
    impl<'a> VisitVariant<'a> for Get {
        type Output = &'a AdditionalProperties;
        fn visit<T: Model>(self, value: &'a T, _: usize) -> &'a AdditionalProperties {
            value.undeclared()
        }
    }
    value.variant(Get)
}

/// Writes the variant's struct, with its `@odata.type` first. A value without one (built in code)
/// gets its variant's, except the declared type's own variant, which reads back the same without.
pub(crate) fn serialize<U: Union, S: Serializer>(value: &U, serializer: S) -> Result<S::Ok, S::Error> {
    struct Write<S, U>(S, PhantomData<U>);
    impl<S: Serializer, U: Union> VisitVariant<'_> for Write<S, U> {
        type Output = Result<S::Ok, S::Error>;
        fn visit<T: Model>(self, value: &T, variant: usize) -> Self::Output {
            let odata_type = U::DISCRIMINATORS.get(variant).filter(|_| U::UNTAGGED != Some(variant));
            model::serialize(value, odata_type.copied(), self.0)
        }
    }
    value.variant(Write(serializer, PhantomData::<U>))
}

/// Deserialises a polymorphic value.
pub(crate) fn deserialize<'de, U: Union, D: Deserializer<'de>>(deserializer: D) -> Result<U, D::Error> {
    deserializer.deserialize_map(UnionVisitor(PhantomData))
}

struct UnionVisitor<U>(PhantomData<U>);

impl<'de, U: Union> Visitor<'de> for UnionVisitor<U> {
    type Value = U;

    fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str("an object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<U, A::Error> {
        let mut before: Vec<(String, Box<RawValue>)> = Vec::new();
        while let Some(key) = map.next_key::<Key<'de>>()? {
            if key.as_str() == ODATA_TYPE {
                let tag: Box<RawValue> = map.next_value()?;
                // A discriminator that is not a string names no known type: the fallback keeps it.
                let variant = text(&tag).and_then(|text| U::DISCRIMINATORS.iter().position(|it| *it == text));
                let object = Object { before, tag: Some(tag), rest: Some(map), input: PhantomData };
                return U::read(variant.unwrap_or(usize::MAX), object);
            }
            before.push((key.into_cow().into_owned(), map.next_value()?));
        }
        U::read(U::UNTAGGED.unwrap_or(usize::MAX), Object { before, tag: None, rest: None::<A>, input: PhantomData })
    }
}

/// The text of a JSON string; `None` for another JSON value.
fn text(raw: &RawValue) -> Option<Cow<'_, str>> {
    match serde_json::from_str::<&str>(raw.get()) {
        Ok(text) => Some(Cow::Borrowed(text)),
        Err(_) => serde_json::from_str::<String>(raw.get()).ok().map(Cow::Owned),
    }
}

/// A polymorphic object being read: the entries before the discriminator, the discriminator, and
/// the rest of the map.
pub(crate) struct Object<'de, A> {
    before: Vec<(String, Box<RawValue>)>,
    tag: Option<Box<RawValue>>,
    rest: Option<A>,
    input: PhantomData<&'de ()>,
}

impl<'de, A: MapAccess<'de>> Object<'de, A> {
    /// The object as a `T`, its entries in the order received.
    fn read<T: Model>(self) -> Result<T, A::Error> {
        let mut value = T::default();
        let mut declared = 0;
        for (key, raw) in &self.before {
            let entry = Entry { key: Key::borrowed(key), map: &mut One(Some(raw)), declared: &mut declared };
            value.read(entry).map_err(A::Error::custom)?;
        }
        if let Some(tag) = self.tag {
            value.undeclared_mut().push(Cow::Borrowed(ODATA_TYPE), tag, declared);
        }
        if let Some(mut rest) = self.rest {
            model::read_rest(&mut value, &mut rest, declared)?;
        }
        Ok(value)
    }
}

impl<'de, A: MapAccess<'de>, U> ReadVariant<U> for Object<'de, A> {
    type Done = Result<U, A::Error>;

    fn to<T: Model + Into<U>>(self) -> Self::Done {
        self.read::<T>().map(Into::into)
    }

    fn map<T: Model>(self, wrap: fn(T) -> U) -> Self::Done {
        self.read::<T>().map(wrap)
    }
}

/// The value of one buffered entry, read again.
struct One<'a>(Option<&'a RawValue>);

impl<'a> MapAccess<'a> for One<'a> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'a>>(&mut self, _seed: K) -> Result<Option<K::Value>, Self::Error> {
        Ok(None)
    }

    fn next_value_seed<V: DeserializeSeed<'a>>(&mut self, seed: V) -> Result<V::Value, Self::Error> {
        match self.0.take() {
            Some(raw) => seed.deserialize(raw),
            None => Err(Self::Error::custom("a value was asked for twice")),
        }
    }
}

/// The inherent accessors, `Serialize` and `Deserialize` of each generated polymorphic enum
/// listed, through its [`Union`] implementation.
macro_rules! impl_union {
    ($($name:ident),* $(,)?) => {$(
        impl $name {
            /// The properties of the value that its type does not declare, `@odata.type` among them.
            pub fn additional_properties(&self) -> &crate::AdditionalProperties {
                crate::poly::additional_properties(self)
            }

            /// The `@odata.type` the value carries, if any.
            pub fn odata_type(&self) -> ::core::option::Option<::std::borrow::Cow<'_, str>> {
                self.additional_properties().get_str(crate::poly::ODATA_TYPE)
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                crate::poly::serialize(self, serializer)
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                crate::poly::deserialize(deserializer)
            }
        }
    )*};
}

pub(crate) use impl_union;
