//! [`GraphClient`] and its builder: the configuration shared by every call.

use crate::auth::{BearerToken, DynTokenProvider, TokenProvider};
use crate::chats::ListChats;
use crate::cloud::{checked_root, Cloud};
use crate::encode::Query;
use crate::error::{Error, LinkKind, Result};
use crate::ratelimit::{RateLimiter, RateLimits};
use crate::retry::RetryPolicy;
use crate::scope::{ChatScope, MeScope, Owner, UserScope};
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// `graph-client/<version>`, sent as `User-Agent`.
pub(crate) const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The Graph API version this client speaks.
const VERSION: &str = "v1.0";

/// An async client for the Microsoft Graph Teams chat endpoints.
///
/// Cheap to clone (clones share the connection pool, the token cache and the rate limiter).
/// Its `Debug` output never shows a token or secret.
///
/// ```no_run
/// # async fn run() -> Result<(), graph_client::Error> {
/// use futures::TryStreamExt;
/// use graph_client::{ChatMessageExt, ClientCredentials, Cloud, GraphClient};
///
/// let client = GraphClient::builder().cloud(Cloud::Global).token_provider(ClientCredentials::from_env()?).build()?;
/// let mut messages = client.chat("19:561082c0f3f847a58069deb8eb300807@thread.v2").messages().top(50).items();
/// while let Some(message) = messages.try_next().await? {
///     println!("{}: {}", message.from_display_name().unwrap_or("system"), message.plain_text());
/// }
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct GraphClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    pub(crate) cloud: Cloud,
    /// The service root with the version, e.g. `https://graph.microsoft.com/v1.0`.
    pub(crate) api_root: String,
    /// Scheme, host and port of the service root: the only origin that gets the token.
    pub(crate) origin: url::Origin,
    pub(crate) tokens: Box<dyn DynTokenProvider>,
    token_provider_type: &'static str,
    pub(crate) retry: RetryPolicy,
    pub(crate) limiter: Option<RateLimiter>,
    pub(crate) unknown_enum_members: bool,
    /// Retries made so far by every request of this client and its clones.
    pub(crate) retries: std::sync::atomic::AtomicU64,
    /// The most bytes of one response body (after decompression) that are read.
    pub(crate) max_response_bytes: u64,
    /// The most consecutive empty pages whose nextLinks are followed.
    pub(crate) max_empty_pages: u32,
}

impl GraphClient {
    /// A builder, for the global cloud by default.
    pub fn builder() -> GraphClientBuilder {
        GraphClientBuilder::default()
    }

    /// The cloud this client talks to.
    pub fn cloud(&self) -> Cloud {
        self.inner.cloud
    }

    /// `GET /chats`: the signed-in user's chats (delegated tokens only).
    pub fn chats(&self) -> ListChats {
        ListChats::new(self.clone(), Owner::Root)
    }

    /// `/chats/{chat}`: one chat, its messages and members.
    pub fn chat(&self, chat_id: &str) -> ChatScope {
        ChatScope::new(self.clone(), Owner::Root, chat_id)
    }

    /// `/me`: the signed-in user's chats (delegated tokens only).
    pub fn me(&self) -> MeScope {
        MeScope::new(self.clone())
    }

    /// `/users/{user}`: a user's chats, by id or user principal name.
    pub fn user(&self, user: &str) -> UserScope {
        UserScope::new(self.clone(), user)
    }

    /// How many times requests of this client (and its clones) were retried after a 429, 503,
    /// 504 or connection failure; for progress displays and metrics.
    pub fn retries(&self) -> u64 {
        self.inner.retries.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// The URL of `path` (already encoded, starting with `/`) with `query`.
    pub(crate) fn url(&self, path: &str, query: &Query) -> Result<Url> {
        let mut text = format!("{}{path}", self.inner.api_root);
        query.write(&mut text);
        Url::parse(&text).map_err(|err| Error::InvalidRequest(format!("cannot build a URL from `{text}`: {err}")))
    }
}

impl Inner {
    /// Refuses `target` unless it has the Graph root's scheme, host and port: the only origin
    /// that gets the token. An `https` root never lets a link or redirect downgrade to `http`,
    /// not even on the same host and port.
    pub(crate) fn check_origin(&self, link: LinkKind, target: &Url) -> Result<()> {
        if target.origin() == self.origin {
            Ok(())
        } else {
            Err(Error::ForeignOrigin { link, url: target.to_string() })
        }
    }
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("GraphClient")
            .field("cloud", &inner.cloud)
            .field("api_root", &inner.api_root)
            .field("token_provider", &inner.token_provider_type)
            .field("retry", &inner.retry)
            .field("rate_limits", &inner.limiter.as_ref().map(RateLimiter::limits))
            .field("include_unknown_enum_members", &inner.unknown_enum_members)
            .field("max_response_bytes", &inner.max_response_bytes)
            .field("max_empty_pages", &inner.max_empty_pages)
            .finish_non_exhaustive()
    }
}

/// Configures a [`GraphClient`].
pub struct GraphClientBuilder {
    cloud: Cloud,
    base_url: Option<String>,
    tokens: Option<(Box<dyn DynTokenProvider>, &'static str)>,
    retry: RetryPolicy,
    rate_limits: Option<RateLimits>,
    unknown_enum_members: bool,
    timeout: Duration,
    connect_timeout: Duration,
    max_response_bytes: u64,
    max_empty_pages: u32,
}

impl Default for GraphClientBuilder {
    fn default() -> Self {
        GraphClientBuilder {
            cloud: Cloud::Global,
            base_url: None,
            tokens: None,
            retry: RetryPolicy::default(),
            rate_limits: None,
            unknown_enum_members: false,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            max_empty_pages: Self::DEFAULT_MAX_EMPTY_PAGES,
        }
    }
}

impl GraphClientBuilder {
    /// The default of [`max_response_bytes`](Self::max_response_bytes): 64 MiB. A Graph page of
    /// 50 messages is at most a few MB.
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

    /// The default of [`max_empty_pages`](Self::max_empty_pages): 100.
    pub const DEFAULT_MAX_EMPTY_PAGES: u32 = 100;

    /// The cloud: selects the Graph root, and the authority and scope of the token provider.
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.cloud = cloud;
        self
    }

    /// Sends requests to `base_url` (a proxy or a local server) instead of the cloud's Graph
    /// root; the cloud still selects the token authority and scope. Give the service root,
    /// e.g. `https://proxy.example/graph` (a trailing `/v1.0` is accepted too). It must be
    /// `https`, or plain `http` to a loopback address.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = Some(base_url.into());
        self
    }

    /// Where access tokens come from. Required (or [`bearer_token`](Self::bearer_token)).
    pub fn token_provider(mut self, provider: impl TokenProvider) -> Self {
        self.tokens = Some(provider_entry(provider));
        self
    }

    /// Uses one fixed bearer token; shorthand for `token_provider(BearerToken::new(token))`.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_provider(BearerToken::new(token))
    }

    /// How 429, 503, 504 and connection failures are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Enables the client-side rate limit, e.g. with [`RateLimits::teams`]. Off by default.
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.rate_limits = Some(limits);
        self
    }

    /// Sends `Prefer: include-unknown-enum-members` with every request, so evolvable enums
    /// carry members past `unknownFutureValue` (e.g. `messageType: systemEventMessage`).
    pub fn include_unknown_enum_members(mut self, include: bool) -> Self {
        self.unknown_enum_members = include;
        self
    }

    /// The time limit of one HTTP request, body included; 60 s by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The time limit for connecting; 10 s by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The most bytes of one response body that are read, counted after decompression (so a
    /// small gzip body that inflates past it is stopped too);
    /// [`DEFAULT_MAX_RESPONSE_BYTES`](Self::DEFAULT_MAX_RESPONSE_BYTES) by default. The body is
    /// read chunk by chunk and reading stops with [`Error::ResponseTooLarge`] as soon as the
    /// limit is passed, or before reading when `Content-Length` announces more; an endless
    /// chunked stream is cut off the same way. Applies to error bodies too.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// The most consecutive empty pages (pages without items) whose `@odata.nextLink` paging
    /// follows; [`DEFAULT_MAX_EMPTY_PAGES`](Self::DEFAULT_MAX_EMPTY_PAGES) by default. Graph may
    /// answer empty pages mid-collection, so a few are normal; a server that answers nothing
    /// but empty pages with ever new links would otherwise keep a stream going forever. When
    /// empty page number `limit + 1` in a row still has a nextLink, the stream yields that page
    /// and ends with [`Error::TooManyEmptyPages`]; a page with items resets the count.
    pub fn max_empty_pages(mut self, limit: u32) -> Self {
        self.max_empty_pages = limit;
        self
    }

    /// The client, or [`Error::Config`] if the base URL is unusable or no token provider is set.
    pub fn build(self) -> Result<GraphClient> {
        let root = self.base_url.as_deref().unwrap_or(self.cloud.graph_root());
        let root = checked_root(root, "base URL").map_err(Error::Config)?;
        let api_root = match root.strip_suffix(&format!("/{VERSION}")) {
            Some(_) => root,
            None => format!("{root}/{VERSION}"),
        };
        let origin = Url::parse(&api_root).map_err(|err| Error::Config(err.to_string()))?.origin();
        let (tokens, token_provider_type) = self.tokens.ok_or_else(|| Error::Config("no token provider".into()))?;
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(USER_AGENT)
            .gzip(true)
            .timeout(self.timeout)
            .connect_timeout(self.connect_timeout)
            .build()
            .map_err(|err| Error::Config(format!("cannot create the HTTP client: {err}")))?;
        Ok(GraphClient {
            inner: Arc::new(Inner {
                http,
                cloud: self.cloud,
                api_root,
                origin,
                tokens,
                token_provider_type,
                retry: self.retry,
                limiter: self.rate_limits.map(RateLimiter::new),
                unknown_enum_members: self.unknown_enum_members,
                retries: std::sync::atomic::AtomicU64::new(0),
                max_response_bytes: self.max_response_bytes,
                max_empty_pages: self.max_empty_pages,
            }),
        })
    }
}

fn provider_entry<P: TokenProvider>(provider: P) -> (Box<dyn DynTokenProvider>, &'static str) {
    (Box::new(provider), std::any::type_name::<P>())
}

impl fmt::Debug for GraphClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClientBuilder")
            .field("cloud", &self.cloud)
            .field("base_url", &self.base_url)
            .field("token_provider", &self.tokens.as_ref().map(|(_, name)| *name))
            .field("retry", &self.retry)
            .field("rate_limits", &self.rate_limits)
            .field("include_unknown_enum_members", &self.unknown_enum_members)
            .field("timeout", &self.timeout)
            .field("connect_timeout", &self.connect_timeout)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("max_empty_pages", &self.max_empty_pages)
            .finish_non_exhaustive()
    }
}
