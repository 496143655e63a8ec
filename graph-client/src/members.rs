//! List members of a chat.

use crate::client::GraphClient;
use crate::encode::Query;
use crate::error::Result;
use crate::ratelimit::RateClass;
use crate::request::{common_options, paging_methods, Headers};
use crate::scope::ChatTarget;
use crate::send::Call;
use graph_models::ConversationMember;
use url::Url;

/// `GET /chats/{chat}/members` (or under `/me` or `/users/{user}`): everyone in a chat, each a
/// [`ConversationMember`] chosen by `@odata.type`.
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// use futures::TryStreamExt;
/// use graph_models::ConversationMember;
///
/// let members: Vec<ConversationMember> =
///     client.chat("19:8b081ef6-4792-4def-b2c9-c363a1bf41d5_877192bd@unq.gbl.spaces").members().items().try_collect().await?;
/// for member in &members {
///     if let ConversationMember::AadUserConversationMember(user) = member {
///         println!("{:?}", user.display_name.as_deref());
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until streamed"]
pub struct ListMembers {
    client: GraphClient,
    target: ChatTarget,
    headers: Headers,
}

impl ListMembers {
    pub(crate) fn new(client: GraphClient, target: ChatTarget) -> Self {
        ListMembers { client, target, headers: Headers::default() }
    }

    common_options!();

    paging_methods!(ConversationMember, "members");

    fn prepare(self) -> Result<(Url, Call)> {
        let (chat_path, chat) = self.target.path()?;
        let url = self.client.url(&format!("{chat_path}/members"), &Query::default())?;
        Ok((url, self.headers.into_call(RateClass::Members { chat })?))
    }
}
