//! Where a request goes: `/chats`, `/me` or `/users/{user}`, and one chat under them.

use crate::chats::{GetChat, ListChats};
use crate::client::GraphClient;
use crate::encode::segment;
use crate::error::{Error, Result};
use crate::members::ListMembers;
use crate::messages::{AllMessages, ListMessages};

/// The owner of a chat collection, with ids already encoded (or the reason they cannot be).
#[derive(Debug, Clone)]
pub(crate) enum Owner {
    /// `/chats`: the signed-in user's.
    Root,
    /// `/me/chats`.
    Me,
    /// `/users/{user}/chats`.
    User(Result<String, String>),
}

impl Owner {
    /// The path before `/chats`.
    pub(crate) fn prefix(&self) -> Result<String> {
        match self {
            Owner::Root => Ok(String::new()),
            Owner::Me => Ok("/me".to_owned()),
            Owner::User(user) => Ok(format!("/users/{}", user.clone().map_err(Error::InvalidRequest)?)),
        }
    }

    /// The key of the per-user rate limit.
    pub(crate) fn rate_key(&self) -> String {
        match self {
            Owner::Root | Owner::Me => "me".to_owned(),
            Owner::User(user) => user.clone().unwrap_or_default(),
        }
    }
}

/// `/me`: the signed-in user (delegated tokens only).
#[derive(Debug, Clone)]
pub struct MeScope {
    client: GraphClient,
}

impl MeScope {
    pub(crate) fn new(client: GraphClient) -> Self {
        MeScope { client }
    }

    /// `GET /me/chats`.
    pub fn chats(&self) -> ListChats {
        ListChats::new(self.client.clone(), Owner::Me)
    }

    /// `/me/chats/{chat}`.
    pub fn chat(&self, chat_id: &str) -> ChatScope {
        ChatScope::new(self.client.clone(), Owner::Me, chat_id)
    }
}

/// `/users/{user}`: a user by id or user principal name.
#[derive(Debug, Clone)]
pub struct UserScope {
    client: GraphClient,
    user: Result<String, String>,
}

impl UserScope {
    pub(crate) fn new(client: GraphClient, user: &str) -> Self {
        UserScope { client, user: segment("user id", user) }
    }

    /// `GET /users/{user}/chats`.
    pub fn chats(&self) -> ListChats {
        ListChats::new(self.client.clone(), self.owner())
    }

    /// `/users/{user}/chats/{chat}`.
    pub fn chat(&self, chat_id: &str) -> ChatScope {
        ChatScope::new(self.client.clone(), self.owner(), chat_id)
    }

    /// `GET /users/{user}/chats/getAllMessages`: messages from all the user's chats (application
    /// tokens only; metered, see [`AllMessages::model`]).
    pub fn all_messages(&self) -> AllMessages {
        AllMessages::new(self.client.clone(), self.owner())
    }

    fn owner(&self) -> Owner {
        Owner::User(self.user.clone())
    }
}

/// One chat, by id (e.g. `19:...@thread.v2`); the id is sent as exactly one path segment.
#[derive(Debug, Clone)]
pub struct ChatScope {
    client: GraphClient,
    owner: Owner,
    chat: Result<String, String>,
}

impl ChatScope {
    pub(crate) fn new(client: GraphClient, owner: Owner, chat_id: &str) -> Self {
        ChatScope { client, owner, chat: segment("chat id", chat_id) }
    }

    /// `GET .../chats/{chat}`.
    pub fn get(&self) -> GetChat {
        GetChat::new(self.client.clone(), self.target())
    }

    /// `GET .../chats/{chat}/messages`.
    pub fn messages(&self) -> ListMessages {
        ListMessages::new(self.client.clone(), self.target())
    }

    /// `GET .../chats/{chat}/members`.
    pub fn members(&self) -> ListMembers {
        ListMembers::new(self.client.clone(), self.target())
    }

    fn target(&self) -> ChatTarget {
        ChatTarget { owner: self.owner.clone(), chat: self.chat.clone() }
    }
}

/// The path of one chat, for the requests on it.
#[derive(Debug, Clone)]
pub(crate) struct ChatTarget {
    pub(crate) owner: Owner,
    chat: Result<String, String>,
}

impl ChatTarget {
    /// `{owner}/chats/{chat}` and the encoded chat id.
    pub(crate) fn path(&self) -> Result<(String, String)> {
        let chat = self.chat.clone().map_err(Error::InvalidRequest)?;
        Ok((format!("{}/chats/{chat}", self.owner.prefix()?), chat))
    }
}
