//! Cutting the tokens the client sent out of server text where it enters, before any error.

use crate::auth::AccessToken;
use crate::error::AuthError;
use graph_models::DecodeError;
use secrecy::{ExposeSecret, SecretString};
use serde::de::Error as _;
use serde_json::Value;
use std::borrow::Cow;
use std::sync::Mutex;

/// What a secret is replaced with.
pub(crate) const REDACTED: &str = "<redacted>";

/// How many tokens are remembered: the current one and those before a refresh or two.
const REMEMBERED: usize = 4;

/// The tokens a client sent, each in the forms it can take in a server's text: as sent, and as
/// `Debug` shows it inside a quoted string (which is how serde quotes a bad value).
#[derive(Default)]
pub(crate) struct Scrub {
    tokens: Mutex<Vec<Vec<SecretString>>>,
}

impl Scrub {
    /// Remembers `token`, which is about to be sent.
    pub(crate) fn remember(&self, token: &AccessToken) {
        let secret = token.secret();
        if secret.is_empty() {
            return;
        }
        let mut tokens = self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if tokens.iter().any(|forms| forms[0].expose_secret() == secret) {
            return;
        }
        let escaped = secret.escape_debug().to_string();
        let mut forms = vec![SecretString::from(secret)];
        if escaped != secret {
            forms.push(SecretString::from(escaped));
        }
        tokens.push(forms);
        let excess = tokens.len().saturating_sub(REMEMBERED);
        tokens.drain(..excess);
    }

    /// `text` without any remembered token; borrowed when there was none.
    pub(crate) fn text<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let tokens = self.tokens.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut clean = Cow::Borrowed(text);
        for form in tokens.iter().flatten().map(ExposeSecret::expose_secret) {
            if clean.contains(form) {
                clean = Cow::Owned(clean.replace(form, REDACTED));
            }
        }
        clean
    }

    /// A JSON value (a parsed error body) without any remembered token, keys included.
    pub(crate) fn value(&self, value: &mut Value) {
        match value {
            Value::String(text) => *text = self.text(text).into_owned(),
            Value::Array(values) => values.iter_mut().for_each(|value| self.value(value)),
            Value::Object(map) => {
                let entries = std::mem::take(map);
                for (key, mut value) in entries {
                    self.value(&mut value);
                    map.insert(self.text(&key).into_owned(), value);
                }
            }
            Value::Null | Value::Bool(_) | Value::Number(_) => {}
        }
    }

    /// A transport error, whose URL (a followed link may carry the token) is scrubbed.
    pub(crate) fn transport(&self, mut error: reqwest::Error) -> reqwest::Error {
        if let Some(url) = error.url_mut() {
            if let Cow::Owned(clean) = self.text(url.as_str()) {
                // `<redacted>` is percent-encoded in a URL; a token in the host leaves no URL.
                *url = url::Url::parse(&clean).unwrap_or_else(|_| url::Url::parse("redacted:").expect("a URL"));
            }
        }
        error
    }

    /// A decode error: serde quotes the bad value in its message.
    pub(crate) fn decode(&self, error: DecodeError) -> DecodeError {
        let DecodeError { path, source } = error;
        let text = source.to_string();
        let source = match self.text(&text) {
            // A custom error is still a data error; its text keeps the position.
            Cow::Owned(clean) => serde_json::Error::custom(clean),
            Cow::Borrowed(_) => source,
        };
        DecodeError { path: self.text(&path).into_owned(), source }
    }

    /// A token provider's error, which may quote the token it was told was rejected.
    pub(crate) fn auth(&self, error: AuthError) -> AuthError {
        match error {
            AuthError::Provider(error) => {
                let text = format!("{} ({error:?})", chain(&*error));
                match self.text(&text) {
                    Cow::Borrowed(_) => AuthError::Provider(error),
                    Cow::Owned(clean) => AuthError::Provider(Box::new(Redacted(clean))),
                }
            }
            other => other,
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

/// A foreign error whose text showed a token, reduced to its scrubbed text.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct Redacted(String);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_lose_every_token_and_nothing_else() {
        let scrub = Scrub::default();
        assert!(matches!(scrub.text("tok"), Cow::Borrowed(_)), "nothing remembered, nothing cut");
        scrub.remember(&AccessToken::new("tok-1"));
        scrub.remember(&AccessToken::new(""));
        assert!(matches!(scrub.text("nothing to hide"), Cow::Borrowed(_)));
        assert_eq!(scrub.text("a tok-1 b tok-1"), "a <redacted> b <redacted>");
        scrub.remember(&AccessToken::new("a\"b"));
        assert_eq!(scrub.text(r#"string "a\"b" and a"b"#), r#"string "<redacted>" and <redacted>"#);
        let mut value = serde_json::json!({"tok-1": ["x tok-1", {"k": "tok-1"}], "n": 1});
        scrub.value(&mut value);
        assert_eq!(value, serde_json::json!({"<redacted>": ["x <redacted>", {"k": "<redacted>"}], "n": 1}));
    }

    #[test]
    fn only_the_last_tokens_are_remembered() {
        let scrub = Scrub::default();
        for n in 0..10 {
            scrub.remember(&AccessToken::new(format!("tok-{n}")));
        }
        assert_eq!(scrub.text("tok-9 tok-6"), "<redacted> <redacted>");
        assert_eq!(scrub.text("tok-5"), "tok-5", "a token five refreshes old is no longer sent");
    }
}
