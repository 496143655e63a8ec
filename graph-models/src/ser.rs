//! Writing a model as a JSON object, in the order Graph writes one.

use crate::additional::SET_IN_CODE;
use crate::{AdditionalProperties, Property};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Writes a model as a JSON object: its declared properties that are not absent, in the schema's
/// order (Graph's), and each undeclared property where it stood when read, after as many declared
/// ones as it came after, so that a payload in Graph's order is written back as it came. A value
/// of a polymorphic type that was built in code gets its variant's `@odata.type` first, so that it
/// reads back as the same variant; undeclared properties set in code come after the declared ones,
/// annotations (`@odata.etag`, ...) before them.
///
/// The first error is kept and every later write skipped, so that the generated code can write
/// its properties as one chain ([`crate::model::Write`]).
pub(crate) struct StructWriter<'a, M: SerializeMap> {
    map: Result<M, M::Error>,
    additional: &'a AdditionalProperties,
    /// How many declared properties were written.
    written: u16,
}

impl<'a, M: SerializeMap> StructWriter<'a, M> {
    pub(crate) fn begin<S>(serializer: S, additional: &'a AdditionalProperties, odata_type: Option<&str>) -> Self
    where
        S: Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>,
    {
        let mut writer = StructWriter { map: serializer.serialize_map(None), additional, written: 0 };
        if let Some(odata_type) = odata_type.filter(|_| additional.get(crate::poly::ODATA_TYPE).is_none()) {
            writer.entry(crate::poly::ODATA_TYPE, odata_type);
        }
        writer.undeclared(|key, after| after == 0 || (after == SET_IN_CODE && is_annotation(key)));
        writer
    }

    /// Writes a declared property unless it is absent, then the undeclared ones that came after it.
    pub(crate) fn property<T: Serialize>(mut self, key: &str, value: &Property<T>) -> Self {
        match value {
            Property::Absent => return self,
            Property::Null => self.entry(key, &()),
            Property::Value(value) => self.entry(key, value),
        }
        self.written = crate::additional::next_place(self.written);
        let written = self.written;
        self.undeclared(|_, after| after == written && after != SET_IN_CODE);
        self
    }

    /// Writes the undeclared properties not written yet: those set in code, and those that came
    /// after declared properties the value no longer has.
    pub(crate) fn end(mut self) -> Result<M::Ok, M::Error> {
        let written = self.written;
        self.undeclared(|key, after| if after == SET_IN_CODE { !is_annotation(key) } else { after > written });
        self.map?.end()
    }

    fn undeclared(&mut self, place: impl Fn(&str, u16) -> bool) {
        let additional = self.additional;
        for (key, value, _) in additional.placed().filter(|(key, _, after)| place(key, *after)) {
            self.entry(key, value);
        }
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
