//! Deliveries to a receiver that fails: tried again, a bounded number of times.

use axum::http::StatusCode;
use graph_mock::{start, DatasetConfig, MockConfig, Step};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A webhook that answers the handshake, then fails the first `failures` deliveries with 500.
async fn receiver(failures: u32) -> (String, Arc<AtomicU32>) {
    let posts = Arc::new(AtomicU32::new(0));
    let counted = posts.clone();
    let router = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |query: axum::extract::RawQuery| {
            let counted = counted.clone();
            async move {
                let token = query.0.as_deref().and_then(|it| {
                    url::form_urlencoded::parse(it.as_bytes())
                        .find(|(k, _)| k == "validationToken")
                        .map(|(_, v)| v.into_owned())
                });
                if let Some(token) = token {
                    return (StatusCode::OK, token);
                }
                let n = counted.fetch_add(1, Ordering::SeqCst);
                if n < failures {
                    (StatusCode::INTERNAL_SERVER_ERROR, String::new())
                } else {
                    (StatusCode::ACCEPTED, String::new())
                }
            }
        }),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, router).await });
    (url, posts)
}

async fn subscribe(server: &graph_mock::MockServer, url: &str) -> serde_json::Value {
    let (status, answer) = try_subscribe(server, url, jiff::SignedDuration::from_mins(30)).await;
    assert_eq!(status, 201, "{answer}");
    answer
}

async fn try_subscribe(
    server: &graph_mock::MockServer,
    url: &str,
    lifetime: jiff::SignedDuration,
) -> (u16, serde_json::Value) {
    let expiration = (jiff::Timestamp::now() + lifetime).to_string();
    let body = serde_json::json!({
        "changeType": "created,updated,deleted", "notificationUrl": url,
        "resource": "/chats/getAllMessages", "expirationDateTime": expiration,
    });
    let response = reqwest::Client::new()
        .post(format!("{}/subscriptions", server.base_url()))
        .bearer_auth(server.token())
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    (response.status().as_u16(), response.json().await.unwrap())
}

#[tokio::test(flavor = "multi_thread")]
async fn subscriptions_have_their_own_ids_expire_and_go_when_removed() {
    let server = start(MockConfig::default()).await.unwrap();
    let (url, _) = receiver(0).await;
    let (first, second) = tokio::join!(subscribe(&server, &url), subscribe(&server, &url));
    assert_ne!(first["id"], second["id"], "created at once, still two ids");
    assert_eq!(server.subscriptions(), 2);
    let (status, answer) = try_subscribe(&server, &url, jiff::SignedDuration::from_mins(-1)).await;
    assert_eq!(status, 400, "an expiration in the past: {answer}");
    let (status, _) = try_subscribe(&server, &url, jiff::SignedDuration::from_secs(2)).await;
    assert_eq!(status, 201);
    assert_eq!(server.subscriptions(), 3);
    tokio::time::sleep(Duration::from_millis(2100)).await;
    assert_eq!(server.subscriptions(), 2, "the one that expired is gone");
    server.lifecycle("subscriptionRemoved");
    assert_eq!(server.subscriptions(), 0);
    server.shutdown().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failing_receiver_gets_the_delivery_again_up_to_three_times() {
    let dataset = DatasetConfig { seed_examples: false, chats: 2, messages_per_chat: 5, seed: 1 };
    let server = start(MockConfig { dataset, ..Default::default() }).await.unwrap();
    let (recovers, recovering_posts) = receiver(2).await;
    let (broken, broken_posts) = receiver(u32::MAX).await;
    subscribe(&server, &recovers).await;
    subscribe(&server, &broken).await;
    server.advance(Step { created: 1, ..Step::default() });
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    while broken_posts.load(Ordering::SeqCst) < 3 || server.deliveries() < 1 {
        assert!(std::time::Instant::now() < deadline, "deliveries did not happen");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(recovering_posts.load(Ordering::SeqCst), 3, "two failures, then accepted");
    assert_eq!(broken_posts.load(Ordering::SeqCst), 3, "three attempts, then given up");
    assert_eq!(server.deliveries(), 1);
    server.shutdown().await;
}
