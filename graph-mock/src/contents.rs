//! One message, its hosted contents (the inline images its body points at) with their bytes,
//! and a chat's pinned messages.

use crate::dataset::{ChatRef, Dataset};
use crate::generate::IMAGE_PNG;
use crate::odata::ODataError;
use crate::query::Options;
use crate::routes::{collection, includes_evolvable, json_response, Entity, Result, ScopedChat};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use graph_models::{ChatMessage, ChatMessageHostedContent, PinnedChatMessageInfo, Property};
use serde::Deserialize;
use std::sync::Arc;

/// `{message}` of a route (`{chat}` is the [`ScopedChat`]'s).
#[derive(Deserialize)]
pub struct MessageId {
    message: String,
}

/// `{message}` and `{content}` of a route.
#[derive(Deserialize)]
pub struct ContentId {
    message: String,
    content: String,
}

pub async fn get_message(
    State(state): State<Arc<AppState>>,
    scoped: ScopedChat,
    Path(MessageId { message }): Path<MessageId>,
    headers: HeaderMap,
) -> Result<Response> {
    let found = message_of(&state.dataset, &scoped, &message)?;
    let context = format!("{}/v1.0/$metadata#chats('{}')/messages/$entity", state.origin, scoped.id);
    Ok(json_response(&Entity { context, value: found }, !includes_evolvable(&headers)))
}

pub async fn list_hosted_contents(
    State(state): State<Arc<AppState>>,
    scoped: ScopedChat,
    Path(MessageId { message }): Path<MessageId>,
) -> Result<Response> {
    let found = message_of(&state.dataset, &scoped, &message)?;
    let value: Vec<ChatMessageHostedContent> = found
        .hosted_content_ids()
        .into_iter()
        .map(|id| {
            let mut content = ChatMessageHostedContent::default();
            content.id = Property::Value(id.to_owned());
            // Always null in the JSON, as the service sends it: the bytes are at `$value`.
            content.content_bytes = Property::Null;
            content.content_type = Property::Value("image/png".to_owned());
            content
        })
        .collect();
    let context = format!("chats('{}')/messages('{message}')/hostedContents", scoped.id);
    Ok(collection(&state, &context, value, None, false))
}

pub async fn hosted_content_value(
    State(state): State<Arc<AppState>>,
    scoped: ScopedChat,
    Path(ContentId { message, content }): Path<ContentId>,
) -> Result<Response> {
    let found = message_of(&state.dataset, &scoped, &message)?;
    if !found.hosted_content_ids().contains(&content.as_str()) {
        return Err(ODataError::not_found(format!("Hosted content '{content}' was not found.")));
    }
    Ok((StatusCode::OK, [("content-type", "image/png")], IMAGE_PNG).into_response())
}

/// The chat's pinned messages: the newest message of every generated chat whose index is a
/// multiple of four, with the message under `message` when `$expand=message` asks for it.
pub async fn list_pinned_messages(
    State(state): State<Arc<AppState>>,
    scoped: ScopedChat,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let options = Options::parse(uri.query())?;
    let expand = match options.expand.as_slice() {
        [] => false,
        [only] if only == "message" => true,
        _ => return Err(ODataError::bad_request("Only $expand=message is supported for pinned messages.")),
    };
    let chat_ref = scoped.find(&state.dataset)?;
    let pinned = match chat_ref {
        ChatRef::Generated(c) if c % 4 == 0 && state.dataset.message_count(chat_ref) > 0 => {
            vec![state.dataset.message(chat_ref, 0)]
        }
        _ => Vec::new(),
    };
    let value: Vec<PinnedChatMessageInfo> = pinned
        .into_iter()
        .map(|message| {
            let mut info = PinnedChatMessageInfo::default();
            info.id = Property::Value(format!("{}-pinned", message.id.get().map(String::as_str).unwrap_or_default()));
            if expand {
                info.message = Property::Value(Box::new(message));
            }
            info
        })
        .collect();
    let context = format!("chats('{}')/pinnedMessages", scoped.id);
    Ok(collection(&state, &context, value, None, !includes_evolvable(&headers)))
}

fn message_of(dataset: &Dataset, scoped: &ScopedChat, message: &str) -> Result<ChatMessage> {
    dataset
        .find_message(scoped.find(dataset)?, message)
        .ok_or_else(|| ODataError::not_found(format!("Message '{message}' was not found.")))
}
