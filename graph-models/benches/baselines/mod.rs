//! Reference points for the deserialisation benchmark: the fastest models an ordinary program could
//! write by hand for the benchmark page, with `#[derive(Deserialize)]` and none of graph-models'
//! promises. They read every field the page carries a value for, but drop unknown properties,
//! unknown `@odata.type`s and the difference between `null` and absent, and keep enums as strings.
//!
//! `S` is the string type: `String` (owned, as graph-models is) or [`Borrowed`] (pointing into the
//! input where it has no escapes). They show how far any owned model can get with `serde_json`.

// The fields exist to be filled in, as a program's would; only the bodies are read back.
#![allow(dead_code)]

use serde::de::{Deserializer, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::borrow::Cow;
use std::fmt;

/// A collection page.
#[derive(Deserialize)]
#[serde(bound(deserialize = "S: Deserialize<'de>"))]
pub struct Page<S> {
    pub value: Vec<Message<S>>,
}

/// A chat message: every property the benchmark page carries.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "S: Deserialize<'de>"))]
pub struct Message<S> {
    pub id: Option<S>,
    pub reply_to_id: Option<S>,
    pub etag: Option<S>,
    pub message_type: Option<S>,
    pub created_date_time: Option<S>,
    pub last_modified_date_time: Option<S>,
    pub last_edited_date_time: Option<S>,
    pub deleted_date_time: Option<S>,
    pub subject: Option<S>,
    pub summary: Option<S>,
    pub chat_id: Option<S>,
    pub importance: Option<S>,
    pub locale: Option<S>,
    pub web_url: Option<S>,
    pub channel_identity: Option<Value>,
    pub policy_violation: Option<Value>,
    pub attachments: Option<Vec<Value>>,
    pub message_history: Option<Vec<Value>>,
    pub event_detail: Option<EventDetail<S>>,
    pub mentions: Option<Vec<Mention<S>>>,
    pub reactions: Option<Vec<Reaction<S>>>,
    pub from: Option<IdentitySet<S>>,
    pub body: Option<ItemBody<S>>,
}

/// `identitySet` and its subtypes' members, flattened into one struct.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "S: Deserialize<'de>"))]
pub struct IdentitySet<S> {
    pub application: Option<Identity<S>>,
    pub device: Option<Identity<S>>,
    pub user: Option<Identity<S>>,
    pub conversation: Option<Identity<S>>,
}

/// `identity` and its subtypes' members, flattened into one struct.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "S: Deserialize<'de>"))]
pub struct Identity<S> {
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<S>,
    pub id: Option<S>,
    pub display_name: Option<S>,
    pub user_identity_type: Option<S>,
    pub tenant_id: Option<S>,
}

/// `chatMessageMention`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "S: Deserialize<'de>"))]
pub struct Mention<S> {
    pub id: Option<i64>,
    pub mention_text: Option<S>,
    pub mentioned: Option<IdentitySet<S>>,
}

/// `chatMessageReaction`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "S: Deserialize<'de>"))]
pub struct Reaction<S> {
    pub created_date_time: Option<S>,
    pub display_name: Option<S>,
    pub reaction_type: Option<S>,
    pub user: Option<IdentitySet<S>>,
}

/// The event details the page carries (`chatRenamedEventMessageDetail`).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "S: Deserialize<'de>"))]
pub struct EventDetail<S> {
    #[serde(rename = "@odata.type")]
    pub odata_type: Option<S>,
    pub chat_id: Option<S>,
    pub chat_display_name: Option<S>,
    pub initiator: Option<IdentitySet<S>>,
}

/// `itemBody`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase", bound(deserialize = "S: Deserialize<'de>"))]
pub struct ItemBody<S> {
    pub content: Option<S>,
    pub content_type: Option<S>,
}

/// A string borrowed from the input, or owned where the input escapes characters.
///
/// serde's own `Cow<str>` always copies inside an `Option`, hence this newtype.
pub struct Borrowed<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Borrowed<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BorrowedVisitor;
        impl<'de> Visitor<'de> for BorrowedVisitor {
            type Value = Borrowed<'de>;

            fn expecting(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
                formatter.write_str("a string")
            }

            fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Borrowed<'de>, E> {
                Ok(Borrowed(Cow::Borrowed(value)))
            }

            fn visit_str<E>(self, value: &str) -> Result<Borrowed<'de>, E> {
                Ok(Borrowed(Cow::Owned(value.to_owned())))
            }
        }
        deserializer.deserialize_str(BorrowedVisitor)
    }
}

impl AsRef<str> for Borrowed<'_> {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// The message bodies, in order: proof that a baseline read the same text as the typed models.
pub fn bodies<S: AsRef<str>>(page: &Page<S>) -> Vec<&str> {
    page.value.iter().filter_map(|it| it.body.as_ref()?.content.as_ref()).map(AsRef::as_ref).collect()
}
