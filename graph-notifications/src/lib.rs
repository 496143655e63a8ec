//! Microsoft Graph change notifications for Teams chat messages: what a webhook receives,
//! checked and decrypted. Subscriptions are created, renewed and deleted with `graph-client`
//! (`GraphClient::subscriptions`); this crate is the receiving side, and needs no HTTP client.
//!
//! - [`validation_response`]: the handshake Graph makes when a subscription is created.
//! - [`parse`]: a notification collection, size-bounded, as the lossless models.
//! - [`Receiver`]: checks each notification's `clientState` (in constant time) and the
//!   collection's `validationTokens` ([`TokenValidator`]), decrypts rich notifications
//!   ([`Decryptor`]), and gives typed [`Event`]s: a message created, updated or deleted, or a
//!   lifecycle event.
//!
//! A tampered, mis-keyed, malformed or oversized notification is a [`NotificationError`], never
//! a panic and never a decrypted message; no error shows a key, a client state or decrypted text.
//!
//! With the cargo feature `webhook`, the `webhook` module is an axum receiver that answers Graph
//! at once and hands over a stream of [`Event`]s.

#![deny(missing_docs)]

mod decrypt;
mod tokens;
#[cfg(feature = "webhook")]
pub mod webhook;

pub use decrypt::Decryptor;
pub use tokens::{TokenValidator, CHANGE_NOTIFICATION_PUBLISHER};

use graph_models::{ChangeNotification, ChangeNotificationCollection, ChangeType, ChatMessage, LifecycleEventType};
use serde_json::value::RawValue;
use subtle::ConstantTimeEq;

/// The largest notification collection [`parse`] reads unless told otherwise: 1 MiB (Graph
/// batches notifications; rich ones carry a message each).
pub const DEFAULT_MAX_NOTIFICATION_BYTES: usize = 1024 * 1024;

/// Why a notification was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NotificationError {
    /// The body is larger than the limit.
    #[error("the notification body is {size} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// The body is not a notification collection.
    #[error("not a change notification collection: {0}")]
    Malformed(String),
    /// A notification's `clientState` is missing or not the expected one.
    #[error("notification {index}: the clientState does not match")]
    ClientState {
        /// Its index in the collection.
        index: usize,
    },
    /// The collection's `validationTokens` do not prove it comes from Graph.
    #[error("the validation tokens do not verify: {0}")]
    ValidationToken(String),
    /// A rich notification could not be decrypted: the reason, never the content.
    #[error("notification {index}: {reason}")]
    Decrypt {
        /// Its index in the collection.
        index: usize,
        /// What failed.
        reason: String,
    },
}

/// The answer to Graph's validation request: `Some(token)` when `query` (the request's query
/// string) carries `validationToken`, to be sent back as `200 OK`, `text/plain`, within 10 s.
pub fn validation_response(query: Option<&str>) -> Option<String> {
    url::form_urlencoded::parse(query.unwrap_or_default().as_bytes())
        .find(|(key, _)| key == "validationToken")
        .map(|(_, value)| value.into_owned())
}

/// A notification collection from its JSON text, at most `limit` bytes.
pub fn parse(body: &[u8], limit: usize) -> Result<ChangeNotificationCollection, NotificationError> {
    if body.len() > limit {
        return Err(NotificationError::TooLarge { size: body.len(), limit });
    }
    graph_models::decode::<ChangeNotificationCollection>(body).map_err(|err| {
        // serde_json's message can quote the input; say only where and what kind of error.
        NotificationError::Malformed(json_error_place(&err.source))
    })
}

/// What kind of JSON error, and where: never the text around it, which may be secret.
fn json_error_place(error: &serde_json::Error) -> String {
    use serde_json::error::Category;
    let kind = match error.classify() {
        Category::Io => "unreadable",
        Category::Syntax => "invalid JSON",
        Category::Data => "a value of the wrong type",
        Category::Eof => "the text ends early",
    };
    format!("{kind} at line {} column {}", error.line(), error.column())
}

/// What a notification says happened.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Event {
    /// A message was created, updated or deleted.
    Message {
        /// What happened.
        change: ChangeType,
        /// The subscription it came through.
        subscription_id: String,
        /// The `resource` path, e.g. `chats('19:...')/messages('1616...')`.
        resource: String,
        /// The message, when the notification was rich (decrypted), else `None`.
        message: Option<Box<DecryptedMessage>>,
    },
    /// A lifecycle notification: reauthorize, the subscription was removed, or notifications
    /// were missed (catch up with delta).
    Lifecycle {
        /// Which.
        event: LifecycleEventType,
        /// The subscription.
        subscription_id: String,
    },
}

/// A decrypted message: its JSON text exactly as decrypted, and typed.
#[derive(Debug, Clone)]
pub struct DecryptedMessage {
    /// The text.
    pub raw: Box<RawValue>,
    /// The model.
    pub message: ChatMessage,
}

/// Checks and decrypts notification collections for one subscriber. Its `Debug` output shows
/// neither the client state nor the key.
#[derive(Clone)]
pub struct Receiver {
    client_state: Option<String>,
    decryptor: Option<Decryptor>,
    tokens: Option<TokenValidator>,
    limit: usize,
}

impl Receiver {
    /// A receiver that checks nothing and decrypts nothing yet; add what applies.
    pub fn new() -> Self {
        Receiver { client_state: None, decryptor: None, tokens: None, limit: DEFAULT_MAX_NOTIFICATION_BYTES }
    }

    /// Every notification must carry this `clientState`.
    pub fn client_state(mut self, state: impl Into<String>) -> Self {
        self.client_state = Some(state.into());
        self
    }

    /// Rich notifications are decrypted with this key.
    pub fn decryptor(mut self, decryptor: Decryptor) -> Self {
        self.decryptor = Some(decryptor);
        self
    }

    /// A collection with rich notifications must carry validation tokens that verify.
    pub fn validation_tokens(mut self, validator: TokenValidator) -> Self {
        self.tokens = Some(validator);
        self
    }

    /// The largest body accepted; [`DEFAULT_MAX_NOTIFICATION_BYTES`] unless set.
    pub fn max_bytes(mut self, limit: usize) -> Self {
        self.limit = limit;
        self
    }

    /// Every event of a collection, or the first reason to refuse it. All of it is refused when
    /// any part fails: a collection is one delivery, which Graph sends again if refused.
    pub fn receive(&self, body: &[u8]) -> Result<Vec<Event>, NotificationError> {
        let collection = parse(body, self.limit)?;
        let rich = collection.value.get().is_some_and(|it| it.iter().any(|n| n.encrypted_content.is_value()));
        if let Some(validator) = &self.tokens {
            if rich {
                let tokens = collection.validation_tokens.get().map(Vec::as_slice).unwrap_or_default();
                validator.verify_all(tokens)?;
            }
        }
        let Some(notifications) = collection.value.get() else {
            return Err(NotificationError::Malformed("no `value` array".to_owned()));
        };
        notifications.iter().enumerate().map(|(index, it)| self.event(index, it)).collect()
    }

    fn event(&self, index: usize, notification: &ChangeNotification) -> Result<Event, NotificationError> {
        if let Some(expected) = &self.client_state {
            let got = notification.client_state.get().map(String::as_bytes).unwrap_or_default();
            if !bool::from(got.ct_eq(expected.as_bytes())) {
                return Err(NotificationError::ClientState { index });
            }
        }
        let subscription_id = notification.subscription_id.get().cloned().unwrap_or_default();
        if let Some(event) = notification.lifecycle_event.get() {
            return Ok(Event::Lifecycle { event: event.clone(), subscription_id });
        }
        let message = match (notification.encrypted_content.get(), &self.decryptor) {
            (Some(content), Some(decryptor)) => Some(Box::new(
                decryptor.decrypt_message(content).map_err(|reason| NotificationError::Decrypt { index, reason })?,
            )),
            (Some(_), None) => {
                return Err(NotificationError::Decrypt { index, reason: "no key to decrypt with".to_owned() })
            }
            (None, _) => None,
        };
        Ok(Event::Message {
            change: notification.change_type.get().cloned().unwrap_or(ChangeType::Other(String::new())),
            subscription_id,
            resource: notification.resource.get().cloned().unwrap_or_default(),
            message,
        })
    }
}

impl std::fmt::Debug for Receiver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Receiver")
            .field("client_state", &self.client_state.as_ref().map(|_| "<redacted>"))
            .field("decryptor", &self.decryptor)
            .field("tokens", &self.tokens)
            .field("limit", &self.limit)
            .finish()
    }
}

impl Default for Receiver {
    fn default() -> Self {
        Receiver::new()
    }
}
