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
//!   `client::tests::an_https_root_refuses_redirects_that_downgrade_to_http` (in `src/`), run on the
//!   walk and redirect logic with an `https` root, since an https test server would need a
//!   certificate the client trusts.
//!
//! **Make the client loop forever**:
//! - a self-referencing nextLink, a loop back several pages: `paging.rs`
//!   `a_repeated_next_link_ends_the_stream_with_an_error`; the recent links are kept in bounded
//!   memory: `paging::tests::recent_links_are_repeats_and_memory_stays_bounded`;
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
//! and the traces of the failure paths above too. A server that echoes the token it received,
//! wherever the text ends up:
//! - a value that does not decode (literal, or hidden in JSON escapes): here,
//!   [`a_decode_error_names_the_path_but_not_an_echoed_token`];
//! - a nextLink or redirect to another origin: here,
//!   [`a_refused_link_shows_its_origin_but_not_an_echoed_token`];
//! - every other text of an error: OData messages behind JSON escapes and headers
//!   ([`an_odata_error_echoing_the_token_is_scrubbed_in_every_field`]), throttled bodies
//!   ([`a_throttled_body_echoing_the_token_is_scrubbed`]), unparsable `Location`s
//!   ([`an_unparsable_location_echoing_the_token_is_scrubbed`]), links that do not parse, loop or
//!   run through empty pages ([`next_links_echoing_the_token_are_scrubbed_when_unparsable_looping_or_empty`]),
//!   a custom provider quoting the rejected token ([`a_provider_quoting_the_rejected_token_is_scrubbed`]),
//!   a transport error on a link carrying it ([`a_transport_error_on_a_link_carrying_the_token_is_scrubbed`]);
//!   where that text enters, the scrubbing itself: unit tests `scrub::tests` (in `src/`).
//!
//! Every echo test also checks the traces; a link carrying the token is traced redacted.

mod common;

use common::raw::{self, ok_head, Answer};
use common::trace::captured;
use common::{bounded, chat, fast_retry, message, page, received, TOKEN};
use futures::TryStreamExt;
use graph_client::{
    AccessToken, AuthError, Error, GraphClient, GraphClientBuilder, LinkKind, TokenProvider, TokenRequest,
};
use std::io::Write;
use std::sync::{Arc, Mutex};
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

/// Fails if the token shows in anything traced so far by the tests of this file.
fn assert_trace_clean(capture: &Arc<Mutex<Vec<u8>>>) -> String {
    let text = String::from_utf8(capture.lock().unwrap().clone()).unwrap();
    assert!(!text.contains(TOKEN), "the trace shows the token:\n{text}");
    text
}

/// A server that echoes the bearer token it received, in what `make` builds from it.
fn echo(make: impl Fn(&str) -> ResponseTemplate + Send + Sync + 'static) -> impl Respond {
    move |request: &Request| {
        let authorization = request.headers.get("authorization").and_then(|value| value.to_str().ok());
        make(authorization.and_then(|value| value.strip_prefix("Bearer ")).unwrap_or_default())
    }
}

/// `text` as the content of a JSON string with every character escaped: the body does not show
/// it, the parsed value does.
fn json_escaped(text: &str) -> String {
    text.chars().map(|char| format!("\\u{:04x}", char as u32)).collect()
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
async fn an_endless_chunked_hosted_content_stream_ends_in_an_error_at_the_limit() {
    let server = raw::serve(vec![Answer::EndlessChunks(ok_head("transfer-encoding: chunked\r\n"))]).await;
    let client = raw_client(&server.base_url).build().unwrap();
    let request = client.chat("19:a@thread.v2").hosted_content_bytes("1", "c").max_bytes(MIB);
    let mut chunks = bounded(request.stream()).await.expect("answered 200");
    let mut received = 0u64;
    let error = loop {
        match bounded(futures::StreamExt::next(&mut chunks)).await {
            Some(Ok(chunk)) => received += chunk.len() as u64,
            Some(Err(error)) => break error,
            None => panic!("an endless body ended"),
        }
    };
    assert!(matches!(error, Error::ResponseTooLarge { limit: MIB, content_length: None, .. }), "{error:?}");
    assert!(received <= MIB, "{received} bytes handed over");
    assert_clean(&error);
    assert!(bounded(futures::StreamExt::next(&mut chunks)).await.is_none(), "the error ends the stream");
    drop(chunks);
    drop(client);
    assert_eq!(bounded(server.served()).await.len(), 1);
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
async fn bodies_cut_short_are_retried_and_traced_without_the_token() {
    let capture = captured();
    let cut = ok_head("content-length: 500\r\n") + r#"{"id": "19:a@thr"#;
    let unframed = ok_head("connection: close\r\n") + r#"{"id": "19:a@thr"#;
    let whole = chat("19:a@thread.v2").to_string();
    let full = ok_head(&format!("content-length: {}\r\nconnection: close\r\n", whole.len())) + &whole;
    let server = raw::serve(vec![Answer::Close(cut), Answer::Close(unframed), Answer::Close(full)]).await;
    let client = raw_client(&server.base_url).build().unwrap();
    bounded(client.chat("19:a@thread.v2").get()).await.unwrap();
    assert_eq!(client.retries(), 2);
    let trace = assert_trace_clean(capture);
    for expected in ["graph.request", "retrying after a transport error", "retrying after a body that ended early"] {
        assert!(trace.contains(expected), "the trace lacks `{expected}`:\n{trace}");
    }
}

#[tokio::test]
async fn a_body_past_the_limit_ends_in_an_error_without_the_token() {
    let server = raw::serve(vec![Answer::EndlessChunks(ok_head("transfer-encoding: chunked\r\n"))]).await;
    let client = raw_client(&server.base_url).max_response_bytes(MIB).build().unwrap();
    let error = bounded(client.chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(error, Error::ResponseTooLarge { .. }), "{error:?}");
    assert_clean(&error);
    assert_trace_clean(captured());
}

#[tokio::test]
async fn endless_empty_pages_end_in_an_error_without_the_token() {
    let server = empty_pages(0, u64::MAX).await;
    let client = common::builder(&server).max_empty_pages(2).build().unwrap();
    let error = bounded(client.chat("19:a@thread.v2").messages().items().try_collect::<Vec<_>>()).await.unwrap_err();
    assert!(matches!(error, Error::TooManyEmptyPages { .. }), "{error:?}");
    assert_clean(&error);
    assert_trace_clean(captured());
}

#[tokio::test]
async fn a_redirect_to_https_on_the_same_port_ends_in_an_error_without_the_token() {
    let server = MockServer::start().await;
    let port = server.address().port();
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(307).insert_header("Location", format!("https://127.0.0.1:{port}/steal")))
        .mount(&server)
        .await;
    let error = bounded(common::client(&server).chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(error, Error::ForeignOrigin { .. }), "{error:?}");
    assert_clean(&error);
    assert_trace_clean(captured());
}

#[tokio::test]
async fn bodies_always_cut_short_end_in_a_transport_error_without_the_token() {
    let always_cut = (0..4).map(|_| Answer::Close(ok_head("content-length: 100\r\n") + "{")).collect();
    let server = raw::serve(always_cut).await;
    let error = bounded(raw_client(&server.base_url).build().unwrap().chat("19:a@thread.v2").get()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    assert_clean(&error);
    assert_trace_clean(captured());
}

#[tokio::test]
async fn a_decode_error_names_the_path_but_not_an_echoed_token() {
    let capture = captured();
    let server = MockServer::start().await;
    // A mention's id is a number: the echoed token is a bad value, which serde quotes.
    Mock::given(path(MESSAGES))
        .respond_with(echo(|token| {
            let body = format!(r#"{{"value":[{{"id":"1","mentions":[{{"id":"{token}"}}]}}]}}"#);
            ResponseTemplate::new(200).set_body_raw(body, "application/json")
        }))
        .mount(&server)
        .await;
    // The same, the token hidden in JSON escapes: the body does not show it, the decoder does.
    Mock::given(path("/v1.0/chats/19:b@thread.v2/messages"))
        .respond_with(echo(|token| {
            let body = format!(r#"{{"value":[{{"id":"1","mentions":[{{"id":"{}"}}]}}]}}"#, json_escaped(token));
            assert!(!body.contains(token));
            ResponseTemplate::new(200).set_body_raw(body, "application/json")
        }))
        .mount(&server)
        .await;
    let client = common::client(&server);
    for chat in ["19:a@thread.v2", "19:b@thread.v2"] {
        let error = bounded(client.chat(chat).messages().items().try_collect::<Vec<_>>()).await.unwrap_err();
        let Error::Decode { source, .. } = &error else { panic!("{chat}: expected Decode, got {error:?}") };
        assert_eq!(source.path, "value[0].mentions[0].id");
        for text in [format!("{error}"), format!("{error:?}")] {
            assert!(!text.contains(TOKEN), "{chat}: the error shows the token: {text}");
            for kept in ["value[0].mentions[0].id", "<redacted>", "expected i32"] {
                assert!(text.contains(kept), "{chat}: `{kept}` is lost: {text}");
            }
        }
        assert!(
            error.to_string().contains(r#"invalid type: string "<redacted>", expected i32 at line 1 column"#),
            "{error}"
        );
        assert_clean(&error);
    }
    assert_eq!(received(&server).await.len(), 2, "a decode error is not retried");
    assert_trace_clean(capture);
}

#[tokio::test]
async fn a_refused_link_shows_its_origin_but_not_an_echoed_token() {
    let capture = captured();
    let server = MockServer::start().await;
    Mock::given(path(MESSAGES))
        .respond_with(echo(|token| {
            let next = format!("https://other.example/v1.0/x?t={token}");
            ResponseTemplate::new(200).set_body_json(page(vec![message("1")], Some(&next)))
        }))
        .mount(&server)
        .await;
    Mock::given(path("/v1.0/chats/away"))
        .respond_with(echo(|token| {
            ResponseTemplate::new(302).insert_header("Location", format!("https://other.example/v1.0/x?t={token}"))
        }))
        .mount(&server)
        .await;
    let client = common::client(&server);
    let mut items = client.chat("19:a@thread.v2").messages().items();
    let first = bounded(items.try_next()).await.unwrap().unwrap();
    assert_eq!(first.id.as_deref(), Some("1"), "the page with the refused link is delivered first");
    let next_link = bounded(items.try_next()).await.unwrap_err();
    assert!(bounded(items.try_next()).await.unwrap().is_none(), "the stream ends after the error");
    let redirect = bounded(client.chat("away").get()).await.unwrap_err();
    for (error, kind) in [(&next_link, LinkKind::NextLink), (&redirect, LinkKind::Redirect)] {
        match error {
            Error::ForeignOrigin { link, url } => {
                assert_eq!(*link, kind);
                assert_eq!(url, "https://other.example/v1.0/x?t=<redacted>");
            }
            other => panic!("{kind}: expected ForeignOrigin, got {other:?}"),
        }
        for text in [format!("{error}"), format!("{error:?}")] {
            assert!(!text.contains(TOKEN), "{kind}: the error shows the token: {text}");
            assert!(text.contains("https://other.example/v1.0/x?t=<redacted>"), "{kind}: the link is lost: {text}");
        }
        assert_clean(error);
    }
    assert_eq!(received(&server).await.len(), 2, "nothing was sent to the other origin, nor retried");
    assert_trace_clean(capture);
}

/// Fails if `error`, its `Display`, `Debug` or source chain, or the traces show the token.
fn assert_scrubbed(error: &Error) {
    for text in [format!("{error}"), format!("{error:?}")] {
        assert!(!text.contains(TOKEN), "the error shows the token: {text}");
    }
    assert_clean(error);
    assert_trace_clean(captured());
}

#[tokio::test]
async fn an_odata_error_echoing_the_token_is_scrubbed_in_every_field() {
    let server = MockServer::start().await;
    let odata = |token: &str| {
        let message = format!("token {} is not allowed", json_escaped(token));
        let body = format!(
            r#"{{"error":{{"code":"Forbidden","message":"{message}","innerError":{{"date":"2024-01-01T00:00:00"}}}}}}"#
        );
        ResponseTemplate::new(403).set_body_raw(body, "application/json").insert_header("request-id", token)
    };
    Mock::given(path("/v1.0/chats/odata")).respond_with(echo(odata)).mount(&server).await;
    let error = bounded(common::client(&server).chat("odata").get()).await.unwrap_err();
    let http = error.http().expect("an HTTP error");
    assert_eq!(http.code(), Some("Forbidden"));
    assert_eq!(http.error.as_ref().unwrap().message, "token <redacted> is not allowed");
    assert_eq!(http.request_id.as_deref(), Some("<redacted>"));
    assert_scrubbed(&error);
}

#[tokio::test]
async fn a_throttled_body_echoing_the_token_is_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(path("/v1.0/chats/busy"))
        .respond_with(echo(|token| {
            ResponseTemplate::new(429).insert_header("Retry-After", "0").set_body_string(format!("slow down, {token}"))
        }))
        .mount(&server)
        .await;
    let error = bounded(common::client(&server).chat("busy").get()).await.unwrap_err();
    assert!(matches!(&error, Error::Throttled { last, .. } if last.body == "slow down, <redacted>"), "{error:?}");
    assert_scrubbed(&error);
}

#[tokio::test]
async fn an_unparsable_location_echoing_the_token_is_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(path("/v1.0/chats/unparsable"))
        .respond_with(echo(|token| ResponseTemplate::new(302).insert_header("Location", format!("http://[{token}"))))
        .mount(&server)
        .await;
    let error = bounded(common::client(&server).chat("unparsable").get()).await.unwrap_err();
    assert!(
        matches!(&error, Error::UnexpectedResponse(text) if text.contains("bad Location `http://[<redacted>`")),
        "{error:?}"
    );
    assert_scrubbed(&error);
}

/// The error of listing `chat`'s messages, whose one page (with a message unless `empty`) links
/// to `link` with `{token}` replaced by the token the server received.
async fn next_link_error(server: &MockServer, chat: &str, link: String, empty: bool) -> Error {
    Mock::given(path(format!("/v1.0/chats/{chat}/messages")))
        .respond_with(echo(move |token| {
            let items = if empty { vec![] } else { vec![message("1")] };
            ResponseTemplate::new(200).set_body_json(page(items, Some(&link.replace("{token}", token))))
        }))
        .mount(server)
        .await;
    let client = common::builder(server).max_empty_pages(0).build().unwrap();
    bounded(client.chat(chat).messages().items().try_collect::<Vec<_>>()).await.unwrap_err()
}

#[tokio::test]
async fn next_links_echoing_the_token_are_scrubbed_when_unparsable_looping_or_empty() {
    let server = MockServer::start().await;
    let base = server.uri();
    let unparsable = next_link_error(&server, "19:c@thread.v2", "http://[{token}".to_owned(), false).await;
    assert!(
        matches!(&unparsable, Error::UnexpectedResponse(text) if text.contains("`http://[<redacted>` is not a URL")),
        "{unparsable:?}"
    );
    assert_scrubbed(&unparsable);
    let link = format!("{base}/v1.0/chats/19:d@thread.v2/messages?t={{token}}");
    let looped = next_link_error(&server, "19:d@thread.v2", link, false).await;
    let shown = format!("{base}/v1.0/chats/19:d@thread.v2/messages?t=<redacted>");
    assert!(matches!(&looped, Error::NextLinkLoop { url } if *url == shown), "{looped:?}");
    assert_scrubbed(&looped);
    let trace = assert_trace_clean(captured());
    assert!(trace.contains("19:d@thread.v2/messages?t=<redacted>"), "the followed link is traced, redacted:\n{trace}");
    let link = format!("{base}/v1.0/chats/19:e@thread.v2/messages?t={{token}}");
    let empty = next_link_error(&server, "19:e@thread.v2", link, true).await;
    let shown = format!("{base}/v1.0/chats/19:e@thread.v2/messages?t=<redacted>");
    assert!(matches!(&empty, Error::TooManyEmptyPages { url, pages: 1 } if *url == shown), "{empty:?}");
    assert_scrubbed(&empty);
}

/// Hands out [`TOKEN`]; asked to replace it after a 401, refuses, quoting it.
struct QuotingProvider;

impl TokenProvider for QuotingProvider {
    async fn token(&self, request: &TokenRequest) -> Result<AccessToken, AuthError> {
        match &request.rejected {
            None => Ok(AccessToken::new(TOKEN)),
            Some(rejected) => Err(AuthError::Provider(format!("will not replace {}", rejected.secret()).into())),
        }
    }
}

#[tokio::test]
async fn a_provider_quoting_the_rejected_token_is_scrubbed() {
    let server = MockServer::start().await;
    Mock::given(path("/v1.0/chats/denied")).respond_with(ResponseTemplate::new(401)).mount(&server).await;
    let quoting = GraphClient::builder().base_url(server.uri()).token_provider(QuotingProvider).build().unwrap();
    let error = bounded(quoting.chat("denied").get()).await.unwrap_err();
    assert!(matches!(&error, Error::Auth(AuthError::Provider(_))), "{error:?}");
    assert!(error.to_string().contains("will not replace <redacted>"), "{error}");
    assert_scrubbed(&error);
}

#[tokio::test]
async fn a_transport_error_on_a_link_carrying_the_token_is_scrubbed() {
    // A same-origin nextLink (relative) that carries the token and then fails at the transport
    // level: the transport error names the URL it was sending to.
    let next = format!("{MESSAGES}?t={TOKEN}");
    let body = page(vec![message("1")], Some(&next)).to_string();
    let first = ok_head(&format!("content-length: {}\r\nconnection: close\r\n", body.len())) + &body;
    let mut script = vec![Answer::Close(first)];
    script.extend((0..4).map(|_| Answer::Close(String::new())));
    let server = raw::serve(script).await;
    let client = raw_client(&server.base_url).build().unwrap();
    let error = bounded(client.chat("19:a@thread.v2").messages().items().try_collect::<Vec<_>>()).await.unwrap_err();
    assert!(matches!(&error, Error::Transport(_)), "{error:?}");
    assert!(format!("{error:?}").contains("/v1.0/chats/19:a@thread.v2/messages?t=%3Credacted%3E"), "{error:?}");
    let served = bounded(server.served()).await;
    assert!(served[1].request.contains(TOKEN), "the link was followed, to the Graph origin, as sent");
    assert_scrubbed(&error);
    assert!(assert_trace_clean(captured()).contains("retrying after a transport error"));
}
