//! Change-notification subscriptions and their deliveries.
//!
//! `POST /v1.0/subscriptions` checks the documented rules, runs the validation handshake against
//! the `notificationUrl` (and `lifecycleNotificationUrl`), which must be on a loopback address,
//! and keeps the subscription; `PATCH` renews it, `DELETE` removes it, `GET` lists them. Each step
//! of simulated time posts, to every subscription whose resource covers a changed message, one
//! collection: rich notifications (the message encrypted under the subscription's certificate,
//! with validation tokens) or plain ones (`resourceData`). A delivery the receiver refuses or
//! misses is tried again, [`DELIVERY_ATTEMPTS`] times in all.

use crate::changes::ChangeKind;
use crate::crypto;
use crate::dataset::ChatRef;
use crate::odata::ODataError;
use crate::routes::{json_response, Entity, Result};
use crate::state::AppState;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use graph_models::{
    ChangeNotification, ChangeNotificationCollection, ChangeType, DateTimeOffset, LifecycleEventType, OpenEnum, Page,
    Property, ResourceData,
};
use rsa::RsaPublicKey;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Attempts per delivery, the first included.
pub const DELIVERY_ATTEMPTS: u32 = 3;

/// The longest a chat message subscription lives, in minutes.
const MAX_LIFETIME_MINUTES: i64 = 4320;

/// A subscription the mock keeps.
#[derive(Debug, Clone)]
pub struct Subscription {
    id: String,
    resource: Resource,
    resource_text: String,
    notification_url: String,
    lifecycle_url: Option<String>,
    client_state: Option<String>,
    expiration: jiff::Timestamp,
    encryption: Option<(RsaPublicKey, String)>,
    raw_certificate: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Resource {
    AllChats,
    User(String),
    Chat(String),
}

/// The subscriptions, in creation order.
#[derive(Debug, Default)]
pub struct Subscriptions {
    list: Mutex<Vec<Subscription>>,
    created: std::sync::atomic::AtomicU64,
}

impl Subscriptions {
    /// The live subscriptions: as Graph does, one is gone once its expiration has passed.
    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Subscription>> {
        let mut list = self.list.lock().unwrap_or_else(|it| it.into_inner());
        let now = jiff::Timestamp::now();
        list.retain(|it| it.expiration > now);
        list
    }

    /// A new subscription id, unique among those this server has handed out.
    fn new_id(&self) -> String {
        let n = self.created.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        format!("5a3e6b1c-7c1e-4d2a-9b3f-{n:012x}")
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.lock().len()
    }
}

fn parse_resource(text: &str) -> Option<Resource> {
    let text = text.trim_start_matches('/');
    if text == "chats/getAllMessages" {
        return Some(Resource::AllChats);
    }
    if let Some(user) = text.strip_prefix("users/").and_then(|it| it.strip_suffix("/chats/getAllMessages")) {
        return Some(Resource::User(decode(user)));
    }
    let chat = text.strip_prefix("chats/")?.strip_suffix("/messages")?;
    Some(Resource::Chat(decode(chat)))
}

fn decode(segment: &str) -> String {
    percent_encoding::percent_decode_str(segment).decode_utf8_lossy().into_owned()
}

fn is_loopback(url: &str) -> bool {
    url::Url::parse(url).is_ok_and(|it| match it.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(domain)) => domain == "localhost",
        None => false,
    })
}

/// `POST /v1.0/subscriptions`.
pub async fn create(State(state): State<Arc<AppState>>, body: Bytes) -> Result<Response> {
    let body = requested(&body)?;
    let text = |value: &Property<String>| value.get().cloned();
    let resource_text = text(&body.resource).unwrap_or_default();
    let resource = parse_resource(&resource_text)
        .ok_or_else(|| ODataError::bad_request(format!("Resource '{resource_text}' is not supported.")))?;
    let notification_url =
        text(&body.notification_url).ok_or_else(|| ODataError::bad_request("notificationUrl is required."))?;
    let lifecycle_url = text(&body.lifecycle_notification_url);
    for url in std::iter::once(&notification_url).chain(lifecycle_url.as_ref()) {
        if !is_loopback(url) {
            return Err(ODataError::bad_request(format!("The mock posts to loopback addresses only, not '{url}'.")));
        }
    }
    let expiration = expiration(&body)?;
    let minutes = check_expiration(expiration)?;
    if minutes > MAX_LIFETIME_MINUTES {
        return Err(ODataError::bad_request(format!(
            "Subscription expiration can only be {MAX_LIFETIME_MINUTES} minutes in the future."
        )));
    }
    if minutes >= 60 && lifecycle_url.is_none() {
        return Err(ODataError::bad_request(
            "lifecycleNotificationUrl is required for subscriptions with an expiration over 1 hour.",
        ));
    }
    let raw_certificate = text(&body.encryption_certificate);
    let encryption = match body.include_resource_data.get().copied().unwrap_or(false) {
        false => None,
        true => {
            let certificate = raw_certificate.as_deref().ok_or_else(|| {
                ODataError::bad_request("encryptionCertificate is required when includeResourceData is true.")
            })?;
            let key = crypto::certificate_key(certificate).map_err(ODataError::bad_request)?;
            let id = text(&body.encryption_certificate_id).ok_or_else(|| {
                ODataError::bad_request("encryptionCertificateId is required when includeResourceData is true.")
            })?;
            Some((key, id))
        }
    };
    for url in std::iter::once(&notification_url).chain(lifecycle_url.as_ref()) {
        validate_endpoint(url).await?;
    }
    let subscription = Subscription {
        id: state.subscriptions.new_id(),
        resource,
        resource_text,
        notification_url,
        lifecycle_url,
        client_state: text(&body.client_state),
        expiration,
        encryption,
        raw_certificate,
    };
    let answer = entity(&state, &subscription);
    state.subscriptions.lock().push(subscription);
    let mut response = json_response(&answer, false);
    *response.status_mut() = StatusCode::CREATED;
    Ok(response)
}

/// The minutes until `expiration`, which must be in the future.
fn check_expiration(expiration: jiff::Timestamp) -> Result<i64> {
    let lifetime = expiration.duration_since(jiff::Timestamp::now());
    if lifetime <= jiff::SignedDuration::ZERO {
        return Err(ODataError::bad_request("Subscription expiration must be in the future."));
    }
    Ok(lifetime.as_mins())
}

/// A request body, read as the model.
fn requested(body: &[u8]) -> Result<graph_models::Subscription> {
    graph_models::decode(body).map_err(|_| ODataError::bad_request("The request body is not a subscription."))
}

fn expiration(body: &graph_models::Subscription) -> Result<jiff::Timestamp> {
    let expiration = body.expiration_date_time.get().and_then(|it| it.to_timestamp().ok());
    expiration.ok_or_else(|| ODataError::bad_request("expirationDateTime is required."))
}

/// `GET /v1.0/subscriptions`.
pub async fn list(State(state): State<Arc<AppState>>) -> Result<Response> {
    let value = state.subscriptions.lock().iter().map(model).collect();
    let context = Property::Value(format!("{}/v1.0/$metadata#subscriptions", state.origin));
    Ok(json_response(&Page { value, context, ..Page::default() }, false))
}

/// `PATCH /v1.0/subscriptions/{id}`: a new `expirationDateTime`.
pub async fn renew(State(state): State<Arc<AppState>>, Path(id): Path<String>, body: Bytes) -> Result<Response> {
    let expiration = expiration(&requested(&body)?)?;
    if check_expiration(expiration)? > MAX_LIFETIME_MINUTES {
        return Err(ODataError::bad_request("Subscription expiration can only be 4320 minutes in the future."));
    }
    let mut subscriptions = state.subscriptions.lock();
    let subscription = subscriptions.iter_mut().find(|it| it.id == id).ok_or_else(|| not_found(&id))?;
    subscription.expiration = expiration;
    let answer = entity(&state, subscription);
    Ok(json_response(&answer, false))
}

/// `DELETE /v1.0/subscriptions/{id}`.
pub async fn delete(State(state): State<Arc<AppState>>, Path(id): Path<String>) -> Result<Response> {
    let mut subscriptions = state.subscriptions.lock();
    let before = subscriptions.len();
    subscriptions.retain(|it| it.id != id);
    if subscriptions.len() == before {
        return Err(not_found(&id));
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `GET /mock/jwks`: the key set that verifies the mock's validation tokens.
pub async fn jwks() -> Response {
    json_response(&crypto::jwks(), false)
}

fn not_found(id: &str) -> ODataError {
    ODataError::new(StatusCode::NOT_FOUND, "ResourceNotFound", format!("The object was not found: {id}"))
}

/// A subscription as Graph answers one request about it: its `@odata.context` first.
fn entity(state: &AppState, subscription: &Subscription) -> Entity<graph_models::Subscription> {
    Entity { context: format!("{}/v1.0/$metadata#subscriptions/$entity", state.origin), value: model(subscription) }
}

/// `null` for `None`, as Graph writes an unset property of a subscription or notification.
fn or_null(value: &Option<String>) -> Property<String> {
    value.clone().map_or(Property::Null, Property::Value)
}

fn model(subscription: &Subscription) -> graph_models::Subscription {
    let mut model = graph_models::Subscription::default();
    model.id = subscription.id.clone().into();
    model.resource = subscription.resource_text.clone().into();
    model.application_id = crypto::APP_ID.to_owned().into();
    model.change_type = "created,updated,deleted".to_owned().into();
    model.client_state = or_null(&subscription.client_state);
    model.notification_url = subscription.notification_url.clone().into();
    model.lifecycle_notification_url = or_null(&subscription.lifecycle_url);
    model.expiration_date_time = DateTimeOffset::from(subscription.expiration).into();
    model.include_resource_data = subscription.encryption.is_some().into();
    model.encryption_certificate = or_null(&subscription.raw_certificate);
    model.encryption_certificate_id = or_null(&subscription.encryption.as_ref().map(|it| it.1.clone()));
    model.latest_supported_tls_version = "v1_2".to_owned().into();
    model
}

/// Graph's handshake: `POST url?validationToken=...`, answered within 10 s with 200 and the
/// token as the body.
async fn validate_endpoint(url: &str) -> Result<()> {
    let token =
        format!("Validation: Testing client application reachability for subscription Request-Id: {}", uuid_like());
    let target = match url::Url::parse_with_params(url, [("validationToken", &token)]) {
        Ok(it) => it,
        Err(_) => return Err(ODataError::bad_request(format!("'{url}' is not a URL."))),
    };
    let failed = || {
        ODataError::bad_request(
            "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.",
        )
    };
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().map_err(|_| failed())?;
    let response = client.post(target).header("content-type", "text/plain").send().await.map_err(|_| failed())?;
    if response.status() != reqwest::StatusCode::OK {
        return Err(failed());
    }
    match response.text().await {
        Ok(body) if body == token => Ok(()),
        _ => Err(failed()),
    }
}

fn uuid_like() -> String {
    let mut bytes = [0u8; 16];
    rsa::rand_core::RngCore::fill_bytes(&mut rsa::rand_core::OsRng, &mut bytes);
    bytes.iter().map(|it| format!("{it:02x}")).collect()
}

/// Posts what step `step` changed to every subscription that covers it, in the background.
pub fn deliver_step(state: &Arc<AppState>, step: u64) {
    let changed = state.dataset.changed_between(step - 1, step);
    let subscriptions = state.subscriptions.lock().clone();
    for subscription in subscriptions {
        let mut notifications = Vec::new();
        for (chat, message) in &changed {
            let chat_ref = ChatRef::Generated(*chat);
            if !covers(state, &subscription.resource, chat_ref) {
                continue;
            }
            let Some(change) = state.dataset.latest_change(*chat, *message, step) else { continue };
            let rendered = state.dataset.indexed_message(*chat, *message, step);
            notifications.push(notification(&subscription, &rendered, change.kind));
        }
        if notifications.is_empty() {
            continue;
        }
        let mut collection = ChangeNotificationCollection::default();
        collection.value = notifications.into();
        if subscription.encryption.is_some() {
            let now = jiff::Timestamp::now().as_second();
            collection.validation_tokens = vec![crypto::validation_token(crypto::APP_ID, now)].into();
        }
        spawn_delivery(state, subscription.notification_url.clone(), collection);
    }
}

/// Posts a lifecycle notification (`reauthorizationRequired`, `subscriptionRemoved`, `missed`)
/// for every subscription, to its lifecycle URL (or else its notification URL).
pub fn deliver_lifecycle(state: &Arc<AppState>, event: &str) {
    let subscriptions = state.subscriptions.lock().clone();
    for subscription in subscriptions {
        let mut notification = notification_of(&subscription);
        notification.lifecycle_event = LifecycleEventType::from_wire(event).into();
        notification.change_type = ChangeType::Updated.into();
        let url = subscription.lifecycle_url.clone().unwrap_or_else(|| subscription.notification_url.clone());
        let mut collection = ChangeNotificationCollection::default();
        collection.value = vec![notification].into();
        spawn_delivery(state, url, collection);
    }
    if event == "subscriptionRemoved" {
        // Graph has removed them: what it says, it has done.
        state.subscriptions.lock().clear();
    }
}

fn covers(state: &AppState, resource: &Resource, chat: ChatRef) -> bool {
    match resource {
        Resource::AllChats => true,
        Resource::User(user) => state.dataset.user_index(user).is_some_and(|it| state.dataset.is_visible_to(chat, it)),
        Resource::Chat(id) => state.dataset.find(id) == Some(chat),
    }
}

/// What every notification of `subscription` carries.
fn notification_of(subscription: &Subscription) -> ChangeNotification {
    let mut notification = ChangeNotification::default();
    notification.subscription_id = subscription.id.clone().into();
    notification.subscription_expiration_date_time = DateTimeOffset::from(subscription.expiration).into();
    notification.client_state = or_null(&subscription.client_state);
    notification.resource = subscription.resource_text.clone().into();
    notification.tenant_id = crate::generate::TENANT_ID.to_owned().into();
    notification
}

fn notification(
    subscription: &Subscription,
    message: &graph_models::ChatMessage,
    kind: ChangeKind,
) -> ChangeNotification {
    let id = message.id.get().cloned().unwrap_or_default();
    let chat = message.chat_id.get().cloned().unwrap_or_default();
    let mut notification = notification_of(subscription);
    notification.change_type = match kind {
        ChangeKind::Created => ChangeType::Created,
        ChangeKind::Edited => ChangeType::Updated,
        ChangeKind::Deleted => ChangeType::Deleted,
    }
    .into();
    notification.resource = format!("chats('{chat}')/messages('{id}')").into();
    let mut data = ResourceData::default();
    data.additional_properties.insert("id", &id);
    data.additional_properties.insert("@odata.type", "#Microsoft.Graph.chatMessage");
    notification.resource_data = data.into();
    if let Some((key, certificate_id)) = &subscription.encryption {
        let text = serde_json::to_vec(message).expect("models serialise");
        notification.encrypted_content = Box::new(crypto::encrypt(key, &text, certificate_id)).into();
    }
    notification
}

/// Posts `collection` to `url`, up to [`DELIVERY_ATTEMPTS`] times until it is answered 2xx.
fn spawn_delivery(state: &Arc<AppState>, url: String, collection: ChangeNotificationCollection) {
    let Some(runtime) = state.runtime.clone() else { return };
    let deliveries = state.deliveries.clone();
    runtime.spawn(async move {
        let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build();
        let Ok(client) = client else { return };
        let body = serde_json::to_string(&collection).expect("models serialise");
        for attempt in 1..=DELIVERY_ATTEMPTS {
            let sent = client.post(&url).header("content-type", "application/json").body(body.clone()).send().await;
            if sent.is_ok_and(|it| it.status().is_success()) {
                deliveries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                return;
            }
            tokio::time::sleep(Duration::from_millis(50 * u64::from(attempt))).await;
        }
        eprintln!("graph-mock: gave up delivering notifications to {url} after {DELIVERY_ATTEMPTS} attempts");
    });
}
