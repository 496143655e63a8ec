//! The token and the client secret never show: not in `Debug` output, not in errors, not in
//! traces (captured here at TRACE level from every crate, `log` records included).

mod common;

use common::trace::captured;
use common::{bounded, chat, fast_retry, message, page, TOKEN};
use futures::TryStreamExt;
use graph_client::{AccessToken, ClientCredentials, Error, GraphClient, TokenRequest};
use serde_json::json;
use wiremock::matchers::{header as with_header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "client-SECRET-q8w";
const ISSUED: [&str; 2] = ["issued-SECRET-1", "issued-SECRET-2"];

fn assert_clean(text: &str, what: &str) {
    for secret in [TOKEN, SECRET, ISSUED[0], ISSUED[1]] {
        assert!(!text.contains(secret), "{what} contains `{secret}`:\n{text}");
    }
}

#[tokio::test]
async fn debug_output_is_redacted() {
    let credentials = ClientCredentials::new("tenant", "app", SECRET);
    assert_clean(&format!("{credentials:?}"), "ClientCredentials");
    let builder = GraphClient::builder().token_provider(credentials);
    assert_clean(&format!("{builder:?}"), "GraphClientBuilder");
    let client = builder.build().unwrap();
    assert_clean(&format!("{client:?} {client:#?}"), "GraphClient");
    let client = GraphClient::builder().bearer_token(TOKEN).build().unwrap();
    let debug = format!("{client:?}");
    assert!(debug.contains("BearerToken") && debug.contains("graph.microsoft.com"), "{debug}");
    assert_clean(&debug, "GraphClient");
    let token = AccessToken::new(TOKEN);
    let request = TokenRequest::new(graph_client::Cloud::Global).with_rejected(token.clone());
    assert_clean(&format!("{token:?} {request:?}"), "AccessToken");
    assert_clean(&format!("{:?}", client.chat("c").messages().top(5)), "ListMessages");
}

#[tokio::test]
async fn errors_are_redacted_even_when_the_server_echoes_the_token() {
    let server = MockServer::start().await;
    let echo = json!({"error": {"code": "Forbidden", "message": format!("token Bearer {TOKEN} is not allowed")}});
    Mock::given(path("/v1.0/chats/echo"))
        .respond_with(ResponseTemplate::new(403).set_body_json(echo))
        .mount(&server)
        .await;
    let raw = format!("<html>Authorization: Bearer {TOKEN}</html>");
    Mock::given(path("/v1.0/chats/raw"))
        .respond_with(ResponseTemplate::new(400).set_body_string(raw))
        .mount(&server)
        .await;
    let foreign = page(vec![], Some("https://evil.example/steal"));
    Mock::given(path("/v1.0/chats/f/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_json(foreign))
        .mount(&server)
        .await;
    let client = common::client(&server);

    let echoed = bounded(client.chat("echo").get()).await.unwrap_err();
    assert!(echoed.to_string().contains("<redacted>"), "{echoed}");
    let raw = bounded(client.chat("raw").get()).await.unwrap_err();
    let foreign = bounded(client.chat("f").messages().items().try_collect::<Vec<_>>()).await.unwrap_err();
    assert!(matches!(foreign, Error::ForeignOrigin { .. }));
    for error in [echoed, raw, foreign] {
        assert_clean(&format!("{error} | {error:?} | {:?}", std::error::Error::source(&error)), "an error");
    }
}

#[tokio::test]
async fn traces_cover_requests_and_retries_but_not_secrets() {
    let capture = captured();
    let authority = MockServer::start().await;
    for token in ISSUED {
        Mock::given(method("POST"))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(json!({"token_type": "Bearer", "expires_in": 3599, "access_token": token})),
            )
            .up_to_n_times(1)
            .mount(&authority)
            .await;
    }
    let graph = MockServer::start().await;
    let messages = "/v1.0/chats/19:a@thread.v2/messages";
    // The first token is rejected once, then the first page is throttled once.
    Mock::given(with_header("authorization", format!("Bearer {}", ISSUED[0]).as_str()))
        .respond_with(ResponseTemplate::new(401))
        .mount(&graph)
        .await;
    Mock::given(path(messages))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "0.01"))
        .up_to_n_times(1)
        .mount(&graph)
        .await;
    let next = format!("{}{messages}?$skiptoken=2", graph.uri());
    Mock::given(path(messages))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![message("1")], Some(&next))))
        .mount(&graph)
        .await;
    Mock::given(path(messages))
        .and(query_param("$skiptoken", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![message("2")], None)))
        .mount(&graph)
        .await;
    Mock::given(path("/v1.0/chats/c"))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat("c")))
        .mount(&graph)
        .await;
    let credentials = ClientCredentials::new("tenant", "app", SECRET).authority(authority.uri());
    let client = GraphClient::builder()
        .base_url(graph.uri())
        .token_provider(credentials)
        .retry_policy(fast_retry())
        .build()
        .unwrap();

    let items: Vec<_> = bounded(client.chat("19:a@thread.v2").messages().items().try_collect()).await.unwrap();
    assert_eq!(items.len(), 2);
    bounded(client.chat("c").get()).await.unwrap();

    let text = String::from_utf8(capture.lock().unwrap().clone()).unwrap();
    for expected in
        ["graph.request", "graph.attempt", "client_request_id", "retrying after a throttled", "401", "status=200"]
    {
        assert!(text.contains(expected), "the trace lacks `{expected}`:\n{text}");
    }
    assert_clean(&text, "the trace");
}
