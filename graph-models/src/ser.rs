//! Serialisation helper the generated `Serialize` impls call.

use crate::{AdditionalProperties, Property};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Writes a model as a JSON object: OData annotations (`@odata.type`, ...) first, as Graph does,
/// so that a reader can choose a subtype without buffering; then the declared properties that are
/// not absent; then the remaining undeclared ones.
pub(crate) struct StructWriter<M> {
    map: M,
}

impl<M: SerializeMap> StructWriter<M> {
    pub(crate) fn begin<S>(serializer: S, additional: &AdditionalProperties) -> Result<Self, S::Error>
    where
        S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>,
    {
        let mut map = serializer.serialize_map(None)?;
        for (key, value) in additional.iter().filter(|(key, _)| is_annotation(key)) {
            map.serialize_entry(key, value)?;
        }
        Ok(StructWriter { map })
    }

    pub(crate) fn property<T: Serialize>(&mut self, key: &str, value: &Property<T>) -> Result<(), M::Error> {
        match value {
            Property::Absent => Ok(()),
            Property::Null => self.map.serialize_entry(key, &()),
            Property::Value(value) => self.map.serialize_entry(key, value),
        }
    }

    pub(crate) fn end(mut self, additional: &AdditionalProperties) -> Result<M::Ok, M::Error> {
        for (key, value) in additional.iter().filter(|(key, _)| !is_annotation(key)) {
            self.map.serialize_entry(key, value)?;
        }
        self.map.end()
    }
}

/// An instance annotation such as `@odata.type`; property annotations (`name@odata.x`) stay with
/// the other undeclared properties.
fn is_annotation(key: &str) -> bool {
    key.starts_with('@')
}
