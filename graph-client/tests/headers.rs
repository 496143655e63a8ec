//! What every request carries, and compressed responses.

mod common;

use common::{bounded, builder, chat, client, header, received};
use flate2::write::GzEncoder;
use flate2::Compression;
use std::io::Write;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn every_request_names_the_client_and_accepts_gzip() {
    let server = MockServer::start().await;
    let mut gzip = GzEncoder::new(Vec::new(), Compression::default());
    gzip.write_all(chat("19:gz@thread.v2").to_string().as_bytes()).unwrap();
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-encoding", "gzip")
                .set_body_raw(gzip.finish().unwrap(), "application/json"),
        )
        .mount(&server)
        .await;
    let chat = bounded(client(&server).chat("19:gz@thread.v2").get()).await.unwrap();
    assert_eq!(chat.id.as_deref(), Some("19:gz@thread.v2"), "the gzip body was decoded");

    let request = &received(&server).await[0];
    assert_eq!(header(request, "user-agent"), Some(concat!("graph-client/", env!("CARGO_PKG_VERSION"))));
    assert!(header(request, "accept-encoding").unwrap().contains("gzip"));
    assert_eq!(header(request, "accept"), Some("application/json"));
    assert_eq!(header(request, "prefer"), None, "not asked for");
    let id = uuid::Uuid::parse_str(header(request, "client-request-id").unwrap()).unwrap();
    assert_eq!(id.get_version_num(), 4);
}

#[tokio::test]
async fn the_client_can_prefer_unknown_enum_members_everywhere() {
    let server = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(chat("c"))).mount(&server).await;
    let client = builder(&server).include_unknown_enum_members(true).build().unwrap();
    bounded(client.chat("c").get()).await.unwrap();
    bounded(client.user("u").chat("c").get().header("x-extra", "1")).await.unwrap();
    bounded(client.me().chat("c").get().include_unknown_enum_members()).await.unwrap();
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    for request in requests {
        let prefer: Vec<_> = request.headers.get_all("prefer").iter().collect();
        assert_eq!(prefer, ["include-unknown-enum-members"], "exactly once: {}", request.url);
    }
}
