//! List members of a chat.

use crate::error::Result;
use crate::ratelimit::Bucket;
use crate::request::sealed::{Endpoint, List};
use crate::request::Request;
use graph_models::ConversationMember;

/// `GET /chats/{chat}/members` (or under `/me` or `/users/{user}`): everyone in a chat, each a
/// [`ConversationMember`] chosen by `@odata.type`.
///
/// ```no_run
/// # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
/// use futures::TryStreamExt;
///
/// let members: Vec<_> = client.chat("19:8b081ef6-4792@unq.gbl.spaces").members().items().try_collect().await?;
/// # Ok(()) }
/// ```
pub type ListMembers = Request<MembersQuery>;

/// The options of [`ListMembers`]: none.
#[derive(Debug, Clone, Copy, Default)]
pub struct MembersQuery;

impl Endpoint for MembersQuery {
    type Value = ConversationMember;

    fn path(&self) -> Result<String> {
        Ok("/members".to_owned())
    }

    const LIMITS: &'static [Bucket] = &[Bucket::OtherGets, Bucket::PerChat];
}

impl List for MembersQuery {}
