//! Typed, forward-compatible, lossless models of the Microsoft Graph v1.0 Teams chat types
//! (`chat`, `chatMessage`, `conversationMember`, `eventMessageDetail` and everything they
//! reference), generated at build time from the schema in `schema/` by the `codegen` crate.
//!
//! - **Nothing is lost.** Every struct keeps undeclared properties in `additional_properties`;
//!   every property is a [`Property`], which keeps absent and `null` apart; timestamps keep their
//!   text. Deserialising and serialising a payload gives back an equal JSON value.
//! - **Nothing breaks on new data.** Every enum has an `Other(String)` variant for values the
//!   schema does not know; polymorphic types ([`ConversationMember`], [`EventMessageDetail`],
//!   [`Identity`], [`IdentitySet`]) are enums chosen by `@odata.type` with an `Other` variant that
//!   keeps an unknown object whole.
//!
//! ```
//! use graph_models::{ChatMessage, ChatMessageType, EventMessageDetail};
//!
//! let json = r##"{
//!     "id": "1616964509832",
//!     "messageType": "meetingRecap",
//!     "body": {"contentType": "text", "content": "Hello"},
//!     "eventDetail": {"@odata.type": "#microsoft.graph.chatRenamedEventMessageDetail", "chatDisplayName": "Graph Members"},
//!     "createdDateTime": "2021-03-1706:47:05.123Z",
//!     "newProperty": {"nested": true}
//! }"##;
//! let message: ChatMessage = serde_json::from_str(json).unwrap();
//! assert_eq!(message.message_type.get(), Some(&ChatMessageType::Other("meetingRecap".into())));
//! assert_eq!(message.body.get().and_then(|it| it.content.as_deref()), Some("Hello"));
//! let Some(EventMessageDetail::ChatRenamedEventMessageDetail(renamed)) = message.event_detail.get() else { panic!() };
//! assert_eq!(renamed.chat_display_name.as_deref(), Some("Graph Members"));
//! assert!(message.created_date_time.get().unwrap().to_timestamp().is_err());
//! assert_eq!(
//!     serde_json::to_value(&message).unwrap(),
//!     serde_json::from_str::<serde_json::Value>(json).unwrap(),
//! );
//! ```

#![deny(missing_docs)]

mod additional;
mod de;
mod decode;
mod flags;
mod page;
mod poly;
mod property;
mod provenance;
mod ser;
mod time;

pub use additional::AdditionalProperties;
pub use decode::{decode, DecodeError};
pub use flags::Flags;
pub use page::Page;
pub use property::Property;
pub use provenance::Provenance;
pub use time::{DateTimeOffset, Duration};

/// The generated types, re-exported at the crate root.
mod generated {
    include!(concat!(env!("OUT_DIR"), "/models.rs"));
}

pub use generated::*;
