//! List chats and Get chat.

use crate::client::GraphClient;
use crate::cloud::Cloud;
use crate::encode::Query;
use crate::error::{Error, Result};
use crate::ratelimit::Bucket;
use crate::request::sealed::{Endpoint, Expand, List, Single, Top};
use crate::request::{Options, Request};
use graph_models::Chat;

/// `GET /chats`, `/me/chats` or `/users/{user}/chats`: a user's chats.
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// use graph_client::odata_string;
///
/// let chats = client.user("alice@contoso.com").chats();
/// let lunch = chats.filter(format!("topic eq {}", odata_string("Lunch"))).expand_members().top(50).items();
/// # Ok(()) }
/// ```
pub type ListChats = Request<ChatsQuery>;

/// `GET /chats/{chat}` (or under `/me` or `/users/{user}`): one chat. Await it directly or
/// call [`send`](Request::send).
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// let chat = client.chat("19:b8577894a63548969c5c92bb9c80c5e1@thread.v2").get().expand_members().await?;
/// println!("{:?} with {} members", chat.topic.as_deref(), chat.members.get().map_or(0, Vec::len));
/// # Ok(()) }
/// ```
pub type GetChat = Request<ChatQuery>;

/// The options of [`ListChats`] of its own.
#[derive(Debug, Clone, Default)]
pub struct ChatsQuery {
    filter: Option<String>,
    order_by_last_message: bool,
}

/// The options of [`GetChat`] of its own: none.
#[derive(Debug, Clone, Copy, Default)]
pub struct ChatQuery;

impl ListChats {
    /// `$filter`: an OData filter expression, sent percent-encoded. Build string literals from
    /// untrusted text with [`odata_string`](crate::odata_string).
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.endpoint_mut().filter = Some(expression.into());
        self
    }

    /// `$orderby=lastMessagePreview/createdDateTime desc`, the only order the service supports
    /// (not available in the US Government clouds).
    pub fn order_by_last_message_desc(mut self) -> Self {
        self.endpoint_mut().order_by_last_message = true;
        self
    }
}

impl Endpoint for ChatsQuery {
    type Value = Chat;

    fn path(&self) -> Result<String> {
        Ok(String::new())
    }

    fn query(&self, client: &GraphClient, options: &Options) -> Result<Query> {
        let mut query = Query::default();
        options.push_top(&mut query)?;
        if let Some(filter) = &self.filter {
            if filter.trim().is_empty() {
                return Err(Error::InvalidRequest("$filter must not be empty".into()));
            }
            query.push("$filter", filter.clone());
        }
        if self.order_by_last_message {
            if matches!(client.cloud(), Cloud::UsGovL4 | Cloud::UsGovL5) {
                return Err(Error::InvalidRequest(
                    "$orderby is not supported for List chats in US Government clouds".into(),
                ));
            }
            query.push("$orderby", "lastMessagePreview/createdDateTime desc");
        }
        options.push_expand(&mut query);
        Ok(query)
    }

    const LIMITS: &'static [Bucket] = &[Bucket::ChatsPerUser, Bucket::OtherGets];
}

impl List for ChatsQuery {}
impl Top for ChatsQuery {}
impl Expand for ChatsQuery {}

impl Endpoint for ChatQuery {
    type Value = Chat;

    fn path(&self) -> Result<String> {
        Ok(String::new())
    }

    fn query(&self, _client: &GraphClient, options: &Options) -> Result<Query> {
        let mut query = Query::default();
        options.push_expand(&mut query);
        Ok(query)
    }

    const LIMITS: &'static [Bucket] = &[Bucket::ChatsPerUser, Bucket::OtherGets, Bucket::PerChat];
}

impl Single for ChatQuery {}
impl Expand for ChatQuery {}
