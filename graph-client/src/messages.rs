//! List messages in a chat, and getAllMessages across a user's chats.

use crate::client::GraphClient;
use crate::cloud::Cloud;
use crate::encode::{datetime_literal, Query};
use crate::error::{Error, Result};
use crate::ratelimit::Bucket;
use crate::request::sealed::{Endpoint, List, Modified, Top};
use crate::request::{push_filter, Options, Request};
use graph_models::ChatMessage;
use jiff::Timestamp;

/// `GET /chats/{chat}/messages` (or under `/me` or `/users/{user}`): the messages of one chat,
/// newest first.
///
/// The service applies a date filter only together with `$orderby` on the same property and
/// ignores it silently otherwise; this builder sets the matching order itself and refuses
/// combinations the service would not honour.
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// let before: jiff::Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
/// let chat = client.chat("19:2da4c29f6d7041eca70b638b43d45437@thread.v2");
/// let messages = chat.messages().top(50).created_before(before).include_unknown_enum_members().items();
/// # Ok(()) }
/// ```
pub type ListMessages = Request<MessagesQuery>;

/// `GET /users/{user}/chats/getAllMessages`: messages from all of a user's chats.
///
/// Application permissions only (a delegated token gets 412), global cloud only, and metered:
/// without [`model`](Request::model) the service uses evaluation mode (500 messages per month
/// per tenant and app, an empty answer counting as one).
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// use graph_client::Model;
///
/// let (from, to): (jiff::Timestamp, jiff::Timestamp) = ("2020-06-04T18:03:11Z".parse().unwrap(), "2020-06-05T21:00:09Z".parse().unwrap());
/// let user = client.user("0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5");
/// let pages = user.all_messages().model(Model::B).top(50).modified_after(from).modified_before(to).pages();
/// # Ok(()) }
/// ```
pub type AllMessages = Request<AllMessagesQuery>;

/// The order of messages; the service supports only descending order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageOrder {
    /// `$orderby=lastModifiedDateTime desc` (the service's default).
    LastModifiedDesc,
    /// `$orderby=createdDateTime desc`.
    CreatedDesc,
}

impl MessageOrder {
    fn property(self) -> &'static str {
        match self {
            MessageOrder::LastModifiedDesc => "lastModifiedDateTime",
            MessageOrder::CreatedDesc => "createdDateTime",
        }
    }
}

/// The licensing and payment model of a metered API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Model {
    /// `model=A`: security and compliance apps; needs a licence.
    A,
    /// `model=B`: other apps; billed per message, needs an Azure subscription.
    B,
}

/// The options of [`ListMessages`] of its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct MessagesQuery {
    order: Option<MessageOrder>,
    created_before: Option<Timestamp>,
}

/// The options of [`AllMessages`] of its own.
#[derive(Debug, Clone, Copy, Default)]
pub struct AllMessagesQuery {
    model: Option<Model>,
    retained: bool,
}

impl AllMessagesQuery {
    pub(crate) fn retained() -> Self {
        AllMessagesQuery { retained: true, ..Self::default() }
    }
}

impl ListMessages {
    /// `$orderby`, descending.
    pub fn order_by(mut self, order: MessageOrder) -> Self {
        self.endpoint_mut().order = Some(order);
        self
    }

    /// Only messages created before `time` (`createdDateTime lt`, the only operator the service
    /// supports on it); orders by `createdDateTime desc`. A range on `lastModifiedDateTime`
    /// ([`modified_after`](Request::modified_after)) orders by `lastModifiedDateTime desc`.
    pub fn created_before(mut self, time: Timestamp) -> Self {
        self.endpoint_mut().created_before = Some(time);
        self
    }
}

impl AllMessages {
    /// `model=A` or `model=B`; leave unset for evaluation mode.
    pub fn model(mut self, model: Model) -> Self {
        self.endpoint_mut().model = Some(model);
        self
    }
}

impl Endpoint for MessagesQuery {
    type Value = ChatMessage;

    fn suffix(&self) -> &'static str {
        "/messages"
    }

    fn query(&self, _client: &GraphClient, options: &Options) -> Result<Query> {
        let mut query = Query::default();
        options.push_top(&mut query)?;
        let mut filter = options.range_clauses()?;
        let order = match (self.order, options.has_range(), self.created_before.is_some()) {
            (_, true, true) => return Err(invalid("filter on lastModifiedDateTime or on createdDateTime, not both")),
            (Some(MessageOrder::CreatedDesc), true, _) => return Err(mismatch("lastModifiedDateTime")),
            (Some(MessageOrder::LastModifiedDesc), _, true) => return Err(mismatch("createdDateTime")),
            (_, true, _) => Some(MessageOrder::LastModifiedDesc),
            (_, _, true) => Some(MessageOrder::CreatedDesc),
            (order, false, false) => order,
        };
        if let Some(order) = order {
            query.push("$orderby", format!("{} desc", order.property()));
        }
        if let Some(time) = self.created_before {
            filter.push(format!("createdDateTime lt {}", datetime_literal(time)));
        }
        push_filter(&mut query, filter);
        Ok(query)
    }

    const LIMITS: &'static [Bucket] = &[Bucket::ChatMessages, Bucket::PerChat];
}

impl Endpoint for AllMessagesQuery {
    type Value = ChatMessage;

    fn suffix(&self) -> &'static str {
        if self.retained {
            "/getAllRetainedMessages"
        } else {
            "/getAllMessages"
        }
    }

    fn query(&self, client: &GraphClient, options: &Options) -> Result<Query> {
        if client.cloud() != Cloud::Global {
            return Err(invalid(&format!("{} is available in the global cloud only", &self.suffix()[1..])));
        }
        let mut query = Query::default();
        if let Some(model) = self.model {
            query.push("model", if model == Model::A { "A" } else { "B" });
        }
        options.push_top(&mut query)?;
        push_filter(&mut query, options.range_clauses()?);
        Ok(query)
    }

    const LIMITS: &'static [Bucket] = &[Bucket::AllMessages];
}

impl List for MessagesQuery {}
impl List for AllMessagesQuery {}
impl Top for MessagesQuery {}
impl Top for AllMessagesQuery {}
impl Modified for MessagesQuery {}
impl Modified for AllMessagesQuery {}

fn mismatch(property: &str) -> Error {
    invalid(&format!("a {property} filter needs $orderby={property} desc; the service ignores the filter otherwise"))
}

fn invalid(message: &str) -> Error {
    Error::InvalidRequest(message.to_owned())
}
