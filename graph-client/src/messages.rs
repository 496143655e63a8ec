//! List messages in a chat, and getAllMessages across a user's chats.

use crate::client::GraphClient;
use crate::cloud::Cloud;
use crate::encode::{datetime_literal, Query};
use crate::error::{Error, Result};
use crate::ratelimit::RateClass;
use crate::request::{check_top, common_options, paging_methods, Headers};
use crate::scope::{ChatTarget, Owner};
use crate::send::Call;
use graph_models::ChatMessage;
use jiff::Timestamp;
use url::Url;

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

/// `GET /chats/{chat}/messages` (or under `/me` or `/users/{user}`): the messages of one chat,
/// newest first.
///
/// The service applies a date filter only together with `$orderby` on the same property and
/// ignores it silently otherwise; this builder sets the matching order itself and refuses
/// combinations the service would not honour.
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// use futures::TryStreamExt;
/// use graph_client::ChatMessageExt;
///
/// let before: jiff::Timestamp = "2024-01-01T00:00:00Z".parse().unwrap();
/// let mut messages = client
///     .chat("19:2da4c29f6d7041eca70b638b43d45437@thread.v2")
///     .messages()
///     .top(50)
///     .created_before(before)
///     .include_unknown_enum_members()
///     .items();
/// while let Some(message) = messages.try_next().await? {
///     println!("{}: {}", message.from_display_name().unwrap_or("system"), message.plain_text());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until streamed"]
pub struct ListMessages {
    client: GraphClient,
    target: ChatTarget,
    options: MessageOptions,
    order: Option<MessageOrder>,
    created_before: Option<Timestamp>,
    headers: Headers,
}

impl ListMessages {
    pub(crate) fn new(client: GraphClient, target: ChatTarget) -> Self {
        ListMessages {
            client,
            target,
            options: MessageOptions::default(),
            order: None,
            created_before: None,
            headers: Headers::default(),
        }
    }

    /// `$top`: messages per page, 1 to 50.
    pub fn top(mut self, top: u32) -> Self {
        self.options.top = Some(top);
        self
    }

    /// `$orderby`, descending.
    pub fn order_by(mut self, order: MessageOrder) -> Self {
        self.order = Some(order);
        self
    }

    /// Only messages modified after `time` (`lastModifiedDateTime gt`); orders by
    /// `lastModifiedDateTime desc`.
    pub fn modified_after(mut self, time: Timestamp) -> Self {
        self.options.modified_after = Some(time);
        self
    }

    /// Only messages modified before `time` (`lastModifiedDateTime lt`); orders by
    /// `lastModifiedDateTime desc`.
    pub fn modified_before(mut self, time: Timestamp) -> Self {
        self.options.modified_before = Some(time);
        self
    }

    /// Only messages created before `time` (`createdDateTime lt`, the only operator the service
    /// supports on it); orders by `createdDateTime desc`.
    pub fn created_before(mut self, time: Timestamp) -> Self {
        self.created_before = Some(time);
        self
    }

    common_options!();

    paging_methods!(ChatMessage, "messages", raw);

    fn prepare(self) -> Result<(Url, Call)> {
        self.options.check()?;
        let by_modified = self.options.filters_modified();
        let by_created = self.created_before.is_some();
        let order = match (self.order, by_modified, by_created) {
            (_, true, true) => return Err(invalid("filter on lastModifiedDateTime or on createdDateTime, not both")),
            (Some(MessageOrder::CreatedDesc), true, _) => return Err(mismatch("lastModifiedDateTime")),
            (Some(MessageOrder::LastModifiedDesc), _, true) => return Err(mismatch("createdDateTime")),
            (_, true, _) => Some(MessageOrder::LastModifiedDesc),
            (_, _, true) => Some(MessageOrder::CreatedDesc),
            (order, false, false) => order,
        };
        let mut query = Query::default();
        self.options.push_top(&mut query);
        if let Some(order) = order {
            query.push("$orderby", format!("{} desc", order.property()));
        }
        let mut filter = self.options.modified_filter();
        if let Some(time) = self.created_before {
            filter.push(format!("createdDateTime lt {}", datetime_literal(time)));
        }
        push_filter(&mut query, filter);
        let (chat_path, chat) = self.target.path()?;
        let url = self.client.url(&format!("{chat_path}/messages"), &query)?;
        Ok((url, self.headers.into_call(RateClass::ChatMessages { chat })?))
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

/// `GET /users/{user}/chats/getAllMessages`: messages from all of a user's chats.
///
/// Application permissions only (a delegated token gets 412), global cloud only, and metered:
/// without [`model`](Self::model) the service uses evaluation mode (500 messages per month per
/// tenant and app, an empty answer counting as one).
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// use futures::TryStreamExt;
/// use graph_client::Model;
///
/// let from: jiff::Timestamp = "2020-06-04T18:03:11.591Z".parse().unwrap();
/// let to: jiff::Timestamp = "2020-06-05T21:00:09.413Z".parse().unwrap();
/// let mut pages = client
///     .user("0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5")
///     .all_messages()
///     .model(Model::B)
///     .top(50)
///     .modified_after(from)
///     .modified_before(to)
///     .pages();
/// while let Some(page) = pages.try_next().await? {
///     println!("{} messages", page.value.len());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until streamed"]
pub struct AllMessages {
    client: GraphClient,
    owner: Owner,
    model: Option<Model>,
    options: MessageOptions,
    headers: Headers,
}

impl AllMessages {
    pub(crate) fn new(client: GraphClient, owner: Owner) -> Self {
        AllMessages { client, owner, model: None, options: MessageOptions::default(), headers: Headers::default() }
    }

    /// `model=A` or `model=B`; leave unset for evaluation mode.
    pub fn model(mut self, model: Model) -> Self {
        self.model = Some(model);
        self
    }

    /// `$top`: messages per page, 1 to 50.
    pub fn top(mut self, top: u32) -> Self {
        self.options.top = Some(top);
        self
    }

    /// Only messages modified after `time` (`lastModifiedDateTime gt`).
    pub fn modified_after(mut self, time: Timestamp) -> Self {
        self.options.modified_after = Some(time);
        self
    }

    /// Only messages modified before `time` (`lastModifiedDateTime lt`).
    pub fn modified_before(mut self, time: Timestamp) -> Self {
        self.options.modified_before = Some(time);
        self
    }

    common_options!();

    paging_methods!(ChatMessage, "messages", raw);

    fn prepare(self) -> Result<(Url, Call)> {
        self.options.check()?;
        if self.client.cloud() != Cloud::Global {
            return Err(invalid("getAllMessages is available in the global cloud only"));
        }
        let mut query = Query::default();
        if let Some(model) = self.model {
            query.push("model", if model == Model::A { "A" } else { "B" });
        }
        self.options.push_top(&mut query);
        push_filter(&mut query, self.options.modified_filter());
        let url = self.client.url(&format!("{}/chats/getAllMessages", self.owner.prefix()?), &query)?;
        Ok((url, self.headers.into_call(RateClass::AllMessages)?))
    }
}

/// The options both message listings take, and check and send alike: `$top` and a
/// `lastModifiedDateTime` range.
#[derive(Debug, Clone, Copy, Default)]
struct MessageOptions {
    top: Option<u32>,
    modified_after: Option<Timestamp>,
    modified_before: Option<Timestamp>,
}

impl MessageOptions {
    /// Refuses a `$top` out of bounds, then an empty range.
    fn check(&self) -> Result<()> {
        check_top(self.top)?;
        match (self.modified_after, self.modified_before) {
            (Some(after), Some(before)) if after >= before => {
                Err(invalid(&format!("the range is empty: modified after {after} and before {before}")))
            }
            _ => Ok(()),
        }
    }

    fn filters_modified(&self) -> bool {
        self.modified_after.is_some() || self.modified_before.is_some()
    }

    fn push_top(&self, query: &mut Query) {
        if let Some(top) = self.top {
            query.push("$top", top.to_string());
        }
    }

    /// The `$filter` clauses on `lastModifiedDateTime`.
    fn modified_filter(&self) -> Vec<String> {
        let after = self.modified_after.map(|time| format!("lastModifiedDateTime gt {}", datetime_literal(time)));
        let before = self.modified_before.map(|time| format!("lastModifiedDateTime lt {}", datetime_literal(time)));
        after.into_iter().chain(before).collect()
    }
}

/// `$filter` with the clauses joined by `and`, unless there are none.
fn push_filter(query: &mut Query, clauses: Vec<String>) {
    if !clauses.is_empty() {
        query.push("$filter", clauses.join(" and "));
    }
}

fn mismatch(property: &str) -> Error {
    invalid(&format!("a {property} filter needs $orderby={property} desc; the service ignores the filter otherwise"))
}

fn invalid(message: &str) -> Error {
    Error::InvalidRequest(message.to_owned())
}
