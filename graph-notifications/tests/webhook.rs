//! The axum receiver: the validation handshake, 202 before the work, events through the channel,
//! refused deliveries as errors; against graph-mock's subscriptions, deliveries and lifecycle
//! notifications.

use graph_client::{GraphClient, NewSubscription, ResourceEncryption, SubscriptionResource};
use graph_mock::{crypto, start, DatasetConfig, MockConfig, Step};
use graph_notifications::{Decryptor, Event, Receiver};
use std::time::Duration;

#[tokio::test(flavor = "multi_thread")]
async fn a_subscription_on_graph_mock_delivers_decrypted_messages_and_lifecycle_events() {
    let dataset = DatasetConfig { seed_examples: false, chats: 2, messages_per_chat: 5, seed: 3 };
    let server = start(MockConfig { dataset, ..Default::default() }).await.unwrap();
    let receiver = Receiver::new()
        .client_state("state-1")
        .decryptor(Decryptor::from_pem(crypto::SUBSCRIBER_KEY_PEM).unwrap().certificate_id("c1"));
    let (router, mut events) = graph_notifications::webhook::router("/hook", receiver, 16);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let handshake = reqwest::Client::new().post(format!("{url}?validationToken=abc%20def")).send().await.unwrap();
    assert_eq!(handshake.status(), 200);
    assert_eq!(handshake.headers()["content-type"], "text/plain");
    assert_eq!(handshake.text().await.unwrap(), "abc def");
    let garbage = reqwest::Client::new().post(&url).body("{not json").send().await.unwrap();
    assert_eq!(garbage.status(), 202, "answered before it is read");
    let refused =
        tokio::time::timeout(Duration::from_secs(10), futures::StreamExt::next(&mut events)).await.unwrap().unwrap();
    assert!(refused.is_err());

    let client = GraphClient::builder().base_url(server.base_url()).bearer_token(server.token()).build().unwrap();
    let mut new = NewSubscription::new(
        SubscriptionResource::User("adele@contoso.com".into()),
        url.clone(),
        jiff::Timestamp::now() + jiff::SignedDuration::from_mins(30),
    );
    new.client_state = Some("state-1".into());
    new.include_resource_data = Some(ResourceEncryption {
        certificate: crypto::certificate_base64(crypto::SUBSCRIBER_CERT_PEM),
        certificate_id: "c1".into(),
    });
    let subscription = client.subscriptions().create(&new).await.unwrap();
    let id = subscription.id.get().unwrap().clone();
    let listed: Vec<_> = futures::TryStreamExt::try_collect(client.subscriptions().list()).await.unwrap();
    assert_eq!(listed.len(), 1);
    let renewed =
        client.subscriptions().renew(&id, jiff::Timestamp::now() + jiff::SignedDuration::from_mins(50)).await.unwrap();
    assert_eq!(renewed.id.get(), Some(&id));

    server.advance(Step { created: 1, ..Step::default() });
    let event = tokio::time::timeout(Duration::from_secs(10), futures::StreamExt::next(&mut events))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    let Event::Message { message: Some(message), subscription_id, .. } = event else { panic!("{event:?}") };
    assert_eq!(subscription_id, id);
    assert!(message.message.chat_id.is_value());
    server.lifecycle("missed");
    let event = tokio::time::timeout(Duration::from_secs(10), futures::StreamExt::next(&mut events))
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    assert!(matches!(event, Event::Lifecycle { event: graph_models::LifecycleEventType::Missed, .. }), "{event:?}");

    client.subscriptions().delete(&id).await.unwrap();
    assert_eq!(server.subscriptions(), 0);
    let missing = client.subscriptions().delete(&id).await.unwrap_err();
    assert_eq!(missing.http().map(|it| it.status.as_u16()), Some(404));
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn graph_mock_refuses_a_subscription_whose_endpoint_fails_the_handshake_and_lifetimes_past_the_limits() {
    let server = start(MockConfig::default()).await.unwrap();
    let client = GraphClient::builder().base_url(server.base_url()).bearer_token(server.token()).build().unwrap();
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", silent.local_addr().unwrap());
    // Accepts connections and answers 404 to everything: not a webhook.
    tokio::spawn(async move { axum::serve(silent, axum::Router::new()).await });
    let new = NewSubscription::new(
        SubscriptionResource::Chat("19:a@thread.v2".into()),
        url,
        jiff::Timestamp::now() + jiff::SignedDuration::from_mins(30),
    );
    let error = client.subscriptions().create(&new).await.unwrap_err();
    let http = error.http().expect("an HTTP error");
    assert_eq!(http.status.as_u16(), 400);
    assert!(http.error.as_ref().unwrap().message.contains("validation request failed"));
    let too_long = NewSubscription::new(
        SubscriptionResource::AllChats,
        "https://example.com/hook",
        jiff::Timestamp::now() + jiff::SignedDuration::from_mins(4400),
    );
    assert!(matches!(client.subscriptions().create(&too_long).await, Err(graph_client::Error::InvalidRequest(_))));
    assert_eq!(server.requests(), 1, "the lifetime was refused before sending");
    server.shutdown().await;
}
