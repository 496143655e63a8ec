//! The mock against the documented behaviour: the seed examples, paging, options, errors, auth.

use graph_mock::{start, DatasetConfig, MockConfig, MockServer};
use graph_models::{
    Chat, ChatMessage, ChatMessageImportance, ChatMessageType, ChatType, ConversationMember, EventMessageDetail,
    OpenEnum, Page,
};
use serde_json::Value;
use std::collections::BTreeSet;

async fn server(dataset: DatasetConfig) -> MockServer {
    start(MockConfig { dataset, ..Default::default() }).await.unwrap()
}

async fn get(server: &MockServer, url: &str, prefer: bool) -> (u16, Value) {
    let url = if url.starts_with("http") { url.to_owned() } else { format!("{}{url}", server.base_url()) };
    let mut request = reqwest::Client::new().get(url).bearer_auth(server.token());
    if prefer {
        request = request.header("Prefer", "include-unknown-enum-members");
    }
    let response = request.send().await.unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

fn fixture(name: &str) -> Value {
    let path = format!("{}/seeds/{name}.json", env!("CARGO_MANIFEST_DIR"));
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

#[tokio::test]
async fn a_documented_chat_is_served_as_documented() {
    let server = server(DatasetConfig::default()).await;
    let mut expected = fixture("get-chat-1");
    let id = expected["id"].as_str().unwrap().to_owned();
    let (status, mut served) = get(&server, &format!("/chats/{id}"), true).await;
    assert_eq!(status, 200);
    expected.as_object_mut().unwrap().remove("@odata.context");
    served.as_object_mut().unwrap().remove("@odata.context");
    assert_eq!(served, expected);
    server.shutdown().await;
}

/// A fixture's text compacted, its keys in their order, as the service would send it.
fn compact_fixture(name: &str) -> String {
    let path = format!("{}/seeds/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(path).unwrap();
    let mut compact = Vec::new();
    let mut reader = serde_json::Deserializer::from_str(&text);
    serde_transcode::transcode(&mut reader, &mut serde_json::Serializer::new(&mut compact)).unwrap();
    String::from_utf8(compact).unwrap()
}

/// A documented chat is served as the documentation shows Graph's answer, byte for byte once
/// compacted: the models write properties in the order Graph does, and nothing goes through a
/// sorted `serde_json::Value`.
#[tokio::test]
async fn a_documented_chat_is_served_as_graph_wrote_it() {
    let server = server(DatasetConfig::default()).await;
    let documented = compact_fixture("get-chat-1");
    let chat: Chat = serde_json::from_str(&documented).unwrap();
    let id = chat.id.as_deref().unwrap().to_owned();
    let url = format!("{}/chats/{id}", server.base_url());
    let response = reqwest::Client::new().get(url).bearer_auth(server.token()).send().await.unwrap();
    let served = response.text().await.unwrap();
    let expected = documented.replace("https://graph.microsoft.com/v1.0", &server.base_url());
    assert_eq!(served, expected);
    server.shutdown().await;
}

#[tokio::test]
async fn evolvable_members_need_the_prefer_header() {
    let server = server(DatasetConfig::default()).await;
    let chat = "19:2da4c29f6d7041eca70b638b43d45437@thread.v2";
    let types = |page: Value| -> BTreeSet<String> {
        let page: Page<ChatMessage> = serde_json::from_value(page).unwrap();
        page.value
            .iter()
            .filter(|it| it.event_detail.is_value())
            .map(|it| it.message_type.get().unwrap().to_string())
            .collect()
    };
    let (_, plain) = get(&server, &format!("/chats/{chat}/messages?$top=50"), false).await;
    let (_, preferred) = get(&server, &format!("/chats/{chat}/messages?$top=50"), true).await;
    assert_eq!(types(plain), BTreeSet::from(["unknownFutureValue".to_owned()]));
    assert_eq!(types(preferred), BTreeSet::from(["systemEventMessage".to_owned()]));
    server.shutdown().await;
}

#[tokio::test]
async fn paging_returns_every_message_once_and_ends_without_next_link() {
    let server = server(DatasetConfig { seed_examples: false, chats: 2, messages_per_chat: 123, seed: 7 }).await;
    let (_, chats) = get(&server, "/chats", false).await;
    let chat = chats["value"][0]["id"].as_str().unwrap().to_owned();
    let mut url = format!("/chats/{chat}/messages?$top=50");
    let mut ids = Vec::new();
    let mut pages = 0;
    loop {
        let (status, page) = get(&server, &url, true).await;
        assert_eq!(status, 200);
        let page: Page<ChatMessage> = serde_json::from_value(page).unwrap();
        ids.extend(page.value.iter().map(|it| it.id.get().unwrap().clone()));
        pages += 1;
        match page.next_link() {
            Some(next) => url = next.to_owned(),
            None => break,
        }
    }
    assert_eq!(pages, 3);
    assert_eq!(ids.len(), 123);
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), 123);
    server.shutdown().await;
}

#[tokio::test]
async fn invalid_requests_get_odata_errors() {
    let server = server(DatasetConfig::default()).await;
    for (url, status, code) in [
        ("/chats?$top=51", 400, "BadRequest"),
        ("/chats?$skiptoken=garbage", 400, "BadRequest"),
        ("/chats?$select=topic", 400, "BadRequest"),
        ("/chats/19:unknown@thread.v2", 404, "NotFound"),
        // The request's options are checked before the chat is looked up.
        ("/chats/19:unknown@thread.v2/members?$top=5", 400, "BadRequest"),
        ("/chats/19:unknown@thread.v2?$expand=bogus", 400, "BadRequest"),
        ("/chats/19:unknown@thread.v2/messages?$top=51", 400, "BadRequest"),
        ("/chats/19:unknown@thread.v2/pinnedMessages?$expand=members", 400, "BadRequest"),
        ("/users/nobody@contoso.com/chats", 404, "Request_ResourceNotFound"),
        ("/users/adele@contoso.com/chats/getAllMessages?model=C", 400, "BadRequest"),
        ("/teams", 404, "UnknownError"),
    ] {
        let (got, body) = get(&server, url, false).await;
        assert_eq!((got, body["error"]["code"].as_str()), (status, Some(code)), "{url}: {body}");
        assert!(body["error"]["innerError"]["request-id"].is_string());
    }
    let anonymous = reqwest::get(format!("{}/chats", server.base_url())).await.unwrap();
    assert_eq!(anonymous.status().as_u16(), 401);
    server.shutdown().await;
}

#[tokio::test]
async fn filters_select_the_documented_date_ranges() {
    let server = server(DatasetConfig { seed_examples: false, chats: 3, messages_per_chat: 100, seed: 3 }).await;
    let (from, to) = ("2024-01-01T00:20:00Z", "2024-01-01T00:40:00Z");
    let url = format!("/users/adele@contoso.com/chats/getAllMessages?$top=50&$filter=lastModifiedDateTime%20gt%20{from}%20and%20lastModifiedDateTime%20lt%20{to}");
    let mut next = Some(url);
    let mut seen = 0;
    while let Some(url) = next {
        let (status, page) = get(&server, &url, true).await;
        assert_eq!(status, 200, "{page}");
        let page: Page<ChatMessage> = serde_json::from_value(page).unwrap();
        for message in &page.value {
            let modified = message.last_modified_date_time.get().unwrap().to_timestamp().unwrap();
            assert!(modified > from.parse().unwrap() && modified < to.parse().unwrap());
        }
        seen += page.value.len();
        next = page.next_link().map(str::to_owned);
    }
    assert!((55..=63).contains(&seen), "{seen}: about 20 minutes of 3 chats at one message a minute");
    let (status, _) = get(&server, "/chats?$filter=chatType%20eq%20'group'", false).await;
    assert_eq!(status, 200);
    server.shutdown().await;
}

#[tokio::test]
async fn expand_inlines_members_and_previews() {
    let server = server(DatasetConfig { seed_examples: false, chats: 6, messages_per_chat: 5, seed: 1 }).await;
    let (_, page) = get(
        &server,
        "/me/chats?$expand=members,lastMessagePreview&$orderby=lastMessagePreview/createdDateTime%20desc",
        true,
    )
    .await;
    let page: Page<Chat> = serde_json::from_value(page).unwrap();
    assert_eq!(page.value.len(), 6);
    for chat in &page.value {
        assert!(chat.members.get().is_some_and(|it| it.len() >= 2));
        assert!(chat.last_message_preview.is_value());
    }
    let (_, plain) = get(&server, "/me/chats", true).await;
    assert!(plain["value"][0].get("members").is_none());
    server.shutdown().await;
}

/// The members of `E` the service sends without being asked for evolvable ones: all but
/// `unknownFutureValue`.
fn known_members<E: OpenEnum>() -> BTreeSet<String> {
    E::MEMBERS.iter().map(|(_, wire)| wire.to_string()).filter(|it| it != "unknownFutureValue").collect()
}

#[tokio::test]
async fn generated_data_covers_every_kind() {
    let server = server(DatasetConfig { seed_examples: false, chats: 9, messages_per_chat: 120, seed: 5 }).await;
    let mut chat_types = BTreeSet::new();
    let mut member_types = BTreeSet::new();
    let (_, chats) = get(&server, "/me/chats?$expand=members&$top=50", true).await;
    for chat in serde_json::from_value::<Page<Chat>>(chats).unwrap().value {
        chat_types.insert(chat.chat_type.get().unwrap().to_string());
        for member in chat.members.into_option().unwrap() {
            assert!(!matches!(member, ConversationMember::Other(_)));
            member_types.insert(member.odata_type().unwrap().into_owned());
        }
    }
    assert_eq!(chat_types, known_members::<ChatType>(), "every chat type appears");
    assert_eq!(member_types.len(), ConversationMember::ODATA_TYPES.len());

    let (mut events, mut message_types, mut importances) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    let (mut mentions, mut reactions, mut attachments, mut deleted, mut edited, mut html, mut text) =
        (0, 0, 0, 0, 0, 0, 0);
    let mut next = Some(format!("/users/{}/chats/getAllMessages?$top=50", server.users()[0].id));
    while let Some(url) = next {
        let (_, page) = get(&server, &url, true).await;
        let page: Page<ChatMessage> = serde_json::from_value(page).unwrap();
        for message in &page.value {
            message_types.insert(message.message_type.get().unwrap().to_string());
            importances.insert(message.importance.get().unwrap().to_string());
            if let Some(detail) = message.event_detail.get() {
                assert!(!matches!(detail, EventMessageDetail::Other(_)));
                events.insert(detail.odata_type().unwrap().into_owned());
            }
            mentions += message.mentions.get().map_or(0, Vec::len);
            reactions += message.reactions.get().map_or(0, Vec::len);
            attachments += message.attachments.get().map_or(0, Vec::len);
            deleted += usize::from(message.deleted_date_time.is_value());
            edited += usize::from(message.last_edited_date_time.is_value());
            match message.body.get().and_then(|it| it.content_type.get()).map(|it| it.as_str()) {
                Some("html") => html += 1,
                Some("text") => text += 1,
                _ => {}
            }
        }
        next = page.next_link().map(str::to_owned);
    }
    assert_eq!(events.len(), EventMessageDetail::ODATA_TYPES.len(), "every event-detail subtype appears");
    assert!(message_types.contains(ChatMessageType::SystemEventMessage.as_str()));
    assert_eq!(importances, known_members::<ChatMessageImportance>(), "every importance appears");
    for (what, count) in [
        ("mentions", mentions),
        ("reactions", reactions),
        ("attachments", attachments),
        ("deleted", deleted),
        ("edited", edited),
        ("html", html),
        ("text", text),
    ] {
        assert!(count > 0, "no {what}");
    }
    server.shutdown().await;
}
