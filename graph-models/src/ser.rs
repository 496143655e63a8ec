//! Writing a model as a JSON object, in the order Graph writes one.

use crate::{AdditionalProperties, Property};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Writes a model as a JSON object: OData annotations (`@odata.type`, ...) first, as Graph does,
/// so that a reader can choose a subtype without buffering; then the declared properties that are
/// not absent; then the remaining undeclared ones. A value of a polymorphic type that was built in
/// code gets its variant's `@odata.type`, so that it reads back as the same variant.
///
/// The first error is kept and every later write skipped, so that the generated code can write
/// its properties as one chain ([`crate::model::Write`]).
pub(crate) struct StructWriter<M: SerializeMap> {
    map: Result<M, M::Error>,
}

impl<M: SerializeMap> StructWriter<M> {
    pub(crate) fn begin<S>(serializer: S, additional: &AdditionalProperties, odata_type: Option<&str>) -> Self
    where
        S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>,
    {
        let mut writer = StructWriter { map: serializer.serialize_map(None) };
        if let Some(odata_type) = odata_type.filter(|_| additional.get(crate::poly::ODATA_TYPE).is_none()) {
            writer.entry(crate::poly::ODATA_TYPE, odata_type);
        }
        for (key, value) in additional.iter().filter(|(key, _)| is_annotation(key)) {
            writer.entry(key, value);
        }
        writer
    }

    /// Writes a declared property unless it is absent.
    pub(crate) fn property<T: Serialize>(mut self, key: &str, value: &Property<T>) -> Self {
        match value {
            Property::Absent => {}
            Property::Null => self.entry(key, &()),
            Property::Value(value) => self.entry(key, value),
        }
        self
    }

    pub(crate) fn end(mut self, additional: &AdditionalProperties) -> Result<M::Ok, M::Error> {
        for (key, value) in additional.iter().filter(|(key, _)| !is_annotation(key)) {
            self.entry(key, value);
        }
        self.map?.end()
    }

    fn entry<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        if let Ok(map) = &mut self.map {
            if let Err(error) = map.serialize_entry(key, value) {
                self.map = Err(error);
            }
        }
    }
}

/// An instance annotation such as `@odata.type`; property annotations (`name@odata.x`) stay with
/// the other undeclared properties.
fn is_annotation(key: &str) -> bool {
    key.starts_with('@')
}
