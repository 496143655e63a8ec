//! `Property<T>`: a property that may be absent, `null` or present, so that both survive a round trip.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The value of one declared property: absent from the payload, an explicit `null`, or a value.
///
/// Graph distinguishes the first two (`$select` leaves properties out; the service writes `null`
/// for unset ones), and so do the models: writing a model back gives the same JSON.
///
/// Reading is like reading an `Option`:
///
/// ```
/// # use graph_models::Property;
/// let topic: Property<String> = Property::Value("Lunch".into());
/// assert_eq!(topic.as_deref(), Some("Lunch"));
/// assert_eq!(topic.get().map(String::len), Some(5));
/// let unset: Property<String> = Property::Null;
/// assert!(unset.get().is_none() && unset.is_null());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Property<T> {
    /// Not in the payload.
    #[default]
    Absent,
    /// An explicit JSON `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Property<T> {
    /// The value, if there is one.
    pub fn get(&self) -> Option<&T> {
        match self {
            Property::Value(value) => Some(value),
            Property::Absent | Property::Null => None,
        }
    }

    /// The value, mutably, if there is one.
    pub fn get_mut(&mut self) -> Option<&mut T> {
        match self {
            Property::Value(value) => Some(value),
            Property::Absent | Property::Null => None,
        }
    }

    /// The value, if there is one, dropping the absent/`null` distinction.
    pub fn into_option(self) -> Option<T> {
        match self {
            Property::Value(value) => Some(value),
            Property::Absent | Property::Null => None,
        }
    }

    /// The value through `Deref`, e.g. `&str` for a `Property<String>`.
    pub fn as_deref(&self) -> Option<&T::Target>
    where
        T: std::ops::Deref,
    {
        self.get().map(|it| &**it)
    }

    /// Whether the payload left the property out.
    pub fn is_absent(&self) -> bool {
        matches!(self, Property::Absent)
    }

    /// Whether the payload had an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Property::Null)
    }

    /// Whether the payload had a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Property::Value(_))
    }

    /// Applies `f` to the value, keeping absent and `null` as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Property<U> {
        match self {
            Property::Value(value) => Property::Value(f(value)),
            Property::Absent => Property::Absent,
            Property::Null => Property::Null,
        }
    }
}

impl<T> From<T> for Property<T> {
    fn from(value: T) -> Self {
        Property::Value(value)
    }
}

/// An absent property serialises as `null` when serialised on its own; inside a model it is
/// left out.
impl<T: Serialize> Serialize for Property<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Property::Value(value) => value.serialize(serializer),
            Property::Absent | Property::Null => serializer.serialize_none(),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Property<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(match Option::<T>::deserialize(deserializer)? {
            Some(value) => Property::Value(value),
            None => Property::Null,
        })
    }
}

/// A sensitive property in generated `Debug` output: whether it is absent, `null` or there,
/// never its value.
pub(crate) struct Redacted<'a, T>(pub(crate) &'a Property<T>);

impl<T> std::fmt::Debug for Redacted<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self.0 {
            Property::Absent => "Absent",
            Property::Null => "Null",
            Property::Value(_) => "Value(<redacted>)",
        })
    }
}
