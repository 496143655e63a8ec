//! A minimal loopback Graph double for the stream benchmark and the peak-memory example: it
//! serves one chat's messages as a chain of pages linked by `@odata.nextLink`.

use bytes::Bytes;
use http_body_util::Full;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Request, Response};
use hyper_util::rt::TokioIo;
use std::convert::Infallible;
use std::sync::Arc;
use tokio::net::TcpListener;

/// The chat whose messages are served.
pub const CHAT_ID: &str = "19:bench@thread.v2";

/// A realistic chat message of about 900 bytes.
fn message(id: usize) -> String {
    format!(
        r##"{{"@odata.type":"#microsoft.graph.chatMessage","id":"{id}","replyToId":null,"etag":"{id}","messageType":"message","createdDateTime":"2021-03-29T03:22:49.753Z","lastModifiedDateTime":"2021-03-29T03:22:49.753Z","lastEditedDateTime":null,"deletedDateTime":null,"subject":null,"summary":null,"chatId":"{CHAT_ID}","importance":"normal","locale":"en-us","webUrl":null,"channelIdentity":null,"policyViolation":null,"eventDetail":null,"from":{{"application":null,"device":null,"user":{{"@odata.type":"#microsoft.graph.teamworkUserIdentity","id":"8ea0e38b-efb3-4757-924a-5f94061cf8c2","displayName":"Robin Kline","userIdentityType":"aadUser","tenantId":"e61ef81e-8bd8-476a-92e8-4a62f8426fca"}}}},"body":{{"contentType":"html","content":"<p>Message number {id}: see you at the <b>standup</b> &amp; bring the notes.</p>"}},"attachments":[],"mentions":[],"reactions":[{{"reactionType":"like","displayName":null,"reactionContentUrl":null,"createdDateTime":"2021-03-29T03:30:00.000Z","user":{{"application":null,"device":null,"user":{{"@odata.type":"#microsoft.graph.teamworkUserIdentity","id":"a1","displayName":null,"userIdentityType":"aadUser"}}}}}}],"messageHistory":[]}}"##
    )
}

/// The chain of pages.
struct Chain {
    base: String,
    pages: usize,
    per_page: usize,
    prebuilt: Option<Vec<Bytes>>,
}

impl Chain {
    fn page(&self, index: usize) -> Bytes {
        match &self.prebuilt {
            Some(pages) => pages[index].clone(),
            None => self.build(index),
        }
    }

    fn build(&self, index: usize) -> Bytes {
        let messages: Vec<String> = (0..self.per_page).map(|item| message(index * self.per_page + item)).collect();
        let next = if index + 1 < self.pages {
            format!(
                r#""@odata.nextLink":"{}/v1.0/chats/{CHAT_ID}/messages?$top={}&$skiptoken={}","#,
                self.base,
                self.per_page,
                index + 1
            )
        } else {
            String::new()
        };
        let context = r#""@odata.context":"https://graph.microsoft.com/v1.0/$metadata#chats('19%3Abench%40thread.v2')/messages","#;
        Bytes::from(format!(r#"{{{context}"@odata.count":{},{next}"value":[{}]}}"#, self.per_page, messages.join(",")))
    }

    fn index(&self, query: Option<&str>) -> usize {
        let token = query.and_then(|query| query.split('&').find_map(|pair| pair.strip_prefix("$skiptoken=")));
        token.and_then(|token| token.parse().ok()).filter(|index| *index < self.pages).unwrap_or(0)
    }
}

/// Starts serving `pages` pages of `per_page` messages on 127.0.0.1 and returns the service
/// root to give the client as its base URL. With `prebuilt`, every page is serialised up front
/// (the server then holds them all); otherwise each page is built when asked for.
pub async fn start(pages: usize, per_page: usize, prebuilt: bool) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind a loopback port");
    let base = format!("http://{}", listener.local_addr().expect("local address"));
    let mut chain = Chain { base: base.clone(), pages, per_page, prebuilt: None };
    if prebuilt {
        chain.prebuilt = Some((0..pages).map(|index| chain.build(index)).collect());
    }
    let chain = Arc::new(chain);
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else { return };
            let chain = chain.clone();
            tokio::spawn(async move {
                let service = service_fn(move |request: Request<hyper::body::Incoming>| {
                    let body = chain.page(chain.index(request.uri().query()));
                    async move {
                        let response =
                            Response::builder().header("content-type", "application/json").body(Full::new(body));
                        Ok::<_, Infallible>(response.expect("a valid response"))
                    }
                });
                let _ = http1::Builder::new().serve_connection(TokioIo::new(stream), service).await;
            });
        }
    });
    base
}
