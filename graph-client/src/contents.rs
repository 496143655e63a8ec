//! One message of a chat, its hosted contents (inline images) and their bytes, and the chat's
//! pinned messages.

use crate::answer::ByteStream;
use crate::client::GraphClient;
use crate::encode::{Query, Segment};
use crate::error::Result;
use crate::ratelimit::Bucket;
use crate::request::sealed::{Endpoint, List, Single};
use crate::request::{Options, Request};
use graph_models::{ChatMessage, ChatMessageHostedContent, PinnedChatMessageInfo};

/// The most bytes [`HostedContentBytes`] reads unless told otherwise: 16 MiB.
pub const DEFAULT_MAX_HOSTED_CONTENT_BYTES: u64 = 16 * 1024 * 1024;

/// `GET /chats/{chat}/messages/{message}`: one message.
pub type GetMessage = Request<MessageQuery>;

/// `GET /chats/{chat}/messages/{message}/hostedContents`: the message's hosted contents, each
/// with its `id` and `contentType`; `contentBytes` is always null here, the bytes come from
/// [`HostedContentBytes`].
pub type ListHostedContents = Request<HostedContentsQuery>;

/// `GET /chats/{chat}/pinnedMessages?$expand=message`: the chat's pinned messages, each with
/// the message itself under `message`.
pub type ListPinnedMessages = Request<PinnedMessagesQuery>;

/// The message of [`GetMessage`].
#[derive(Debug, Clone)]
pub struct MessageQuery {
    message: Segment,
}

/// The message of [`ListHostedContents`].
#[derive(Debug, Clone)]
pub struct HostedContentsQuery {
    message: Segment,
}

/// The options of [`ListPinnedMessages`]: none.
#[derive(Debug, Clone, Copy, Default)]
pub struct PinnedMessagesQuery;

impl MessageQuery {
    pub(crate) fn new(message_id: &str) -> Self {
        MessageQuery { message: Segment::new("message id", message_id) }
    }
}

impl HostedContentsQuery {
    pub(crate) fn new(message_id: &str) -> Self {
        HostedContentsQuery { message: Segment::new("message id", message_id) }
    }
}

impl Endpoint for MessageQuery {
    type Value = ChatMessage;

    fn path(&self) -> Result<String> {
        Ok(format!("/messages/{}", self.message.encoded()?))
    }

    const LIMITS: &'static [Bucket] = &[Bucket::ChatMessages, Bucket::PerChat];
}

impl Endpoint for HostedContentsQuery {
    type Value = ChatMessageHostedContent;

    fn path(&self) -> Result<String> {
        Ok(format!("/messages/{}/hostedContents", self.message.encoded()?))
    }

    const LIMITS: &'static [Bucket] = &[Bucket::OtherGets, Bucket::PerChat];
}

impl Endpoint for PinnedMessagesQuery {
    type Value = PinnedChatMessageInfo;

    fn path(&self) -> Result<String> {
        Ok("/pinnedMessages".to_owned())
    }

    fn query(&self, _client: &GraphClient, _options: &Options) -> Result<Query> {
        let mut query = Query::default();
        query.push("$expand", "message");
        Ok(query)
    }

    const LIMITS: &'static [Bucket] = &[Bucket::OtherGets, Bucket::PerChat];
}

impl Single for MessageQuery {}
impl List for HostedContentsQuery {}
impl List for PinnedMessagesQuery {}

/// `GET /chats/{chat}/messages/{message}/hostedContents/{id}/$value`: the bytes of one hosted
/// content (an inline image), whole ([`send`](Self::send)) or as a stream
/// ([`stream`](Self::stream)), at most [`max_bytes`](Self::max_bytes) of them; a larger one is
/// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge), refused from its
/// `Content-Length` before reading when it has one. Retried like any request.
pub type HostedContentBytes = Request<HostedContentValue>;

/// The content of [`HostedContentBytes`].
#[derive(Debug, Clone)]
pub struct HostedContentValue {
    message: Segment,
    content: Segment,
    max_bytes: u64,
}

impl HostedContentValue {
    pub(crate) fn new(message_id: &str, content_id: &str) -> Self {
        HostedContentValue {
            message: Segment::new("message id", message_id),
            content: Segment::new("hosted content id", content_id),
            max_bytes: DEFAULT_MAX_HOSTED_CONTENT_BYTES,
        }
    }
}

impl Endpoint for HostedContentValue {
    /// Not JSON: [`HostedContentBytes::send`] reads the bytes.
    type Value = serde::de::IgnoredAny;

    fn path(&self) -> Result<String> {
        Ok(format!("/messages/{}/hostedContents/{}/$value", self.message.encoded()?, self.content.encoded()?))
    }

    const LIMITS: &'static [Bucket] = &[Bucket::OtherGets, Bucket::PerChat];
}

impl HostedContentBytes {
    /// The most bytes to read; [`DEFAULT_MAX_HOSTED_CONTENT_BYTES`] unless set.
    pub fn max_bytes(mut self, limit: u64) -> Self {
        self.endpoint_mut().max_bytes = limit;
        self
    }

    /// Sends the request: the bytes, whole. A body cut short is fetched again.
    pub async fn send(self) -> Result<bytes::Bytes> {
        let client = self.client().clone();
        let limit = self.endpoint().max_bytes;
        let (url, call) = self.prepare()?;
        client.inner.get_bytes(&url, &call, limit).await
    }

    /// Sends the request: the bytes as they arrive, a stream of chunks that ends with
    /// [`Error::ResponseTooLarge`](crate::Error::ResponseTooLarge) past the limit (refused before
    /// reading when `Content-Length` says so). The request is retried until it is answered; a
    /// body that fails once it flows ends the stream with the error.
    pub async fn stream(self) -> Result<ByteStream> {
        let client = self.client().clone();
        let limit = self.endpoint().max_bytes;
        let (url, call) = self.prepare()?;
        client.inner.get_stream(&url, &call, limit).await
    }
}
