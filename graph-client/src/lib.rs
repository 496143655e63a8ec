//! An async client for the Microsoft Graph Teams chat endpoints, typed with [`graph_models`].
//!
//! - **Requests** are built per call; documented limits (`$top` at most 50, which `$filter` goes
//!   with which `$orderby`, global-only endpoints) are checked before anything is sent, and ids
//!   and query values are percent-encoded so they can never change the path or add a parameter.
//! - **Paging** is a [`futures::Stream`] of items ([`Items`]) or pages ([`Pages`]) that follows
//!   `@odata.nextLink` verbatim to the end, through empty pages, re-sending the request's headers,
//!   holding one page at a time, and stopping with an error on a repeated link or after too many
//!   empty pages in a row ([`GraphClientBuilder::max_empty_pages`]).
//! - **Bounded memory**: a response body is read chunk by chunk up to
//!   [`GraphClientBuilder::max_response_bytes`] (64 MiB by default, counted after
//!   decompression); a larger one, or an endless stream, ends with [`Error::ResponseTooLarge`].
//! - **The token stays home**: a nextLink or redirect to another scheme, host or port than the
//!   Graph root (an `https` to `http` downgrade included) is an error and gets no request at all;
//!   tokens and secrets are redacted from `Debug` output, errors and traces.
//! - **Throttling**: 429, 503, 504, connection failures and bodies cut short (truncated, reset
//!   mid-body) are retried, honouring `Retry-After` (seconds, fractional, or an HTTP date), else
//!   with exponential backoff and jitter, within a [`RetryPolicy`]; an optional client-side
//!   [`RateLimits`] follows the documented Teams limits.
//! - **Errors**: one [`Error`] that tells transport failures, HTTP errors with the parsed
//!   [`ODataError`], throttling, decode errors naming the JSON path, invalid requests and
//!   authentication failures apart.
//! - **Auth**: a [`TokenProvider`] trait, a static [`BearerToken`] and the client-credentials
//!   flow ([`ClientCredentials`]), cached and refreshed ahead of expiry; a 401 gets one refresh
//!   and one retry.
//! - **Clouds**: [`Cloud`] selects the Graph root, the authority and the scope together; a
//!   custom base URL serves proxies and local servers.
//!
//! Every request sends a fresh `client-request-id` (UUID v4; kept across the retries of one
//! request), a `User-Agent` of `graph-client/<version>`, and accepts gzip. Each request and each
//! attempt has a `tracing` span (`graph.request`, `graph.attempt`), and every retry is logged.
//!
//! # Examples
//!
//! Set up a client once:
//!
//! ```no_run
//! # fn main() -> Result<(), graph_client::Error> {
//! use graph_client::{ClientCredentials, Cloud, GraphClient, RateLimits};
//!
//! let client = GraphClient::builder()
//!     .cloud(Cloud::Global)
//!     .token_provider(ClientCredentials::from_env()?)
//!     .rate_limits(RateLimits::teams())
//!     .include_unknown_enum_members(true)
//!     .build()?;
//! # Ok(()) }
//! ```
//!
//! List chats (`GET /chats`, `/me/chats`, `/users/{user}/chats`):
//!
//! ```no_run
//! # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
//! use futures::TryStreamExt;
//!
//! let mut chats = client.user("alice@contoso.com").chats().order_by_last_message_desc().expand_last_message_preview().items();
//! while let Some(chat) = chats.try_next().await? {
//!     println!("{:?}: {:?}", chat.id.as_deref(), chat.topic.as_deref());
//! }
//! let mine: Vec<_> = client.me().chats().top(50).items().try_collect().await?;
//! # Ok(()) }
//! ```
//!
//! Get a chat (`GET /chats/{chat}`, also under `/me` and `/users/{user}`):
//!
//! ```no_run
//! # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
//! let chat = client.chat("19:b8577894a63548969c5c92bb9c80c5e1@thread.v2").get().expand_members().await?;
//! println!("{:?}", chat.chat_type.get());
//! # Ok(()) }
//! ```
//!
//! List messages in a chat (`GET /chats/{chat}/messages`, also under `/me` and `/users/{user}`):
//!
//! ```no_run
//! # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
//! use futures::TryStreamExt;
//! use graph_client::ChatMessageExt;
//!
//! let since: jiff::Timestamp = "2024-06-01T00:00:00Z".parse().unwrap();
//! let mut messages = client.chat("19:2da4c29f6d7041eca70b638b43d45437@thread.v2").messages().top(50).modified_after(since).items();
//! while let Some(message) = messages.try_next().await? {
//!     println!("{} {}", message.from_display_name().unwrap_or("system"), message.plain_text());
//! }
//! # Ok(()) }
//! ```
//!
//! Messages across all of a user's chats (`GET /users/{user}/chats/getAllMessages`):
//!
//! ```no_run
//! # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
//! use futures::TryStreamExt;
//! use graph_client::Model;
//!
//! let since: jiff::Timestamp = "2024-06-01T00:00:00Z".parse().unwrap();
//! let mut pages = client.user("0b4f1cf6-54c8-4820-bbb7-2a1f4257ade5").all_messages().model(Model::B).modified_after(since).pages();
//! while let Some(page) = pages.try_next().await? {
//!     println!("{} messages", page.value.len());
//! }
//! # Ok(()) }
//! ```
//!
//! Members of a chat (`GET /chats/{chat}/members`):
//!
//! ```no_run
//! # async fn run(client: graph_client::GraphClient) -> Result<(), graph_client::Error> {
//! use futures::TryStreamExt;
//!
//! let members: Vec<_> = client.chat("19:b8577894a63548969c5c92bb9c80c5e1@thread.v2").members().items().try_collect().await?;
//! println!("{} members", members.len());
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

mod auth;
mod chats;
mod client;
mod cloud;
mod credentials;
mod encode;
mod error;
mod members;
mod messages;
mod odata;
mod paging;
mod ratelimit;
mod redact;
mod request;
mod retry;
mod scope;
mod send;
mod text;

pub use auth::{AccessToken, BearerToken, TokenProvider, TokenRequest};
pub use chats::{GetChat, ListChats};
pub use client::{GraphClient, GraphClientBuilder};
pub use cloud::Cloud;
pub use credentials::ClientCredentials;
pub use encode::odata_string;
pub use error::{AuthError, Error, HttpError, HttpErrorKind, LinkKind, Result, TokenEndpointError};
pub use members::ListMembers;
pub use messages::{AllMessages, ListMessages, MessageOrder, Model};
pub use odata::{InnerError, ODataError, ODataErrorDetail};
pub use paging::{Items, Pages};
pub use ratelimit::{Rate, RateLimits};
pub use request::MAX_TOP;
pub use retry::{RetryPolicy, MAX_RETRIES};
pub use scope::{ChatScope, MeScope, UserScope};
pub use text::ChatMessageExt;

/// The models every response is typed with, re-exported.
pub use graph_models;
/// The timestamp type of the date filters, re-exported so callers need no direct dependency.
pub use jiff;
