//! Access tokens and where they come from: [`TokenProvider`] and a static [`BearerToken`].

use crate::cloud::Cloud;
use crate::error::AuthError;
use futures::future::BoxFuture;
use secrecy::{ExposeSecret, SecretString};
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// An OAuth2 bearer token. It is opaque to this client (never parsed), and neither its `Debug`
/// output nor any error or log line shows it.
///
/// ```
/// # use graph_client::AccessToken;
/// let token = AccessToken::new("eyJ0eXAi.abc123");
/// assert!(!format!("{token:?}").contains("abc123"));
/// assert_eq!(token.secret(), "eyJ0eXAi.abc123");
/// ```
#[derive(Clone)]
pub struct AccessToken {
    /// Zeroed when the last clone is dropped.
    secret: Arc<SecretString>,
    expires_at: Option<Instant>,
}

impl PartialEq for AccessToken {
    fn eq(&self, other: &Self) -> bool {
        self.secret() == other.secret() && self.expires_at == other.expires_at
    }
}

impl Eq for AccessToken {}

impl AccessToken {
    /// A token without a known expiry.
    pub fn new(secret: impl Into<String>) -> Self {
        AccessToken { secret: Arc::new(SecretString::from(secret.into())), expires_at: None }
    }

    /// The same token, expiring at `expires_at`.
    pub fn with_expiry(self, expires_at: Instant) -> Self {
        AccessToken { expires_at: Some(expires_at), ..self }
    }

    /// The token itself, for the `Authorization` header. Handle with care.
    pub fn secret(&self) -> &str {
        self.secret.expose_secret()
    }

    /// When the token expires, if known.
    pub fn expires_at(&self) -> Option<Instant> {
        self.expires_at
    }

    /// Whether the token is still valid `margin` from now (always, if its expiry is unknown).
    /// A margin too large to add to the current time is one no known expiry satisfies.
    pub fn is_valid_for(&self, margin: Duration) -> bool {
        self.expires_at.is_none_or(|at| Instant::now().checked_add(margin).is_some_and(|then| then < at))
    }
}

impl fmt::Debug for AccessToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AccessToken").field("secret", &"<redacted>").field("expires_at", &self.expires_at).finish()
    }
}

/// What the client asks a [`TokenProvider`] for.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TokenRequest {
    /// The cloud the client talks to; the token must be issued by its authority.
    pub cloud: Cloud,
    /// The scope to request, `<graph root>/.default` of the cloud.
    pub scope: String,
    /// A token Graph just answered 401 to: do not return it again, get a new one.
    pub rejected: Option<AccessToken>,
    /// The `claims` of a Conditional Access challenge (`WWW-Authenticate: Bearer claims="..."`),
    /// as the service sent it (base64 of a JSON object), to pass on to the authority.
    pub claims: Option<String>,
}

impl TokenRequest {
    /// A request for a token for `cloud`'s Graph.
    pub fn new(cloud: Cloud) -> Self {
        TokenRequest { cloud, scope: cloud.scope().to_owned(), rejected: None, claims: None }
    }

    /// The same request, saying that `token` was rejected.
    pub fn with_rejected(self, token: AccessToken) -> Self {
        TokenRequest { rejected: Some(token), ..self }
    }

    /// The same request, with the claims of a Conditional Access challenge.
    pub fn with_claims(self, claims: Option<String>) -> Self {
        TokenRequest { claims, ..self }
    }
}

/// A source of access tokens. Implementations should cache: the client asks before every
/// request.
///
/// ```
/// use graph_client::{AccessToken, AuthError, TokenProvider, TokenRequest};
///
/// struct FromVault;
///
/// impl TokenProvider for FromVault {
///     async fn token(&self, _request: &TokenRequest) -> Result<AccessToken, AuthError> {
///         Ok(AccessToken::new("token from a vault"))
///     }
/// }
/// ```
pub trait TokenProvider: Send + Sync + 'static {
    /// A token for `request.scope`, valid for a while yet, and not `request.rejected`.
    fn token(&self, request: &TokenRequest) -> impl Future<Output = Result<AccessToken, AuthError>> + Send;
}

impl<P: TokenProvider> TokenProvider for Arc<P> {
    fn token(&self, request: &TokenRequest) -> impl Future<Output = Result<AccessToken, AuthError>> + Send {
        (**self).token(request)
    }
}

/// A fixed bearer token, e.g. from another tool. It cannot be refreshed: a 401 is final.
#[derive(Debug, Clone)]
pub struct BearerToken(AccessToken);

impl BearerToken {
    /// Wraps a token.
    pub fn new(secret: impl Into<String>) -> Self {
        BearerToken(AccessToken::new(secret))
    }
}

impl TokenProvider for BearerToken {
    async fn token(&self, _request: &TokenRequest) -> Result<AccessToken, AuthError> {
        Ok(self.0.clone())
    }
}

/// The object-safe form of [`TokenProvider`] the client stores.
pub(crate) trait DynTokenProvider: Send + Sync {
    fn token_boxed<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, AuthError>>;
}

impl<P: TokenProvider> DynTokenProvider for P {
    fn token_boxed<'a>(&'a self, request: &'a TokenRequest) -> BoxFuture<'a, Result<AccessToken, AuthError>> {
        Box::pin(self.token(request))
    }
}

/// The `claims` parameter of a `WWW-Authenticate: Bearer ... claims="..."` challenge.
pub(crate) fn challenge_claims(header: &str) -> Option<String> {
    let start = header.find("claims=\"")? + "claims=\"".len();
    let end = header[start..].find('"')?;
    Some(header[start..start + end].to_owned()).filter(|claims| !claims.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn token_debug_is_redacted() {
        let token = AccessToken::new("s3cr3t").with_expiry(Instant::now());
        assert!(!format!("{token:?}").contains("s3cr3t"));
        assert!(!format!("{:?}", BearerToken::new("s3cr3t")).contains("s3cr3t"));
        let request = TokenRequest::new(Cloud::Global).with_rejected(token);
        assert!(!format!("{request:?}").contains("s3cr3t"));
    }

    #[test]
    fn validity_honours_the_margin() {
        let soon = AccessToken::new("t").with_expiry(Instant::now() + Duration::from_secs(60));
        assert!(soon.is_valid_for(Duration::from_secs(10)));
        assert!(!soon.is_valid_for(Duration::from_secs(300)));
        assert!(AccessToken::new("t").is_valid_for(Duration::from_secs(300)));
        assert!(!soon.is_valid_for(Duration::MAX), "an overflowing margin is not satisfied, and no panic");
        assert!(AccessToken::new("t").is_valid_for(Duration::MAX));
    }

    #[test]
    fn parses_claims_challenges() {
        let header = r#"Bearer authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#;
        assert_eq!(challenge_claims(header).as_deref(), Some("eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="));
        assert_eq!(challenge_claims("Bearer realm=\"\""), None);
    }
}
