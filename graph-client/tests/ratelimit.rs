//! The optional client-side rate limit holds requests back per chat, and only per chat.

mod common;

use common::{bounded, builder, page, received};
use futures::TryStreamExt;
use graph_client::{Rate, RateLimits};
use std::time::Duration;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn a_second_request_on_the_same_chat_waits_for_its_slot() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .mount(&server)
        .await;
    // One request per chat per hour: a second one on the same chat cannot go out during the test.
    let mut limits = RateLimits::default();
    limits.per_chat = Some(Rate::new(1, Duration::from_secs(3600)));
    let client = builder(&server).rate_limits(limits).build().unwrap();

    bounded(client.chat("19:a@thread.v2").messages().items().try_collect::<Vec<_>>()).await.unwrap();
    let held =
        tokio::time::timeout(Duration::from_millis(300), client.chat("19:a@thread.v2").members().items().try_next())
            .await;
    assert!(held.is_err(), "the second request on the chat was not held back");
    // Another chat has its own slot.
    bounded(client.chat("19:b@thread.v2").messages().items().try_collect::<Vec<_>>()).await.unwrap();
    let paths: Vec<_> = received(&server).await.iter().map(|request| request.url.path().to_owned()).collect();
    assert_eq!(paths, ["/v1.0/chats/19:a@thread.v2/messages", "/v1.0/chats/19:b@thread.v2/messages"]);
}

#[test]
fn public_types_are_thread_safe() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<graph_client::GraphClient>();
    send_sync::<graph_client::Error>();
    send_sync::<graph_client::ClientCredentials>();
    send::<graph_client::Items<graph_models::ChatMessage>>();
    send::<graph_client::Pages<graph_models::Chat>>();
    send::<graph_client::GetChat>();
}
