//! List messages in a chat, and getAllMessages across a user's chats.

use crate::client::GraphClient;
use crate::cloud::Cloud;
use crate::encode::{datetime_literal, Query};
use crate::error::{Error, Result};
use crate::paging::{Items, Pages};
use crate::ratelimit::RateClass;
use crate::request::{check_top, common_options, Headers};
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
    top: Option<u32>,
    order: Option<MessageOrder>,
    modified_after: Option<Timestamp>,
    modified_before: Option<Timestamp>,
    created_before: Option<Timestamp>,
    headers: Headers,
}

impl ListMessages {
    pub(crate) fn new(client: GraphClient, target: ChatTarget) -> Self {
        ListMessages {
            client,
            target,
            top: None,
            order: None,
            modified_after: None,
            modified_before: None,
            created_before: None,
            headers: Headers::default(),
        }
    }

    /// `$top`: messages per page, 1 to 50.
    pub fn top(mut self, top: u32) -> Self {
        self.top = Some(top);
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
        self.modified_after = Some(time);
        self
    }

    /// Only messages modified before `time` (`lastModifiedDateTime lt`); orders by
    /// `lastModifiedDateTime desc`.
    pub fn modified_before(mut self, time: Timestamp) -> Self {
        self.modified_before = Some(time);
        self
    }

    /// Only messages created before `time` (`createdDateTime lt`, the only operator the service
    /// supports on it); orders by `createdDateTime desc`.
    pub fn created_before(mut self, time: Timestamp) -> Self {
        self.created_before = Some(time);
        self
    }

    common_options!();

    /// The messages, page by page.
    pub fn pages(self) -> Pages<ChatMessage> {
        let client = self.client.clone();
        Pages::new(client, self.prepare())
    }

    /// The messages, one by one.
    pub fn items(self) -> Items<ChatMessage> {
        self.pages().items()
    }

    /// The messages page by page, each as its JSON text exactly as received: for archives and
    /// exports that must keep the service's bytes. Paging, retries and checks are the same.
    pub fn raw_pages(self) -> Pages<Box<serde_json::value::RawValue>> {
        let client = self.client.clone();
        Pages::new(client, self.prepare())
    }

    fn prepare(self) -> Result<(Url, Call)> {
        check_top(self.top)?;
        check_range(self.modified_after, self.modified_before)?;
        let by_modified = self.modified_after.is_some() || self.modified_before.is_some();
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
        if let Some(top) = self.top {
            query.push("$top", top.to_string());
        }
        if let Some(order) = order {
            query.push("$orderby", format!("{} desc", order.property()));
        }
        let mut filter = modified_filter(self.modified_after, self.modified_before);
        if let Some(time) = self.created_before {
            filter.push(format!("createdDateTime lt {}", datetime_literal(time)));
        }
        if !filter.is_empty() {
            query.push("$filter", filter.join(" and "));
        }
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
    top: Option<u32>,
    modified_after: Option<Timestamp>,
    modified_before: Option<Timestamp>,
    headers: Headers,
}

impl AllMessages {
    pub(crate) fn new(client: GraphClient, owner: Owner) -> Self {
        AllMessages {
            client,
            owner,
            model: None,
            top: None,
            modified_after: None,
            modified_before: None,
            headers: Headers::default(),
        }
    }

    /// `model=A` or `model=B`; leave unset for evaluation mode.
    pub fn model(mut self, model: Model) -> Self {
        self.model = Some(model);
        self
    }

    /// `$top`: messages per page, 1 to 50.
    pub fn top(mut self, top: u32) -> Self {
        self.top = Some(top);
        self
    }

    /// Only messages modified after `time` (`lastModifiedDateTime gt`).
    pub fn modified_after(mut self, time: Timestamp) -> Self {
        self.modified_after = Some(time);
        self
    }

    /// Only messages modified before `time` (`lastModifiedDateTime lt`).
    pub fn modified_before(mut self, time: Timestamp) -> Self {
        self.modified_before = Some(time);
        self
    }

    common_options!();

    /// The messages, page by page.
    pub fn pages(self) -> Pages<ChatMessage> {
        let client = self.client.clone();
        Pages::new(client, self.prepare())
    }

    /// The messages, one by one.
    pub fn items(self) -> Items<ChatMessage> {
        self.pages().items()
    }

    /// The messages page by page, each as its JSON text exactly as received: for archives and
    /// exports that must keep the service's bytes. Paging, retries and checks are the same.
    pub fn raw_pages(self) -> Pages<Box<serde_json::value::RawValue>> {
        let client = self.client.clone();
        Pages::new(client, self.prepare())
    }

    fn prepare(self) -> Result<(Url, Call)> {
        check_top(self.top)?;
        check_range(self.modified_after, self.modified_before)?;
        if self.client.cloud() != Cloud::Global {
            return Err(invalid("getAllMessages is available in the global cloud only"));
        }
        let mut query = Query::default();
        if let Some(model) = self.model {
            query.push("model", if model == Model::A { "A" } else { "B" });
        }
        if let Some(top) = self.top {
            query.push("$top", top.to_string());
        }
        let filter = modified_filter(self.modified_after, self.modified_before);
        if !filter.is_empty() {
            query.push("$filter", filter.join(" and "));
        }
        let url = self.client.url(&format!("{}/chats/getAllMessages", self.owner.prefix()?), &query)?;
        Ok((url, self.headers.into_call(RateClass::AllMessages)?))
    }
}

fn modified_filter(after: Option<Timestamp>, before: Option<Timestamp>) -> Vec<String> {
    let after = after.map(|time| format!("lastModifiedDateTime gt {}", datetime_literal(time)));
    let before = before.map(|time| format!("lastModifiedDateTime lt {}", datetime_literal(time)));
    after.into_iter().chain(before).collect()
}

fn check_range(after: Option<Timestamp>, before: Option<Timestamp>) -> Result<()> {
    match (after, before) {
        (Some(after), Some(before)) if after >= before => {
            Err(invalid(&format!("the range is empty: modified after {after} and before {before}")))
        }
        _ => Ok(()),
    }
}

fn mismatch(property: &str) -> Error {
    invalid(&format!("a {property} filter needs $orderby={property} desc; the service ignores the filter otherwise"))
}

fn invalid(message: &str) -> Error {
    Error::InvalidRequest(message.to_owned())
}
