//! Sending one logical `GET`: token, headers, retries with backoff, one token refresh on 401,
//! same-origin redirects only, bodies read up to a size limit, and typed errors.
//!
//! A body cut short (a truncated response, a connection reset mid-body) is retried like a
//! connection failure: every request is an idempotent `GET`. With framing (`Content-Length` or
//! chunked) reading the body fails; without it (a body delimited by the connection closing) the
//! JSON ends early, which the decoder reports as an end-of-input error, told apart from any other
//! bad body.

use crate::auth::{challenge_claims, AccessToken, TokenRequest};
use crate::client::Inner;
use crate::error::{AuthError, Error, HttpError, HttpErrorKind, LinkKind, Result};
use crate::odata::ODataError;
use crate::ratelimit::RateClass;
use crate::redact::Secrets;
use crate::retry::{is_retryable, parse_retry_after};
use reqwest::header::{
    HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, DATE, LOCATION, RETRY_AFTER, WWW_AUTHENTICATE,
};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::time::{Duration, SystemTime};
use tracing::Instrument;
use url::Url;

/// At most this many redirects are followed for one request.
const MAX_REDIRECTS: u32 = 5;

/// The bytes of an error body kept in [`HttpError::body`].
const ERROR_BODY_LIMIT: usize = 4096;

pub(crate) const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const RETRY_ATTEMPT: HeaderName = HeaderName::from_static("retry-attempt");
const AGS_DIAGNOSTIC: HeaderName = HeaderName::from_static("x-ms-ags-diagnostic");
pub(crate) const PREFER: HeaderName = HeaderName::from_static("prefer");
pub(crate) const PREFER_UNKNOWN_ENUMS: HeaderValue = HeaderValue::from_static("include-unknown-enum-members");

/// What a request carries to every page: its own headers and the limits it counts against.
#[derive(Debug, Clone)]
pub(crate) struct Call {
    pub(crate) headers: HeaderMap,
    pub(crate) rate: RateClass,
}

/// The outcome of one HTTP exchange.
enum Exchange {
    Done(bytes::Bytes),
    Redirect(Option<String>),
    Unauthorized(HttpError, Option<String>),
    Failed(HttpError),
}

/// Why an exchange (or reading a body) did not complete.
pub(crate) enum ExchangeError {
    /// Connecting, sending or reading the body failed.
    Transport(reqwest::Error),
    /// The body is larger than the limit (announced or received).
    TooLarge { content_length: Option<u64> },
}

impl From<reqwest::Error> for ExchangeError {
    fn from(error: reqwest::Error) -> Self {
        ExchangeError::Transport(error)
    }
}

/// Why an attempt may be retried.
enum Failure {
    Status(Box<HttpError>),
    Transport(reqwest::Error),
    /// A complete-looking body whose JSON ends early: cut off with the connection.
    Truncated(Error),
}

impl Inner {
    /// GETs `url`, retrying and following same-origin redirects, and decodes the body as `T`,
    /// naming the JSON path of a bad value.
    pub(crate) async fn get<T: DeserializeOwned>(&self, url: Url, call: &Call) -> Result<T> {
        self.get_then(url, call, Ok).await
    }

    /// [`get`](Self::get), then `then` on the value, for what the caller makes of the answer
    /// (paging follows its nextLink).
    ///
    /// The one redaction point of errors built from response data: whatever fails, the request
    /// or `then`, its error leaves here with every token the request sent cut out of its text
    /// ([`Secrets::redact`]), since a server may echo the token anywhere.
    pub(crate) async fn get_then<T: DeserializeOwned, R>(
        &self,
        url: Url,
        call: &Call,
        then: impl FnOnce(T) -> Result<R>,
    ) -> Result<R> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        // The URL is recorded once the token is known, redacted: a nextLink or redirect may carry
        // the token, and the trace must not.
        let span = tracing::info_span!(
            "graph.request",
            method = "GET",
            url = tracing::field::Empty,
            client_request_id = %client_request_id
        );
        let mut sent = Secrets::default();
        let result = self.get_in_span(url, call, &client_request_id, &mut sent).instrument(span).await;
        result.and_then(then).map_err(|error| sent.redact(error))
    }

    /// Every token it obtains is added to `sent` before it is sent.
    async fn get_in_span<T: DeserializeOwned>(
        &self,
        mut url: Url,
        call: &Call,
        client_request_id: &str,
        sent: &mut Secrets,
    ) -> Result<T> {
        let mut token = self.tokens.token_boxed(&TokenRequest::new(self.cloud)).await?;
        sent.add(&token);
        tracing::Span::current().record("url", tracing::field::display(sent.text(url.as_str())));
        let mut authorization = bearer(&token)?;
        let (mut attempts, mut retries, mut redirects) = (0u32, 0u32, 0u32);
        let mut waited = Duration::ZERO;
        let mut refreshed = false;
        loop {
            if let Some(limiter) = &self.limiter {
                limiter.acquire(&call.rate).await;
            }
            attempts += 1;
            let span = tracing::info_span!("graph.attempt", attempt = attempts, retry = retries);
            let exchange =
                self.exchange(&url, call, &authorization, client_request_id, retries, sent).instrument(span).await;
            let failure = match exchange {
                Ok(Exchange::Done(body)) => match graph_models::decode::<T>(&body) {
                    Ok(value) => return Ok(value),
                    Err(source) if source.source.classify() == serde_json::error::Category::Eof => {
                        Failure::Truncated(Error::Decode { url: url.to_string(), source })
                    }
                    Err(source) => return Err(Error::Decode { url: url.to_string(), source }),
                },
                Ok(Exchange::Redirect(location)) => {
                    url = self.redirect_target(&url, location)?;
                    redirects += 1;
                    if redirects > MAX_REDIRECTS {
                        return Err(Error::UnexpectedResponse(format!("more than {MAX_REDIRECTS} redirects")));
                    }
                    tracing::debug!(location = %sent.text(url.as_str()), "following a same-origin redirect");
                    continue;
                }
                Ok(Exchange::Unauthorized(error, challenge)) if !refreshed => {
                    refreshed = true;
                    let request = TokenRequest::new(self.cloud)
                        .with_rejected(token.clone())
                        .with_claims(challenge.as_deref().and_then(challenge_claims));
                    let fresh = self.tokens.token_boxed(&request).await?;
                    sent.add(&fresh);
                    if fresh == token {
                        return Err(Error::Http(Box::new(error)));
                    }
                    tracing::info!("401: retrying once with a refreshed token");
                    authorization = bearer(&fresh)?;
                    token = fresh;
                    continue;
                }
                Ok(Exchange::Unauthorized(error, _)) => return Err(Error::Http(Box::new(error))),
                Ok(Exchange::Failed(error)) if is_retryable(error.status) => Failure::Status(Box::new(error)),
                Ok(Exchange::Failed(error)) => return Err(Error::Http(Box::new(error))),
                Err(ExchangeError::TooLarge { content_length }) => {
                    return Err(Error::ResponseTooLarge {
                        url: url.to_string(),
                        limit: self.max_response_bytes,
                        content_length,
                    })
                }
                Err(ExchangeError::Transport(error)) if error.is_builder() => return Err(Error::Transport(error)),
                Err(ExchangeError::Transport(error)) => Failure::Transport(error),
            };
            retries += 1;
            let retry_after = match &failure {
                Failure::Status(error) => error.retry_after,
                Failure::Transport(_) | Failure::Truncated(_) => None,
            };
            let Some(delay) = self.retry.next_delay(retries, waited, retry_after) else {
                return Err(match failure {
                    Failure::Status(last) => Error::Throttled { attempts, retry_after, last },
                    Failure::Transport(error) => Error::Transport(error),
                    Failure::Truncated(error) => error,
                });
            };
            // Counted only when made: a failure past the budget is returned, not retried.
            self.retries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            match &failure {
                Failure::Status(error) => tracing::warn!(
                    retry = retries,
                    delay_ms = delay.as_millis() as u64,
                    status = error.status.as_u16(),
                    retry_after_ms = retry_after.map(|it| it.as_millis() as u64),
                    "retrying after a throttled or unavailable response"
                ),
                Failure::Transport(error) => tracing::warn!(
                    retry = retries,
                    delay_ms = delay.as_millis() as u64,
                    error = %sent.text(&error.to_string()),
                    "retrying after a transport error"
                ),
                Failure::Truncated(error) => tracing::warn!(
                    retry = retries,
                    delay_ms = delay.as_millis() as u64,
                    error = %sent.text(&error.to_string()),
                    "retrying after a body that ended early"
                ),
            }
            tokio::time::sleep(delay).await;
            waited += delay;
        }
    }

    /// One request and its response; `sent` holds the tokens sent so far, `authorization`'s
    /// included.
    async fn exchange(
        &self,
        url: &Url,
        call: &Call,
        authorization: &HeaderValue,
        client_request_id: &str,
        retries: u32,
        sent: &Secrets,
    ) -> Result<Exchange, ExchangeError> {
        let mut headers = call.headers.clone();
        headers.insert(AUTHORIZATION, authorization.clone());
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Ok(id) = HeaderValue::from_str(client_request_id) {
            headers.insert(CLIENT_REQUEST_ID, id);
        }
        if self.unknown_enum_members && !headers.get_all(PREFER).iter().any(|value| value == PREFER_UNKNOWN_ENUMS) {
            headers.append(PREFER, PREFER_UNKNOWN_ENUMS);
        }
        if retries > 0 {
            headers.insert(RETRY_ATTEMPT, HeaderValue::from(retries));
        }
        let response = self.http.get(url.clone()).headers(headers).send().await?;
        let status = response.status();
        let headers = response.headers().clone();
        // Headers are the server's text too: they may echo the token.
        let traced = |name| text_header(&headers, name).map(|value| sent.text(value));
        tracing::debug!(
            status = status.as_u16(),
            request_id = traced(&REQUEST_ID).as_deref(),
            date = traced(&DATE).as_deref(),
            ags_diagnostic = traced(&AGS_DIAGNOSTIC).as_deref(),
            "response"
        );
        if status.is_redirection() {
            return Ok(Exchange::Redirect(text_header(&headers, &LOCATION).map(str::to_owned)));
        }
        let body = read_body(response, self.max_response_bytes).await?;
        if status.is_success() {
            return Ok(Exchange::Done(body));
        }
        let error = http_error(status, url, &headers, &body, client_request_id, sent);
        Ok(match status {
            StatusCode::UNAUTHORIZED => {
                Exchange::Unauthorized(error, text_header(&headers, &WWW_AUTHENTICATE).map(str::to_owned))
            }
            _ => Exchange::Failed(error),
        })
    }

    /// Where a redirect leads, if it stays on the Graph root's origin.
    fn redirect_target(&self, from: &Url, location: Option<String>) -> Result<Url> {
        let location = location.ok_or_else(|| Error::UnexpectedResponse("a redirect without Location".into()))?;
        let target = from
            .join(&location)
            .map_err(|err| Error::UnexpectedResponse(format!("bad Location `{location}`: {err}")))?;
        self.check_origin(LinkKind::Redirect, &target)?;
        Ok(target)
    }
}

/// Reads a body chunk by chunk, stopping as soon as it passes `limit` bytes (after
/// decompression), and before reading when `Content-Length` announces more. A body that arrives
/// in one chunk is returned without a copy.
pub(crate) async fn read_body(mut response: reqwest::Response, limit: u64) -> Result<bytes::Bytes, ExchangeError> {
    let content_length = response.content_length();
    if content_length.is_some_and(|length| length > limit) {
        return Err(ExchangeError::TooLarge { content_length });
    }
    let mut single: Option<bytes::Bytes> = None;
    let mut joined = bytes::BytesMut::new();
    let mut received = 0u64;
    while let Some(chunk) = response.chunk().await? {
        received = received.saturating_add(chunk.len() as u64);
        if received > limit {
            return Err(ExchangeError::TooLarge { content_length });
        }
        if let Some(previous) = single.take() {
            // `content_length` is at most `limit` here; it only sizes the buffer.
            let expected = content_length.map_or(0, |length| length as usize);
            joined.reserve(expected.max(previous.len() + chunk.len()));
            joined.extend_from_slice(&previous);
            joined.extend_from_slice(&chunk);
        } else if joined.is_empty() {
            single = Some(chunk);
        } else {
            joined.extend_from_slice(&chunk);
        }
    }
    Ok(single.unwrap_or_else(|| joined.freeze()))
}

/// `Authorization: Bearer ...`, marked sensitive so that HTTP/2 never indexes it and no debug
/// output of the headers shows it.
fn bearer(token: &AccessToken) -> Result<HeaderValue> {
    let mut value = HeaderValue::from_str(&format!("Bearer {}", token.secret()))
        .map_err(|_| AuthError::InvalidResponse("the access token is not a valid header value".into()))?;
    value.set_sensitive(true);
    Ok(value)
}

fn text_header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}

fn http_error(
    status: StatusCode,
    url: &Url,
    headers: &HeaderMap,
    body: &[u8],
    client_request_id: &str,
    sent: &Secrets,
) -> HttpError {
    // The error is redacted as a whole on its way out (`Inner::get_then`); the body is redacted
    // here too, before it is cut to its limit, which could leave a token cut in two.
    let text = sent.text(&String::from_utf8_lossy(body)).into_owned();
    let error = ODataError::parse(text.as_bytes());
    let from_error = |get: fn(&ODataError) -> Option<&str>| error.as_ref().and_then(get).map(str::to_owned);
    let request_id =
        text_header(headers, &REQUEST_ID).map(str::to_owned).or_else(|| from_error(ODataError::request_id));
    let date = text_header(headers, &DATE).map(str::to_owned).or_else(|| from_error(ODataError::date));
    let retry_after = text_header(headers, &RETRY_AFTER).and_then(|value| parse_retry_after(value, SystemTime::now()));
    let mut body = text;
    if body.len() > ERROR_BODY_LIMIT {
        let end = (0..=ERROR_BODY_LIMIT).rev().find(|end| body.is_char_boundary(*end)).unwrap_or(0);
        body.truncate(end);
    }
    HttpError {
        status,
        kind: HttpErrorKind::from_status(status),
        url: url.to_string(),
        error,
        request_id,
        client_request_id: Some(client_request_id.to_owned()),
        date,
        retry_after,
        body,
    }
}

#[cfg(test)]
mod tests {
    use crate::error::{Error, LinkKind};
    use crate::GraphClient;
    use url::Url;

    /// A redirect from an https root may not lead to http on the same host, whatever the port;
    /// checked on the redirect logic itself, as an https test server would need a trusted
    /// certificate.
    #[test]
    fn an_https_root_refuses_redirects_that_downgrade_to_http() {
        let client = GraphClient::builder().base_url("https://127.0.0.1:8443").bearer_token("t").build().unwrap();
        let from = Url::parse("https://127.0.0.1:8443/v1.0/chats/a").unwrap();
        for location in [
            "http://127.0.0.1:8443/v1.0/chats/b",
            "http://127.0.0.1/v1.0/chats/b",
            "http://127.0.0.1:443/v1.0/chats/b",
            "//127.0.0.1:80/v1.0/chats/b", // https, but to port 80
        ] {
            match client.inner.redirect_target(&from, Some(location.to_owned())) {
                Err(Error::ForeignOrigin { link: LinkKind::Redirect, url }) => {
                    assert!(!url.starts_with("https://127.0.0.1:8443/"), "{url}")
                }
                other => panic!("{location} must be refused, got {other:?}"),
            }
        }
        let same = client.inner.redirect_target(&from, Some("/v1.0/chats/b".to_owned())).unwrap();
        assert_eq!(same.as_str(), "https://127.0.0.1:8443/v1.0/chats/b");
    }
}
