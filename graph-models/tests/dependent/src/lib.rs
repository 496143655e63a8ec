//! Code a dependent of graph-models writes: reading fields, matching enums and polymorphic
//! values, building values. It must compile, unchanged, against every schema that only adds.

use graph_models::{ChatMessage, ChatType, ConversationMember, EventMessageDetail, Property};

/// A one-line summary of a chat message.
pub fn summary(json: &str) -> Result<String, serde_json::Error> {
    let message: ChatMessage = serde_json::from_str(json)?;
    let kind = match message.event_detail.get() {
        Some(EventMessageDetail::ChatRenamedEventMessageDetail(renamed)) => {
            format!("renamed to {}", renamed.chat_display_name.as_deref().unwrap_or("?"))
        }
        Some(EventMessageDetail::Other(_)) => "an event of an unknown kind".to_owned(),
        Some(_) => "another event".to_owned(),
        None => "a message".to_owned(),
    };
    Ok(format!("{}: {kind}", message.id.as_deref().unwrap_or("-")))
}

/// What kind of chat, in words.
pub fn chat_kind(chat_type: &ChatType) -> &'static str {
    match chat_type {
        ChatType::OneOnOne => "one on one",
        ChatType::Group => "group",
        ChatType::Meeting => "meeting",
        _ => "other",
    }
}

/// A member's display name, whatever its kind.
pub fn member_name(member: &ConversationMember) -> Option<&str> {
    match member {
        ConversationMember::AadUserConversationMember(user) => user.display_name.as_deref(),
        _ => None,
    }
}

/// A message built in code: `Default`, then the fields that matter.
pub fn build() -> ChatMessage {
    let mut message = ChatMessage::default();
    message.id = Property::Value("1".to_owned());
    message.subject = Property::Null;
    message
}

/// The match `#[non_exhaustive]` exists to reject: it names every member the schema has today,
/// so a member added tomorrow would break it.
#[cfg(feature = "exhaustive")]
pub fn exhaustive(chat_type: &ChatType) -> u8 {
    match chat_type {
        ChatType::OneOnOne => 0,
        ChatType::Group => 1,
        ChatType::Meeting => 2,
        ChatType::UnknownFutureValue => 3,
        ChatType::Other(_) => 4,
    }
}
