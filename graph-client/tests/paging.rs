//! Following `@odata.nextLink`: to the end, through empty pages, verbatim, with the request's
//! headers, never in a loop and never to another origin.

mod common;

use common::{bounded, builder, client, header, message, page, received, TOKEN};
use futures::TryStreamExt;
use graph_client::{Error, LinkKind};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const MESSAGES: &str = "/v1.0/chats/19:a@thread.v2/messages";

/// Serves `body` for the messages path with `$skiptoken` = `token` (or none).
async fn serve_page(server: &MockServer, token: Option<&str>, body: serde_json::Value) {
    let mock = Mock::given(method("GET")).and(path(MESSAGES));
    let mock = match token {
        Some(token) => mock.and(query_param("$skiptoken", token)),
        None => mock.and(query_param_is_missing("$skiptoken")),
    };
    mock.respond_with(ResponseTemplate::new(200).set_body_json(body)).mount(server).await;
}

fn link(server: &MockServer, token: &str) -> String {
    format!("{}{MESSAGES}?$top=2&$skiptoken={token}", server.uri())
}

#[tokio::test]
async fn streams_items_across_pages_including_an_empty_one() {
    let server = MockServer::start().await;
    serve_page(&server, None, page(vec![message("1"), message("2")], Some(&link(&server, "p2")))).await;
    serve_page(&server, Some("p2"), page(vec![], Some(&link(&server, "p3")))).await;
    serve_page(&server, Some("p3"), page(vec![message("3")], None)).await;
    let client = client(&server);

    let items: Vec<_> = bounded(client.chat("19:a@thread.v2").messages().top(2).items().try_collect()).await.unwrap();
    let ids: Vec<_> = items.iter().map(|message| message.id.as_deref().unwrap()).collect();
    assert_eq!(ids, ["1", "2", "3"]);

    let pages: Vec<_> = bounded(client.chat("19:a@thread.v2").messages().top(2).pages().try_collect()).await.unwrap();
    let sizes: Vec<_> = pages.iter().map(|page| page.value.len()).collect();
    assert_eq!(sizes, [2, 0, 1], "the empty page is yielded and paging goes on after it");
    assert_eq!(received(&server).await.len(), 6);
}

#[tokio::test]
async fn every_page_request_carries_the_request_headers_and_a_fresh_request_id() {
    let server = MockServer::start().await;
    serve_page(&server, None, page(vec![message("1")], Some(&link(&server, "p2")))).await;
    serve_page(&server, Some("p2"), page(vec![message("2")], Some(&link(&server, "p3")))).await;
    serve_page(&server, Some("p3"), page(vec![message("3")], None)).await;
    let client = client(&server);

    let messages = client.chat("19:a@thread.v2").messages().include_unknown_enum_members().header("x-trace", "abc");
    let items: Vec<_> = bounded(messages.items().try_collect()).await.unwrap();
    assert_eq!(items.len(), 3);

    let requests = received(&server).await;
    assert_eq!(requests.len(), 3);
    let mut ids = Vec::new();
    for request in &requests {
        assert_eq!(header(request, "prefer"), Some("include-unknown-enum-members"), "{}", request.url);
        assert_eq!(header(request, "x-trace"), Some("abc"), "{}", request.url);
        assert_eq!(header(request, "authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        let id = uuid::Uuid::parse_str(header(request, "client-request-id").unwrap()).unwrap();
        assert_eq!(id.get_version_num(), 4);
        ids.push(id);
    }
    ids.dedup();
    assert_eq!(ids.len(), 3, "a fresh client-request-id per page");
}

#[tokio::test]
async fn next_links_are_followed_verbatim() {
    let server = MockServer::start().await;
    // As in the docs: odd encodings the client must not touch (`%3d%3d`, `%2f`, `+`, `?&`).
    let next = format!(
        "{}{MESSAGES}?&%24top=2&$orderby=lastMessagePreview%2fcreatedDateTime+desc&$skiptoken=M2Uy%3d%3d",
        server.uri()
    );
    serve_page(&server, None, page(vec![message("1")], Some(&next))).await;
    serve_page(&server, Some("M2Uy=="), page(vec![message("2")], None)).await;
    let client = client(&server);

    let items: Vec<_> = bounded(client.chat("19:a@thread.v2").messages().items().try_collect()).await.unwrap();
    assert_eq!(items.len(), 2);
    let requests = received(&server).await;
    assert_eq!(
        requests[1].url.query(),
        Some("&%24top=2&$orderby=lastMessagePreview%2fcreatedDateTime+desc&$skiptoken=M2Uy%3d%3d")
    );
}

#[tokio::test]
async fn a_repeated_next_link_ends_the_stream_with_an_error() {
    let server = MockServer::start().await;
    serve_page(&server, None, page(vec![message("1")], Some(&link(&server, "p2")))).await;
    serve_page(&server, Some("p2"), page(vec![message("2")], Some(&link(&server, "p3")))).await;
    // Page 3 points back to page 2.
    serve_page(&server, Some("p3"), page(vec![message("3")], Some(&link(&server, "p2")))).await;
    let client = client(&server);

    let mut items = client.chat("19:a@thread.v2").messages().items();
    for id in ["1", "2", "3"] {
        assert_eq!(bounded(items.try_next()).await.unwrap().unwrap().id.as_deref(), Some(id));
    }
    match bounded(items.try_next()).await {
        Err(Error::NextLinkLoop { url }) => assert!(url.ends_with("$skiptoken=p2"), "{url}"),
        other => panic!("expected a loop error, got {other:?}"),
    }
    assert!(bounded(items.try_next()).await.unwrap().is_none(), "the stream ends after the error");
    assert_eq!(received(&server).await.len(), 3);

    // A page that links to itself.
    let server = MockServer::start().await;
    let itself = format!("{}{MESSAGES}", server.uri());
    serve_page(&server, None, page(vec![], Some(&itself))).await;
    let result: Result<Vec<_>, _> =
        bounded(common::client(&server).chat("19:a@thread.v2").messages().items().try_collect()).await;
    assert!(matches!(result, Err(Error::NextLinkLoop { .. })), "{result:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_next_link_to_another_origin_is_refused_and_gets_no_token() {
    let server = MockServer::start().await;
    let foreign = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![], None)))
        .mount(&foreign)
        .await;
    let port = server.address().port();
    let hostile = [
        format!("{}{MESSAGES}?$skiptoken=p2", foreign.uri()), // another port
        format!("https://127.0.0.1:{port}{MESSAGES}?$skiptoken=p2"), // another scheme
        format!("http://localhost:{port}{MESSAGES}?$skiptoken=p2"), // another host name
        format!("//127.0.0.1:{}{MESSAGES}", foreign.address().port()), // scheme-relative
    ];
    for next in &hostile {
        server.reset().await;
        serve_page(&server, None, page(vec![message("1")], Some(next))).await;
        let mut items = client(&server).chat("19:a@thread.v2").messages().items();
        assert_eq!(bounded(items.try_next()).await.unwrap().unwrap().id.as_deref(), Some("1"));
        match bounded(items.try_next()).await {
            Err(Error::ForeignOrigin { link: LinkKind::NextLink, url }) => assert!(!url.contains(TOKEN)),
            other => panic!("{next}: expected ForeignOrigin, got {other:?}"),
        }
        assert!(bounded(items.try_next()).await.unwrap().is_none());
    }
    let stolen = received(&foreign).await;
    assert!(stolen.is_empty(), "the foreign server was contacted: {stolen:?}");
    assert!(stolen.iter().all(|request| !request.headers.contains_key("authorization")));
}

#[tokio::test]
async fn a_same_origin_next_link_under_a_proxy_prefix_is_followed() {
    let server = MockServer::start().await;
    let prefixed = "/proxy/graph/v1.0/chats/19:a@thread.v2/messages";
    Mock::given(method("GET"))
        .and(path(prefixed))
        .and(query_param_is_missing("$skiptoken"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(page(vec![message("1")], Some(&format!("{}{prefixed}?$skiptoken=p2", server.uri())))),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(prefixed))
        .and(query_param("$skiptoken", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(vec![message("2")], None)))
        .mount(&server)
        .await;
    let client = builder(&server).base_url(format!("{}/proxy/graph/", server.uri())).build().unwrap();
    let items: Vec<_> = bounded(client.chat("19:a@thread.v2").messages().items().try_collect()).await.unwrap();
    assert_eq!(items.len(), 2);
}

#[tokio::test]
async fn an_error_page_ends_the_stream_after_the_items_before_it() {
    let server = MockServer::start().await;
    serve_page(&server, None, page(vec![message("1")], Some(&link(&server, "p2")))).await;
    // No mock for p2: the double answers 404.
    let mut items = client(&server).chat("19:a@thread.v2").messages().items();
    assert!(bounded(items.try_next()).await.unwrap().is_some());
    let error = bounded(items.try_next()).await.unwrap_err();
    assert_eq!(error.http().map(|error| error.status.as_u16()), Some(404));
    assert!(bounded(items.try_next()).await.unwrap().is_none());
}
