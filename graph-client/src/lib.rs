//! An async client for the Microsoft Graph Teams chat endpoints, typed with [`graph_models`].
//!
//! - **Requests** are checked against the documented rules before anything is sent; ids and
//!   query values are percent-encoded so they can never change the path or add a parameter.
//! - **Paging** is a [`futures::Stream`] of [`Items`] or [`Pages`], one page held at a time,
//!   following `@odata.nextLink` verbatim and stopping on a repeated link or endless empty pages.
//! - **The token stays home**: links and redirects to another origin are refused, a token the
//!   server echoes is cut out of its answer, and `Debug` output never shows one.
//! - **Throttling**: 429, 503, 504, connection failures and bodies cut short are retried within a
//!   [`RetryPolicy`], honouring `Retry-After`; [`RateLimits`] follows the Teams limits.
//! - **Auth**: a [`TokenProvider`], a [`BearerToken`] or [`ClientCredentials`]; a 401 gets one
//!   refresh. [`Cloud`] selects root, authority and scope together.
//!
//! Every request has a fresh `client-request-id` and `tracing` spans; every retry is logged.
//!
//! - **Archives**: getAllMessages/delta as [`DeltaPage`]s that carry the link to store with
//!   them, resumable from a stored link ([`MessagesDelta`]); getAllRetainedMessages; the export
//!   guidance's sender filters ([`Sender`]); one message, hosted contents and their bytes
//!   ([`HostedContentBytes`], size-bounded), pinned messages.
//! - **Change notifications**: [`Subscriptions`] (create, renew, delete, list, with the
//!   documented lifetime rules checked before sending). Receiving them (the handshake,
//!   `clientState`, decryption, validation tokens, an axum webhook) is the `graph-notifications`
//!   crate's job: a receiver needs no HTTP client.
//!
//! # Examples
//!
//! Set up a client once, then call an endpoint: a method of the client or of a scope (`me()`,
//! `user(..)`, `chat(..)`), whose request type documents its options: [`ListChats`],
//! [`GetChat`], [`ListMessages`], [`AllMessages`], [`ListMembers`].
//!
//! ```no_run
//! # async fn run() -> Result<(), graph_client::Error> {
//! use futures::TryStreamExt;
//! use graph_client::{ClientCredentials, GraphClient, RateLimits};
//!
//! let client = GraphClient::builder()
//!     .token_provider(ClientCredentials::from_env()?)
//!     .rate_limits(RateLimits::teams())
//!     .include_unknown_enum_members(true)
//!     .build()?;
//! let mut messages = client.chat("19:2da4c29f6d7041eca70b638b43d45437@thread.v2").messages().top(50).items();
//! while let Some(message) = messages.try_next().await? {
//!     println!("{} {:?}", message.sender_name().unwrap_or("system"), message.body_content());
//! }
//! # Ok(()) }
//! ```
//!
//! Errors are typed:
//!
//! ```no_run
//! # async fn run(client: graph_client::GraphClient) {
//! use graph_client::{Error, HttpErrorKind};
//!
//! match client.chat("19:gone@thread.v2").get().await {
//!     Ok(chat) => println!("{:?}", chat.topic.as_deref()),
//!     Err(Error::Http(error)) if error.kind == HttpErrorKind::NotFound => println!("no such chat"),
//!     Err(Error::Throttled { retry_after, .. }) => println!("throttled, retry after {retry_after:?}"),
//!     Err(error) => println!("failed: {error}"),
//! }
//! # }
//! ```

#![deny(missing_docs)]

mod answer;
mod auth;
mod body;
mod chats;
mod client;
mod cloud;
mod contents;
mod credentials;
mod delta;
mod encode;
mod error;
mod members;
mod messages;
mod paging;
mod ratelimit;
mod request;
mod retry;
mod scope;
mod scrub;
mod send;
mod subscriptions;

pub use answer::ByteStream;
pub use auth::{AccessToken, BearerToken, TokenProvider, TokenRequest};
pub use chats::{ChatQuery, ChatsQuery, GetChat, ListChats};
pub use client::{GraphClient, GraphClientBuilder};
pub use cloud::Cloud;
pub use contents::{
    GetMessage, HostedContentBytes, HostedContentValue, HostedContentsQuery, ListHostedContents, ListPinnedMessages,
    MessageQuery, PinnedMessagesQuery, DEFAULT_MAX_HOSTED_CONTENT_BYTES,
};
pub use credentials::ClientCredentials;
pub use delta::{Delta, DeltaLink, DeltaPage, DeltaQuery, MessagesDelta};
pub use encode::odata_string;
pub use error::{AuthError, Error, HttpError, HttpErrorKind, LinkKind, Result, TokenEndpointError};
pub use graph_models::{InnerError, ODataError, ODataErrorDetail};
pub use members::{ListMembers, MembersQuery};
pub use messages::{AllMessages, AllMessagesQuery, ListMessages, MessageOrder, MessagesQuery, Model, Sender};
pub use paging::{Items, Paged, Pages};
pub use ratelimit::{Rate, RateLimits};
pub use request::{Request, MAX_TOP};
pub use retry::{RetryPolicy, MAX_RETRIES};
pub use scope::{ChatScope, MeScope, UserScope};
pub use subscriptions::{
    NewSubscription, ResourceEncryption, SubscriptionResource, Subscriptions, LIFETIME_WITHOUT_LIFECYCLE_URL,
    MAX_CHAT_MESSAGE_LIFETIME, MAX_CLIENT_STATE,
};

/// The models every response is typed with, re-exported.
pub use graph_models;
/// The timestamp type of the date filters, re-exported so callers need no direct dependency.
pub use jiff;
