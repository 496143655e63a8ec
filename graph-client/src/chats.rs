//! List chats and Get chat.

use crate::client::GraphClient;
use crate::cloud::Cloud;
use crate::encode::Query;
use crate::error::{Error, Result};
use crate::ratelimit::RateClass;
use crate::request::{chat_expand_options, check_top, common_options, paging_methods, ChatExpand, Headers};
use crate::scope::{ChatTarget, Owner};
use crate::send::Call;
use futures::future::BoxFuture;
use graph_models::Chat;
use std::future::IntoFuture;
use url::Url;

/// `GET /chats`, `/me/chats` or `/users/{user}/chats`: a user's chats.
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// use futures::TryStreamExt;
/// use graph_client::odata_string;
///
/// let mut chats = client
///     .user("alice@contoso.com")
///     .chats()
///     .filter(format!("topic eq {}", odata_string("Lunch")))
///     .expand_members()
///     .top(50)
///     .items();
/// while let Some(chat) = chats.try_next().await? {
///     println!("{:?} {:?}", chat.id.as_deref(), chat.topic.as_deref());
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until streamed"]
pub struct ListChats {
    client: GraphClient,
    owner: Owner,
    top: Option<u32>,
    filter: Option<String>,
    order_by_last_message: bool,
    expand: ChatExpand,
    headers: Headers,
}

impl ListChats {
    pub(crate) fn new(client: GraphClient, owner: Owner) -> Self {
        ListChats {
            client,
            owner,
            top: None,
            filter: None,
            order_by_last_message: false,
            expand: ChatExpand::default(),
            headers: Headers::default(),
        }
    }

    /// `$top`: chats per page, 1 to 50.
    pub fn top(mut self, top: u32) -> Self {
        self.top = Some(top);
        self
    }

    /// `$filter`: an OData filter expression, sent percent-encoded. Build string literals from
    /// untrusted text with [`odata_string`](crate::odata_string).
    pub fn filter(mut self, expression: impl Into<String>) -> Self {
        self.filter = Some(expression.into());
        self
    }

    /// `$orderby=lastMessagePreview/createdDateTime desc`, the only order the service supports
    /// (not available in the US Government clouds).
    pub fn order_by_last_message_desc(mut self) -> Self {
        self.order_by_last_message = true;
        self
    }

    chat_expand_options! {
        /// The service returns at most 25 members per chat this way; use
        /// [`ChatScope::members`](crate::ChatScope::members) for the full roster.
    }

    common_options!();

    paging_methods!(Chat, "chats");

    fn prepare(self) -> Result<(Url, Call)> {
        check_top(self.top)?;
        if self.filter.as_deref().is_some_and(|filter| filter.trim().is_empty()) {
            return Err(Error::InvalidRequest("$filter must not be empty".into()));
        }
        if self.order_by_last_message && matches!(self.client.cloud(), Cloud::UsGovL4 | Cloud::UsGovL5) {
            return Err(Error::InvalidRequest(
                "$orderby is not supported for List chats in US Government clouds".into(),
            ));
        }
        let mut query = Query::default();
        if let Some(top) = self.top {
            query.push("$top", top.to_string());
        }
        if let Some(filter) = self.filter {
            query.push("$filter", filter);
        }
        if self.order_by_last_message {
            query.push("$orderby", "lastMessagePreview/createdDateTime desc");
        }
        if let Some(expand) = self.expand.value() {
            query.push("$expand", expand);
        }
        let url = self.client.url(&format!("{}/chats", self.owner.prefix()?), &query)?;
        Ok((url, self.headers.into_call(RateClass::ListChats { user: self.owner.rate_key() })?))
    }
}

/// `GET /chats/{chat}` (or under `/me` or `/users/{user}`): one chat. Await it directly or
/// call [`send`](Self::send).
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// let chat = client.chat("19:b8577894a63548969c5c92bb9c80c5e1@thread.v2").get().expand_members().await?;
/// println!("{:?} with {} members", chat.topic.as_deref(), chat.members.get().map_or(0, Vec::len));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until awaited"]
pub struct GetChat {
    client: GraphClient,
    target: ChatTarget,
    expand: ChatExpand,
    headers: Headers,
}

impl GetChat {
    pub(crate) fn new(client: GraphClient, target: ChatTarget) -> Self {
        GetChat { client, target, expand: ChatExpand::default(), headers: Headers::default() }
    }

    chat_expand_options!();

    common_options!();

    /// Sends the request.
    pub async fn send(self) -> Result<Chat> {
        let (path, chat) = self.target.path()?;
        let mut query = Query::default();
        if let Some(expand) = self.expand.value() {
            query.push("$expand", expand);
        }
        let url = self.client.url(&path, &query)?;
        let call = self.headers.into_call(RateClass::GetChat { user: self.target.owner.rate_key(), chat })?;
        self.client.inner.get(url, &call).await
    }
}

impl IntoFuture for GetChat {
    type Output = Result<Chat>;
    type IntoFuture = BoxFuture<'static, Result<Chat>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
