//! List messages in a chat, and getAllMessages across a user's chats.

use crate::client::GraphClient;
use crate::cloud::Cloud;
use crate::encode::{datetime_literal, odata_string, Query};
use crate::error::{Error, Result};
use crate::ratelimit::Bucket;
use crate::request::sealed::{Endpoint, List, Modified, Top};
use crate::request::{push_filter, Options, Request};
use graph_models::{ChatMessage, TeamworkApplicationIdentityType, TeamworkUserIdentityType};
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

/// Who sent a message, for [`AllMessages::sent_by`]: the filters of Microsoft's export guidance.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Sender {
    /// `from/user/id eq '{id}'`: a user, by object id.
    User(String),
    /// `from/user/userIdentityType eq '{type}'`, e.g. anonymous guests or federated users.
    UserIdentityType(TeamworkUserIdentityType),
    /// `from/application/applicationIdentityType eq '{type}'`, e.g. bots or connectors.
    ApplicationIdentityType(TeamworkApplicationIdentityType),
    /// `messageType eq 'systemEventMessage'`: the system's control messages.
    System,
}

impl Sender {
    fn clause(&self) -> Result<String> {
        Ok(match self {
            Sender::User(id) if id.trim().is_empty() => return Err(invalid("a sender's user id must not be empty")),
            Sender::User(id) => format!("from/user/id eq {}", odata_string(id)),
            Sender::UserIdentityType(kind) => format!("from/user/userIdentityType eq {}", odata_string(kind.as_str())),
            Sender::ApplicationIdentityType(kind) => {
                format!("from/application/applicationIdentityType eq {}", odata_string(kind.as_str()))
            }
            Sender::System => "messageType eq 'systemEventMessage'".to_owned(),
        })
    }
}

/// The options of [`AllMessages`] of its own.
#[derive(Debug, Clone, Default)]
pub struct AllMessagesQuery {
    model: Option<Model>,
    retained: bool,
    senders: Vec<Sender>,
    without_system_events: bool,
}

impl AllMessagesQuery {
    pub(crate) fn retained() -> Self {
        AllMessagesQuery { retained: true, ..Self::default() }
    }

    fn function(&self) -> &'static str {
        if self.retained {
            "/getAllRetainedMessages"
        } else {
            "/getAllMessages"
        }
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

    /// Only messages from `sender`; called again, from any of the senders (joined with `or`,
    /// as the export guidance documents), within the date range if one is set.
    ///
    /// ```no_run
    /// # async fn run(client: graph_client::GraphClient) {
    /// use graph_client::Sender;
    /// use graph_client::graph_models::TeamworkApplicationIdentityType;
    ///
    /// let from_people_or_bots = client
    ///     .user("0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5")
    ///     .all_messages()
    ///     .sent_by(Sender::User("8ea0e38b-efb3-4757-924a-5f94061cf8c2".into()))
    ///     .sent_by(Sender::ApplicationIdentityType(TeamworkApplicationIdentityType::Bot))
    ///     .items();
    /// # }
    /// ```
    pub fn sent_by(mut self, sender: Sender) -> Self {
        self.endpoint_mut().senders.push(sender);
        self
    }

    /// Leaves out the system's control messages (`messageType ne 'systemEventMessage'`).
    pub fn without_system_events(mut self) -> Self {
        self.endpoint_mut().without_system_events = true;
        self
    }
}

impl Endpoint for MessagesQuery {
    type Value = ChatMessage;

    fn path(&self) -> Result<String> {
        Ok("/messages".to_owned())
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

    fn path(&self) -> Result<String> {
        Ok(self.function().to_owned())
    }

    fn query(&self, client: &GraphClient, options: &Options) -> Result<Query> {
        if client.cloud() != Cloud::Global {
            return Err(invalid(&format!("{} is available in the global cloud only", &self.function()[1..])));
        }
        let mut query = Query::default();
        if let Some(model) = self.model {
            query.push("model", if model == Model::A { "A" } else { "B" });
        }
        options.push_top(&mut query)?;
        let mut filter = Vec::new();
        if !self.senders.is_empty() {
            let clauses = self.senders.iter().map(Sender::clause).collect::<Result<Vec<_>>>()?;
            filter.push(if clauses.len() == 1 { clauses.join("") } else { format!("({})", clauses.join(" or ")) });
        }
        if self.without_system_events {
            if self.senders.contains(&Sender::System) {
                return Err(invalid("asking for system events and leaving them out selects nothing"));
            }
            filter.push("messageType ne 'systemEventMessage'".to_owned());
        }
        filter.extend(options.range_clauses()?);
        push_filter(&mut query, filter);
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
