//! The crate's one [`Error`] type, the HTTP error it carries and the token errors.

use graph_models::DecodeError;
use graph_models::ODataError;
use reqwest::StatusCode;
use std::fmt;
use std::time::Duration;

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong when calling Graph.
///
/// Branch on the variant, [`HttpError::kind`] or [`ODataError::code`], never on message text.
/// No error shows a token the client sent, even when the service echoes it: it reads `<redacted>`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request breaks a documented rule of the endpoint (`$top` above 50, ...); nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client configuration is unusable, e.g. a plain `http` base URL that is not loopback.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// No access token could be obtained.
    #[error("authentication failed: {0}")]
    Auth(#[from] AuthError),
    /// The request did not complete at the HTTP level, after the configured retries.
    #[error("transport error: {0}")]
    Transport(#[source] reqwest::Error),
    /// The service answered an error status that is not retried (or a 401 a new token did not cure).
    #[error("{0}")]
    Http(Box<HttpError>),
    /// The service kept answering 429, 503 or 504 until the retry budget ran out.
    #[error("gave up after {attempts} attempts{}: {last}",
        .retry_after.map_or(String::new(), |it| format!(" (last Retry-After: {:.3}s)", it.as_secs_f64())))]
    Throttled {
        /// How many requests were sent, the first one included.
        attempts: u32,
        /// The `Retry-After` of the last response, if it had one.
        retry_after: Option<Duration>,
        /// The last response.
        last: Box<HttpError>,
    },
    /// A response body does not fit the model; `source.path` names the offending JSON value.
    #[error("could not decode the response of {url}: {source}")]
    Decode {
        /// The URL whose response did not decode.
        url: String,
        /// The path of the bad value and what was wrong with it.
        #[source]
        source: DecodeError,
    },
    /// An `@odata.nextLink` or a redirect pointed to another origin than the Graph root, and was
    /// not followed: the token never went there.
    #[error("refused to follow a {link} to another origin than the Graph root: {url}")]
    ForeignOrigin {
        /// What pointed there.
        link: LinkKind,
        /// Where it pointed.
        url: String,
    },
    /// A page's `@odata.nextLink` is one this stream followed lately; paging stopped.
    #[error("paging loop: @odata.nextLink {url} was already followed")]
    NextLinkLoop {
        /// The repeated link.
        url: String,
    },
    /// A response body was larger than
    /// [`GraphClientBuilder::max_response_bytes`](crate::GraphClientBuilder::max_response_bytes).
    /// Not retried: a body that large is not a transient failure.
    #[error("the response of {url} is larger than the limit of {limit} bytes{}",
        .content_length.map_or(String::new(), |it| format!(" (Content-Length: {it})")))]
    ResponseTooLarge {
        /// The URL that answered.
        url: String,
        /// The configured limit, in bytes.
        limit: u64,
        /// The `Content-Length` the response announced, if it announced one.
        content_length: Option<u64>,
    },
    /// Paging went through more consecutive empty pages than
    /// [`GraphClientBuilder::max_empty_pages`](crate::GraphClientBuilder::max_empty_pages).
    #[error("paging stopped after {pages} consecutive empty pages; @odata.nextLink {url} was not followed")]
    TooManyEmptyPages {
        /// How many empty pages in a row were received.
        pages: u32,
        /// The nextLink of the last one, not followed.
        url: String,
    },
    /// The service answered in a way this client cannot use (e.g. too many redirects).
    #[error("unexpected response: {0}")]
    UnexpectedResponse(String),
}

impl Error {
    /// The HTTP error, for [`Error::Http`] and [`Error::Throttled`].
    pub fn http(&self) -> Option<&HttpError> {
        match self {
            Error::Http(error) | Error::Throttled { last: error, .. } => Some(error),
            _ => None,
        }
    }
}

/// What led the client to a URL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum LinkKind {
    /// An `@odata.nextLink`.
    NextLink,
    /// A redirect's `Location`.
    Redirect,
    /// A link stored earlier and resumed from, e.g. a delta round's.
    StoredLink,
    /// A delta round's `@odata.deltaLink`.
    DeltaLink,
}

impl fmt::Display for LinkKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            LinkKind::NextLink => "@odata.nextLink",
            LinkKind::Redirect => "redirect",
            LinkKind::StoredLink => "stored link",
            LinkKind::DeltaLink => "@odata.deltaLink",
        })
    }
}

/// An error response from Graph, with the correlation data to quote in a support request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct HttpError {
    /// The HTTP status.
    pub status: StatusCode,
    /// The status, classified.
    pub kind: HttpErrorKind,
    /// The URL that answered.
    pub url: String,
    /// The parsed `{"error": {...}}` envelope, when the body is one.
    pub error: Option<ODataError>,
    /// The `request-id` response header, or else the one inside `innerError`.
    pub request_id: Option<String>,
    /// The `client-request-id` this client sent.
    pub client_request_id: Option<String>,
    /// The `Date` response header, or else `innerError.date` (which has no time zone; UTC).
    pub date: Option<String>,
    /// The parsed `Retry-After` header, if any.
    pub retry_after: Option<Duration>,
    /// The start of the body (at most 4 KiB), for bodies that are not an OData error.
    pub body: String,
}

impl HttpError {
    /// The OData error code (`error.code`), if the body had one. Branch on this, not on messages.
    pub fn code(&self) -> Option<&str> {
        self.error.as_ref().map(|error| error.code.as_str())
    }
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {} from {}", self.status, self.url)?;
        match &self.error {
            Some(error) => write!(f, ": {}: {}", error.code, error.message)?,
            None if !self.body.is_empty() => write!(f, ": {}", self.body.chars().take(200).collect::<String>())?,
            None => {}
        }
        // The ids a support request needs; a gateway's error may carry only the client's own.
        match (&self.request_id, &self.client_request_id) {
            (Some(id), Some(client_id)) => write!(f, " (request-id {id}, client-request-id {client_id})")?,
            (Some(id), None) => write!(f, " (request-id {id})")?,
            (None, Some(client_id)) => write!(f, " (client-request-id {client_id})")?,
            (None, None) => {}
        }
        Ok(())
    }
}

/// HTTP error statuses this client tells apart. Only 429, 503 and 504 are retried.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum HttpErrorKind {
    /// 400: the service rejected the request (e.g. an invalid `$filter`).
    BadRequest,
    /// 401: the token was rejected, also after one refresh.
    Unauthorized,
    /// 402: a metered API's payment requirements are not met (subscription, licence, quota).
    PaymentRequired,
    /// 403: missing permission, licence or protected-API approval, or a claims challenge.
    Forbidden,
    /// 404: no such chat or user (or not visible to the caller).
    NotFound,
    /// 410: gone; for delta, start a full resync.
    Gone,
    /// 412: precondition failed, e.g. `getAllMessages` called with a delegated token.
    PreconditionFailed,
    /// 429: throttled.
    TooManyRequests,
    /// 503: temporarily unavailable.
    ServiceUnavailable,
    /// 504: the gateway timed out.
    GatewayTimeout,
    /// Another 5xx.
    ServerError,
    /// Another status.
    Other,
}

impl HttpErrorKind {
    /// The kind of a status.
    pub fn from_status(status: StatusCode) -> Self {
        match status.as_u16() {
            400 => HttpErrorKind::BadRequest,
            401 => HttpErrorKind::Unauthorized,
            402 => HttpErrorKind::PaymentRequired,
            403 => HttpErrorKind::Forbidden,
            404 => HttpErrorKind::NotFound,
            410 => HttpErrorKind::Gone,
            412 => HttpErrorKind::PreconditionFailed,
            429 => HttpErrorKind::TooManyRequests,
            503 => HttpErrorKind::ServiceUnavailable,
            504 => HttpErrorKind::GatewayTimeout,
            500..=599 => HttpErrorKind::ServerError,
            _ => HttpErrorKind::Other,
        }
    }
}

/// Why no access token could be had.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AuthError {
    /// An environment variable that [`crate::ClientCredentials::from_env`] needs is not set.
    #[error("environment variable {0} is not set")]
    MissingVariable(&'static str),
    /// The token provider is misconfigured, e.g. a plain `http` authority that is not loopback.
    #[error("invalid token provider configuration: {0}")]
    Config(String),
    /// The token endpoint could not be reached.
    #[error("could not reach the token endpoint: {0}")]
    Transport(#[source] reqwest::Error),
    /// The token endpoint refused (wrong secret, unknown tenant, invalid scope, ...).
    #[error("{0}")]
    Rejected(Box<TokenEndpointError>),
    /// The token endpoint answered something that is not a token.
    #[error("token endpoint answered with an unexpected body: {0}")]
    InvalidResponse(String),
    /// A custom [`crate::TokenProvider`] failed.
    #[error("token provider failed: {0}")]
    Provider(#[source] Box<dyn std::error::Error + Send + Sync>),
}

/// An error answer of the Microsoft Entra token endpoint.
#[derive(Debug, Clone, Default, serde::Deserialize, thiserror::Error)]
#[error("token endpoint answered {status}: {error}: {description}")]
#[serde(default)]
#[non_exhaustive]
pub struct TokenEndpointError {
    /// The HTTP status.
    #[serde(skip)]
    pub status: u16,
    /// The OAuth2 `error`, e.g. `invalid_client`.
    pub error: String,
    /// The `error_description`.
    #[serde(rename = "error_description")]
    pub description: String,
    /// The Entra `error_codes` (AADSTS numbers).
    pub error_codes: Vec<i64>,
    /// The Entra `trace_id`.
    pub trace_id: Option<String>,
    /// The Entra `correlation_id`.
    pub correlation_id: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_without_a_request_id_still_shows_the_client_request_id() {
        let error = HttpError {
            status: StatusCode::BAD_GATEWAY,
            kind: HttpErrorKind::from_status(StatusCode::BAD_GATEWAY),
            url: "https://graph.microsoft.com/v1.0/me/chats".into(),
            error: None,
            request_id: None,
            client_request_id: Some("c-1".into()),
            date: None,
            retry_after: None,
            body: String::new(),
        };
        assert!(error.to_string().ends_with(" (client-request-id c-1)"), "{error}");
    }
}
