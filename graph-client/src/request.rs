//! [`Request`]: one generic builder for every endpoint, each of which adds its path, checked
//! query and limits ([`Endpoint`](sealed::Endpoint)). A request breaking a rule is never sent.

use crate::client::GraphClient;
use crate::encode::{datetime_literal, Query, Segment};
use crate::error::{Error, Result};
use crate::paging::{Items, Pages};
use crate::ratelimit::{Bucket, Limit};
use crate::send::{Call, CLIENT_REQUEST_ID, PREFER, PREFER_UNKNOWN_ENUMS};
use futures::future::BoxFuture;
use jiff::Timestamp;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, AUTHORIZATION, COOKIE, HOST};
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::IntoFuture;
use url::Url;

/// The largest `$top` the chat endpoints accept.
pub const MAX_TOP: u32 = 50;

/// A request to one endpoint, sent with `.pages()`, `.items()` or `.raw_pages()` (lists), or
/// awaited (single values). Type aliases name the endpoints, e.g. [`ListChats`](crate::ListChats).
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until sent"]
pub struct Request<E> {
    client: GraphClient,
    owner: Owner,
    chat: Option<Segment>,
    headers: Headers,
    options: Options,
    endpoint: E,
}

/// The options several endpoints share; an endpoint has the methods of those it supports.
#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    top: Option<u32>,
    modified_after: Option<Timestamp>,
    modified_before: Option<Timestamp>,
    expand_members: bool,
    expand_last_message_preview: bool,
}

/// Whose chats: `/chats` (the signed-in user's), `/me/chats`, or `/users/{user}/chats`.
#[derive(Debug, Clone)]
pub(crate) enum Owner {
    Root,
    Me,
    User(Segment),
}

impl Owner {
    /// The path up to and including `/chats`, and the key of the per-user rate limit.
    fn chats_path(&self) -> Result<(String, &str)> {
        Ok(match self {
            Owner::Root => ("/chats".to_owned(), "me"),
            Owner::Me => ("/me/chats".to_owned(), "me"),
            Owner::User(user) => (format!("/users/{}/chats", user.encoded()?), user.encoded()?),
        })
    }
}

pub(crate) mod sealed {
    use super::*;

    /// What makes an endpoint: its value, its path, its query, its limits. Public in a private
    /// module: only this crate implements it.
    pub trait Endpoint: Clone + fmt::Debug {
        /// One item of a [`List`], or the answer of a [`Single`].
        type Value: DeserializeOwned + Send + 'static;
        /// The path after `.../chats/{chat}` (or `.../chats`), e.g. `/messages`, encoded.
        fn path(&self) -> Result<String>;
        /// The query options, checked against the endpoint's documented rules.
        fn query(&self, _client: &GraphClient, _options: &Options) -> Result<Query> {
            Ok(Query::default())
        }
        /// The client-side limits a request counts against, besides the global one.
        const LIMITS: &'static [Bucket];
    }

    /// An endpoint that answers with a collection, page by page.
    pub trait List: Endpoint {}
    /// An endpoint that answers with one value.
    pub trait Single: Endpoint {}
    /// An endpoint with a page size, `$top`.
    pub trait Top: Endpoint {}
    /// An endpoint with a `lastModifiedDateTime` range.
    pub trait Modified: Endpoint {}
    /// A chat endpoint that can `$expand` the chat's navigation properties.
    pub trait Expand: Endpoint {}
}

use sealed::{Endpoint, Expand, List, Modified, Single, Top};

impl<E: Endpoint> Request<E> {
    pub(crate) fn new(client: GraphClient, owner: Owner, chat: Option<Segment>, endpoint: E) -> Self {
        Request { client, owner, chat, headers: Headers::default(), options: Options::default(), endpoint }
    }

    pub(crate) fn client(&self) -> &GraphClient {
        &self.client
    }

    pub(crate) fn endpoint(&self) -> &E {
        &self.endpoint
    }

    pub(crate) fn endpoint_mut(&mut self) -> &mut E {
        &mut self.endpoint
    }

    /// Sends the header `name: value` with the request, and again with every page request.
    /// The value is treated as sensitive: `Debug` output does not show it. `Authorization`,
    /// `Cookie`, `Host` and `client-request-id` are set by the client; asking for them (or an
    /// invalid header) makes the request fail with [`Error::InvalidRequest`] before sending.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.add(name, value);
        self
    }

    /// Sends `Prefer: include-unknown-enum-members` with this request and all its pages (see
    /// also [`GraphClientBuilder::include_unknown_enum_members`](crate::GraphClientBuilder::include_unknown_enum_members)).
    pub fn include_unknown_enum_members(mut self) -> Self {
        self.headers.map.append(PREFER, PREFER_UNKNOWN_ENUMS);
        self
    }

    /// The URL and what every page request carries; the first broken rule otherwise.
    pub(crate) fn prepare(self) -> Result<(Url, Call)> {
        let chat = self.chat.as_ref().map(Segment::encoded).transpose()?;
        let (mut path, user) = self.owner.chats_path()?;
        if let Some(chat) = chat {
            path.push('/');
            path.push_str(chat);
        }
        path.push_str(&self.endpoint.path()?);
        let url = self.client.url(&path, &self.endpoint.query(&self.client, &self.options)?)?;
        let key = |bucket: &Bucket| match bucket {
            Bucket::PerChat => chat.unwrap_or_default().to_owned(),
            Bucket::ChatsPerUser => user.to_owned(),
            _ => String::new(),
        };
        let limits = E::LIMITS.iter().map(|bucket| (*bucket, key(bucket))).collect();
        Ok((url, self.headers.into_call(limits)?))
    }
}

impl<E: List> Request<E> {
    /// The collection, page by page.
    pub fn pages(self) -> Pages<E::Value> {
        Pages::new(self.client.clone(), self.prepare())
    }

    /// The collection, item by item.
    pub fn items(self) -> Items<E::Value> {
        self.pages().items()
    }

    /// The collection page by page, each item as its JSON text exactly as received: for archives
    /// and exports that must keep the service's bytes. Paging, retries and checks are the same.
    pub fn raw_pages(self) -> Pages<Box<serde_json::value::RawValue>> {
        Pages::new(self.client.clone(), self.prepare())
    }

    /// [`raw_pages`](Self::raw_pages) from a stored nextLink of this request (absolute, or
    /// relative to the Graph root as [`GraphClient::relative_link`] gives it) instead of the
    /// first page: resuming a walk. The request's headers go with every page; a link to another
    /// origin is refused before sending.
    pub fn raw_pages_from(self, link: &str) -> Pages<Box<serde_json::value::RawValue>> {
        let client = self.client.clone();
        let start = self.prepare().and_then(|(_, call)| Ok((client.stored_link(link)?, call)));
        Pages::new(client, start)
    }
}

impl<E: Single> Request<E> {
    /// Sends the request.
    pub async fn send(self) -> Result<E::Value> {
        let client = self.client.clone();
        let (url, call) = self.prepare()?;
        client.inner.get(&url, &call).await
    }
}

impl<E: Single + Send + 'static> IntoFuture for Request<E> {
    type Output = Result<E::Value>;
    type IntoFuture = BoxFuture<'static, Result<E::Value>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}

impl<E: Top> Request<E> {
    /// `$top`: items per page, 1 to 50.
    pub fn top(mut self, top: u32) -> Self {
        self.options.top = Some(top);
        self
    }
}

impl<E: Modified> Request<E> {
    /// Only items modified after `time` (`lastModifiedDateTime gt`).
    pub fn modified_after(mut self, time: Timestamp) -> Self {
        self.options.modified_after = Some(time);
        self
    }

    /// Only items modified before `time` (`lastModifiedDateTime lt`).
    pub fn modified_before(mut self, time: Timestamp) -> Self {
        self.options.modified_before = Some(time);
        self
    }
}

impl<E: Expand> Request<E> {
    /// `$expand=members`. Listing chats this way returns at most 25 members per chat; use
    /// [`ChatScope::members`](crate::ChatScope::members) for the full roster.
    pub fn expand_members(mut self) -> Self {
        self.options.expand_members = true;
        self
    }

    /// `$expand=lastMessagePreview`.
    pub fn expand_last_message_preview(mut self) -> Self {
        self.options.expand_last_message_preview = true;
        self
    }
}

/// A request the client refuses to send, found while it was built.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum Invalid {
    #[error("the {0} must not be empty")]
    EmptyId(&'static str),
    #[error("the {0} must not be `{1}`")]
    DotSegment(&'static str, &'static str),
    #[error("`{0}` is not a valid header name")]
    HeaderName(String),
    #[error("bad value for the `{0}` header")]
    HeaderValue(String),
    #[error("the `{0}` header is set by the client")]
    ReservedHeader(String),
}

impl From<Invalid> for Error {
    fn from(invalid: Invalid) -> Self {
        Error::InvalidRequest(invalid.to_string())
    }
}

/// Headers of one request, re-sent on every page, with the first invalid one remembered.
#[derive(Debug, Clone, Default)]
struct Headers {
    map: HeaderMap,
    problem: Option<Invalid>,
}

impl Headers {
    fn add(&mut self, name: &str, value: &str) {
        if let Err(problem) = self.try_add(name, value) {
            self.problem.get_or_insert(problem);
        }
    }

    fn try_add(&mut self, name: &str, value: &str) -> Result<(), Invalid> {
        let name = HeaderName::try_from(name).map_err(|_| Invalid::HeaderName(name.to_owned()))?;
        if [AUTHORIZATION, HOST, COOKIE, CLIENT_REQUEST_ID].contains(&name) {
            return Err(Invalid::ReservedHeader(name.to_string()));
        }
        let mut value = HeaderValue::try_from(value).map_err(|_| Invalid::HeaderValue(name.to_string()))?;
        // Custom headers may carry keys (for a proxy, say): keep them out of `Debug` output.
        value.set_sensitive(true);
        self.map.append(name, value);
        Ok(())
    }

    fn into_call(self, limits: Vec<Limit>) -> Result<Call> {
        match self.problem {
            Some(problem) => Err(problem.into()),
            None => Ok(Call { headers: self.map, limits }),
        }
    }
}

impl Options {
    /// `$top`, checked against the documented maximum.
    pub(crate) fn push_top(&self, query: &mut Query) -> Result<()> {
        if let Some(top) = self.top {
            if !(1..=MAX_TOP).contains(&top) {
                return Err(Error::InvalidRequest(format!("$top must be between 1 and {MAX_TOP}, got {top}")));
            }
            query.push("$top", top.to_string());
        }
        Ok(())
    }

    /// Whether a `lastModifiedDateTime` range is set.
    pub(crate) fn has_range(&self) -> bool {
        self.modified_after.is_some() || self.modified_before.is_some()
    }

    /// The `$filter` clauses of the `lastModifiedDateTime` range, or the error of an empty one.
    pub(crate) fn range_clauses(&self) -> Result<Vec<String>> {
        if let (Some(after), Some(before)) = (self.modified_after, self.modified_before) {
            if after >= before {
                return Err(Error::InvalidRequest(format!(
                    "the range is empty: modified after {after} and before {before}"
                )));
            }
        }
        let after = self.modified_after.map(|time| format!("lastModifiedDateTime gt {}", datetime_literal(time)));
        let before = self.modified_before.map(|time| format!("lastModifiedDateTime lt {}", datetime_literal(time)));
        Ok(after.into_iter().chain(before).collect())
    }

    /// `$expand`, if anything is expanded.
    pub(crate) fn push_expand(&self, query: &mut Query) {
        let names = [("members", self.expand_members), ("lastMessagePreview", self.expand_last_message_preview)];
        let names: Vec<&str> = names.iter().filter(|(_, on)| *on).map(|(name, _)| *name).collect();
        if !names.is_empty() {
            query.push("$expand", names.join(","));
        }
    }
}

/// `$filter` with the clauses joined by `and`, unless there are none.
pub(crate) fn push_filter(query: &mut Query, clauses: Vec<String>) {
    if !clauses.is_empty() {
        query.push("$filter", clauses.join(" and "));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_headers_the_client_owns() {
        for name in ["Authorization", "host", "Client-Request-Id", "cookie", "bad name", "x\n"] {
            let mut headers = Headers::default();
            headers.add(name, "x");
            assert!(headers.into_call(Vec::new()).is_err(), "{name}");
        }
        let mut headers = Headers::default();
        headers.add("x-custom", "bad\nvalue");
        assert!(headers.into_call(Vec::new()).is_err());
        let mut headers = Headers::default();
        headers.add("ConsistencyLevel", "eventual");
        assert_eq!(headers.into_call(Vec::new()).unwrap().headers["consistencylevel"], "eventual");
    }

    #[test]
    fn top_is_checked() {
        let pushed = |top| Options { top, ..Options::default() }.push_top(&mut Query::default());
        assert!(pushed(None).is_ok() && pushed(Some(1)).is_ok() && pushed(Some(50)).is_ok());
        assert!(pushed(Some(0)).is_err() && pushed(Some(51)).is_err());
    }
}
