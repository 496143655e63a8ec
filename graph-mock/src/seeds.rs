//! The chats and messages of the Graph documentation examples (`graph-mock/seeds/`, the fixtures of the seed documentation pages), served
//! as they were documented, quirks included.

use graph_models::{Chat, ChatMessage, ChatMessageInfo, ChatMessageType, ConversationMember, Page, Property};

/// One documented chat, its members and messages (newest first).
#[derive(Debug, Clone)]
pub struct SeedChat {
    /// The chat without navigation properties.
    pub chat: Chat,
    /// The members from the `$expand=members` examples, if any.
    pub members: Vec<ConversationMember>,
    /// The preview from the `$expand=lastMessagePreview` examples, if any.
    pub preview: Option<ChatMessageInfo>,
    /// The messages, newest first by `lastModifiedDateTime`.
    pub messages: Vec<ChatMessage>,
}

const CHAT_PAGES: &[&str] = &[
    include_str!("../seeds/list-chats-1.json"),
    include_str!("../seeds/list-chats-2.json"),
    include_str!("../seeds/list-chats-3.json"),
    include_str!("../seeds/list-chats-4.json"),
    include_str!("../seeds/list-chats-5.json"),
];

const CHATS: &[&str] = &[
    include_str!("../seeds/get-chat-1.json"),
    include_str!("../seeds/get-chat-2.json"),
    include_str!("../seeds/get-chat-3.json"),
    include_str!("../seeds/get-chat-4.json"),
    include_str!("../seeds/get-chat-5.json"),
];

const MESSAGE_PAGES: &[&str] = &[
    include_str!("../seeds/list-chat-messages-1.json"),
    include_str!("../seeds/list-chat-messages-2.json"),
    include_str!("../seeds/list-chat-messages-3.json"),
    include_str!("../seeds/list-chat-messages-4.json"),
    include_str!("../seeds/get-all-messages-1.json"),
];

/// The documented chats, in the order they first appear.
pub fn seed_chats() -> Vec<SeedChat> {
    let mut chats: Vec<SeedChat> = Vec::new();
    let listed = CHAT_PAGES.iter().flat_map(|page| parse::<Page<Chat>>(page).value);
    let single = CHATS.iter().map(|chat| parse::<Chat>(chat));
    for mut chat in listed.chain(single) {
        chat.additional_properties.remove("@odata.context");
        let members = std::mem::take(&mut chat.members).into_option().unwrap_or_default();
        let preview = std::mem::take(&mut chat.last_message_preview).into_option().map(|it| *it);
        let id = chat.id.as_deref().unwrap_or_default().to_owned();
        match chats.iter_mut().find(|it| it.chat.id.as_deref() == Some(&id)) {
            Some(known) => {
                if known.members.is_empty() {
                    known.members = members;
                }
                known.preview = known.preview.take().or(preview);
            }
            None => chats.push(SeedChat { chat, members, preview, messages: Vec::new() }),
        }
    }
    for message in MESSAGE_PAGES.iter().flat_map(|page| parse::<Page<ChatMessage>>(page).value) {
        let chat_id = message.chat_id.as_deref().unwrap_or_default().to_owned();
        let index = match chats.iter().position(|it| it.chat.id.as_deref() == Some(&chat_id)) {
            Some(index) => index,
            None => {
                let mut chat = Chat::default();
                chat.id = Property::Value(chat_id.clone());
                chat.chat_type = Property::Value(graph_models::ChatType::Group);
                chats.push(SeedChat { chat, members: Vec::new(), preview: None, messages: Vec::new() });
                chats.len() - 1
            }
        };
        let messages = &mut chats[index].messages;
        match messages.iter().position(|it| it.id == message.id) {
            // The examples show some messages twice: with and without the evolvable member.
            // Keep the full value; the server downgrades it for requests that do not ask for it.
            Some(known) => {
                if message.message_type == Property::Value(ChatMessageType::SystemEventMessage) {
                    messages[known] = message;
                }
            }
            None => messages.push(message),
        }
    }
    for chat in &mut chats {
        describe_from_messages(chat);
        chat.messages.sort_by(|a, b| {
            b.last_modified_date_time
                .get()
                .map(|it| it.as_str())
                .cmp(&a.last_modified_date_time.get().map(|it| it.as_str()))
        });
    }
    chats
}

/// A chat known only from its messages (the list-messages examples) gets the topic of its latest
/// rename and the times of its first and last message.
fn describe_from_messages(chat: &mut SeedChat) {
    if chat.chat.created_date_time.is_value() || chat.messages.is_empty() {
        return;
    }
    let mut by_time: Vec<&ChatMessage> = chat.messages.iter().collect();
    by_time.sort_by_key(|it| it.created_date_time.get().and_then(|it| it.to_timestamp().ok()));
    let renamed = by_time.iter().rev().find_map(|it| match it.event_detail.get() {
        Some(graph_models::EventMessageDetail::ChatRenamedEventMessageDetail(it)) => {
            it.chat_display_name.get().cloned()
        }
        _ => None,
    });
    chat.chat.topic = renamed.map_or(Property::Null, Property::Value);
    chat.chat.created_date_time =
        by_time.iter().find_map(|it| it.created_date_time.get().cloned()).map_or(Property::Null, Property::Value);
    chat.chat.last_updated_date_time =
        by_time.last().and_then(|it| it.last_modified_date_time.get().cloned()).map_or(Property::Null, Property::Value);
}

/// A fixture as a model, compacted first (keys in their order) as the service sends it: the
/// models keep undeclared values as their text, and the pages come pretty-printed.
fn parse<T: serde::de::DeserializeOwned>(text: &str) -> T {
    let mut compact = Vec::with_capacity(text.len());
    let mut reader = serde_json::Deserializer::from_str(text);
    serde_transcode::transcode(&mut reader, &mut serde_json::Serializer::new(&mut compact))
        .expect("the seed fixtures are JSON");
    serde_json::from_slice(&compact).expect("the seed fixtures are valid models")
}
