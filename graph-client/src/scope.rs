//! Where a request goes: `/chats`, `/me` or `/users/{user}`, and one chat under them.

use crate::chats::{ChatQuery, ChatsQuery, GetChat, ListChats};
use crate::client::GraphClient;
use crate::contents::{
    GetMessage, HostedContentBytes, HostedContentValue, HostedContentsQuery, ListHostedContents, ListPinnedMessages,
    MessageQuery, PinnedMessagesQuery,
};
use crate::delta::{DeltaQuery, MessagesDelta};
use crate::encode::Segment;
use crate::members::{ListMembers, MembersQuery};
use crate::messages::{AllMessages, AllMessagesQuery, ListMessages, MessagesQuery};
use crate::request::{Owner, Request};

impl GraphClient {
    /// `GET /chats`: the signed-in user's chats (delegated tokens only).
    pub fn chats(&self) -> ListChats {
        Request::new(self.clone(), Owner::Root, None, ChatsQuery::default())
    }

    /// `/chats/{chat}`: one chat, its messages and members.
    pub fn chat(&self, chat_id: &str) -> ChatScope {
        ChatScope::new(self.clone(), Owner::Root, chat_id)
    }

    /// `/me`: the signed-in user's chats (delegated tokens only).
    pub fn me(&self) -> MeScope {
        MeScope { client: self.clone() }
    }

    /// `/users/{user}`: a user's chats, by id or user principal name.
    pub fn user(&self, user: &str) -> UserScope {
        UserScope { client: self.clone(), owner: Owner::User(Segment::new("user id", user)) }
    }
}

/// `/me`: the signed-in user (delegated tokens only).
#[derive(Debug, Clone)]
pub struct MeScope {
    client: GraphClient,
}

impl MeScope {
    /// `GET /me/chats`.
    pub fn chats(&self) -> ListChats {
        Request::new(self.client.clone(), Owner::Me, None, ChatsQuery::default())
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
    owner: Owner,
}

impl UserScope {
    /// `GET /users/{user}/chats`.
    pub fn chats(&self) -> ListChats {
        Request::new(self.client.clone(), self.owner.clone(), None, ChatsQuery::default())
    }

    /// `/users/{user}/chats/{chat}`.
    pub fn chat(&self, chat_id: &str) -> ChatScope {
        ChatScope::new(self.client.clone(), self.owner.clone(), chat_id)
    }

    /// `GET /users/{user}/chats/getAllMessages`: messages from all the user's chats (application
    /// tokens only; metered, see [`AllMessages::model`]).
    pub fn all_messages(&self) -> AllMessages {
        Request::new(self.client.clone(), self.owner.clone(), None, AllMessagesQuery::default())
    }

    /// `GET /users/{user}/chats/getAllRetainedMessages`: the messages retention policies keep
    /// across the user's chats, deleted ones included; the same options as
    /// [`all_messages`](Self::all_messages).
    pub fn all_retained_messages(&self) -> AllMessages {
        Request::new(self.client.clone(), self.owner.clone(), None, AllMessagesQuery::retained())
    }

    /// `GET /users/{user}/chats/getAllMessages/delta`: rounds of changes (application tokens
    /// only; metered).
    pub fn all_messages_delta(&self) -> MessagesDelta {
        Request::new(self.client.clone(), self.owner.clone(), None, DeltaQuery::default())
    }
}

/// One chat, by id (e.g. `19:...@thread.v2`); the id is sent as exactly one path segment.
#[derive(Debug, Clone)]
pub struct ChatScope {
    client: GraphClient,
    owner: Owner,
    chat: Segment,
}

impl ChatScope {
    fn new(client: GraphClient, owner: Owner, chat_id: &str) -> Self {
        ChatScope { client, owner, chat: Segment::new("chat id", chat_id) }
    }

    /// `GET .../chats/{chat}`.
    pub fn get(&self) -> GetChat {
        self.request(ChatQuery)
    }

    /// `GET .../chats/{chat}/messages`.
    pub fn messages(&self) -> ListMessages {
        self.request(MessagesQuery::default())
    }

    /// `GET .../chats/{chat}/members`.
    pub fn members(&self) -> ListMembers {
        self.request(MembersQuery)
    }

    /// `GET .../chats/{chat}/messages/{message}`: one message.
    pub fn message(&self, message_id: &str) -> GetMessage {
        self.request(MessageQuery::new(message_id))
    }

    /// `GET .../chats/{chat}/messages/{message}/hostedContents`: the message's inline images.
    pub fn hosted_contents(&self, message_id: &str) -> ListHostedContents {
        self.request(HostedContentsQuery::new(message_id))
    }

    /// `GET .../chats/{chat}/messages/{message}/hostedContents/{id}/$value`: one inline image's
    /// bytes, size-bounded.
    pub fn hosted_content_bytes(&self, message_id: &str, content_id: &str) -> HostedContentBytes {
        self.request(HostedContentValue::new(message_id, content_id))
    }

    /// `GET .../chats/{chat}/pinnedMessages?$expand=message`.
    pub fn pinned_messages(&self) -> ListPinnedMessages {
        self.request(PinnedMessagesQuery)
    }

    fn request<E: crate::request::sealed::Endpoint>(&self, endpoint: E) -> Request<E> {
        Request::new(self.client.clone(), self.owner.clone(), Some(self.chat.clone()), endpoint)
    }
}
