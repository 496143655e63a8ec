//! One logical request: an attempt that returns one classified [`Outcome`], and one retry loop
//! around it. A body cut short is retried like a connection failure. Reads are `GET`s; the
//! subscription calls (`POST`, `PATCH`, `DELETE`) go the same way, retried on 429/503/504 as the
//! SDKs retry them and on failures to connect, but not once they may have reached the service.

use crate::answer::{ByteStream, Finish, Json, Open, Raw};
use crate::auth::{challenge_claims, AccessToken, TokenRequest};
use crate::client::{Inner, RefusedRedirect};
use crate::error::{AuthError, Error, HttpError, LinkKind, Result};
use crate::ratelimit::Limit;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue, ACCEPT, AUTHORIZATION, DATE, LOCATION};
use reqwest::Method;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::time::Duration;
use tracing::Instrument;
use url::Url;

pub(crate) const CLIENT_REQUEST_ID: HeaderName = HeaderName::from_static("client-request-id");
pub(crate) const REQUEST_ID: HeaderName = HeaderName::from_static("request-id");
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

/// How one attempt ended.
pub(crate) enum Outcome<T> {
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
        self.fetch(url, call, (Method::GET, None), Json::<T>(limit, PhantomData)).await
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
        self.fetch(url, call, (method, Some(payload)), Json::<T>(limit, PhantomData)).await
    }

    /// Sends `method` without a payload and returns the answer's bytes (a `DELETE`'s, say).
    pub(crate) async fn send_for_bytes(&self, method: Method, url: &Url, call: &Call) -> Result<bytes::Bytes> {
        let limit = self.settings.max_response_bytes;
        self.fetch(url, call, (method, None), Raw(limit)).await
    }

    /// GETs `url` and returns the body's bytes, at most `limit` of them, retrying as [`get`] does
    /// (a body cut short included).
    pub(crate) async fn get_bytes(&self, url: &Url, call: &Call, limit: u64) -> Result<bytes::Bytes> {
        self.fetch(url, call, (Method::GET, None), Raw(limit)).await
    }

    /// GETs `url` and returns its body as a stream of chunks, at most `limit` bytes in all. The
    /// request is retried until it is answered; the body, once it flows, is not.
    pub(crate) async fn get_stream(&self, url: &Url, call: &Call, limit: u64) -> Result<ByteStream> {
        self.fetch(url, call, (Method::GET, None), Open(limit)).await
    }

    /// The retry loop around attempts that send `method` (with `payload`, JSON), whose successful
    /// answers `finish` turns into its output.
    async fn fetch<F: Finish>(
        &self,
        url: &Url,
        call: &Call,
        (method, payload): (Method, Option<bytes::Bytes>),
        finish: F,
    ) -> Result<F::Output> {
        let client_request_id = uuid::Uuid::new_v4().to_string();
        let span = tracing::info_span!(
            "graph.request",
            method = %method,
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
                let outcome = self.attempt(url, call, &session, (&method, &payload), &finish).instrument(span).await;
                match retried_only_if_unsent(&method, outcome) {
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
        (method, payload): (&Method, &Option<bytes::Bytes>),
        finish: &F,
    ) -> Outcome<F::Output> {
        if let Some(limiter) = &self.limiter {
            limiter.acquire(&call.limits).await;
        }
        let headers = self.headers(call, session, F::ACCEPT);
        let mut request = self.http.request(method.clone(), url.clone()).headers(headers);
        if let Some(payload) = payload {
            request = request.header(reqwest::header::CONTENT_TYPE, "application/json").body(payload.clone());
        }
        let response = match request.send().await {
            Ok(response) => response,
            Err(error) => return self.send_failure(error),
        };
        let (status, answered) = (response.status(), response.url().clone());
        let traced =
            |name: &HeaderName| text_header(response.headers(), name).map(|value| self.scrub.text(value).into_owned());
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
        self.error_answer(response, &session.client_request_id).await
    }

    /// The headers of one attempt: the request's, and the client's own.
    fn headers(&self, call: &Call, session: &Session, accept: &'static str) -> HeaderMap {
        let mut headers = call.headers.clone();
        headers.insert(AUTHORIZATION, session.authorization.clone());
        headers.insert(ACCEPT, HeaderValue::from_static(accept));
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

/// A header's value, if it is text.
pub(crate) fn text_header<'a>(headers: &'a HeaderMap, name: &HeaderName) -> Option<&'a str> {
    headers.get(name).and_then(|value| value.to_str().ok())
}
