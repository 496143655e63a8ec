//! One logical request: an attempt that returns one classified [`Outcome`], and one retry loop
//! around it. A body cut short is retried like a connection failure. Reads are `GET`s; the
//! subscription calls (`POST`, `PATCH`, `DELETE`) go the same way, retried on 429/503/504 as the
//! SDKs retry them and on failures to connect, but not once they may have reached the service.

use crate::auth::{challenge_claims, AccessToken, TokenRequest};
use crate::body::{read_limited, BodyError};
use crate::client::{Inner, RefusedRedirect};
use crate::error::{AuthError, Error, HttpError, HttpErrorKind, LinkKind, Result};
use crate::ratelimit::Limit;
use crate::retry::{is_retryable, parse_retry_after};
use graph_models::ODataError;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, DATE, LOCATION, RETRY_AFTER};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::time::{Duration, SystemTime};
use tracing::Instrument;
use url::Url;

/// The bytes of an error body kept in [`HttpError::body`].
const ERROR_BODY_LIMIT: usize = 4096;

pub(crate) const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
const RETRY_ATTEMPT: HeaderName = HeaderName::from_static("retry-attempt");
const AGS_DIAGNOSTIC: HeaderName = HeaderName::from_static("x-ms-ags-diagnostic");
pub(crate) const PREFER: HeaderName = HeaderName::from_static("prefer");
pub(crate) const PREFER_UNKNOWN_ENUMS: HeaderValue = HeaderValue::from_static("include-unknown-enum-members");

/// What a request carries to every page: its own headers and the limits it counts against.
#[derive(Debug, Clone, Default)]
pub(crate) struct Call {
    pub(crate) headers: HeaderMap,
    pub(crate) limits: Vec<Limit>,
}

/// What one request sends, and whether it asks for JSON.
#[derive(Debug, Clone)]
struct Body {
    method: Method,
    payload: Option<bytes::Bytes>,
    json: bool,
}

impl Body {
    fn get(json: bool) -> Self {
        Body { method: Method::GET, payload: None, json }
    }
}

/// What a successful answer becomes.
trait Finish: Sync {
    type Output;
    fn finish(
        &self,
        inner: &Inner,
        url: &Url,
        response: reqwest::Response,
    ) -> impl std::future::Future<Output = Outcome<Self::Output>> + Send;
}

/// The body as JSON, at most `.0` bytes.
struct Json<T>(u64, PhantomData<fn() -> T>);

/// The body's bytes, at most `.0` of them.
struct Raw(u64);

/// The body as a stream of chunks, at most `.0` bytes in all.
struct Open(u64);

/// A body as it arrives, size-bounded: chunks, then at most one error.
pub type ByteStream = futures::stream::BoxStream<'static, Result<bytes::Bytes>>;

impl<T: DeserializeOwned> Finish for Json<T> {
    type Output = T;
    async fn finish(&self, inner: &Inner, url: &Url, response: reqwest::Response) -> Outcome<T> {
        match inner.read(url, response, self.0).await {
            Ok(body) => inner.decoded(url, &body),
            Err(outcome) => outcome,
        }
    }
}

impl Finish for Raw {
    type Output = bytes::Bytes;
    async fn finish(&self, inner: &Inner, url: &Url, response: reqwest::Response) -> Outcome<bytes::Bytes> {
        match inner.read(url, response, self.0).await {
            Ok(body) => Outcome::Done(body),
            Err(outcome) => outcome,
        }
    }
}

impl Finish for Open {
    type Output = ByteStream;
    async fn finish(&self, inner: &Inner, url: &Url, response: reqwest::Response) -> Outcome<ByteStream> {
        let limit = self.0;
        let shown = inner.scrub.text(url.as_str()).into_owned();
        let content_length = response.content_length();
        if content_length.is_some_and(|length| length > limit) {
            return Outcome::Fail(Error::ResponseTooLarge { url: shown, limit, content_length });
        }
        let chunks = futures::stream::unfold((response, 0u64, false), move |(mut response, received, done)| {
            let shown = shown.clone();
            async move {
                if done {
                    return None;
                }
                match response.chunk().await {
                    Ok(None) => None,
                    Ok(Some(chunk)) if received + chunk.len() as u64 > limit => {
                        let error = Error::ResponseTooLarge { url: shown, limit, content_length };
                        Some((Err(error), (response, received, true)))
                    }
                    Ok(Some(chunk)) => {
                        let received = received + chunk.len() as u64;
                        Some((Ok(chunk), (response, received, false)))
                    }
                    // Without its URL, which may carry a token: the caller knows which it asked for.
                    Err(error) => Some((Err(Error::Transport(error.without_url())), (response, received, true))),
                }
            }
        });
        Outcome::Done(Box::pin(chunks))
    }
}

/// How one attempt ended.
enum Outcome<T> {
    /// The value.
    Done(T),
    /// A 401: worth one more try with a fresh token.
    Unauthorized(Box<HttpError>, Option<String>),
    /// Worth retrying after a while: 429, 503, 504, a transport failure, a body cut short. The
    /// error is what the caller gets when the retry budget is spent.
    Retry(Error),
    /// Final.
    Fail(Error),
}

/// What one request has used so far: its token and its retry budget.
struct Session {
    client_request_id: String,
    token: AccessToken,
    authorization: HeaderValue,
    attempts: u32,
    retries: u32,
    waited: Duration,
    refreshed: bool,
}

impl Inner {
    /// GETs `url` and decodes the body as `T`, retrying and following same-origin redirects.
    pub(crate) async fn get<T: DeserializeOwned>(&self, url: &Url, call: &Call) -> Result<T> {
        let limit = self.settings.max_response_bytes;
        self.fetch(url, call, Body::get(true), Json::<T>(limit, PhantomData)).await
    }

    /// Sends `payload` (JSON) with `method` and decodes the answer as `T`.
    pub(crate) async fn send_json<T: DeserializeOwned>(
        &self,
        method: Method,
        url: &Url,
        call: &Call,
        payload: bytes::Bytes,
    ) -> Result<T> {
        let limit = self.settings.max_response_bytes;
        self.fetch(url, call, Body { method, payload: Some(payload), json: true }, Json::<T>(limit, PhantomData)).await
    }

    /// Sends `method` without a payload and returns the answer's bytes (a `DELETE`'s, say).
    pub(crate) async fn send_for_bytes(&self, method: Method, url: &Url, call: &Call) -> Result<bytes::Bytes> {
        let limit = self.settings.max_response_bytes;
        self.fetch(url, call, Body { method, payload: None, json: true }, Raw(limit)).await
    }

    /// GETs `url` and returns the body's bytes, at most `limit` of them, retrying as [`get`] does
    /// (a body cut short included).
    pub(crate) async fn get_bytes(&self, url: &Url, call: &Call, limit: u64) -> Result<bytes::Bytes> {
        self.fetch(url, call, Body::get(false), Raw(limit)).await
    }

    /// GETs `url` and returns its body as a stream of chunks, at most `limit` bytes in all. The
    /// request is retried until it is answered; the body, once it flows, is not.
    pub(crate) async fn get_stream(&self, url: &Url, call: &Call, limit: u64) -> Result<ByteStream> {
        self.fetch(url, call, Body::get(false), Open(limit)).await
    }

    /// The retry loop around attempts whose successful answers `finish` turns into its output.
    async fn fetch<F: Finish>(&self, url: &Url, call: &Call, body: Body, finish: F) -> Result<F::Output> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let span = tracing::info_span!(
            "graph.request",
            method = %body.method,
            url = %self.scrub.text(url.as_str()),
            client_request_id = %client_request_id
        );
        async move {
            let token = self.token(&TokenRequest::new(self.settings.cloud)).await?;
            let authorization = bearer(&token)?;
            let mut session = Session {
                client_request_id,
                token,
                authorization,
                attempts: 0,
                retries: 0,
                waited: Duration::ZERO,
                refreshed: false,
            };
            loop {
                session.attempts += 1;
                let span = tracing::info_span!("graph.attempt", attempt = session.attempts, retry = session.retries);
                let outcome = self.attempt(url, call, &session, &body, &finish).instrument(span).await;
                match retried_only_if_unsent(&body.method, outcome) {
                    Outcome::Done(value) => return Ok(value),
                    Outcome::Fail(error) => return Err(error),
                    Outcome::Unauthorized(error, challenge) => self.refresh(&mut session, error, challenge).await?,
                    Outcome::Retry(failure) => self.wait(&mut session, failure).await?,
                }
            }
        }
        .instrument(span)
        .await
    }

    /// A token from the provider, remembered so that its echo can be cut out of what comes back.
    async fn token(&self, request: &TokenRequest) -> Result<AccessToken> {
        let token = self.tokens.token_boxed(request).await.map_err(|error| self.scrub.auth(error))?;
        self.scrub.remember(&token);
        Ok(token)
    }

    /// After a 401: one fresh token, unless the provider gives the same one again.
    async fn refresh(&self, session: &mut Session, error: Box<HttpError>, challenge: Option<String>) -> Result<()> {
        if session.refreshed {
            return Err(Error::Http(error));
        }
        session.refreshed = true;
        let request = TokenRequest::new(self.settings.cloud)
            .with_rejected(session.token.clone())
            .with_claims(challenge.as_deref().and_then(challenge_claims));
        let fresh = self.token(&request).await?;
        if fresh == session.token {
            return Err(Error::Http(error));
        }
        tracing::info!("401: retrying once with a refreshed token");
        session.authorization = bearer(&fresh)?;
        session.token = fresh;
        Ok(())
    }

    /// Waits before the next attempt, or gives up when the policy's budget is spent.
    async fn wait(&self, session: &mut Session, failure: Error) -> Result<()> {
        session.retries += 1;
        let retry_after = failure.http().and_then(|error| error.retry_after);
        let Some(delay) = self.settings.retry.next_delay(session.retries, session.waited, retry_after) else {
            return Err(match failure {
                Error::Http(last) => Error::Throttled { attempts: session.attempts, retry_after, last },
                other => other,
            });
        };
        // Counted only when made: a failure past the budget is returned, not retried.
        self.retries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let (cause, status) = match &failure {
            Error::Http(error) => ("a throttled or unavailable response".to_owned(), Some(error.status.as_u16())),
            Error::Transport(error) => (format!("a transport error: {error}"), None),
            other => (format!("a body that ended early: {other}"), None),
        };
        let delay_ms = delay.as_millis() as u64;
        tracing::warn!(retry = session.retries, delay_ms, status, "retrying after {cause}");
        tokio::time::sleep(delay).await;
        session.waited += delay;
        Ok(())
    }

    /// One request and its response, classified.
    async fn attempt<F: Finish>(
        &self,
        url: &Url,
        call: &Call,
        session: &Session,
        body_kind: &Body,
        finish: &F,
    ) -> Outcome<F::Output> {
        if let Some(limiter) = &self.limiter {
            limiter.acquire(&call.limits).await;
        }
        let mut request = self.http.request(body_kind.method.clone(), url.clone()).headers(self.headers(
            call,
            session,
            body_kind.json,
        ));
        if let Some(payload) = &body_kind.payload {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(payload.clone());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return self.send_failure(error),
        };
        let (status, headers, answered) = (response.status(), response.headers().clone(), response.url().clone());
        let traced = |name: &HeaderName| text_header(&headers, name).map(|value| self.scrub.text(value).into_owned());
        let (request_id, date, diagnostic) = (traced(&REQUEST_ID), traced(&DATE), traced(&AGS_DIAGNOSTIC));
        tracing::debug!(
            status = status.as_u16(),
            request_id = request_id.as_deref(),
            date = date.as_deref(),
            ags_diagnostic = diagnostic.as_deref(),
            "response"
        );
        if status.is_redirection() {
            // The policy follows every same-origin redirect it can; this one it could not.
            return Outcome::Fail(Error::UnexpectedResponse(match traced(&LOCATION) {
                None => "a redirect without Location".to_owned(),
                Some(location) => format!("bad Location `{location}`: not a URL"),
            }));
        }
        if status.is_success() {
            return finish.finish(self, &answered, response).await;
        }
        let body = match self.read(&answered, response, self.settings.max_response_bytes).await {
            Ok(body) => body,
            Err(outcome) => return outcome,
        };
        let error = Box::new(self.http_error(status, &answered, &headers, &body, &session.client_request_id));
        match status {
            StatusCode::UNAUTHORIZED => Outcome::Unauthorized(
                error,
                text_header(&headers, &reqwest::header::WWW_AUTHENTICATE).map(str::to_owned),
            ),
            status if is_retryable(status) => Outcome::Retry(Error::Http(error)),
            _ => Outcome::Fail(Error::Http(error)),
        }
    }

    /// A body, at most `limit` bytes; one cut short is worth a retry.
    async fn read<T>(&self, url: &Url, response: reqwest::Response, limit: u64) -> Result<bytes::Bytes, Outcome<T>> {
        read_limited(response, limit).await.map_err(|error| match error {
            BodyError::Transport(error) => Outcome::Retry(Error::Transport(self.scrub.transport(error))),
            BodyError::TooLarge { content_length } => {
                let url = self.scrub.text(url.as_str()).into_owned();
                Outcome::Fail(Error::ResponseTooLarge { url, limit, content_length })
            }
        })
    }

    /// The headers of one attempt: the request's, and the client's own.
    fn headers(&self, call: &Call, session: &Session, json: bool) -> HeaderMap {
        let mut headers = call.headers.clone();
        headers.insert(AUTHORIZATION, session.authorization.clone());
        headers.insert(ACCEPT, HeaderValue::from_static(if json { "application/json" } else { "*/*" }));
        if let Ok(id) = HeaderValue::from_str(&session.client_request_id) {
            headers.insert(CLIENT_REQUEST_ID, id);
        }
        if self.settings.unknown_enum_members
            && !headers.get_all(PREFER).iter().any(|value| value == PREFER_UNKNOWN_ENUMS)
        {
            headers.append(PREFER, PREFER_UNKNOWN_ENUMS);
        }
        if session.retries > 0 {
            headers.insert(RETRY_ATTEMPT, HeaderValue::from(session.retries));
        }
        headers
    }

    /// A request that got no response: a refused redirect, a bad request, or a transport failure.
    fn send_failure<T>(&self, error: reqwest::Error) -> Outcome<T> {
        let refused = std::error::Error::source(&error).and_then(|it| it.downcast_ref::<RefusedRedirect>());
        match refused {
            Some(RefusedRedirect::ForeignOrigin(target)) => Outcome::Fail(Error::ForeignOrigin {
                link: LinkKind::Redirect,
                url: self.scrub.text(target.as_str()).into_owned(),
            }),
            Some(RefusedRedirect::TooMany(max)) => {
                Outcome::Fail(Error::UnexpectedResponse(format!("more than {max} redirects")))
            }
            None if error.is_builder() => Outcome::Fail(Error::Transport(self.scrub.transport(error))),
            None => Outcome::Retry(Error::Transport(self.scrub.transport(error))),
        }
    }

    /// The value of a success body; a JSON text that ends early was cut off with the connection.
    fn decoded<T: DeserializeOwned>(&self, url: &Url, body: &[u8]) -> Outcome<T> {
        match graph_models::decode::<T>(body) {
            Ok(value) => Outcome::Done(value),
            Err(source) => {
                let truncated = source.source.classify() == serde_json::error::Category::Eof;
                let error = Error::Decode {
                    url: self.scrub.text(url.as_str()).into_owned(),
                    source: self.scrub.decode(source),
                };
                if truncated {
                    Outcome::Retry(error)
                } else {
                    Outcome::Fail(error)
                }
            }
        }
    }

    /// The error answer, its server texts scrubbed as they are read.
    fn http_error(
        &self,
        status: StatusCode,
        url: &Url,
        headers: &HeaderMap,
        body: &[u8],
        client_request_id: &str,
    ) -> HttpError {
        let error = serde_json::from_slice(body).ok().and_then(|mut value| {
            self.scrub.value(&mut value);
            ODataError::from_value(&value)
        });
        let header = |name| text_header(headers, name).map(|value| self.scrub.text(value).into_owned());
        let from_error = |get: fn(&ODataError) -> Option<&str>| error.as_ref().and_then(get).map(str::to_owned);
        let mut body = self.scrub.text(&String::from_utf8_lossy(body)).into_owned();
        if body.len() > ERROR_BODY_LIMIT {
            let end = (0..=ERROR_BODY_LIMIT).rev().find(|end| body.is_char_boundary(*end)).unwrap_or(0);
            body.truncate(end);
        }
        HttpError {
            status,
            kind: HttpErrorKind::from_status(status),
            url: self.scrub.text(url.as_str()).into_owned(),
            request_id: header(&REQUEST_ID).or_else(|| from_error(ODataError::request_id)),
            date: header(&DATE).or_else(|| from_error(ODataError::date)),
            retry_after: text_header(headers, &RETRY_AFTER)
                .and_then(|value| parse_retry_after(value, SystemTime::now())),
            client_request_id: Some(client_request_id.to_owned()),
            error,
            body,
        }
    }
}

/// A write the service may have acted on is not sent again: for anything but a `GET`, only
/// 429/503/504 answers and failures to connect are retried. A connection dropped after sending,
/// or an answer cut short, is returned instead, since a second `POST` could create a second
/// subscription and a second `DELETE` fail on what the first did.
fn retried_only_if_unsent<T>(method: &Method, outcome: Outcome<T>) -> Outcome<T> {
    match outcome {
        Outcome::Retry(error) if method != Method::GET && !unsent(&error) => Outcome::Fail(error),
        other => other,
    }
}

/// Whether a retried failure left the request unprocessed: a throttling or unavailable answer,
/// or no connection at all.
fn unsent(error: &Error) -> bool {
    match error {
        Error::Http(_) => true,
        Error::Transport(error) => error.is_connect(),
        _ => false,
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
