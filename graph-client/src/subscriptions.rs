//! Change-notification subscriptions for chat messages: create, renew, delete, list, with the
//! documented limits checked before sending.

use crate::client::GraphClient;
use crate::cloud::is_loopback;
use crate::encode::{datetime_literal, Query, Segment};
use crate::error::{Error, Result};
use crate::paging::Items;
use crate::send::Call;
use graph_models::Subscription;
use jiff::{SignedDuration, Timestamp};
use reqwest::Method;
use url::Url;

/// The longest a chat message subscription lives: 4,320 minutes (3 days).
pub const MAX_CHAT_MESSAGE_LIFETIME: SignedDuration = SignedDuration::from_mins(4320);

/// A lifetime longer than this needs a `lifecycleNotificationUrl`.
pub const LIFETIME_WITHOUT_LIFECYCLE_URL: SignedDuration = SignedDuration::from_hours(1);

/// The longest `clientState`: 128 characters.
pub const MAX_CLIENT_STATE: usize = 128;

/// What a chat message subscription watches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubscriptionResource {
    /// `/chats/getAllMessages`: every chat of the tenant (application permission).
    AllChats,
    /// `/users/{id}/chats/getAllMessages`: every chat of a user.
    User(String),
    /// `/chats/{id}/messages`: one chat.
    Chat(String),
}

impl SubscriptionResource {
    fn path(&self) -> Result<String> {
        Ok(match self {
            SubscriptionResource::AllChats => "/chats/getAllMessages".to_owned(),
            SubscriptionResource::User(user) => {
                format!("/users/{}/chats/getAllMessages", Segment::new("user id", user).encoded()?)
            }
            SubscriptionResource::Chat(chat) => {
                format!("/chats/{}/messages", Segment::new("chat id", chat).encoded()?)
            }
        })
    }
}

/// A subscription to create: `changeType` is `created,updated,deleted`.
#[derive(Clone)]
#[non_exhaustive]
pub struct NewSubscription {
    /// What to watch.
    pub resource: SubscriptionResource,
    /// Where Graph posts notifications: `https`, or `http` on a loopback address (for local
    /// servers such as graph-mock).
    pub notification_url: String,
    /// Where Graph posts lifecycle notifications; needed for a lifetime over an hour.
    pub lifecycle_notification_url: Option<String>,
    /// When the subscription expires, at most [`MAX_CHAT_MESSAGE_LIFETIME`] from now.
    pub expiration: Timestamp,
    /// A secret Graph repeats in every notification, checked by the receiver.
    pub client_state: Option<String>,
    /// Rich notifications: the message itself, encrypted under `encryption_certificate`.
    pub include_resource_data: Option<ResourceEncryption>,
}

/// The certificate rich notifications are encrypted under.
#[derive(Debug, Clone)]
pub struct ResourceEncryption {
    /// The certificate, base64 DER (a PEM file's body without its armour lines).
    pub certificate: String,
    /// The id Graph repeats in each notification, to pick the key to decrypt with.
    pub certificate_id: String,
}

impl std::fmt::Debug for NewSubscription {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NewSubscription")
            .field("resource", &self.resource)
            .field("notification_url", &self.notification_url)
            .field("lifecycle_notification_url", &self.lifecycle_notification_url)
            .field("expiration", &self.expiration)
            .field("client_state", &self.client_state.as_ref().map(|_| "<redacted>"))
            .field("include_resource_data", &self.include_resource_data.as_ref().map(|it| &it.certificate_id))
            .finish()
    }
}

impl NewSubscription {
    /// A subscription to `resource` posting to `notification_url` until `expiration`.
    pub fn new(resource: SubscriptionResource, notification_url: impl Into<String>, expiration: Timestamp) -> Self {
        NewSubscription {
            resource,
            notification_url: notification_url.into(),
            lifecycle_notification_url: None,
            expiration,
            client_state: None,
            include_resource_data: None,
        }
    }

    /// The JSON body, or the first documented rule it breaks.
    fn body(&self, now: Timestamp) -> Result<serde_json::Value> {
        let lifetime = check_expiration(self.expiration, now)?;
        if lifetime > LIFETIME_WITHOUT_LIFECYCLE_URL && self.lifecycle_notification_url.is_none() {
            return Err(invalid("a lifetime over one hour needs a lifecycleNotificationUrl".to_owned()));
        }
        check_url("notificationUrl", &self.notification_url)?;
        if let Some(url) = &self.lifecycle_notification_url {
            check_url("lifecycleNotificationUrl", url)?;
        }
        if self.client_state.as_ref().is_some_and(|it| it.chars().count() > MAX_CLIENT_STATE) {
            return Err(invalid(format!("clientState is at most {MAX_CLIENT_STATE} characters")));
        }
        let mut body = serde_json::json!({
            "changeType": "created,updated,deleted",
            "notificationUrl": self.notification_url,
            "resource": self.resource.path()?,
            "expirationDateTime": datetime_literal(self.expiration),
        });
        if let Some(url) = &self.lifecycle_notification_url {
            body["lifecycleNotificationUrl"] = url.clone().into();
        }
        if let Some(state) = &self.client_state {
            body["clientState"] = state.clone().into();
        }
        if let Some(encryption) = &self.include_resource_data {
            if encryption.certificate.trim().is_empty() || encryption.certificate_id.trim().is_empty() {
                return Err(invalid("includeResourceData needs an encryptionCertificate and its id".to_owned()));
            }
            body["includeResourceData"] = true.into();
            body["encryptionCertificate"] = encryption.certificate.clone().into();
            body["encryptionCertificateId"] = encryption.certificate_id.clone().into();
        }
        Ok(body)
    }
}

/// `/subscriptions`, from [`GraphClient::subscriptions`].
#[derive(Debug, Clone)]
pub struct Subscriptions {
    client: GraphClient,
}

impl GraphClient {
    /// Change-notification subscriptions.
    pub fn subscriptions(&self) -> Subscriptions {
        Subscriptions { client: self.clone() }
    }
}

impl Subscriptions {
    /// `POST /subscriptions`. Graph first sends a validation request to the notification URL,
    /// which must answer it (see `graph_notifications::validation_response`) before this returns.
    pub async fn create(&self, new: &NewSubscription) -> Result<Subscription> {
        let body = new.body(Timestamp::now())?;
        let url = self.url("")?;
        self.send(Method::POST, &url, body).await
    }

    /// `PATCH /subscriptions/{id}` with a new `expirationDateTime`, at most
    /// [`MAX_CHAT_MESSAGE_LIFETIME`] from now.
    pub async fn renew(&self, id: &str, expiration: Timestamp) -> Result<Subscription> {
        check_expiration(expiration, Timestamp::now())?;
        let url = self.url(id)?;
        self.send(Method::PATCH, &url, serde_json::json!({ "expirationDateTime": datetime_literal(expiration) })).await
    }

    /// `DELETE /subscriptions/{id}`.
    pub async fn delete(&self, id: &str) -> Result<()> {
        let url = self.url(id)?;
        self.client.inner.send_for_bytes(Method::DELETE, &url, &Call::default()).await.map(drop)
    }

    /// `GET /subscriptions`: the app's subscriptions.
    pub fn list(&self) -> Items<Subscription> {
        crate::paging::Pages::new(self.client.clone(), self.url("").map(|url| (url, Call::default()))).items()
    }

    fn url(&self, id: &str) -> Result<Url> {
        let path = match id {
            "" => "/subscriptions".to_owned(),
            id => format!("/subscriptions/{}", Segment::new("subscription id", id).encoded()?),
        };
        self.client.url(&path, &Query::default())
    }

    async fn send(&self, method: Method, url: &Url, body: serde_json::Value) -> Result<Subscription> {
        self.client.inner.send_json(method, url, &Call::default(), body.to_string().into()).await
    }
}

/// The lifetime up to `expiration`, or the documented rule it breaks: in the future, and at most
/// [`MAX_CHAT_MESSAGE_LIFETIME`] away.
fn check_expiration(expiration: Timestamp, now: Timestamp) -> Result<SignedDuration> {
    let lifetime = expiration.duration_since(now);
    if lifetime <= SignedDuration::ZERO {
        return Err(invalid(format!("the expiration {expiration} is not in the future")));
    }
    if lifetime > MAX_CHAT_MESSAGE_LIFETIME {
        return Err(invalid(format!(
            "a chat message subscription lives at most 4320 minutes (3 days); {expiration} is {} minutes away",
            lifetime.as_mins()
        )));
    }
    Ok(lifetime)
}

/// `https`, or `http` to a loopback host.
fn check_url(name: &str, text: &str) -> Result<()> {
    let url = Url::parse(text).map_err(|err| invalid(format!("{name} `{text}` is not a URL: {err}")))?;
    match url.scheme() {
        "https" => Ok(()),
        "http" if is_loopback(&url) => Ok(()),
        _ => Err(invalid(format!("{name} must be https (or http on a loopback address), got `{text}`"))),
    }
}

fn invalid(message: String) -> Error {
    Error::InvalidRequest(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documented_limits_are_checked() {
        let now: Timestamp = "2026-01-01T00:00:00Z".parse().unwrap();
        let new = |minutes: i64| {
            NewSubscription::new(
                SubscriptionResource::Chat("19:a@thread.v2".into()),
                "https://example.com/hook",
                now + SignedDuration::from_mins(minutes),
            )
        };
        assert!(new(59).body(now).is_ok());
        assert!(new(61).body(now).unwrap_err().to_string().contains("lifecycleNotificationUrl"));
        let mut long = new(4320);
        long.lifecycle_notification_url = Some("https://example.com/life".into());
        assert!(long.body(now).is_ok());
        long.expiration = now + SignedDuration::from_mins(4321);
        assert!(long.body(now).unwrap_err().to_string().contains("4320 minutes"));
        assert!(new(0).body(now).is_err());
        let mut plain = new(30);
        plain.notification_url = "http://example.com/hook".into();
        assert!(plain.body(now).unwrap_err().to_string().contains("https"));
        plain.notification_url = "http://127.0.0.1:9/hook".into();
        assert!(plain.body(now).is_ok());
        plain.client_state = Some("x".repeat(129));
        assert!(plain.body(now).is_err());
        let body = new(30).body(now).unwrap();
        assert_eq!(body["resource"], "/chats/19:a@thread.v2/messages");
        assert_eq!(body["changeType"], "created,updated,deleted");
    }

    #[tokio::test]
    async fn a_renewal_to_the_past_or_past_three_days_is_refused_before_sending() {
        // Nothing listens on port 9: a request that was sent would fail as a transport error.
        let client = GraphClient::builder()
            .base_url("http://127.0.0.1:9/v1.0")
            .bearer_token("t")
            .retry_policy(crate::RetryPolicy::none())
            .build()
            .unwrap();
        for minutes in [-1, 0, 4321] {
            let expiration = Timestamp::now() + SignedDuration::from_mins(minutes);
            let error = client.subscriptions().renew("s", expiration).await.unwrap_err();
            assert!(matches!(error, Error::InvalidRequest(_)), "{minutes} minutes: {error}");
        }
    }
}
