//! Tokens: the client-credentials flow (cache, expiry, single refresh, clouds), the one refresh
//! after a 401, static tokens and custom providers.

mod common;

use common::{bounded, chat, fast_retry, header, received};
use graph_client::{
    AccessToken, AuthError, ClientCredentials, Cloud, Error, GraphClient, HttpErrorKind, TokenProvider, TokenRequest,
};
use serde_json::json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use wiremock::matchers::{header as with_header, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN_PATH: &str = "/tenant-1/oauth2/v2.0/token";
const CHAT: &str = "/v1.0/chats/19:a@thread.v2";

fn token_answer(token: &str, expires_in: u64) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        json!({"token_type": "Bearer", "expires_in": expires_in, "ext_expires_in": expires_in, "access_token": token}),
    )
}

/// The token endpoint hands out `tokens` in order, one request each, valid for `expires_in`.
async fn token_server(tokens: &[&str], expires_in: u64) -> MockServer {
    let server = MockServer::start().await;
    for token in tokens {
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(token_answer(token, expires_in))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    server
}

fn credentials(authority: &MockServer) -> ClientCredentials {
    ClientCredentials::new("tenant-1", "app-1", "client-SECRET-9z").authority(authority.uri())
}

async fn graph() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat("19:a@thread.v2")))
        .mount(&server)
        .await;
    server
}

fn client(graph: &MockServer, provider: impl TokenProvider) -> GraphClient {
    GraphClient::builder().base_url(graph.uri()).token_provider(provider).retry_policy(fast_retry()).build().unwrap()
}

fn form(request: &Request) -> HashMap<String, String> {
    url::form_urlencoded::parse(&request.body).into_owned().collect()
}

fn bearers(requests: &[Request]) -> Vec<String> {
    requests.iter().map(|request| header(request, "authorization").unwrap_or_default().to_owned()).collect()
}

#[tokio::test]
async fn client_credentials_are_posted_and_the_token_cached() {
    let authority = token_server(&["tok-1", "tok-2"], 3599).await;
    let graph = graph().await;
    let client = client(&graph, credentials(&authority));
    for _ in 0..3 {
        bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    }
    assert_eq!(bearers(&received(&graph).await), ["Bearer tok-1", "Bearer tok-1", "Bearer tok-1"]);
    let token_requests = received(&authority).await;
    assert_eq!(token_requests.len(), 1, "one token for three requests");
    assert_eq!(header(&token_requests[0], "content-type"), Some("application/x-www-form-urlencoded"));
    let form = form(&token_requests[0]);
    assert_eq!(form["client_id"], "app-1");
    assert_eq!(form["client_secret"], "client-SECRET-9z");
    assert_eq!(form["scope"], "https://graph.microsoft.com/.default");
    assert_eq!(form["grant_type"], "client_credentials");
    assert!(!form.contains_key("claims"));
}

#[tokio::test]
async fn the_cloud_selects_the_scope() {
    for (cloud, scope) in [
        (Cloud::UsGovL4, "https://graph.microsoft.us/.default"),
        (Cloud::UsGovL5, "https://dod-graph.microsoft.us/.default"),
        (Cloud::China, "https://microsoftgraph.chinacloudapi.cn/.default"),
    ] {
        let authority = token_server(&["tok-1"], 3599).await;
        let graph = graph().await;
        let builder = GraphClient::builder().cloud(cloud).base_url(graph.uri()).token_provider(credentials(&authority));
        bounded(builder.build().unwrap().chat("19:a@thread.v2").get()).await.unwrap();
        assert_eq!(form(&received(&authority).await[0])["scope"], scope);
    }
}

#[tokio::test]
async fn tokens_are_refreshed_ahead_of_expiry() {
    // 60 s left is inside the default 5-minute margin: every request needs a new token.
    let authority = token_server(&["tok-1", "tok-2"], 60).await;
    let graph = graph().await;
    let client = client(&graph, credentials(&authority));
    bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(bearers(&received(&graph).await), ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(received(&authority).await.len(), 2);

    // With a 10 s margin the same token is still good.
    let authority = token_server(&["tok-1", "tok-2"], 60).await;
    let graph = self::graph().await;
    let client = self::client(&graph, credentials(&authority).refresh_margin(Duration::from_secs(10)));
    bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(bearers(&received(&graph).await), ["Bearer tok-1", "Bearer tok-1"]);
    assert_eq!(received(&authority).await.len(), 1);
}

#[tokio::test]
async fn an_absurd_token_lifetime_is_capped_instead_of_panicking() {
    // `expires_in` of u64::MAX seconds (as a number and as a string) is past any `Instant`:
    // added unchecked, it panics with "overflow when adding duration to instant".
    let max = u64::MAX;
    for expires_in in [format!("{max}"), format!("\"{max}\"")] {
        let answer = format!(r#"{{"token_type":"Bearer","expires_in":{expires_in},"access_token":"tok-1"}}"#);
        let authority = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path(TOKEN_PATH))
            .respond_with(ResponseTemplate::new(200).set_body_raw(answer.clone(), "application/json"))
            .mount(&authority)
            .await;
        let graph = graph().await;
        let client = client(&graph, credentials(&authority));
        for _ in 0..3 {
            bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
        }
        assert_eq!(bearers(&received(&graph).await), ["Bearer tok-1", "Bearer tok-1", "Bearer tok-1"], "{answer}");
        assert_eq!(received(&authority).await.len(), 1, "capped at a day, the token is still cached: {answer}");

        // The cap is real: with a refresh margin longer than a day, the capped token never
        // qualifies and each request gets a new one (an unbounded lifetime would qualify forever).
        let graph = self::graph().await;
        let day_and_a_minute = Duration::from_secs(24 * 60 * 60 + 60);
        let client = self::client(&graph, credentials(&authority).refresh_margin(day_and_a_minute));
        bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
        bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
        assert_eq!(received(&graph).await.len(), 2);
        assert_eq!(received(&authority).await.len(), 3, "one token request per Graph request: {answer}");
    }
}

#[tokio::test]
async fn concurrent_requests_share_one_refresh() {
    let authority = MockServer::start().await;
    // Slow enough that all requests ask while the first refresh is under way.
    Mock::given(method("POST"))
        .and(path(TOKEN_PATH))
        .respond_with(token_answer("tok-1", 3599).set_delay(Duration::from_millis(200)))
        .mount(&authority)
        .await;
    let graph = graph().await;
    let client = client(&graph, credentials(&authority));
    let requests = (0..8).map(|_| {
        let client = client.clone();
        tokio::spawn(async move { client.chat("19:a@thread.v2").get().await })
    });
    for request in futures::future::join_all(requests).await {
        bounded(async { request.unwrap().unwrap() }).await;
    }
    assert_eq!(received(&authority).await.len(), 1);
    assert_eq!(received(&graph).await.len(), 8);
}

#[tokio::test]
async fn a_401_gets_one_refresh_and_one_retry() {
    let authority = token_server(&["tok-1", "tok-2"], 3599).await;
    let graph = MockServer::start().await;
    let challenge = r#"Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#;
    Mock::given(with_header("authorization", "Bearer tok-1"))
        .respond_with(ResponseTemplate::new(401).insert_header("WWW-Authenticate", challenge))
        .mount(&graph)
        .await;
    Mock::given(with_header("authorization", "Bearer tok-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat("19:a@thread.v2")))
        .mount(&graph)
        .await;
    let client = client(&graph, credentials(&authority));

    let chat = bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(chat.id.as_deref(), Some("19:a@thread.v2"));
    assert_eq!(bearers(&received(&graph).await), ["Bearer tok-1", "Bearer tok-2"]);
    let token_requests = received(&authority).await;
    assert_eq!(token_requests.len(), 2);
    assert_eq!(form(&token_requests[1])["claims"], r#"{"access_token":{}}"#, "the challenge's claims, decoded");
}

#[tokio::test]
async fn a_second_401_is_final() {
    let authority = token_server(&["tok-1", "tok-2", "tok-3"], 3599).await;
    let graph = MockServer::start().await;
    let body = json!({"error": {"code": "InvalidAuthenticationToken", "message": "Access token validation failure."}});
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401).set_body_json(body)).mount(&graph).await;
    let client = client(&graph, credentials(&authority));

    let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
    let http = error.http().expect("an HTTP error");
    assert_eq!((http.kind, http.code()), (HttpErrorKind::Unauthorized, Some("InvalidAuthenticationToken")));
    assert_eq!(bearers(&received(&graph).await), ["Bearer tok-1", "Bearer tok-2"]);
    assert_eq!(received(&authority).await.len(), 2);
}

#[tokio::test]
async fn a_static_token_is_not_retried_after_a_401() {
    let graph = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(401)).mount(&graph).await;
    let client = common::client(&graph);
    let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
    assert_eq!(error.http().map(|http| http.kind), Some(HttpErrorKind::Unauthorized));
    assert_eq!(received(&graph).await.len(), 1, "the same token would be rejected again");
}

/// A provider that records what it was asked.
#[derive(Default)]
struct Recording {
    asked: Mutex<Vec<TokenRequest>>,
}

impl TokenProvider for Recording {
    async fn token(&self, request: &TokenRequest) -> Result<AccessToken, AuthError> {
        let mut asked = self.asked.lock().unwrap();
        asked.push(request.clone());
        Ok(AccessToken::new(format!("custom-{}", asked.len())))
    }
}

#[tokio::test]
async fn custom_providers_are_told_the_cloud_and_the_rejected_token() {
    let graph = MockServer::start().await;
    Mock::given(with_header("authorization", "Bearer custom-1"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&graph)
        .await;
    Mock::given(with_header("authorization", "Bearer custom-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat("c")))
        .mount(&graph)
        .await;
    let provider = Arc::new(Recording::default());
    let client =
        GraphClient::builder().cloud(Cloud::UsGovL4).base_url(graph.uri()).token_provider(provider.clone()).build();
    bounded(client.unwrap().chat("c").get()).await.unwrap();

    let asked = provider.asked.lock().unwrap();
    assert_eq!(asked.len(), 2);
    assert_eq!((asked[0].cloud, asked[0].scope.as_str()), (Cloud::UsGovL4, "https://graph.microsoft.us/.default"));
    assert!(asked[0].rejected.is_none());
    assert_eq!(asked[1].rejected.as_ref().map(AccessToken::secret), Some("custom-1"));
}

#[tokio::test]
async fn token_endpoint_failures_are_auth_errors() {
    let authority = MockServer::start().await;
    let body = json!({"error": "invalid_client", "error_description": "AADSTS7000215: Invalid client secret provided.",
        "error_codes": [7000215], "timestamp": "2024-01-01 00:00:00Z", "trace_id": "trace-1", "correlation_id": "corr-1"});
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(401).set_body_json(body)).mount(&authority).await;
    let graph = graph().await;
    let error = bounded(client(&graph, credentials(&authority)).chat("19:a@thread.v2").get()).await.unwrap_err();
    let Error::Auth(AuthError::Rejected(rejected)) = &error else { panic!("{error:?}") };
    assert_eq!((rejected.status, rejected.error.as_str()), (401, "invalid_client"));
    assert_eq!(rejected.error_codes, [7000215]);
    assert_eq!(rejected.trace_id.as_deref(), Some("trace-1"));
    assert_eq!(rejected.correlation_id.as_deref(), Some("corr-1"));
    assert!(!format!("{error} {error:?}").contains("client-SECRET-9z"));
    assert!(received(&graph).await.is_empty(), "no Graph request without a token");

    let remote = ClientCredentials::new("tenant-1", "app-1", "s").authority("http://login.example.com");
    let error = bounded(client(&graph, remote).chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(&error, Error::Auth(AuthError::Config(message)) if message.contains("plain http")), "{error:?}");

    let garbage = MockServer::start().await;
    Mock::given(method("POST")).respond_with(ResponseTemplate::new(200).set_body_string("{}")).mount(&garbage).await;
    let error = bounded(client(&graph, credentials(&garbage)).chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(error, Error::Auth(AuthError::InvalidResponse(_))), "{error:?}");
}
