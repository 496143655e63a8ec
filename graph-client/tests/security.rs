//! What a hostile server cannot make the client do. Every claim has a test; those not in this
//! file are elsewhere, and listed here so that the whole list is in one place.
//!
//! **Get the token sent to another host** (a nextLink or redirect is refused before any request):
//! - nextLink to another port, scheme, host name, or scheme-relative: `paging.rs`
//!   `a_next_link_to_another_origin_is_refused_and_gets_no_token`;
//! - redirect `Location` to another port: `retry.rs` `same_origin_redirects_are_followed_and_others_refused`;
//! - redirect `Location` to another scheme, host name, or scheme-relative to another port: here,
//!   [`redirects_to_another_scheme_host_or_port_get_nothing`];
//! - https → http on the same host (nextLink and redirect): unit tests
//!   `paging::tests::an_https_root_refuses_next_links_that_downgrade_to_http` and
//!   `send::tests::an_https_root_refuses_redirects_that_downgrade_to_http` (in `src/`), run on the
//!   walk and redirect logic with an `https` root, since an https test server would need a
//!   certificate the client trusts.
//!
//! **Make the client loop forever**:
//! - a self-referencing nextLink, a loop back several pages: `paging.rs`
//!   `a_repeated_next_link_ends_the_stream_with_an_error`; loops of any length in constant
//!   memory: `paging::tests` (`LoopGuard`);
//! - a redirect loop: `retry.rs` `same_origin_redirects_are_followed_and_others_refused`;
//! - endless empty pages with ever new links: here, [`endless_empty_pages_end_at_the_configured_bound`]
//!   and [`the_default_bound_on_empty_pages_holds`];
//! - endless retries: `retry.rs` `persistent_503_exhausts_the_retries`,
//!   `a_retry_after_beyond_the_total_budget_gives_up_at_once`,
//!   `bodies_always_cut_short_exhaust_the_retries`.
//!
//! **Make it allocate without bound**:
//! - a `Content-Length` above the limit: here, [`an_announced_length_above_the_limit_is_refused_before_reading`];
//! - an endless chunked stream (on a 200 and on an error status): here,
//!   [`an_endless_chunked_stream_is_cut_off_at_the_limit`];
//! - a small gzip body that inflates past the limit: here, [`a_gzip_bomb_is_cut_off_at_the_limit`];
//! - the limit is exact: here, [`a_body_of_exactly_the_limit_is_read`];
//! - paging holds one page at a time: `soak.rs` (peak RSS over a million messages).
//!
//! **Inject path segments or query parameters** through ids and filter values: `encoding.rs`
//! (`hostile_chat_ids_stay_one_path_segment`, `hostile_user_ids_stay_one_path_segment`,
//! `a_hostile_get_chat_id_cannot_reach_another_resource`, `filter_values_cannot_add_parameters`).
//!
//! **See the token in `Debug`, `Display`, error chains or `tracing` output**: `redaction.rs`
//! (`Debug` of every public type holding it, errors that echo it, traces of requests, retries and
//! refreshes at TRACE level); here, every error of every test has its whole source chain checked,
//! and [`hostile_answers_leave_no_token_in_errors_or_traces`] captures the traces of the
//! failure paths above.

mod common;

use common::raw::{self, ok_head, Answer};
use common::trace::captured;
use common::{bounded, chat, fast_retry, message, page, received, TOKEN};
use futures::TryStreamExt;
use graph_client::{Error, GraphClient, GraphClientBuilder, LinkKind};
use std::io::Write;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const MESSAGES: &str = "/v1.0/chats/19:a@thread.v2/messages";
const MIB: u64 = 1024 * 1024;

/// Fails if the token shows in the error's `Display` or `Debug`, or in those of any error in its
/// source chain.
fn assert_clean(error: &Error) {
    let mut current: Option<&dyn std::error::Error> = Some(error);
    while let Some(error) = current {
        let text = format!("{error} | {error:?}");
        assert!(!text.contains(TOKEN), "an error in the chain shows the token: {text}");
        current = error.source();
    }
}

fn raw_client(base_url: &str) -> GraphClientBuilder {
    GraphClient::builder().base_url(base_url).bearer_token(TOKEN).retry_policy(fast_retry())
}

#[tokio::test]
async fn redirects_to_another_scheme_host_or_port_get_nothing() {
    let server = MockServer::start().await;
    let foreign = MockServer::start().await;
    Mock::given(method("GET")).respond_with(ResponseTemplate::new(200).set_body_json(chat("x"))).mount(&foreign).await;
    let port = server.address().port();
    let hostile = [
        format!("https://127.0.0.1:{port}/v1.0/chats/x"), // another scheme
        format!("http://localhost:{port}/v1.0/chats/x"),  // another host name
        format!("//127.0.0.1:{}/v1.0/chats/x", foreign.address().port()), // scheme-relative
        format!("http://127.0.0.1:{}/v1.0/chats/x", foreign.address().port()), // another port
    ];
    for location in &hostile {
        server.reset().await;
        Mock::given(path("/v1.0/chats/away"))
            .respond_with(ResponseTemplate::new(302).insert_header("Location", location.as_str()))
            .mount(&server)
            .await;
        let error = bounded(common::client(&server).chat("away").get()).await.unwrap_err();
        match &error {
            Error::ForeignOrigin { link: LinkKind::Redirect, url } => assert!(!url.contains(TOKEN)),
            other => panic!("{location}: expected ForeignOrigin, got {other:?}"),
        }
        assert_clean(&error);
        assert_eq!(received(&server).await.len(), 1, "{location}: only the first request was sent");
    }
    assert!(received(&foreign).await.is_empty(), "the foreign server was contacted");
}

/// Answers every page of [`MESSAGES`] with `$skiptoken=n` by an empty page linking to `n + 1`,
/// except every `full_every`-th page (if not 0), which has one message; ends after `last`.
struct EmptyPages {
    base: String,
    full_every: u64,
    last: u64,
}

impl Respond for EmptyPages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let token = request.url.query_pairs().find(|(name, _)| name == "$skiptoken").map(|(_, value)| value);
        let n: u64 = token.map_or(0, |value| value.parse().expect("a numeric token"));
        let items = if self.full_every > 0 && n % self.full_every == self.full_every - 1 {
            vec![message(&n.to_string())]
        } else {
            vec![]
        };
        let next = format!("{}{MESSAGES}?$skiptoken={}", self.base, n + 1);
        ResponseTemplate::new(200).set_body_json(page(items, (n < self.last).then_some(next.as_str())))
    }
}

async fn empty_pages(full_every: u64, last: u64) -> MockServer {
    let server = MockServer::start().await;
    let responder = EmptyPages { base: server.uri(), full_every, last };
    Mock::given(method("GET")).and(path(MESSAGES)).respond_with(responder).mount(&server).await;
    server
}

#[tokio::test]
async fn endless_empty_pages_end_at_the_configured_bound() {
    let server = empty_pages(0, u64::MAX).await;
    let client = common::builder(&server).max_empty_pages(5).build().unwrap();
    let mut pages = client.chat("19:a@thread.v2").messages().pages();
    // Five empty pages are followed; the sixth in a row is delivered, its link is not followed.
    for _ in 0..6 {
        assert!(bounded(pages.try_next()).await.unwrap().unwrap().value.is_empty());
    }
    let error = bounded(pages.try_next()).await.unwrap_err();
    match &error {
        Error::TooManyEmptyPages { pages, url } => {
            assert_eq!(*pages, 6);
            assert!(url.ends_with("$skiptoken=6"), "{url}");
        }
        other => panic!("expected TooManyEmptyPages, got {other:?}"),
    }
    assert_clean(&error);
    assert!(bounded(pages.try_next()).await.unwrap().is_none(), "the stream ends after the error");
    assert_eq!(received(&server).await.len(), 6);

    // A page with items resets the count: runs of three empty pages pass a bound of three...
    let server = empty_pages(4, 40).await;
    let client = common::builder(&server).max_empty_pages(3).build().unwrap();
    let items: Vec<_> = bounded(client.chat("19:a@thread.v2").messages().items().try_collect()).await.unwrap();
    assert_eq!(items.len(), 10, "pages 3, 7, ..., 39 have one message each");
    assert_eq!(received(&server).await.len(), 41);
    // ... but not a bound of two.
    let client = common::builder(&server).max_empty_pages(2).build().unwrap();
    let result = bounded(client.chat("19:a@thread.v2").messages().items().try_collect::<Vec<_>>()).await;
    assert!(matches!(result, Err(Error::TooManyEmptyPages { pages: 3, .. })), "{result:?}");
}

#[tokio::test]
async fn the_default_bound_on_empty_pages_holds() {
    let server = empty_pages(0, u64::MAX).await;
    let result =
        bounded(common::client(&server).chat("19:a@thread.v2").messages().items().try_collect::<Vec<_>>()).await;
    let default = GraphClientBuilder::DEFAULT_MAX_EMPTY_PAGES;
    assert!(matches!(result, Err(Error::TooManyEmptyPages { pages, .. }) if pages == default + 1), "{result:?}");
    assert_eq!(received(&server).await.len() as u32, default + 1);
}

#[tokio::test]
async fn an_announced_length_above_the_limit_is_refused_before_reading() {
    // Announces a terabyte, sends no byte of it, and holds the connection open: only a client
    // that refuses at the announcement finishes.
    let server = raw::serve(vec![Answer::Stall(ok_head("content-length: 1099511627776\r\n"))]).await;
    let client = raw_client(&server.base_url).max_response_bytes(MIB).build().unwrap();
    let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
    match &error {
        Error::ResponseTooLarge { limit, content_length, .. } => {
            assert_eq!(*limit, MIB);
            assert_eq!(*content_length, Some(1 << 40));
        }
        other => panic!("expected ResponseTooLarge, got {other:?}"),
    }
    assert_clean(&error);
    drop(client);
    // One connection, not retried; the server saw the client go away.
    let served = bounded(server.served()).await;
    assert_eq!(served.len(), 1);
    assert!(served[0].request.starts_with("GET /v1.0/chats/19:a@thread.v2 "), "{}", served[0].request);
}

#[tokio::test]
async fn an_endless_chunked_stream_is_cut_off_at_the_limit() {
    let error_head =
        "HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\n";
    for head in [ok_head("transfer-encoding: chunked\r\n"), error_head.to_owned()] {
        let server = raw::serve(vec![Answer::EndlessChunks(head.clone())]).await;
        let client = raw_client(&server.base_url).max_response_bytes(MIB).build().unwrap();
        let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
        match &error {
            Error::ResponseTooLarge { limit, content_length, .. } => {
                assert_eq!(*limit, MIB);
                assert_eq!(*content_length, None);
            }
            other => panic!("{head}: expected ResponseTooLarge, got {other:?}"),
        }
        assert_clean(&error);
        drop(client);
        // The stream stopped because the client hung up: the server's writes failed. What it
        // wrote is the limit plus what the socket buffers took, not an endless amount.
        let served = bounded(server.served()).await;
        assert_eq!(served.len(), 1, "not retried");
        assert!(served[0].written >= MIB && served[0].written < 64 * MIB, "{} bytes", served[0].written);
        println!(
            "endless stream ({}): the server wrote {} bytes before the client hung up",
            &head[..12],
            served[0].written
        );
    }
}

#[tokio::test]
async fn a_gzip_bomb_is_cut_off_at_the_limit() {
    use flate2::write::GzEncoder;
    // 64 MiB of spaces, compressed to about 64 KiB.
    let mut encoder = GzEncoder::new(Vec::new(), flate2::Compression::best());
    let spaces = vec![b' '; MIB as usize];
    for _ in 0..64 {
        encoder.write_all(&spaces).unwrap();
    }
    let compressed = encoder.finish().unwrap();
    assert!(compressed.len() < MIB as usize / 4);
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(compressed, "application/json")
                .insert_header("content-encoding", "gzip"),
        )
        .mount(&server)
        .await;
    let client = common::builder(&server).max_response_bytes(MIB).build().unwrap();
    let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(&error, Error::ResponseTooLarge { limit, .. } if *limit == MIB), "{error:?}");
    assert_clean(&error);
    assert_eq!(received(&server).await.len(), 1, "not retried");
}

#[tokio::test]
async fn a_body_of_exactly_the_limit_is_read() {
    let body = chat("19:a@thread.v2").to_string();
    let length = body.len() as u64;
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&server)
        .await;
    let exact = common::builder(&server).max_response_bytes(length).build().unwrap();
    let chat = bounded(exact.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(chat.id.as_deref(), Some("19:a@thread.v2"));
    let short = common::builder(&server).max_response_bytes(length - 1).build().unwrap();
    let error = bounded(short.chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(
        matches!(&error, Error::ResponseTooLarge { content_length: Some(announced), .. } if *announced == length),
        "{error:?}"
    );
    assert!(error.to_string().contains(&format!("limit of {} bytes", length - 1)), "{error}");
}

#[tokio::test]
async fn hostile_answers_leave_no_token_in_errors_or_traces() {
    let capture = captured();
    let mut errors = Vec::new();

    // Bodies cut short, with and without framing, are retried (and the retries traced).
    let cut = ok_head("content-length: 500\r\n") + r#"{"id": "19:a@thr"#;
    let unframed = ok_head("connection: close\r\n") + r#"{"id": "19:a@thr"#;
    let whole = chat("19:a@thread.v2").to_string();
    let full = ok_head(&format!("content-length: {}\r\nconnection: close\r\n", whole.len())) + &whole;
    let server = raw::serve(vec![Answer::Close(cut), Answer::Close(unframed), Answer::Close(full)]).await;
    let client = raw_client(&server.base_url).build().unwrap();
    bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(client.retries(), 2);

    // Each hostile answer ends in an error.
    let server = raw::serve(vec![Answer::EndlessChunks(ok_head("transfer-encoding: chunked\r\n"))]).await;
    let client = raw_client(&server.base_url).max_response_bytes(MIB).build().unwrap();
    errors.push(bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err());
    let server = empty_pages(0, u64::MAX).await;
    let client = common::builder(&server).max_empty_pages(2).build().unwrap();
    errors.push(bounded(client.chat("19:a@thread.v2").messages().items().try_collect::<Vec<_>>()).await.unwrap_err());
    let server = MockServer::start().await;
    let port = server.address().port();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", format!("https://127.0.0.1:{port}/steal")))
        .mount(&server)
        .await;
    errors.push(bounded(common::client(&server).chat("19:a@thread.v2").get()).await.unwrap_err());
    let always_cut = (0..4).map(|_| Answer::Close(ok_head("content-length: 100\r\n") + "{")).collect();
    let server = raw::serve(always_cut).await;
    errors.push(bounded(raw_client(&server.base_url).build().unwrap().chat("19:a@thread.v2").get()).await.unwrap_err());

    assert!(matches!(errors[0], Error::ResponseTooLarge { .. }), "{:?}", errors[0]);
    assert!(matches!(errors[1], Error::TooManyEmptyPages { .. }), "{:?}", errors[1]);
    assert!(matches!(errors[2], Error::ForeignOrigin { .. }), "{:?}", errors[2]);
    assert!(matches!(errors[3], Error::Transport(_)), "{:?}", errors[3]);
    for error in &errors {
        assert_clean(error);
    }
    let text = String::from_utf8(capture.lock().unwrap().clone()).unwrap();
    for expected in ["graph.request", "retrying after a transport error", "retrying after a body that ended early"] {
        assert!(text.contains(expected), "the trace lacks `{expected}`:\n{text}");
    }
    assert!(!text.contains(TOKEN), "the trace shows the token:\n{text}");
}
