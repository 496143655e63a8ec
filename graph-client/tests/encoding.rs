//! Ids and query values can never change the path or add a parameter.

mod common;

use common::{bounded, chat, client, page, query, received};
use futures::TryStreamExt;
use graph_client::odata_string;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn answering_anything() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn hostile_chat_ids_stay_one_path_segment() {
    let server = answering_anything().await;
    let client = client(&server);
    let cases = [
        ("a/../b?x=1#frag", "/v1.0/chats/a%2F..%2Fb%3Fx%3D1%23frag/messages"),
        ("19:abc@thread.v2", "/v1.0/chats/19:abc@thread.v2/messages"),
        ("19:d74fc2ed_8c0a1a67@unq.gbl.spaces", "/v1.0/chats/19:d74fc2ed_8c0a1a67@unq.gbl.spaces/messages"),
        ("100%&$top=1 x", "/v1.0/chats/100%25%26%24top%3D1%20x/messages"),
        ("../../users", "/v1.0/chats/..%2F..%2Fusers/messages"),
        ("é\\\n", "/v1.0/chats/%C3%A9%5C%0A/messages"),
    ];
    for (id, _) in cases {
        bounded(client.chat(id).messages().items().try_collect::<Vec<_>>()).await.unwrap();
    }
    let requests = received(&server).await;
    for ((id, expected), request) in cases.iter().zip(&requests) {
        assert_eq!(request.url.path(), *expected, "chat id {id:?}");
        assert_eq!(request.url.query(), None, "chat id {id:?} added a query");
        assert_eq!(request.url.fragment(), None);
    }
}

#[tokio::test]
async fn hostile_user_ids_stay_one_path_segment() {
    let server = answering_anything().await;
    let client = client(&server);
    bounded(client.user("first.last@contoso.com").chats().items().try_collect::<Vec<_>>()).await.unwrap();
    bounded(client.user("x/chats/../../me?$top=1").all_messages().items().try_collect::<Vec<_>>()).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests[0].url.path(), "/v1.0/users/first.last@contoso.com/chats");
    assert_eq!(requests[1].url.path(), "/v1.0/users/x%2Fchats%2F..%2F..%2Fme%3F%24top%3D1/chats/getAllMessages");
    assert_eq!(requests[1].url.query(), None);
}

#[tokio::test]
async fn a_hostile_get_chat_id_cannot_reach_another_resource() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(chat("x"))).mount(&server).await;
    bounded(client(&server).me().chat("x/../../users/other#").get()).await.unwrap();
    assert_eq!(received(&server).await[0].url.path(), "/v1.0/me/chats/x%2F..%2F..%2Fusers%2Fother%23");
}

#[tokio::test]
async fn filter_values_cannot_add_parameters() {
    let server = answering_anything().await;
    let client = client(&server);
    let hostile = "it's & $top=999 + 'x' #frag %20";
    let filter = format!("topic eq {}", odata_string(hostile));
    bounded(client.me().chats().filter(filter.clone()).top(5).items().try_collect::<Vec<_>>()).await.unwrap();
    let requests = received(&server).await;
    let pairs = query(&requests[0]);
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert_eq!(pairs[0], ("$top".to_owned(), "5".to_owned()));
    assert_eq!(pairs[1], ("$filter".to_owned(), "topic eq 'it''s & $top=999 + ''x'' #frag %20'".to_owned()));
    assert_eq!(requests[0].url.fragment(), None);
    let raw = requests[0].url.query().unwrap();
    assert!(!raw.contains('+') && !raw.contains(' ') && !raw.contains('#'), "{raw}");
}

#[tokio::test]
async fn date_filters_are_unquoted_utc_literals() {
    let server = answering_anything().await;
    let client = client(&server);
    let offset: jiff::Timestamp = "2024-05-01T12:00:00.5+02:00".parse().unwrap();
    bounded(client.chat("c").messages().modified_after(offset).items().try_collect::<Vec<_>>()).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(query(&requests[0])[1].1, "lastModifiedDateTime gt 2024-05-01T10:00:00.500Z");
    assert!(requests[0].url.query().unwrap().contains("gt%202024-05-01T10%3A00%3A00.500Z"));
}
