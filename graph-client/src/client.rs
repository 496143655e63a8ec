//! [`GraphClient`] and its builder: the configuration shared by every call.

use crate::auth::{BearerToken, DynTokenProvider, TokenProvider};
use crate::cloud::{checked_root, Cloud};
use crate::encode::Query;
use crate::error::{Error, LinkKind, Result};
use crate::ratelimit::{RateLimiter, RateLimits};
use crate::retry::RetryPolicy;
use crate::scrub::Scrub;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;
use url::Url;

/// `graph-client/<version>`, sent as `User-Agent`.
pub(crate) const USER_AGENT: &str = concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION"));

/// The Graph API version this client speaks.
const VERSION: &str = "v1.0";

/// At most this many redirects are followed for one request.
const MAX_REDIRECTS: usize = 5;

/// An async client for the Microsoft Graph Teams chat endpoints. Cheap to clone (clones share
/// connections, tokens and rate limits); its `Debug` output never shows a token or secret.
#[derive(Clone)]
pub struct GraphClient {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) http: reqwest::Client,
    /// The service root with the version, e.g. `https://graph.microsoft.com/v1.0`.
    pub(crate) api_root: String,
    /// Scheme, host and port of the service root: the only origin that gets the token.
    pub(crate) origin: url::Origin,
    pub(crate) tokens: Box<dyn DynTokenProvider>,
    token_provider_type: &'static str,
    /// The tokens sent, to cut out of what servers say back.
    pub(crate) scrub: Scrub,
    pub(crate) limiter: Option<RateLimiter>,
    /// Retries made so far by every request of this client and its clones.
    pub(crate) retries: std::sync::atomic::AtomicU64,
    pub(crate) settings: Settings,
}

/// What the builder sets and the client keeps.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) cloud: Cloud,
    base_url: Option<String>,
    pub(crate) retry: RetryPolicy,
    pub(crate) rate_limits: Option<RateLimits>,
    pub(crate) unknown_enum_members: bool,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) max_response_bytes: u64,
    pub(crate) max_empty_pages: u32,
}

impl GraphClient {
    /// A builder, for the global cloud by default.
    pub fn builder() -> GraphClientBuilder {
        GraphClientBuilder::default()
    }

    /// The cloud this client talks to.
    pub fn cloud(&self) -> Cloud {
        self.inner.settings.cloud
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
    /// Refuses `target` unless it has the Graph root's scheme, host and port (so an `https` root
    /// refuses `http` on the same host too), showing it without the tokens sent.
    pub(crate) fn check_origin(&self, link: LinkKind, target: &Url) -> Result<()> {
        if target.origin() == self.origin {
            Ok(())
        } else {
            Err(Error::ForeignOrigin { link, url: self.scrub.text(target.as_str()).into_owned() })
        }
    }
}

/// Why the redirect policy refused to follow: reqwest hands it back as the error's source.
#[derive(Debug, thiserror::Error)]
pub(crate) enum RefusedRedirect {
    #[error("a redirect to another origin than the Graph root")]
    ForeignOrigin(Url),
    #[error("more than {0} redirects")]
    TooMany(usize),
}

/// Follows a redirect only to the Graph root's origin, and at most [`MAX_REDIRECTS`] of them.
fn redirect_policy(origin: url::Origin) -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(move |attempt| {
        match redirect_decision(&origin, attempt.url(), attempt.previous().len()) {
            Ok(()) => {
                tracing::debug!(redirects = attempt.previous().len(), "following a same-origin redirect");
                attempt.follow()
            }
            Err(refused) => attempt.error(refused),
        }
    })
}

/// Whether the redirect to `target`, after `followed` URLs, may be followed.
fn redirect_decision(origin: &url::Origin, target: &Url, followed: usize) -> Result<(), RefusedRedirect> {
    if target.origin() != *origin {
        Err(RefusedRedirect::ForeignOrigin(target.clone()))
    } else if followed > MAX_REDIRECTS {
        Err(RefusedRedirect::TooMany(MAX_REDIRECTS))
    } else {
        Ok(())
    }
}

impl fmt::Debug for GraphClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClient")
            .field("api_root", &self.inner.api_root)
            .field("token_provider", &self.inner.token_provider_type)
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// Configures a [`GraphClient`].
pub struct GraphClientBuilder {
    tokens: Option<(Box<dyn DynTokenProvider>, &'static str)>,
    settings: Settings,
}

impl Default for GraphClientBuilder {
    fn default() -> Self {
        let settings = Settings {
            cloud: Cloud::Global,
            base_url: None,
            retry: RetryPolicy::default(),
            rate_limits: None,
            unknown_enum_members: false,
            timeout: Duration::from_secs(60),
            connect_timeout: Duration::from_secs(10),
            max_response_bytes: Self::DEFAULT_MAX_RESPONSE_BYTES,
            max_empty_pages: Self::DEFAULT_MAX_EMPTY_PAGES,
        };
        GraphClientBuilder { tokens: None, settings }
    }
}

impl GraphClientBuilder {
    /// The default of [`max_response_bytes`](Self::max_response_bytes): 64 MiB (a page is a few MB).
    pub const DEFAULT_MAX_RESPONSE_BYTES: u64 = 64 * 1024 * 1024;

    /// The default of [`max_empty_pages`](Self::max_empty_pages): 100.
    pub const DEFAULT_MAX_EMPTY_PAGES: u32 = 100;

    /// The cloud: selects the Graph root, and the authority and scope of the token provider.
    pub fn cloud(mut self, cloud: Cloud) -> Self {
        self.settings.cloud = cloud;
        self
    }

    /// Sends requests to `base_url` (a proxy or a local server, `https` or loopback `http`)
    /// instead of the cloud's Graph root, e.g. `https://proxy.example/graph` (`/v1.0` optional).
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.settings.base_url = Some(base_url.into());
        self
    }

    /// Where access tokens come from. Required (or [`bearer_token`](Self::bearer_token)).
    pub fn token_provider<P: TokenProvider>(mut self, provider: P) -> Self {
        self.tokens = Some((Box::new(provider), std::any::type_name::<P>()));
        self
    }

    /// Uses one fixed bearer token; shorthand for `token_provider(BearerToken::new(token))`.
    pub fn bearer_token(self, token: impl Into<String>) -> Self {
        self.token_provider(BearerToken::new(token))
    }

    /// How 429, 503, 504 and connection failures are retried.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.settings.retry = policy;
        self
    }

    /// Enables the client-side rate limit, e.g. with [`RateLimits::teams`]. Off by default.
    pub fn rate_limits(mut self, limits: RateLimits) -> Self {
        self.settings.rate_limits = Some(limits);
        self
    }

    /// Sends `Prefer: include-unknown-enum-members` with every request, so evolvable enums
    /// carry members past `unknownFutureValue` (e.g. `messageType: systemEventMessage`).
    pub fn include_unknown_enum_members(mut self, include: bool) -> Self {
        self.settings.unknown_enum_members = include;
        self
    }

    /// The time limit of one HTTP request, body included; 60 s by default.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.settings.timeout = timeout;
        self
    }

    /// The time limit for connecting; 10 s by default.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.settings.connect_timeout = timeout;
        self
    }

    /// The most bytes of one response body that are read, counted after decompression, error
    /// bodies included; [`DEFAULT_MAX_RESPONSE_BYTES`](Self::DEFAULT_MAX_RESPONSE_BYTES) by
    /// default. Reading stops with [`Error::ResponseTooLarge`] as soon as the limit is passed (or
    /// before reading, when `Content-Length` announces more): nothing beyond it is buffered.
    pub fn max_response_bytes(mut self, limit: u64) -> Self {
        self.settings.max_response_bytes = limit;
        self
    }

    /// The most consecutive empty pages whose `@odata.nextLink` paging follows;
    /// [`DEFAULT_MAX_EMPTY_PAGES`](Self::DEFAULT_MAX_EMPTY_PAGES) by default. Graph may answer
    /// empty pages mid-collection; endless ones end the stream with [`Error::TooManyEmptyPages`]
    /// after the page that passed the limit.
    pub fn max_empty_pages(mut self, limit: u32) -> Self {
        self.settings.max_empty_pages = limit;
        self
    }

    /// The client, or [`Error::Config`] if the base URL is unusable or no token provider is set.
    pub fn build(self) -> Result<GraphClient> {
        let GraphClientBuilder { tokens, settings } = self;
        let root = checked_root(settings.base_url.as_deref().unwrap_or(settings.cloud.graph_root()), "base URL")
            .map_err(Error::Config)?;
        let api_root = if root.ends_with(&format!("/{VERSION}")) { root } else { format!("{root}/{VERSION}") };
        let origin = Url::parse(&api_root).map_err(|err| Error::Config(err.to_string()))?.origin();
        let (tokens, token_provider_type) = tokens.ok_or_else(|| Error::Config("no token provider".into()))?;
        let http = reqwest::Client::builder()
            .redirect(redirect_policy(origin.clone()))
            .user_agent(USER_AGENT)
            .gzip(true)
            .timeout(settings.timeout)
            .connect_timeout(settings.connect_timeout)
            .build()
            .map_err(|err| Error::Config(format!("cannot create the HTTP client: {err}")))?;
        let inner = Inner {
            http,
            api_root,
            origin,
            tokens,
            token_provider_type,
            scrub: Scrub::default(),
            limiter: settings.rate_limits.clone().map(RateLimiter::new),
            retries: std::sync::atomic::AtomicU64::new(0),
            settings,
        };
        Ok(GraphClient { inner: Arc::new(inner) })
    }
}

impl fmt::Debug for GraphClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GraphClientBuilder")
            .field("token_provider", &self.tokens.as_ref().map(|(_, name)| *name))
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::{redirect_decision, RefusedRedirect};
    use url::Url;

    /// A redirect from an https root may not lead to http on the same host, whatever the port;
    /// checked on the policy's decision itself, as an https test server would need a trusted
    /// certificate.
    #[test]
    fn an_https_root_refuses_redirects_that_downgrade_to_http() {
        let origin = Url::parse("https://127.0.0.1:8443/v1.0").unwrap().origin();
        let from = Url::parse("https://127.0.0.1:8443/v1.0/chats/a").unwrap();
        for location in [
            "http://127.0.0.1:8443/v1.0/chats/b",
            "http://127.0.0.1/v1.0/chats/b",
            "http://127.0.0.1:443/v1.0/chats/b",
            "//127.0.0.1:80/v1.0/chats/b", // https, but to port 80
        ] {
            let target = from.join(location).unwrap();
            assert!(
                matches!(redirect_decision(&origin, &target, 1), Err(RefusedRedirect::ForeignOrigin(_))),
                "{location}"
            );
        }
        let same = from.join("/v1.0/chats/b").unwrap();
        assert!(redirect_decision(&origin, &same, 1).is_ok());
        assert!(matches!(redirect_decision(&origin, &same, 6), Err(RefusedRedirect::TooMany(5))));
    }
}
