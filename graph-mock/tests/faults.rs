//! Injected faults happen on the configured requests, and only there.

use graph_mock::{start, DatasetConfig, Faults, MockConfig, MockServer};

async fn server(faults: Faults) -> MockServer {
    let dataset = DatasetConfig { seed_examples: false, chats: 1, messages_per_chat: 10, seed: 1 };
    start(MockConfig { dataset, faults, ..Default::default() }).await.unwrap()
}

async fn status_and_body(server: &MockServer, path: &str) -> (u16, Result<String, reqwest::Error>, Option<String>) {
    let response = reqwest::Client::new()
        .get(format!("{}{path}", server.base_url()))
        .bearer_auth(server.token())
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let retry_after = response.headers().get("retry-after").map(|it| it.to_str().unwrap().to_owned());
    (status, response.text().await, retry_after)
}

#[tokio::test]
async fn every_nth_request_is_throttled_with_retry_after() {
    let server = server(Faults { throttle_every: 3, retry_after: Some("0.5".into()), ..Default::default() }).await;
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let (status, _, retry_after) = status_and_body(&server, "/chats").await;
        if status == 429 {
            assert_eq!(retry_after.as_deref(), Some("0.5"));
        }
        statuses.push(status);
    }
    assert_eq!(statuses, [200, 200, 429, 200, 200, 429]);
    server.shutdown().await;
}

#[tokio::test]
async fn unavailable_bursts_alternate_503_and_504() {
    let server = server(Faults { unavailable_every: 4, unavailable_burst: 2, ..Default::default() }).await;
    let mut statuses = Vec::new();
    for _ in 0..9 {
        statuses.push(status_and_body(&server, "/chats").await.0);
    }
    assert_eq!(statuses, [200, 200, 200, 503, 504, 200, 200, 503, 504]);
    server.shutdown().await;
}

#[tokio::test]
async fn truncated_and_reset_bodies_fail_to_read() {
    let server = server(Faults { truncate_every: 2, reset_every: 3, ..Default::default() }).await;
    let (_, first, _) = status_and_body(&server, "/chats").await;
    assert!(serde_json::from_str::<serde_json::Value>(&first.unwrap()).is_ok());
    let (status, truncated, _) = status_and_body(&server, "/chats").await;
    assert_eq!(status, 200);
    assert!(truncated.is_err(), "a truncated body must not read as complete");
    // A dropped connection fails the request itself or, if the headers got through, the body.
    let reset =
        reqwest::Client::new().get(format!("{}/chats", server.base_url())).bearer_auth(server.token()).send().await;
    match reset {
        Ok(response) => assert!(response.text().await.is_err()),
        Err(err) => assert!(err.is_request(), "{err}"),
    }
    server.shutdown().await;
}

#[tokio::test]
async fn next_links_can_point_to_a_foreign_origin() {
    let server = server(Faults { foreign_next_link: Some("http://127.0.0.2:9".into()), ..Default::default() }).await;
    let (_, body, _) = status_and_body(&server, "/me/chats").await;
    let chats: serde_json::Value = serde_json::from_str(&body.unwrap()).unwrap();
    let chat = chats["value"][0]["id"].as_str().unwrap();
    let (_, body, _) = status_and_body(&server, &format!("/chats/{chat}/messages?$top=2")).await;
    let page: serde_json::Value = serde_json::from_str(&body.unwrap()).unwrap();
    assert!(page["@odata.nextLink"].as_str().unwrap().starts_with("http://127.0.0.2:9/v1.0/chats/"));
    server.shutdown().await;
}
