//! Error responses and bodies that do not fit the models.

mod common;

use common::{bounded, client, header, message, page, received};
use futures::TryStreamExt;
use graph_client::{Error, HttpErrorKind};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn odata_errors_are_parsed_with_their_correlation_data() {
    let server = MockServer::start().await;
    let body = json!({"error": {
        "code": "Forbidden",
        "message": "Invoked API requires Protected API access in application-only context when not using Resource Specific Consent.",
        "innerError": {"date": "2023-11-07T21:48:18", "request-id": "c5b4-body", "client-request-id": "from-body"}
    }});
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(403).set_body_json(body).insert_header("request-id", "c5b4-header"))
        .mount(&server)
        .await;
    let error = bounded(client(&server).chat("19:a@thread.v2").messages().items().try_next()).await.unwrap_err();
    let Error::Http(http) = &error else { panic!("{error:?}") };
    assert_eq!(http.kind, HttpErrorKind::Forbidden);
    let odata = http.error.as_ref().unwrap();
    assert_eq!(odata.code, "Forbidden");
    assert!(odata.message.starts_with("Invoked API requires Protected API access"));
    let inner = odata.inner_error.as_ref().unwrap();
    assert_eq!(inner.request_id.as_deref(), Some("c5b4-body"));
    assert_eq!(inner.date.as_deref(), Some("2023-11-07T21:48:18"));
    // The response header wins over the body; the client-request-id is the one this client sent.
    assert_eq!(http.request_id.as_deref(), Some("c5b4-header"));
    let sent = received(&server).await;
    assert_eq!(http.client_request_id.as_deref(), header(&sent[0], "client-request-id"));
    assert!(http.date.is_some(), "the Date header");
    let text = error.to_string();
    assert!(
        text.contains("HTTP 403 Forbidden") && text.contains("Forbidden: Invoked API") && text.contains("c5b4-header"),
        "{text}"
    );
}

#[tokio::test]
async fn correlation_data_falls_back_to_the_body_and_odd_spellings_parse() {
    let server = MockServer::start().await;
    // Older `requestId`, lower-case `innererror`, no time zone on the date.
    let body = r#"{"error": {"code": "NotFound", "message": "Unknown chat type", "innererror": {"requestId": "old-style", "date": "2020-08-18T12:51:51"}}}"#;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(404).set_body_string(body)).mount(&server).await;
    let error = bounded(client(&server).chat("19:a@thread.v2").get()).await.unwrap_err();
    let http = error.http().unwrap();
    assert_eq!(http.kind, HttpErrorKind::NotFound);
    assert_eq!(http.code(), Some("NotFound"));
    assert_eq!(http.request_id.as_deref(), Some("old-style"));
    assert_eq!(http.error.as_ref().unwrap().inner_error.as_ref().unwrap().date.as_deref(), Some("2020-08-18T12:51:51"));
}

#[tokio::test]
async fn non_odata_error_bodies_are_kept() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(400).set_body_string("<html>Bad Request</html>"))
        .mount(&server)
        .await;
    let error = bounded(client(&server).chat("19:a@thread.v2").get()).await.unwrap_err();
    let http = error.http().unwrap();
    assert!(http.error.is_none());
    assert_eq!(http.body, "<html>Bad Request</html>");
    assert!(error.to_string().contains("<html>Bad Request</html>"));
}

#[tokio::test]
async fn a_malformed_body_names_the_path_of_the_bad_field() {
    let server = MockServer::start().await;
    let mut bad = message("2");
    bad["mentions"] = json!([{"id": 0}, {"id": "not a number"}]);
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![message("1"), bad], None)))
        .mount(&server)
        .await;
    let error = bounded(client(&server).chat("19:a@thread.v2").messages().items().try_next()).await.unwrap_err();
    let Error::Decode { url, source } = &error else { panic!("{error:?}") };
    assert_eq!(source.path, "value[1].mentions[1].id");
    assert!(url.ends_with("/v1.0/chats/19:a@thread.v2/messages"), "{url}");
    assert!(error.to_string().contains("value[1].mentions[1].id"), "{error}");
}

#[tokio::test]
async fn a_body_that_is_not_a_page_is_a_decode_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_string("{\"values\": []}"))
        .mount(&server)
        .await;
    let error = bounded(client(&server).me().chats().pages().try_next()).await.unwrap_err();
    assert!(
        matches!(&error, Error::Decode { source, .. } if source.to_string().contains("missing field `value`")),
        "{error:?}"
    );

    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_string("<html>")).mount(&server).await;
    let error = bounded(client(&server).chat("c").get()).await.unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}
