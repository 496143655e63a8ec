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

async fn subscribe(server: &graph_mock::MockServer, url: &str) {
    let expiration = (jiff::Timestamp::now() + jiff::SignedDuration::from_mins(30)).to_string();
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
    assert_eq!(response.status(), 201);
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
