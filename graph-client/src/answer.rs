//! What a successful answer becomes (a [`Finish`]: JSON, bytes, or a stream of chunks), and what
//! an error answer becomes ([`HttpError`]), its server text scrubbed as it is read.

use crate::body::{read_limited, BodyError};
use crate::client::Inner;
use crate::error::{Error, HttpError, HttpErrorKind, Result};
use crate::retry::{is_retryable, parse_retry_after};
use crate::send::{text_header, Outcome, REQUEST_ID};
use graph_models::ODataError;
use reqwest::header::{HeaderMap, DATE, RETRY_AFTER, WWW_AUTHENTICATE};
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::marker::PhantomData;
use std::time::SystemTime;
use url::Url;

/// The bytes of an error body kept in [`HttpError::body`].
const ERROR_BODY_LIMIT: usize = 4096;

/// What a successful answer becomes.
pub(crate) trait Finish: Sync {
    type Output;
    /// The `Accept` header that asks for it.
    const ACCEPT: &'static str;
    fn finish(
        &self,
        inner: &Inner,
        url: &Url,
        response: reqwest::Response,
    ) -> impl std::future::Future<Output = Outcome<Self::Output>> + Send;
}

/// The body as JSON, at most `.0` bytes.
pub(crate) struct Json<T>(pub(crate) u64, pub(crate) PhantomData<fn() -> T>);

/// The body's bytes, at most `.0` of them.
pub(crate) struct Raw(pub(crate) u64);

/// The body as a stream of chunks, at most `.0` bytes in all.
pub(crate) struct Open(pub(crate) u64);

/// A body as it arrives, size-bounded: chunks, then at most one error.
pub type ByteStream = futures::stream::BoxStream<'static, Result<bytes::Bytes>>;

impl<T: DeserializeOwned> Finish for Json<T> {
    type Output = T;
    const ACCEPT: &'static str = "application/json";
    async fn finish(&self, inner: &Inner, url: &Url, response: reqwest::Response) -> Outcome<T> {
        match inner.read(url, response, self.0).await {
            Ok(body) => inner.decoded(url, &body),
            Err(outcome) => outcome,
        }
    }
}

impl Finish for Raw {
    type Output = bytes::Bytes;
    const ACCEPT: &'static str = "*/*";
    async fn finish(&self, inner: &Inner, url: &Url, response: reqwest::Response) -> Outcome<bytes::Bytes> {
        match inner.read(url, response, self.0).await {
            Ok(body) => Outcome::Done(body),
            Err(outcome) => outcome,
        }
    }
}

impl Finish for Open {
    type Output = ByteStream;
    const ACCEPT: &'static str = "*/*";
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

impl Inner {
    /// A body, at most `limit` bytes; one cut short is worth a retry.
    pub(crate) async fn read<T>(
        &self,
        url: &Url,
        response: reqwest::Response,
        limit: u64,
    ) -> Result<bytes::Bytes, Outcome<T>> {
        read_limited(response, limit).await.map_err(|error| match error {
            BodyError::Transport(error) => Outcome::Retry(Error::Transport(self.scrub.transport(error))),
            BodyError::TooLarge { content_length } => {
                let url = self.scrub.text(url.as_str()).into_owned();
                Outcome::Fail(Error::ResponseTooLarge { url, limit, content_length })
            }
        })
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

    /// An error answer: a 401 (with its challenge, worth one fresh token), a status worth a retry
    /// (429, 503, 504), or final.
    pub(crate) async fn error_answer<T>(&self, response: reqwest::Response, client_request_id: &str) -> Outcome<T> {
        let (status, headers, url) = (response.status(), response.headers().clone(), response.url().clone());
        let body = match self.read(&url, response, self.settings.max_response_bytes).await {
            Ok(body) => body,
            Err(outcome) => return outcome,
        };
        let error = Box::new(self.http_error(status, &url, &headers, &body, client_request_id));
        match status {
            StatusCode::UNAUTHORIZED => {
                Outcome::Unauthorized(error, text_header(&headers, &WWW_AUTHENTICATE).map(str::to_owned))
            }
            status if is_retryable(status) => Outcome::Retry(Error::Http(error)),
            _ => Outcome::Fail(Error::Http(error)),
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
