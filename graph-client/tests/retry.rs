//! Throttling and transient faults: what is retried, how long it waits, when it gives up; and
//! what is not retried.

mod common;

use common::{bounded, builder, chat, client, header, received};
use graph_client::{Error, GraphClient, HttpErrorKind, LinkKind, RetryPolicy};
use serde_json::json;
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CHAT: &str = "/v1.0/chats/19:a@thread.v2";

fn odata_error(code: &str, status: u16) -> serde_json::Value {
    json!({"error": {"code": code, "message": "Please retry again later.",
        "innerError": {"code": status.to_string(), "date": "2020-08-18T12:51:51", "request-id": "r-1", "status": status.to_string()}}})
}

/// Answers `status` `times` times (forever if `None`), ahead of any mock mounted later.
async fn fail(server: &MockServer, status: u16, retry_after: Option<&str>, times: Option<u64>) {
    let mut response = ResponseTemplate::new(status).set_body_json(odata_error("TooManyRequests", status));
    if let Some(value) = retry_after {
        response = response.insert_header("Retry-After", value);
    }
    let mock = Mock::given(method("GET")).and(path(CHAT)).respond_with(response);
    match times {
        Some(times) => mock.up_to_n_times(times).mount(server).await,
        None => mock.mount(server).await,
    }
}

async fn succeed(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(CHAT))
        .respond_with(ResponseTemplate::new(200).set_body_json(chat("19:a@thread.v2")))
        .mount(server)
        .await;
}

/// Backoff so slow that only an honoured `Retry-After` lets a test finish within its bound.
fn only_retry_after() -> RetryPolicy {
    let hour = Duration::from_secs(3600);
    RetryPolicy::default().base_delay(hour).max_delay(hour).max_total_delay(hour * 4)
}

#[tokio::test]
async fn a_429_with_fractional_retry_after_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    fail(&server, 429, Some("0.05"), Some(2)).await;
    succeed(&server).await;
    let client = builder(&server).retry_policy(only_retry_after()).build().unwrap();

    let chat = bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(chat.id.as_deref(), Some("19:a@thread.v2"));
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    let attempts: Vec<_> = requests.iter().map(|request| header(request, "retry-attempt")).collect();
    assert_eq!(attempts, [None, Some("1"), Some("2")]);
    let ids: Vec<_> = requests.iter().map(|request| header(request, "client-request-id")).collect();
    assert!(ids[0].is_some() && ids.iter().all(|id| *id == ids[0]), "one client-request-id across retries: {ids:?}");
}

#[tokio::test]
async fn a_past_http_date_retry_after_falls_back_to_backoff() {
    let server = MockServer::start().await;
    fail(&server, 429, Some("Wed, 21 Oct 2015 07:28:00 GMT"), Some(1)).await;
    succeed(&server).await;
    bounded(client(&server).chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_504_without_retry_after_is_retried_with_backoff() {
    let server = MockServer::start().await;
    fail(&server, 504, None, Some(2)).await;
    succeed(&server).await;
    bounded(client(&server).chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(received(&server).await.len(), 3);
}

#[tokio::test]
async fn persistent_503_exhausts_the_retries() {
    let server = MockServer::start().await;
    fail(&server, 503, Some("0.01"), None).await;
    let error = bounded(client(&server).chat("19:a@thread.v2").get()).await.unwrap_err();
    let Error::Throttled { attempts, retry_after, last } = &error else { panic!("expected Throttled, got {error:?}") };
    assert_eq!(*attempts, 4, "the first attempt and 3 retries");
    assert_eq!(*retry_after, Some(Duration::from_millis(10)));
    assert_eq!(last.kind, HttpErrorKind::ServiceUnavailable);
    assert_eq!(last.code(), Some("TooManyRequests"));
    assert_eq!(last.request_id.as_deref(), Some("r-1"));
    assert!(error.to_string().contains("gave up after 4 attempts (last Retry-After: 0.010s)"), "{error}");
    assert_eq!(received(&server).await.len(), 4);

    let server = MockServer::start().await;
    fail(&server, 503, None, None).await;
    let client = builder(&server).retry_policy(common::fast_retry().max_retries(1)).build().unwrap();
    let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(error, Error::Throttled { attempts: 2, retry_after: None, .. }), "{error:?}");
    assert_eq!(received(&server).await.len(), 2);
}

#[tokio::test]
async fn a_retry_after_beyond_the_total_budget_gives_up_at_once() {
    let server = MockServer::start().await;
    fail(&server, 429, Some("3600"), None).await;
    let client =
        builder(&server).retry_policy(RetryPolicy::default().max_total_delay(Duration::from_secs(10))).build().unwrap();
    let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
    let Error::Throttled { attempts: 1, retry_after: Some(after), last } = error else { panic!("{error:?}") };
    assert_eq!(after, Duration::from_secs(3600));
    assert_eq!(last.kind, HttpErrorKind::TooManyRequests);
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn client_errors_are_typed_and_not_retried() {
    let cases = [
        (400, HttpErrorKind::BadRequest, "BadRequest"),
        (402, HttpErrorKind::PaymentRequired, "PaymentRequired"),
        (403, HttpErrorKind::Forbidden, "Forbidden"),
        (404, HttpErrorKind::NotFound, "NotFound"),
        (410, HttpErrorKind::Gone, "resyncRequired"),
        (412, HttpErrorKind::PreconditionFailed, "PreconditionFailed"),
        (500, HttpErrorKind::ServerError, "UnknownError"),
    ];
    for (status, kind, code) in cases {
        let server = MockServer::start().await;
        let body = json!({"error": {"code": code, "message": "no", "innerError": {"request-id": "r", "date": "2023-11-07T21:48:18"}}});
        Mock::given(method("GET"))
            .respond_with(ResponseTemplate::new(status).set_body_json(body).insert_header("Retry-After", "1"))
            .mount(&server)
            .await;
        let error = bounded(client(&server).chat("19:a@thread.v2").get()).await.unwrap_err();
        let Error::Http(http) = &error else { panic!("{status}: expected Error::Http, got {error:?}") };
        assert_eq!((http.status.as_u16(), http.kind, http.code()), (status, kind, Some(code)));
        assert_eq!(received(&server).await.len(), 1, "{status} must not be retried");
    }
}

#[tokio::test]
async fn connection_failures_are_retried() {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let server = tokio::spawn(async move {
        // First connection: closed without an answer.
        let (first, _) = listener.accept().await.unwrap();
        drop(first);
        // Second connection: a proper answer.
        let (mut second, _) = listener.accept().await.unwrap();
        let mut request = Vec::new();
        let mut buffer = [0u8; 4096];
        while !request.windows(4).any(|window| window == b"\r\n\r\n") {
            let read = second.read(&mut buffer).await.unwrap();
            assert!(read > 0, "connection closed early");
            request.extend_from_slice(&buffer[..read]);
        }
        let body = chat("19:a@thread.v2").to_string();
        let response = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
            body.len()
        );
        second.write_all(response.as_bytes()).await.unwrap();
        String::from_utf8(request).unwrap()
    });
    let client = GraphClient::builder()
        .base_url(format!("http://{address}"))
        .bearer_token(common::TOKEN)
        .retry_policy(common::fast_retry())
        .build()
        .unwrap();
    let chat = bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(chat.id.as_deref(), Some("19:a@thread.v2"));
    let request = bounded(server).await.unwrap();
    assert!(request.to_ascii_lowercase().contains("retry-attempt: 1"), "{request}");
}

#[tokio::test]
async fn a_refused_connection_ends_as_a_transport_error() {
    let address = TcpListener::bind("127.0.0.1:0").await.unwrap().local_addr().unwrap();
    // The listener is dropped: nothing listens on the port any more.
    let client = GraphClient::builder()
        .base_url(format!("http://{address}"))
        .bearer_token("t")
        .retry_policy(common::fast_retry());
    let error = bounded(client.build().unwrap().chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
}

#[tokio::test]
async fn same_origin_redirects_are_followed_and_others_refused() {
    let server = MockServer::start().await;
    let foreign = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(chat("x"))).mount(&foreign).await;
    let redirect = |location: String| ResponseTemplate::new(307).insert_header("Location", location.as_str());
    Mock::given(path("/v1.0/chats/moved"))
        .respond_with(redirect("/v1.0/chats/19:a@thread.v2".into()))
        .mount(&server)
        .await;
    Mock::given(path("/v1.0/chats/away"))
        .respond_with(redirect(format!("{}/v1.0/chats/x", foreign.uri())))
        .mount(&server)
        .await;
    Mock::given(path("/v1.0/chats/nowhere")).respond_with(ResponseTemplate::new(302)).mount(&server).await;
    Mock::given(path("/v1.0/chats/loop")).respond_with(redirect("/v1.0/chats/loop".into())).mount(&server).await;
    succeed(&server).await;
    let client = client(&server);

    let moved = bounded(client.chat("moved").get()).await.unwrap();
    assert_eq!(moved.id.as_deref(), Some("19:a@thread.v2"));
    let away = bounded(client.chat("away").get()).await.unwrap_err();
    assert!(
        matches!(&away, Error::ForeignOrigin { link: LinkKind::Redirect, url } if url.starts_with(&foreign.uri())),
        "{away:?}"
    );
    assert!(received(&foreign).await.is_empty(), "the redirect target got a request");
    let nowhere = bounded(client.chat("nowhere").get()).await.unwrap_err();
    assert!(
        matches!(&nowhere, Error::UnexpectedResponse(message) if message.contains("without Location")),
        "{nowhere:?}"
    );
    server.reset().await;
    Mock::given(path("/v1.0/chats/loop")).respond_with(redirect("/v1.0/chats/loop".into())).mount(&server).await;
    let looping = bounded(client.chat("loop").get()).await.unwrap_err();
    assert!(matches!(&looping, Error::UnexpectedResponse(message) if message.contains("redirects")), "{looping:?}");
    assert_eq!(received(&server).await.len(), 6, "the request and 5 redirects");
}

/// A graph-mock server with one chat of `messages` messages, accepting [`common::TOKEN`].
async fn faulty_mock(messages: usize, faults: graph_mock::Faults) -> graph_mock::MockServer {
    let dataset = graph_mock::DatasetConfig { seed_examples: false, chats: 1, messages_per_chat: messages, seed: 7 };
    let config = graph_mock::MockConfig { token: common::TOKEN.to_owned(), dataset, faults, ..Default::default() };
    graph_mock::start(config).await.unwrap()
}

fn mock_client(server: &graph_mock::MockServer) -> GraphClient {
    GraphClient::builder()
        .base_url(server.base_url())
        .bearer_token(common::TOKEN)
        .retry_policy(common::fast_retry())
        .build()
        .unwrap()
}

#[tokio::test]
async fn truncated_and_reset_bodies_are_retried() {
    use futures::TryStreamExt;
    // Request 3, 6, 9, ... is cut off halfway through its body; 5, 10, 20, ... gets its headers
    // and then a dropped connection (15 and 30 get both: the reset wins).
    let faults = graph_mock::Faults { truncate_every: 3, reset_every: 5, ..Default::default() };
    let server = faulty_mock(200, faults).await;
    let client = mock_client(&server);
    let user = server.users()[0].id.clone();
    let messages: Vec<_> = bounded(client.user(&user).all_messages().top(10).items().try_collect()).await.unwrap();
    assert_eq!(messages.len(), 200, "every message arrived");
    let ids: std::collections::HashSet<_> = messages.iter().map(|it| it.id.as_deref().unwrap().to_owned()).collect();
    assert_eq!(ids.len(), 200, "each once");
    // 20 pages; every cut request was retried once, and nothing else was.
    let requests = server.requests();
    let cut = (1..=requests).filter(|n| n % 3 == 0 || n % 5 == 0).count() as u64;
    assert_eq!(client.retries(), cut);
    assert_eq!(requests, 20 + cut);
    server.shutdown().await;
}

#[tokio::test]
async fn a_body_cut_short_is_retried_with_or_without_framing() {
    use common::raw::{ok_head, serve, Answer};
    let whole = chat("19:a@thread.v2").to_string();
    let answers = vec![
        // Content-Length framing: the connection closes 490 bytes early.
        Answer::Close(ok_head("content-length: 500\r\n") + r#"{"id": "19:a"#),
        // Chunked framing: the last chunk never comes.
        Answer::Close(ok_head("transfer-encoding: chunked\r\n") + "6\r\n{\"id\":\r\n"),
        // No framing (delimited by the connection closing): only the JSON tells it is cut.
        Answer::Close(ok_head("connection: close\r\n") + r#"{"id": "19:a@thr"#),
        // No framing, no body at all.
        Answer::Close(ok_head("connection: close\r\n")),
        Answer::Close(ok_head(&format!("content-length: {}\r\n", whole.len())) + &whole),
    ];
    let server = serve(answers).await;
    let client = GraphClient::builder()
        .base_url(&server.base_url)
        .bearer_token(common::TOKEN)
        .retry_policy(common::fast_retry().max_retries(4))
        .build()
        .unwrap();
    let chat = bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(chat.id.as_deref(), Some("19:a@thread.v2"));
    assert_eq!(client.retries(), 4);
    let served = bounded(server.served()).await;
    assert!(served[4].request.to_ascii_lowercase().contains("retry-attempt: 4"), "{}", served[4].request);

    // A complete body that is not JSON is not a cut: it is not retried.
    let server = serve(vec![Answer::Close(ok_head("connection: close\r\n") + "{\"id\": 1}}")]).await;
    let client = GraphClient::builder().base_url(&server.base_url).bearer_token(common::TOKEN).build().unwrap();
    let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
    assert_eq!(client.retries(), 0);
}

#[tokio::test]
async fn bodies_always_cut_short_exhaust_the_retries() {
    use futures::TryStreamExt;
    // Every body cut off: the first attempt and three retries, then the transport error.
    let server = faulty_mock(10, graph_mock::Faults { truncate_every: 1, ..Default::default() }).await;
    let client = mock_client(&server);
    let user = server.users()[0].id.clone();
    let result = bounded(client.user(&user).all_messages().pages().try_collect::<Vec<_>>()).await;
    assert!(matches!(&result, Err(Error::Transport(error)) if error.is_body() || error.is_decode()), "{result:?}");
    assert_eq!(server.requests(), 4);
    assert_eq!(client.retries(), 3);
    server.shutdown().await;
}

/// A `DELETE` whose connection is dropped after sending is not sent again: the service may have
/// done it. A `GET` on the same script would be retried (see above); the second answer is left
/// for the next request, which shows the first was not repeated.
#[tokio::test]
async fn a_write_that_may_have_reached_the_service_is_not_sent_again() {
    use common::raw::{serve, Answer};
    let no_content = "HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n".to_owned();
    let server = serve(vec![Answer::Close(String::new()), Answer::Close(no_content)]).await;
    let client = GraphClient::builder()
        .base_url(&server.base_url)
        .bearer_token(common::TOKEN)
        .retry_policy(common::fast_retry())
        .build()
        .unwrap();
    let error = bounded(client.subscriptions().delete("s-1")).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    bounded(client.subscriptions().delete("s-2")).await.unwrap();
    let served = bounded(server.served()).await;
    assert!(served[0].request.starts_with("DELETE /v1.0/subscriptions/s-1 "), "{}", served[0].request);
    assert!(served[1].request.starts_with("DELETE /v1.0/subscriptions/s-2 "), "{}", served[1].request);
}
