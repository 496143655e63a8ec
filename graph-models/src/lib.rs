//! Typed, forward-compatible, lossless models of the Microsoft Graph v1.0 Teams chat types
//! (`chat`, `chatMessage`, `conversationMember`, `eventMessageDetail` and everything they
//! reference), generated at build time from the schema in `schema/` by `graph-models-codegen`.
//!
//! - **Nothing is lost.** Every struct keeps undeclared properties in `additional_properties`
//!   as their JSON text, byte for byte (numbers such as `1e400` included); every property is a
//!   [`Property`], which keeps absent and `null` apart; timestamps keep their text.
//! - **Nothing breaks on new data.** Every enum has an `Other(String)` variant for values the
//!   schema does not know; polymorphic types ([`ConversationMember`], [`EventMessageDetail`],
//!   [`Identity`], [`IdentitySet`]) are enums chosen by `@odata.type` whose `Other` variant keeps
//!   an object of an unknown type, with the properties the whole family shares typed.
//! - **Additions are minor releases.** Every generated type is `#[non_exhaustive]`: match with a
//!   wildcard arm, and build values with `Default` and field assignment.
//!
//! # Reading a message
//!
//! ```
//! use graph_models::{ChatMessage, ChatMessageType, EventMessageDetail};
//!
//! let json = r##"{
//!     "id": "1616964509832",
//!     "messageType": "meetingRecap",
//!     "from": {"user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": "8ea0e38b", "displayName": "Adele Vance"}},
//!     "body": {"contentType": "html", "content": "<p>Hello <at id=\"0\">Alex</at></p>"},
//!     "mentions": [{"id": 0, "mentionText": "Alex", "mentioned": {"user": {"id": "a1b2", "displayName": "Alex"}}}],
//!     "eventDetail": {"@odata.type": "#microsoft.graph.chatRenamedEventMessageDetail", "chatDisplayName": "Graph Members"},
//!     "createdDateTime": "2021-03-1706:47:05.123Z",
//!     "newProperty": {"size": 123456789012345678901234567890}
//! }"##;
//! let message: ChatMessage = graph_models::decode(json.as_bytes()).unwrap();
//!
//! // The common paths are one call each.
//! assert_eq!(message.sender_name(), Some("Adele Vance"));
//! assert_eq!(message.body_content(), Some("<p>Hello <at id=\"0\">Alex</at></p>"));
//! let mentions = message.mentions.get().map(Vec::as_slice).unwrap_or_default();
//! assert_eq!(mentions[0].user_id(), Some("a1b2"));
//!
//! // Every property reads like an `Option`; enums fall back instead of failing.
//! assert_eq!(message.message_type.get(), Some(&ChatMessageType::Other("meetingRecap".into())));
//! assert!(message.created_date_time.get().unwrap().to_timestamp().is_err());
//!
//! // Polymorphic values are enums chosen by `@odata.type`.
//! if let Some(EventMessageDetail::ChatRenamedEventMessageDetail(renamed)) = message.event_detail.get() {
//!     assert_eq!(renamed.chat_display_name.as_deref(), Some("Graph Members"));
//! }
//!
//! // Undeclared properties keep their text, typed on demand; the whole message is written back.
//! assert_eq!(message.additional_properties.get("newProperty").unwrap().get(), r#"{"size": 123456789012345678901234567890}"#);
//! assert_eq!(
//!     serde_json::to_value(&message).unwrap(),
//!     serde_json::from_str::<serde_json::Value>(json).unwrap(),
//! );
//! ```
//!
//! # Building values
//!
//! ```
//! use graph_models::{AadUserConversationMember, ConversationMember, Property};
//!
//! let mut member = AadUserConversationMember::default();
//! member.roles = Property::Value(vec!["owner".to_owned()]);
//! member.display_name = Property::Value("Adele Vance".to_owned());
//! // A polymorphic value is made from any of its structs, and writes its `@odata.type`; the
//! // properties follow in the order Graph writes them.
//! let member = ConversationMember::from(member);
//! assert_eq!(
//!     serde_json::to_string(&member).unwrap(),
//!     r##"{"@odata.type":"#microsoft.graph.aadUserConversationMember","roles":["owner"],"displayName":"Adele Vance"}"##,
//! );
//! ```

#![deny(missing_docs)]

mod additional;
mod de;
mod decode;
mod enums;
mod flags;
mod model;
mod odata;
mod page;
mod poly;
mod property;
mod provenance;
mod ser;
mod shortcuts;
mod time;

pub use additional::AdditionalProperties;
pub use decode::{decode, DecodeError};
pub use enums::OpenEnum;
pub use flags::Flags;
pub use odata::{InnerError, ODataError, ODataErrorDetail};
pub use page::Page;
pub use property::Property;
pub(crate) use property::Redacted;
pub use provenance::Provenance;
pub use shortcuts::hosted_content_ids;
pub use time::{DateTimeOffset, Duration};

/// The generated types, re-exported at the crate root.
// A type without declared properties reads every key with a `match` of only its fallback arm.
#[allow(clippy::match_single_binding)]
mod generated {
    include!(concat!(env!("OUT_DIR"), "/models.rs"));
}

pub use generated::*;
