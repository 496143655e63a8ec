//! The OAuth2 client-credentials flow against Microsoft Entra, cached and refreshed ahead of
//! expiry, one refresh at a time.

use crate::auth::{AccessToken, TokenProvider, TokenRequest};
use crate::cloud::checked_root;
use crate::error::{AuthError, TokenEndpointError};
use crate::send::{read_body, ExchangeError};
use serde::Deserialize;
use std::fmt;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OnceCell};

/// The most bytes of a token endpoint answer that are read; real ones are a few KiB.
const TOKEN_ANSWER_LIMIT: u64 = 1024 * 1024;

/// The longest lifetime a token is trusted for, whatever `expires_in` says: one day, the most a
/// token lifetime policy of Microsoft Entra allows (access tokens live 60 to 90 minutes by
/// default). A longer one is a broken or hostile token endpoint; capping it means the token is
/// refreshed within a day instead of never, and the expiry cannot overflow `Instant`.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// App-only tokens from `<authority>/<tenant>/oauth2/v2.0/token` with a client secret.
///
/// The authority and scope follow the client's [`crate::Cloud`]; the authority can be
/// overridden (for a loopback test server, say). Tokens are cached and refreshed
/// [`refresh_margin`](Self::refresh_margin) before they expire; concurrent callers wait for one
/// refresh instead of each starting their own. Neither `Debug` nor any error shows the secret or
/// the token.
///
/// ```no_run
/// # fn main() -> Result<(), graph_client::Error> {
/// use graph_client::{ClientCredentials, Cloud, GraphClient};
///
/// let credentials = ClientCredentials::new("contoso.onmicrosoft.com", "client-id", "client-secret");
/// let client = GraphClient::builder().cloud(Cloud::UsGovL4).token_provider(credentials).build()?;
/// # Ok(()) }
/// ```
pub struct ClientCredentials {
    tenant: String,
    client_id: String,
    client_secret: String,
    authority: Option<String>,
    refresh_margin: Duration,
    http: OnceCell<reqwest::Client>,
    cache: Mutex<Option<Cached>>,
}

struct Cached {
    token: AccessToken,
    scope: String,
    authority: String,
}

impl ClientCredentials {
    /// Credentials of the app `client_id` in `tenant` (a GUID or a domain name).
    pub fn new(tenant: impl Into<String>, client_id: impl Into<String>, client_secret: impl Into<String>) -> Self {
        ClientCredentials {
            tenant: tenant.into(),
            client_id: client_id.into(),
            client_secret: client_secret.into(),
            authority: None,
            refresh_margin: Duration::from_secs(300),
            http: OnceCell::new(),
            cache: Mutex::new(None),
        }
    }

    /// Credentials from `AZURE_TENANT_ID`, `AZURE_CLIENT_ID` and `AZURE_CLIENT_SECRET`, and the
    /// authority from `AZURE_AUTHORITY_HOST` when it is set.
    pub fn from_env() -> Result<Self, AuthError> {
        let var = |name: &'static str| {
            std::env::var(name).ok().filter(|value| !value.is_empty()).ok_or(AuthError::MissingVariable(name))
        };
        let credentials =
            ClientCredentials::new(var("AZURE_TENANT_ID")?, var("AZURE_CLIENT_ID")?, var("AZURE_CLIENT_SECRET")?);
        Ok(match var("AZURE_AUTHORITY_HOST") {
            Ok(authority) => credentials.authority(authority),
            Err(_) => credentials,
        })
    }

    /// Uses `authority` (e.g. `https://login.microsoftonline.us` or a loopback test server)
    /// instead of the cloud's. It must be `https`, or plain `http` to a loopback address.
    pub fn authority(self, authority: impl Into<String>) -> Self {
        ClientCredentials { authority: Some(authority.into()), ..self }
    }

    /// How long before expiry a cached token is replaced; 5 minutes by default.
    pub fn refresh_margin(self, margin: Duration) -> Self {
        ClientCredentials { refresh_margin: margin, ..self }
    }

    async fn fetch(&self, authority: &str, request: &TokenRequest) -> Result<AccessToken, AuthError> {
        let http = self
            .http
            .get_or_try_init(|| async {
                reqwest::Client::builder()
                    .redirect(reqwest::redirect::Policy::none())
                    .timeout(Duration::from_secs(30))
                    .user_agent(crate::client::USER_AGENT)
                    .build()
                    .map_err(AuthError::Transport)
            })
            .await?;
        let tenant = crate::encode::segment("tenant", &self.tenant).map_err(AuthError::Config)?;
        let url = format!("{authority}/{tenant}/oauth2/v2.0/token");
        let form = token_form(&self.client_id, &self.client_secret, request);
        let sent_at = Instant::now();
        tracing::debug!(url = %url, "requesting an access token");
        let response = http
            .post(&url)
            .header(reqwest::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(form)
            .send()
            .await
            .map_err(AuthError::Transport)?;
        let status = response.status();
        let body = match read_body(response, TOKEN_ANSWER_LIMIT).await {
            Ok(body) => body,
            Err(ExchangeError::Transport(error)) => return Err(AuthError::Transport(error)),
            Err(ExchangeError::TooLarge { .. }) => {
                return Err(AuthError::InvalidResponse(format!("the answer is larger than {TOKEN_ANSWER_LIMIT} bytes")))
            }
        };
        if !status.is_success() {
            return Err(rejected(status.as_u16(), &body));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|err| AuthError::InvalidResponse(format!("not a token response: {err}")))?;
        if !answer.token_type.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::InvalidResponse(format!("token_type is `{}`, not Bearer", answer.token_type)));
        }
        let lifetime =
            answer.expires_in.seconds().ok_or_else(|| AuthError::InvalidResponse("bad expires_in".into()))?;
        tracing::debug!(expires_in = lifetime, "received an access token");
        Ok(AccessToken::new(answer.access_token).with_expiry(expiry(sent_at, lifetime)))
    }
}

impl TokenProvider for ClientCredentials {
    async fn token(&self, request: &TokenRequest) -> Result<AccessToken, AuthError> {
        let authority = match &self.authority {
            Some(authority) => checked_root(authority, "authority").map_err(AuthError::Config)?,
            None => request.cloud.authority().to_owned(),
        };
        // Held across the refresh: concurrent callers wait for it and then find the new token.
        let mut cache = self.cache.lock().await;
        if let Some(cached) = cache.as_ref() {
            let usable = cached.scope == request.scope
                && cached.authority == authority
                && cached.token.is_valid_for(self.refresh_margin)
                && request.rejected.as_ref() != Some(&cached.token)
                && request.claims.is_none();
            if usable {
                return Ok(cached.token.clone());
            }
        }
        let token = self.fetch(&authority, request).await?;
        *cache = Some(Cached { token: token.clone(), scope: request.scope.clone(), authority });
        Ok(token)
    }
}

impl fmt::Debug for ClientCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientCredentials")
            .field("tenant", &self.tenant)
            .field("client_id", &self.client_id)
            .field("client_secret", &"<redacted>")
            .field("authority", &self.authority)
            .field("refresh_margin", &self.refresh_margin)
            .finish_non_exhaustive()
    }
}

/// When a token received `expires_in` seconds after `sent_at` expires: the lifetime counts from
/// the request (the answer may have taken a while) and is capped at [`MAX_TOKEN_LIFETIME`].
/// Never panics: were `sent_at` so late that even the cap overflowed, the token counts as
/// expired at once, so it is used for this request and replaced for the next.
fn expiry(sent_at: Instant, expires_in: u64) -> Instant {
    let lifetime = Duration::from_secs(expires_in).min(MAX_TOKEN_LIFETIME);
    sent_at.checked_add(lifetime).unwrap_or(sent_at)
}

/// The form-encoded body of a client-credentials token request.
fn token_form(client_id: &str, client_secret: &str, request: &TokenRequest) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("client_id", client_id)
        .append_pair("client_secret", client_secret)
        .append_pair("scope", &request.scope)
        .append_pair("grant_type", "client_credentials");
    if let Some(claims) = &request.claims {
        form.append_pair("claims", &decode_claims(claims));
    }
    form.finish()
}

#[derive(Deserialize)]
struct TokenAnswer {
    access_token: String,
    #[serde(default = "bearer")]
    token_type: String,
    expires_in: Seconds,
}

fn bearer() -> String {
    "Bearer".to_owned()
}

/// `expires_in`: a number in the v2 endpoint, a string in older ones.
#[derive(Deserialize)]
#[serde(untagged)]
enum Seconds {
    Number(u64),
    Text(String),
}

impl Seconds {
    fn seconds(&self) -> Option<u64> {
        match self {
            Seconds::Number(seconds) => Some(*seconds),
            Seconds::Text(text) => text.trim().parse().ok(),
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ErrorAnswer {
    error: String,
    error_description: String,
    error_codes: Vec<i64>,
    trace_id: Option<String>,
    correlation_id: Option<String>,
}

fn rejected(status: u16, body: &[u8]) -> AuthError {
    let answer: ErrorAnswer = serde_json::from_slice(body).unwrap_or_default();
    AuthError::Rejected(Box::new(TokenEndpointError {
        status,
        error: if answer.error.is_empty() { "unknown_error".to_owned() } else { answer.error },
        description: answer.error_description,
        error_codes: answer.error_codes,
        trace_id: answer.trace_id,
        correlation_id: answer.correlation_id,
    }))
}

/// The claims JSON of a challenge: the service sends it base64-encoded; the authority wants the
/// JSON. Text that is not base64 of UTF-8 is passed on unchanged.
fn decode_claims(claims: &str) -> String {
    base64_decode(claims).and_then(|bytes| String::from_utf8(bytes).ok()).unwrap_or_else(|| claims.to_owned())
}

fn base64_decode(text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() * 3 / 4);
    let (mut buffer, mut bits) = (0u32, 0u32);
    for byte in text.trim_end_matches('=').bytes() {
        let value = match byte {
            b'A'..=b'Z' => byte - b'A',
            b'a'..=b'z' => byte - b'a' + 26,
            b'0'..=b'9' => byte - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        buffer = (buffer << 6) | u32::from(value);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((buffer >> bits) as u8);
            buffer &= (1 << bits) - 1;
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_secret() {
        let credentials = ClientCredentials::new("tenant", "app", "hunter2");
        let debug = format!("{credentials:?}");
        assert!(debug.contains("app") && !debug.contains("hunter2"));
    }

    #[test]
    fn lifetimes_are_capped_and_never_overflow() {
        let now = Instant::now();
        assert_eq!(expiry(now, 3599), now + Duration::from_secs(3599));
        assert_eq!(expiry(now, 0), now);
        for absurd in [MAX_TOKEN_LIFETIME.as_secs() + 1, u64::MAX / 2, u64::MAX] {
            assert_eq!(expiry(now, absurd), now + MAX_TOKEN_LIFETIME, "{absurd}");
        }
    }

    #[test]
    fn decodes_claims() {
        assert_eq!(decode_claims("eyJhY2Nlc3NfdG9rZW4iOnt9fQ=="), r#"{"access_token":{}}"#);
        assert_eq!(decode_claims("{not base64}"), "{not base64}");
    }

    #[test]
    fn parses_entra_errors() {
        let body = br#"{"error":"invalid_scope","error_description":"AADSTS70011: bad scope","error_codes":[70011],
            "timestamp":"2016-01-09 02:02:12Z","trace_id":"t","correlation_id":"c"}"#;
        let AuthError::Rejected(error) = rejected(400, body) else { panic!() };
        assert_eq!(
            (error.status, error.error.as_str(), error.error_codes.clone()),
            (400, "invalid_scope", vec![70011])
        );
        assert_eq!((error.trace_id.as_deref(), error.correlation_id.as_deref()), (Some("t"), Some("c")));
        assert!(matches!(rejected(502, b"<html>"), AuthError::Rejected(error) if error.status == 502));
    }
}
