//! The OAuth2 client-credentials flow against Microsoft Entra.

use crate::auth::{AccessToken, TokenProvider, TokenRequest};
use crate::body::{read_limited, BodyError};
use crate::cloud::checked_root;
use crate::error::{AuthError, TokenEndpointError};
use base64::Engine as _;
use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;
use std::time::{Duration, Instant};
use tokio::sync::{Mutex, OnceCell};

/// The most bytes of a token endpoint answer that are read; real ones are a few KiB.
const TOKEN_ANSWER_LIMIT: u64 = 1024 * 1024;

/// The longest lifetime a token is trusted for, whatever `expires_in` says: one day, the most
/// Microsoft Entra allows. The cap keeps a hostile answer from overflowing `Instant`.
const MAX_TOKEN_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The credential variables, `[tenant, client id, secret, authority]`, in order of precedence.
const ENV_SETS: [[&str; 4]; 2] = [
    ["GRAPH_TENANT_ID", "GRAPH_CLIENT_ID", "GRAPH_CLIENT_SECRET", "GRAPH_AUTHORITY"],
    ["AZURE_TENANT_ID", "AZURE_CLIENT_ID", "AZURE_CLIENT_SECRET", "AZURE_AUTHORITY_HOST"],
];

/// What is missing when neither set is there.
const NO_ENV_SET: &str = "GRAPH_TENANT_ID (or AZURE_TENANT_ID)";

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
#[derive(Debug)]
pub struct ClientCredentials {
    tenant: String,
    client_id: String,
    client_secret: SecretString,
    authority: Option<String>,
    refresh_margin: Duration,
    http: OnceCell<reqwest::Client>,
    cache: Mutex<Option<Cached>>,
}

#[derive(Debug)]
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
            client_secret: SecretString::from(client_secret.into()),
            authority: None,
            refresh_margin: Duration::from_secs(300),
            http: OnceCell::new(),
            cache: Mutex::new(None),
        }
    }

    /// Credentials from the environment: `GRAPH_TENANT_ID`, `GRAPH_CLIENT_ID`,
    /// `GRAPH_CLIENT_SECRET` and optionally `GRAPH_AUTHORITY`; or, when none of the first three is
    /// set, the Azure SDKs' `AZURE_TENANT_ID`, `AZURE_CLIENT_ID`, `AZURE_CLIENT_SECRET` and
    /// `AZURE_AUTHORITY_HOST`. The sets are never mixed.
    pub fn from_env() -> Result<Self, AuthError> {
        Self::from_vars(|name| std::env::var(name).ok())
    }

    fn from_vars(var: impl Fn(&str) -> Option<String>) -> Result<Self, AuthError> {
        let var = |name: &str| var(name).filter(|value| !value.is_empty());
        let chosen = ENV_SETS.iter().find(|set| set[..3].iter().any(|name| var(name).is_some()));
        let [tenant, client_id, secret, authority] = chosen.ok_or(AuthError::MissingVariable(NO_ENV_SET))?;
        let need = |name: &'static str| var(name).ok_or(AuthError::MissingVariable(name));
        let credentials = ClientCredentials::new(need(tenant)?, need(client_id)?, need(secret)?);
        Ok(match var(authority) {
            Some(authority) => credentials.authority(authority),
            None => credentials,
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
        let tenant = crate::encode::Segment::new("tenant", &self.tenant);
        let tenant = tenant.encoded().map_err(|err| AuthError::Config(err.to_string()))?;
        let url = format!("{authority}/{tenant}/oauth2/v2.0/token");
        let form = token_form(&self.client_id, self.client_secret.expose_secret(), request);
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
        let body = match read_limited(response, TOKEN_ANSWER_LIMIT).await {
            Ok(body) => body,
            Err(BodyError::Transport(error)) => return Err(AuthError::Transport(error)),
            Err(BodyError::TooLarge { .. }) => {
                return Err(AuthError::InvalidResponse(format!("the answer is larger than {TOKEN_ANSWER_LIMIT} bytes")))
            }
        };
        if !status.is_success() {
            return Err(rejected(status.as_u16(), &body, self.client_secret.expose_secret()));
        }
        let answer: TokenAnswer = serde_json::from_slice(&body)
            .map_err(|err| AuthError::InvalidResponse(format!("not a token response: {err}")))?;
        if !answer.token_type.eq_ignore_ascii_case("bearer") {
            return Err(AuthError::InvalidResponse(format!("token_type is `{}`, not Bearer", answer.token_type)));
        }
        // A number in the v2 endpoint, a string in older ones.
        let lifetime = match &answer.expires_in {
            serde_json::Value::Number(seconds) => seconds.as_u64(),
            serde_json::Value::String(text) => text.trim().parse().ok(),
            _ => None,
        };
        let lifetime = lifetime.ok_or_else(|| AuthError::InvalidResponse("bad expires_in".into()))?;
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

/// When a token asked for at `sent_at` expires (capped at [`MAX_TOKEN_LIFETIME`]; should even
/// that overflow, at once: used for this request and replaced for the next).
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
    expires_in: serde_json::Value,
}

fn bearer() -> String {
    "Bearer".to_owned()
}

/// The endpoint's error answer; a client secret it echoes is cut out where the text enters.
fn rejected(status: u16, body: &[u8], secret: &str) -> AuthError {
    let answer: TokenEndpointError = serde_json::from_slice(body).unwrap_or_default();
    let clean = |text: String| if secret.is_empty() { text } else { text.replace(secret, crate::scrub::REDACTED) };
    let error = if answer.error.is_empty() { "unknown_error".to_owned() } else { clean(answer.error) };
    let description = clean(answer.description);
    AuthError::Rejected(Box::new(TokenEndpointError { status, error, description, ..answer }))
}

/// The claims JSON of a challenge: the service sends it base64-encoded; the authority wants the
/// JSON. Text that is not base64 of UTF-8 is passed on unchanged.
fn decode_claims(claims: &str) -> String {
    let text = claims.trim_end_matches('=');
    let engines = [base64::engine::general_purpose::STANDARD_NO_PAD, base64::engine::general_purpose::URL_SAFE_NO_PAD];
    engines
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .unwrap_or_else(|| claims.to_owned())
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
    fn graph_variables_win_over_azure_ones_and_are_never_mixed() {
        let env = |pairs: Vec<(&'static str, &'static str)>| {
            move |name: &str| pairs.iter().find(|(key, _)| *key == name).map(|(_, value)| value.to_string())
        };
        let azure = vec![("AZURE_TENANT_ID", "t1"), ("AZURE_CLIENT_ID", "c1"), ("AZURE_CLIENT_SECRET", "s1")];
        let graph = [("GRAPH_TENANT_ID", "t2"), ("GRAPH_CLIENT_ID", "c2"), ("GRAPH_CLIENT_SECRET", "s2")];
        let both = [azure.clone(), graph.to_vec(), vec![("GRAPH_AUTHORITY", "http://127.0.0.1:1")]].concat();
        let chosen = ClientCredentials::from_vars(env(both)).unwrap();
        let secret = chosen.client_secret.expose_secret();
        assert_eq!((chosen.tenant.as_str(), chosen.client_id.as_str(), secret), ("t2", "c2", "s2"));
        assert_eq!(chosen.authority.as_deref(), Some("http://127.0.0.1:1"));
        let fallback = ClientCredentials::from_vars(env(azure.clone())).unwrap();
        assert_eq!((fallback.tenant.as_str(), fallback.authority), ("t1", None));
        let partial = [azure, vec![("GRAPH_CLIENT_ID", "c2")]].concat();
        let missing = ClientCredentials::from_vars(env(partial)).unwrap_err();
        assert_eq!(missing.to_string(), "environment variable GRAPH_TENANT_ID is not set");
        let none = ClientCredentials::from_vars(env(Vec::new())).unwrap_err();
        assert_eq!(none.to_string(), "environment variable GRAPH_TENANT_ID (or AZURE_TENANT_ID) is not set");
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
        let AuthError::Rejected(error) = rejected(400, body, "s3cr3t") else { panic!() };
        assert_eq!(
            (error.status, error.error.as_str(), error.error_codes.clone()),
            (400, "invalid_scope", vec![70011])
        );
        assert_eq!((error.trace_id.as_deref(), error.correlation_id.as_deref()), (Some("t"), Some("c")));
        assert!(matches!(rejected(502, b"<html>", ""), AuthError::Rejected(error) if error.status == 502));
        let echoed = br#"{"error":"invalid_client","error_description":"secret s3cr3t is wrong"}"#;
        let AuthError::Rejected(error) = rejected(401, echoed, "s3cr3t") else { panic!() };
        assert_eq!(error.description, "secret <redacted> is wrong");
    }
}
