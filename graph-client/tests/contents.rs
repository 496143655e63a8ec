//! One message, hosted contents and their bytes, pinned messages and the sender filters,
//! against graph-mock.

mod common;

use common::{fast_retry, TOKEN};
use futures::TryStreamExt;
use graph_client::{Error, GraphClient, Sender};
use graph_mock::{start, DatasetConfig, MockConfig, MockServer};
use graph_models::{ChatMessage, TeamworkApplicationIdentityType};

async fn mock() -> MockServer {
    let dataset = DatasetConfig { seed_examples: false, chats: 5, messages_per_chat: 24, seed: 2 };
    start(MockConfig { token: TOKEN.to_owned(), dataset, ..Default::default() }).await.unwrap()
}

fn client(server: &MockServer) -> GraphClient {
    GraphClient::builder().base_url(server.base_url()).bearer_token(TOKEN).retry_policy(fast_retry()).build().unwrap()
}

async fn all_messages(client: &GraphClient) -> Vec<ChatMessage> {
    client.user("adele@contoso.com").all_messages().items().try_collect().await.unwrap()
}

#[tokio::test]
async fn a_message_its_inline_images_and_their_bytes() {
    let server = mock().await;
    let client = client(&server);
    let with_image = all_messages(&client)
        .await
        .into_iter()
        .find(|it| it.body_content().is_some_and(|body| body.contains("/hostedContents/")))
        .expect("the mock has inline images");
    let (chat_id, id) = (with_image.chat_id.get().unwrap().clone(), with_image.id.get().unwrap().clone());
    let chat = client.chat(&chat_id);
    let fetched = chat.message(&id).await.unwrap();
    let mut fetched = serde_json::to_value(&fetched).unwrap();
    assert!(fetched.as_object_mut().unwrap().remove("@odata.context").is_some(), "kept, as every unknown property");
    assert_eq!(fetched, serde_json::to_value(&with_image).unwrap());

    let contents: Vec<_> = chat.hosted_contents(&id).items().try_collect().await.unwrap();
    assert_eq!(contents.len(), 1);
    assert!(contents[0].content_bytes.is_null(), "contentBytes is always null in the list");
    assert_eq!(contents[0].content_type.get().map(String::as_str), Some("image/png"));
    let content_id = contents[0].id.get().unwrap();
    let bytes = chat.hosted_content_bytes(&id, content_id).send().await.unwrap();
    assert_eq!(bytes.as_ref(), graph_mock::IMAGE_PNG);
    let chunks: Vec<bytes::Bytes> =
        chat.hosted_content_bytes(&id, content_id).stream().await.unwrap().try_collect().await.unwrap();
    assert_eq!(chunks.concat(), graph_mock::IMAGE_PNG, "streamed, the same bytes");
    match chat.hosted_content_bytes(&id, content_id).max_bytes(10).stream().await {
        Err(Error::ResponseTooLarge { limit: 10, content_length: Some(68), .. }) => {}
        other => panic!("refused from its Content-Length before reading: {:?}", other.map(|_| ())),
    }
    match chat.hosted_content_bytes(&id, content_id).max_bytes(10).send().await {
        Err(Error::ResponseTooLarge { limit: 10, .. }) => {}
        other => panic!("{other:?}"),
    }
    let missing = chat.hosted_content_bytes(&id, "nope").send().await.unwrap_err();
    assert_eq!(missing.http().map(|it| it.status.as_u16()), Some(404));
    server.shutdown().await;
}

#[tokio::test]
async fn pinned_messages_come_with_their_message() {
    let server = mock().await;
    let client = client(&server);
    let chats: Vec<_> = client.user("adele@contoso.com").chats().items().try_collect().await.unwrap();
    let mut pinned = Vec::new();
    for chat in &chats {
        let infos: Vec<_> = client.chat(chat.id.get().unwrap()).pinned_messages().items().try_collect().await.unwrap();
        pinned.extend(infos);
    }
    assert_eq!(pinned.len(), 2, "chats 0 and 4 of 5 pin their newest message");
    assert!(pinned.iter().all(|it| it.message.get().is_some_and(|message| message.id.is_value())));
    server.shutdown().await;
}

#[tokio::test]
async fn sender_filters_select_what_they_name() {
    let server = mock().await;
    let client = client(&server);
    let everything = all_messages(&client).await;
    let user = client.user("adele@contoso.com");
    let bots: Vec<_> = user
        .all_messages()
        .sent_by(Sender::ApplicationIdentityType(TeamworkApplicationIdentityType::Bot))
        .items()
        .try_collect()
        .await
        .unwrap();
    let is_bot =
        |it: &ChatMessage| serde_json::to_value(it).unwrap()["from"]["application"]["applicationIdentityType"] == "bot";
    assert!(!bots.is_empty() && bots.iter().all(is_bot));
    assert_eq!(bots.len(), everything.iter().filter(|it| is_bot(it)).count());

    let sender =
        everything.iter().find_map(|it| it.from.get()?.user.get().map(|user| serde_json::to_value(user).unwrap()));
    let sender_id = sender.unwrap()["id"].as_str().unwrap().to_owned();
    let by_sender: Vec<_> =
        user.all_messages().sent_by(Sender::User(sender_id.clone())).items().try_collect().await.unwrap();
    assert!(!by_sender.is_empty() && by_sender.len() < everything.len());
    let either: Vec<_> = user
        .all_messages()
        .sent_by(Sender::User(sender_id))
        .sent_by(Sender::ApplicationIdentityType(TeamworkApplicationIdentityType::Bot))
        .items()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(either.len(), by_sender.len() + bots.len());
    let no_events: Vec<_> = user.all_messages().without_system_events().items().try_collect().await.unwrap();
    let events = everything.iter().filter(|it| it.event_detail.is_value()).count();
    assert!(events > 0 && no_events.len() == everything.len() - events);
    server.shutdown().await;
}
