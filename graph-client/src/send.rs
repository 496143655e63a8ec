//! Sending one logical `GET`: token, headers, retries with backoff, one token refresh on 401,
//! same-origin redirects only, and typed errors.

use crate::auth::{challenge_claims, AccessToken, TokenRequest};
use crate::client::Inner;
use crate::error::{AuthError, Error, HttpError, HttpErrorKind, LinkKind, Result};
use crate::odata::ODataError;
use crate::ratelimit::RateClass;
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

/// Why an attempt may be retried.
enum Failure {
    Status(Box<HttpError>),
    Transport(reqwest::Error),
}

impl Inner {
    /// GETs `url` and decodes the body as `T`, naming the JSON path of a bad value.
    pub(crate) async fn get<T: DeserializeOwned>(&self, url: Url, call: &Call) -> Result<T> {
        let (url, body) = self.fetch(url, call).await?;
        graph_models::decode(&body).map_err(|source| Error::Decode { url: url.to_string(), source })
    }

    /// GETs `url`, retrying and following same-origin redirects; returns the final URL and body.
    async fn fetch(&self, url: Url, call: &Call) -> Result<(Url, bytes::Bytes)> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let span =
            tracing::info_span!("graph.request", method = "GET", url = %url, client_request_id = %client_request_id);
        self.fetch_in_span(url, call, &client_request_id).instrument(span).await
    }

    async fn fetch_in_span(&self, mut url: Url, call: &Call, client_request_id: &str) -> Result<(Url, bytes::Bytes)> {
        let mut token = self.tokens.token_boxed(&TokenRequest::new(self.cloud)).await?;
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
            let exchange = self.exchange(&url, call, &authorization, client_request_id, retries).instrument(span).await;
            let failure = match exchange {
                Ok(Exchange::Done(body)) => return Ok((url, body)),
                Ok(Exchange::Redirect(location)) => {
                    url = self.redirect_target(&url, location)?;
                    redirects += 1;
                    if redirects > MAX_REDIRECTS {
                        return Err(Error::UnexpectedResponse(format!("more than {MAX_REDIRECTS} redirects")));
                    }
                    tracing::debug!(location = %url, "following a same-origin redirect");
                    continue;
                }
                Ok(Exchange::Unauthorized(error, challenge)) if !refreshed => {
                    refreshed = true;
                    let request = TokenRequest::new(self.cloud)
                        .with_rejected(token.clone())
                        .with_claims(challenge.as_deref().and_then(challenge_claims));
                    let fresh = self.tokens.token_boxed(&request).await?;
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
                Err(error) if error.is_builder() => return Err(Error::Transport(error)),
                Err(error) => Failure::Transport(error),
            };
            retries += 1;
            self.retries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let retry_after = match &failure {
                Failure::Status(error) => error.retry_after,
                Failure::Transport(_) => None,
            };
            let Some(delay) = self.retry.next_delay(retries, waited, retry_after) else {
                return Err(match failure {
                    Failure::Status(last) => Error::Throttled { attempts, retry_after, last },
                    Failure::Transport(error) => Error::Transport(error),
                });
            };
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
                    error = %error,
                    "retrying after a transport error"
                ),
            }
            tokio::time::sleep(delay).await;
            waited += delay;
        }
    }

    /// One request and its response.
    async fn exchange(
        &self,
        url: &Url,
        call: &Call,
        authorization: &HeaderValue,
        client_request_id: &str,
        retries: u32,
    ) -> Result<Exchange, reqwest::Error> {
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
        tracing::debug!(
            status = status.as_u16(),
            request_id = text_header(&headers, &REQUEST_ID),
            date = text_header(&headers, &DATE),
            ags_diagnostic = text_header(&headers, &AGS_DIAGNOSTIC),
            "response"
        );
        if status.is_success() {
            return Ok(Exchange::Done(response.bytes().await?));
        }
        if status.is_redirection() {
            return Ok(Exchange::Redirect(text_header(&headers, &LOCATION).map(str::to_owned)));
        }
        let body = response.bytes().await?;
        let secret = authorization.to_str().ok().and_then(|value| value.strip_prefix("Bearer ")).unwrap_or_default();
        let error = http_error(status, url, &headers, &body, client_request_id, secret);
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
        if target.origin() != self.origin {
            return Err(Error::ForeignOrigin { link: LinkKind::Redirect, url: target.to_string() });
        }
        Ok(target)
    }
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
    secret: &str,
) -> HttpError {
    // A body that echoes the request must not carry the token into an error.
    let mut text = String::from_utf8_lossy(body).into_owned();
    if !secret.is_empty() {
        text = text.replace(secret, "<redacted>");
    }
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
