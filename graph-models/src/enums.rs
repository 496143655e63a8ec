//! What every generated enum shares, written once over the table of members each enum declares
//! ([`OpenEnum`]): the name on the wire, parsing with a fallback for any other string, serde,
//! `Display` and `FromStr`.

/// A generated Graph enum: its members and their names on the wire, plus a fallback variant that
/// keeps any other string.
///
/// ```
/// use graph_models::{ChatMessageType, OpenEnum};
///
/// assert_eq!(ChatMessageType::MEMBERS[0], (ChatMessageType::Message, "message"));
/// assert_eq!(ChatMessageType::from("systemEventMessage"), ChatMessageType::SystemEventMessage);
/// assert_eq!(ChatMessageType::from("meetingRecap").as_str(), "meetingRecap");
/// assert_eq!(ChatMessageType::evolvable(), [ChatMessageType::SystemEventMessage]);
/// ```
pub trait OpenEnum: Fallback + Sized + Clone + PartialEq + 'static {
    /// Every member the schema declares, in declared order, with its name on the wire.
    const MEMBERS: &'static [(Self, &'static str)];

    /// What a payload error says was expected: ``a `chatType` string``.
    const EXPECTING: &'static str;

    /// The members declared after `unknownFutureValue`, which the service sends only to requests
    /// with `Prefer: include-unknown-enum-members` (and `unknownFutureValue` in their place
    /// otherwise). Empty for an enum without that sentinel.
    fn evolvable() -> Vec<Self> {
        let sentinel = Self::MEMBERS.iter().position(|(_, wire)| *wire == SENTINEL);
        sentinel.map_or_else(Vec::new, |at| Self::MEMBERS[at + 1..].iter().map(|(member, _)| member.clone()).collect())
    }

    /// The value as written on the wire.
    fn wire_name(&self) -> &str {
        match self.as_other() {
            Some(text) => text,
            None => Self::MEMBERS.iter().find(|(member, _)| member == self).map_or("", |(_, wire)| wire),
        }
    }

    /// The member named `value`, or the fallback keeping it.
    fn from_wire(value: &str) -> Self {
        match Self::MEMBERS.iter().find(|(_, wire)| *wire == value) {
            Some((member, _)) => member.clone(),
            None => Self::other(value.to_owned()),
        }
    }
}

/// The variant that keeps any other string. Public but unnameable outside the crate: only the
/// generated enums implement it (through `impl_open_enum!`).
pub trait Fallback {
    /// The fallback variant holding `value`.
    fn other(value: String) -> Self;

    /// The text of the fallback variant; `None` for a declared member.
    fn as_other(&self) -> Option<&str>;
}

/// The member that stands for every member added after it.
const SENTINEL: &str = "unknownFutureValue";

/// The inherent `as_str`, conversions, serde, `Display` and `FromStr` of each generated enum
/// listed, through its [`OpenEnum`] table.
/// The fallback variant's name comes first; `OpenEnum::other` and `as_other` use it.
macro_rules! impl_open_enum {
    ($fallback:ident: $($name:ident),* $(,)?) => {$(
        impl crate::enums::Fallback for $name {
            fn other(value: ::std::string::String) -> Self {
                Self::$fallback(value)
            }
            fn as_other(&self) -> ::core::option::Option<&str> {
                match self {
                    Self::$fallback(value) => ::core::option::Option::Some(value),
                    _ => ::core::option::Option::None,
                }
            }
        }

        impl $name {
            /// The value as written on the wire.
            pub fn as_str(&self) -> &str {
                crate::OpenEnum::wire_name(self)
            }
        }

        impl ::core::convert::From<&str> for $name {
            fn from(value: &str) -> Self {
                crate::OpenEnum::from_wire(value)
            }
        }

        impl ::core::str::FromStr for $name {
            type Err = ::core::convert::Infallible;
            fn from_str(value: &str) -> ::core::result::Result<Self, Self::Err> {
                ::core::result::Result::Ok(crate::OpenEnum::from_wire(value))
            }
        }

        impl ::core::convert::AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, formatter: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                formatter.write_str(self.as_str())
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, serializer: S) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(deserializer: D) -> ::core::result::Result<Self, D::Error> {
                crate::de::enum_member(deserializer, <Self as crate::OpenEnum>::EXPECTING)
            }
        }
    )*};
}

pub(crate) use impl_open_enum;
