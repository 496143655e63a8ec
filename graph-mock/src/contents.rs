//! One message, its hosted contents (the inline images its body points at) with their bytes,
//! and a chat's pinned messages.

use crate::dataset::{ChatRef, Dataset};
use crate::generate::IMAGE_PNG;
use crate::odata::ODataError;
use crate::query::Options;
use crate::routes::{find_chat, includes_evolvable, json_response, Entity, Owner, Result};
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use graph_models::{ChatMessage, ChatMessageHostedContent, Page, PinnedChatMessageInfo, Property};
use serde::Deserialize;
use std::sync::Arc;

/// `{chat}` and `{message}` of a route (`{user}`, if any, is the [`Owner`]'s).
#[derive(Deserialize)]
pub struct MessagePath {
    chat: String,
    message: String,
}

/// `{chat}`, `{message}` and `{content}` of a route.
#[derive(Deserialize)]
pub struct ContentPath {
    chat: String,
    message: String,
    content: String,
}

/// `{chat}` of a route.
#[derive(Deserialize)]
pub struct ChatPath {
    chat: String,
}

pub async fn get_message(
    State(state): State<Arc<AppState>>,
    Owner(user): Owner,
    Path(MessagePath { chat, message }): Path<MessagePath>,
    headers: HeaderMap,
) -> Result<Response> {
    let (_, found) = message_of(&state.dataset, user, &chat, &message)?;
    let entity =
        Entity { context: format!("{}/v1.0/$metadata#chats('{chat}')/messages/$entity", state.origin), value: found };
    Ok(json_response(&entity, !includes_evolvable(&headers)))
}

pub async fn list_hosted_contents(
    State(state): State<Arc<AppState>>,
    Owner(user): Owner,
    Path(MessagePath { chat, message }): Path<MessagePath>,
) -> Result<Response> {
    let (_, found) = message_of(&state.dataset, user, &chat, &message)?;
    let value: Vec<ChatMessageHostedContent> = hosted_content_ids(&found)
        .into_iter()
        .map(|id| {
            let mut content = ChatMessageHostedContent::default();
            content.id = Property::Value(id);
            // Always null in the JSON, as the service sends it: the bytes are at `$value`.
            content.content_bytes = Property::Null;
            content.content_type = Property::Value("image/png".to_owned());
            content
        })
        .collect();
    let page = Page {
        context: Property::Value(format!(
            "{}/v1.0/$metadata#chats('{chat}')/messages('{message}')/hostedContents",
            state.origin
        )),
        count: Property::Value(value.len() as i64),
        value,
        ..Default::default()
    };
    Ok(json_response(&page, false))
}

pub async fn hosted_content_value(
    State(state): State<Arc<AppState>>,
    Owner(user): Owner,
    Path(ContentPath { chat, message, content }): Path<ContentPath>,
) -> Result<Response> {
    let (_, found) = message_of(&state.dataset, user, &chat, &message)?;
    if !hosted_content_ids(&found).contains(&content) {
        return Err(ODataError::not_found(format!("Hosted content '{content}' was not found.")));
    }
    Ok((StatusCode::OK, [("content-type", "image/png")], IMAGE_PNG).into_response())
}

/// The chat's pinned messages: the newest message of every generated chat whose index is a
/// multiple of four, with the message under `message` when `$expand=message` asks for it.
pub async fn list_pinned_messages(
    State(state): State<Arc<AppState>>,
    Owner(user): Owner,
    Path(ChatPath { chat }): Path<ChatPath>,
    uri: Uri,
    headers: HeaderMap,
) -> Result<Response> {
    let options = Options::parse(uri.query())?;
    let expand = match options.expand.as_slice() {
        [] => false,
        [only] if only == "message" => true,
        _ => return Err(ODataError::bad_request("Only $expand=message is supported for pinned messages.")),
    };
    let chat_ref = find_chat(&state.dataset, user, &chat)?;
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
    let page = Page {
        context: Property::Value(format!("{}/v1.0/$metadata#chats('{chat}')/pinnedMessages", state.origin)),
        count: Property::Value(value.len() as i64),
        value,
        ..Default::default()
    };
    Ok(json_response(&page, !includes_evolvable(&headers)))
}

fn message_of(dataset: &Dataset, user: usize, chat: &str, message: &str) -> Result<(ChatRef, ChatMessage)> {
    let chat_ref = find_chat(dataset, user, chat)?;
    let found = dataset
        .find_message(chat_ref, message)
        .ok_or_else(|| ODataError::not_found(format!("Message '{message}' was not found.")))?;
    Ok((chat_ref, found))
}

/// The hosted contents a message's body points at (`.../hostedContents/{id}/$value`).
pub fn hosted_content_ids(message: &ChatMessage) -> Vec<String> {
    let body = message.body.get().and_then(|it| it.content.get()).map(String::as_str).unwrap_or_default();
    body.split("/hostedContents/")
        .skip(1)
        .filter_map(|rest| rest.split_once("/$value").map(|(id, _)| id.to_owned()))
        .filter(|id| !id.is_empty() && !id.contains(['/', '"']))
        .collect()
}
