//! Cutting the access tokens a request sent out of the errors built from what came back.
//!
//! A server may echo the token anywhere: in an error body, a JSON value that fails to decode, a
//! nextLink or redirect `Location`, a header. Rather than guard every place that turns response
//! data into an [`Error`], every error that comes out of a request passes through
//! [`Secrets::redact`] once, on its way out (see `Inner::get_then`). `redact` walks every text an
//! error holds (the URL of a transport error, the serde message of a decode error, a custom
//! provider's whole error chain included), with exhaustive matches and destructuring, so that a
//! new variant or field cannot be forgotten, and replaces each token by `<redacted>`; the rest of
//! the text (the JSON path of a decode error, the origin of a refused link) stays as it was.
//! The traces of a request pass what they show of the server's text (the URL, headers, a
//! redirect target, a retried error) through [`Secrets::text`] the same way.

use crate::auth::AccessToken;
use crate::error::{AuthError, Error, HttpError, TokenEndpointError};
use crate::odata::{InnerError, ODataError, ODataErrorDetail};
use graph_models::DecodeError;
use serde::de::Error as _;
use serde_json::{Map, Value};
use std::borrow::Cow;
use std::fmt;
use url::Url;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// The tokens one request sent, in every form they can take in an error's text: as sent, and as
/// `Debug` shows them inside a quoted string (which is how serde quotes a bad value). Bearer
/// tokens are made of characters that neither `Debug` nor URL serialisation escape, so for them
/// both forms are the same.
#[derive(Default)]
pub(crate) struct Secrets {
    forms: Vec<String>,
}

impl Secrets {
    /// Adds the secret of `token` (an empty one is nothing to hide).
    pub(crate) fn add(&mut self, token: &AccessToken) {
        let secret = token.secret();
        if secret.is_empty() {
            return;
        }
        for form in [secret.to_owned(), secret.escape_debug().to_string()] {
            if !self.forms.contains(&form) {
                self.forms.push(form);
            }
        }
    }

    fn shows_in(&self, text: &str) -> bool {
        self.forms.iter().any(|form| text.contains(form.as_str()))
    }

    /// `text` with every secret replaced by `<redacted>`; borrowed when there was none.
    pub(crate) fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        if !self.shows_in(text) {
            return Cow::Borrowed(text);
        }
        let mut clean = text.to_owned();
        for form in &self.forms {
            clean = clean.replace(form.as_str(), REDACTED);
        }
        Cow::Owned(clean)
    }

    /// `error`, with every secret cut out of every text it holds, its sources' included.
    pub(crate) fn redact(&self, mut error: Error) -> Error {
        if !self.forms.is_empty() {
            self.error(&mut error);
        }
        error
    }

    fn string(&self, text: &mut String) {
        let clean = match self.text(text) {
            Cow::Owned(clean) => clean,
            Cow::Borrowed(_) => return,
        };
        *text = clean;
    }

    fn option(&self, text: &mut Option<String>) {
        if let Some(text) = text {
            self.string(text);
        }
    }

    fn error(&self, error: &mut Error) {
        match error {
            Error::InvalidRequest(text) | Error::Config(text) | Error::UnexpectedResponse(text) => self.string(text),
            Error::Auth(error) => self.auth(error),
            Error::Transport(error) => self.transport(error),
            Error::Http(error) | Error::Throttled { last: error, attempts: _, retry_after: _ } => self.http(error),
            Error::Decode { url, source } => {
                self.string(url);
                self.decode(source);
            }
            Error::ForeignOrigin { link: _, url }
            | Error::NextLinkLoop { url }
            | Error::ResponseTooLarge { url, limit: _, content_length: _ }
            | Error::TooManyEmptyPages { url, pages: _ } => self.string(url),
        }
    }

    fn auth(&self, error: &mut AuthError) {
        match error {
            AuthError::MissingVariable(_) => {}
            AuthError::Config(text) | AuthError::InvalidResponse(text) => self.string(text),
            AuthError::Transport(error) => self.transport(error),
            AuthError::Rejected(error) => {
                let TokenEndpointError { status: _, error, description, error_codes: _, trace_id, correlation_id } =
                    &mut **error;
                self.string(error);
                self.string(description);
                self.option(trace_id);
                self.option(correlation_id);
            }
            AuthError::Provider(error) => {
                // Foreign error types cannot be edited: one whose text shows a secret is replaced
                // by its redacted text (the types of its chain are lost, the words are not).
                let (display, debug) = (chain(&**error), format!("{error:?}"));
                if self.shows_in(&display) || self.shows_in(&debug) {
                    let display = self.text(&display).into_owned();
                    let debug = self.text(&debug).into_owned();
                    *error = Box::new(Redacted { display, debug });
                }
            }
        }
    }

    /// A transport error names the URL it was sending to.
    fn transport(&self, error: &mut reqwest::Error) {
        if let Some(url) = error.url_mut() {
            if self.shows_in(url.as_str()) {
                // `<redacted>` is percent-encoded in a URL; a secret in the host makes the URL
                // unparsable once redacted, and then none is left.
                let redacted = Url::parse(&self.text(url.as_str())).or_else(|_| Url::parse("redacted:"));
                *url = redacted.expect("`redacted:` is a URL");
            }
        }
    }

    fn http(&self, error: &mut HttpError) {
        let HttpError { status: _, kind: _, url, error, request_id, client_request_id, date, retry_after: _, body } =
            error;
        self.string(url);
        if let Some(error) = error {
            self.odata(error);
        }
        self.option(request_id);
        self.option(client_request_id);
        self.option(date);
        self.string(body);
    }

    fn odata(&self, error: &mut ODataError) {
        let ODataError { code, message, target, details, inner_error } = error;
        self.string(code);
        self.string(message);
        self.option(target);
        for ODataErrorDetail { code, message, target } in details {
            self.string(code);
            self.string(message);
            self.option(target);
        }
        let mut inner = inner_error.as_mut();
        while let Some(InnerError {
            code,
            message,
            request_id,
            client_request_id,
            date,
            odata_type,
            inner_error,
            additional_properties,
        }) = inner
        {
            for text in [code, message, request_id, client_request_id, date, odata_type] {
                self.option(text);
            }
            self.map(additional_properties);
            inner = inner_error.as_deref_mut();
        }
    }

    fn value(&self, value: &mut Value) {
        match value {
            Value::String(text) => self.string(text),
            Value::Array(values) => values.iter_mut().for_each(|value| self.value(value)),
            Value::Object(map) => self.map(map),
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    fn map(&self, map: &mut Map<String, Value>) {
        if map.keys().any(|key| self.shows_in(key)) {
            *map = std::mem::take(map).into_iter().map(|(key, value)| (self.text(&key).into_owned(), value)).collect();
        }
        map.values_mut().for_each(|value| self.value(value));
    }

    /// The path may name a map key; serde's message quotes the bad value (`invalid type: string
    /// "..."`, `unknown variant ...`, a date that does not parse).
    fn decode(&self, error: &mut DecodeError) {
        let DecodeError { path, source } = error;
        self.string(path);
        let text = source.to_string();
        if self.shows_in(&text) {
            // Only data errors quote the input (syntax and end-of-input errors have fixed
            // messages), and a custom error is a data error too, so `classify` still answers
            // `Data`. The text keeps the position ("at line 1 column 60"); `line()` and `column()`
            // of the new error read 0.
            *source = serde_json::Error::custom(self.text(&text));
        }
    }
}

/// The `Display` of `error` and of its sources, joined by `: `.
fn chain(error: &(dyn std::error::Error + 'static)) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(error) = source {
        text.push_str(": ");
        text.push_str(&error.to_string());
        source = error.source();
    }
    text
}

/// An error whose text showed a secret, reduced to its redacted text.
struct Redacted {
    display: String,
    debug: String,
}

impl fmt::Display for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display)
    }
}

impl fmt::Debug for Redacted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.debug)
    }
}

impl std::error::Error for Redacted {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{HttpErrorKind, LinkKind};
    use reqwest::StatusCode;

    const TOKEN: &str = "eyJ0.s3cr3t-token-xyz";

    fn secrets() -> Secrets {
        let mut secrets = Secrets::default();
        secrets.add(&AccessToken::new(TOKEN));
        secrets.add(&AccessToken::new(""));
        secrets
    }

    fn assert_clean(error: &Error) {
        let mut current: Option<&dyn std::error::Error> = Some(error);
        while let Some(error) = current {
            let text = format!("{error} | {error:?}");
            assert!(!text.contains(TOKEN), "{text}");
            current = error.source();
        }
    }

    #[test]
    fn texts_lose_every_secret_and_nothing_else() {
        let secrets = secrets();
        assert!(matches!(secrets.text("nothing to hide"), Cow::Borrowed("nothing to hide")));
        assert_eq!(secrets.text(&format!("a {TOKEN} b {TOKEN}")), "a <redacted> b <redacted>");
        let mut quoted = Secrets::default();
        quoted.add(&AccessToken::new("a\"b"));
        assert_eq!(quoted.text(r#"string "a\"b" and a"b"#), r#"string "<redacted>" and <redacted>"#);
        assert!(matches!(Secrets::default().text(TOKEN), Cow::Borrowed(_)), "no secret, nothing cut");
    }

    #[test]
    fn every_text_of_an_http_error_is_redacted() {
        let body = format!(
            r#"{{"error": {{"code": "c-{TOKEN}", "message": "m {TOKEN}", "target": "{TOKEN}",
                "details": [{{"code": "{TOKEN}", "message": "{TOKEN}", "target": "{TOKEN}"}}],
                "innerError": {{"request-id": "{TOKEN}", "date": "{TOKEN}", "{TOKEN}": ["{TOKEN}"],
                    "innerError": {{"code": "{TOKEN}", "x": {{"{TOKEN}": "{TOKEN}"}}}}}}}}}}"#
        );
        let error = HttpError {
            status: StatusCode::FORBIDDEN,
            kind: HttpErrorKind::Forbidden,
            url: format!("http://127.0.0.1/v1.0/chats?t={TOKEN}"),
            error: ODataError::parse(body.as_bytes()),
            request_id: Some(TOKEN.to_owned()),
            client_request_id: Some(TOKEN.to_owned()),
            date: Some(TOKEN.to_owned()),
            retry_after: None,
            body: body.clone(),
        };
        assert!(error.error.is_some());
        for error in [
            Error::Http(Box::new(error.clone())),
            Error::Throttled { attempts: 4, retry_after: None, last: Box::new(error) },
        ] {
            assert!(format!("{error:?}").contains(TOKEN));
            let error = secrets().redact(error);
            assert_clean(&error);
            let http = error.http().unwrap();
            assert_eq!(http.code(), Some("c-<redacted>"));
            assert_eq!(http.url, "http://127.0.0.1/v1.0/chats?t=<redacted>");
        }
    }

    #[test]
    fn every_variant_is_redacted() {
        let url = format!("https://other.example/v1.0/x?t={TOKEN}");
        let decode = graph_models::decode::<graph_models::Page<graph_models::ChatMessage>>(
            format!(r#"{{"value": [{{"mentions": [{{"id": "{TOKEN}"}}]}}]}}"#).as_bytes(),
        )
        .unwrap_err();
        let provider: Box<dyn std::error::Error + Send + Sync> = format!("vault refused {TOKEN}").into();
        let errors = [
            Error::InvalidRequest(TOKEN.into()),
            Error::Config(TOKEN.into()),
            Error::UnexpectedResponse(format!("bad Location `{url}`")),
            Error::ForeignOrigin { link: LinkKind::NextLink, url: url.clone() },
            Error::NextLinkLoop { url: url.clone() },
            Error::ResponseTooLarge { url: url.clone(), limit: 1, content_length: None },
            Error::TooManyEmptyPages { pages: 3, url: url.clone() },
            Error::Decode { url: url.clone(), source: decode },
            Error::Auth(AuthError::InvalidResponse(TOKEN.into())),
            Error::Auth(AuthError::Config(TOKEN.into())),
            Error::Auth(AuthError::Provider(provider)),
            Error::Auth(AuthError::Rejected(Box::new(TokenEndpointError {
                status: 400,
                error: TOKEN.into(),
                description: TOKEN.into(),
                error_codes: vec![],
                trace_id: Some(TOKEN.into()),
                correlation_id: Some(TOKEN.into()),
            }))),
        ];
        for error in errors {
            assert!(format!("{error} {error:?}").contains(TOKEN), "{error:?}");
            let error = secrets().redact(error);
            assert_clean(&error);
            assert!(error.to_string().contains(REDACTED), "{error}");
            if let Error::Decode { url, source } = &error {
                assert_eq!(source.path, "value[0].mentions[0].id");
                assert!(source.source.to_string().contains("expected i32 at line 1 column"), "{source}");
                assert!(source.source.classify() == serde_json::error::Category::Data);
                assert!(url.starts_with("https://other.example/v1.0/x?t="), "{url}");
            }
        }
    }
}
