//! Helpers shared by the integration tests: a loopback Graph double, fixtures and bounds.
#![allow(dead_code)]

pub mod raw;
pub mod trace;

use graph_client::{GraphClient, GraphClientBuilder, RetryPolicy};
use serde_json::{json, Value};
use std::future::IntoFuture;
use std::time::Duration;
use wiremock::{MockServer, Request};

/// The bearer token the tests' clients send; no test output may ever contain it.
pub const TOKEN: &str = "tok-SECRET-4f1c9e";

/// Retries that wait milliseconds, not seconds.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default().base_delay(Duration::from_millis(1)).max_delay(Duration::from_millis(5))
}

/// A builder pointed at `server` with [`TOKEN`] and fast retries.
pub fn builder(server: &MockServer) -> GraphClientBuilder {
    GraphClient::builder().base_url(server.uri()).bearer_token(TOKEN).retry_policy(fast_retry())
}

/// A client pointed at `server` with [`TOKEN`] and fast retries.
pub fn client(server: &MockServer) -> GraphClient {
    builder(server).build().expect("client")
}

/// A chat message as Graph sends it.
pub fn message(id: &str) -> Value {
    json!({
        "@odata.type": "#microsoft.graph.chatMessage",
        "id": id,
        "messageType": "message",
        "createdDateTime": "2021-03-29T03:22:49.753Z",
        "lastModifiedDateTime": "2021-03-29T03:22:49.753Z",
        "chatId": "19:abc@thread.v2",
        "from": {"user": {"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": "u-1", "displayName": "Alice", "userIdentityType": "aadUser"}},
        "body": {"contentType": "html", "content": format!("<p>message {id}</p>")},
    })
}

/// A chat as Graph sends it.
pub fn chat(id: &str) -> Value {
    json!({"id": id, "topic": format!("topic of {id}"), "chatType": "group", "createdDateTime": "2020-12-04T23:10:28.51Z"})
}

/// A collection page.
pub fn page(items: Vec<Value>, next_link: Option<&str>) -> Value {
    match next_link {
        Some(link) => json!({"@odata.count": items.len(), "@odata.nextLink": link, "value": items}),
        None => json!({"@odata.count": items.len(), "value": items}),
    }
}

/// Everything the server received.
pub async fn received(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.expect("request recording is on")
}

/// A header of a received request, as text.
pub fn header<'a>(request: &'a Request, name: &str) -> Option<&'a str> {
    request.headers.get(name).and_then(|value| value.to_str().ok())
}

/// The decoded query pairs of a received request.
pub fn query(request: &Request) -> Vec<(String, String)> {
    request.url.query_pairs().map(|(name, value)| (name.into_owned(), value.into_owned())).collect()
}

/// Runs `future`, failing the test instead of hanging if it takes more than 20 seconds.
pub async fn bounded<F: IntoFuture>(future: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(20), future).await.expect("the test took more than 20 s")
}
