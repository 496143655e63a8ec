//! `listen`: a change-notification subscription and the webhook it posts to; the messages it
//! brings are decrypted and printed as they come. The subscription is renewed four fifths of the
//! way to the expiration Graph granted (and when Graph asks for reauthorization), replaced when
//! Graph removes it, and deleted on Ctrl-C, even one pressed while it was being created.

use crate::cli::Listen;
use crate::commands::{NAME_WIDTH, TIME_WIDTH};
use crate::error::CliError;
use crate::render::Table;
use graph_client::{GraphClient, NewSubscription, ResourceEncryption, SubscriptionResource};
use graph_models::{ChangeType, LifecycleEventType};
use graph_notifications::{Decryptor, Event, Receiver, TokenValidator};
use jiff::{SignedDuration, Timestamp};
use std::io::Write;
use std::time::Duration;

/// The `encryptionCertificateId` graph-chat names its certificate with.
const CERTIFICATE_ID: &str = "graph-chat-listen";

/// Runs until Ctrl-C (or the receiver stops), then deletes the subscription.
pub async fn listen(client: &GraphClient, listen: Listen, json: bool, out: &mut impl Write) -> Result<(), CliError> {
    let Listen { port, key, cert, chat, user, notification_url, minutes, jwks, app_id } = listen;
    let client_state = random_state();
    let (receiver, certificate) = receiver(&key, &cert, jwks.zip(app_id), &client_state).await?;
    let webhook = Webhook::serve(port, receiver).await?;
    let url = notification_url.unwrap_or_else(|| format!("http://{}/notifications", webhook.address));
    let resource = match (chat, user) {
        (Some(chat), _) => SubscriptionResource::Chat(chat),
        (None, Some(user)) => SubscriptionResource::User(user),
        (None, None) => SubscriptionResource::AllChats,
    };
    let lifetime = SignedDuration::from_mins(minutes);
    let mut new = NewSubscription::new(resource, url.clone(), Timestamp::now() + lifetime);
    if lifetime > graph_client::LIFETIME_WITHOUT_LIFECYCLE_URL {
        new.lifecycle_notification_url = Some(url.clone());
    }
    new.client_state = Some(client_state);
    new.include_resource_data = Some(ResourceEncryption { certificate, certificate_id: CERTIFICATE_ID.to_owned() });
    let result = subscribed(client, new, lifetime, &url, webhook.events, Printer::new(out, json)).await;
    let _ = webhook.stop.send(());
    let _ = webhook.server.await;
    result
}

/// The receiver that checks and decrypts what Graph posts, and the certificate (base64 DER) to
/// subscribe with; validation tokens are checked when a key set and the app id are given.
async fn receiver(
    key: &std::path::Path,
    cert: &std::path::Path,
    tokens: Option<(String, String)>,
    client_state: &str,
) -> Result<(Receiver, String), CliError> {
    let read = |path: &std::path::Path| std::fs::read_to_string(path).map_err(CliError::file("read", path));
    let decryptor = Decryptor::from_pem(&read(key)?)
        .map_err(|reason| CliError::Usage(format!("--key `{}`: {reason}", key.display())))?
        .certificate_id(CERTIFICATE_ID);
    let certificate = certificate_base64(&read(cert)?)
        .ok_or_else(|| CliError::Usage(format!("--cert `{}`: not a PEM certificate", cert.display())))?;
    let mut receiver = Receiver::new().client_state(client_state).decryptor(decryptor);
    if let Some((jwks, app_id)) = tokens {
        let validator =
            TokenValidator::new(&key_set(&jwks).await?, app_id).map_err(|it| CliError::Usage(it.to_string()))?;
        receiver = receiver.validation_tokens(validator);
    }
    Ok((receiver, certificate))
}

/// The webhook on 127.0.0.1, serving until told to stop.
struct Webhook {
    address: std::net::SocketAddr,
    events: graph_notifications::webhook::Deliveries,
    stop: tokio::sync::oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
}

impl Webhook {
    async fn serve(port: u16, receiver: Receiver) -> Result<Webhook, CliError> {
        let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
        let address = listener.local_addr()?;
        let (router, events) = graph_notifications::webhook::router("/notifications", receiver, 256);
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let server = tokio::spawn(async move {
            let _ = axum::serve(listener, router)
                .with_graceful_shutdown(async {
                    let _ = stopped.await;
                })
                .await;
        });
        Ok(Webhook { address, events, stop, server })
    }
}

/// Creates the subscription, prints what comes until Ctrl-C or the end of `events`, keeping the
/// subscription alive, then deletes it.
async fn subscribed(
    client: &GraphClient,
    new: NewSubscription,
    lifetime: SignedDuration,
    url: &str,
    mut events: graph_notifications::webhook::Deliveries,
    mut rows: Printer<'_, impl Write>,
) -> Result<(), CliError> {
    // One Ctrl-C listener for the whole run: a Ctrl-C while a request is on its way is kept for
    // the next look, and one during the creation deletes what was created.
    let ctrl_c = tokio::signal::ctrl_c();
    tokio::pin!(ctrl_c);
    let subscriptions = client.subscriptions();
    let create = Live::create(&subscriptions, new, lifetime);
    tokio::pin!(create);
    let (mut live, mut stopping) = tokio::select! {
        live = &mut create => (live?, false),
        _ = &mut ctrl_c => (create.await?, true),
    };
    crate::notice(format_args!("graph-chat: listening on {url} (subscription {}); Ctrl-C to stop", live.id));
    let renewal = tokio::time::sleep_until(live.renew_at);
    tokio::pin!(renewal);
    let result = loop {
        if stopping {
            break Ok(());
        }
        let step = tokio::select! {
            event = futures::StreamExt::next(&mut events) => match event {
                Some(Ok(Event::Lifecycle { event, .. })) => live.lifecycle(&event).await,
                Some(Ok(event)) => rows.print(&event).map_err(CliError::from),
                // A refused delivery is Graph's or an attacker's problem, not a reason to stop.
                Some(Err(error)) => {
                    crate::notice(format_args!("graph-chat: refused a notification delivery: {error}"));
                    Ok(())
                }
                None => break Ok(()),
            },
            _ = &mut renewal => live.renew().await,
            _ = &mut ctrl_c => {
                stopping = true;
                Ok(())
            }
        };
        if let Err(error) = step {
            break Err(error);
        }
        renewal.as_mut().reset(live.renew_at);
    };
    let deleted = subscriptions.delete(&live.id).await;
    match (result, deleted) {
        (Err(error), _) => Err(error),
        (Ok(()), Err(error)) => Err(error.into()),
        (Ok(()), Ok(())) => {
            crate::notice(format_args!("graph-chat: deleted subscription {}", live.id));
            Ok(())
        }
    }
}

/// The subscription `listen` keeps alive.
struct Live {
    subscriptions: graph_client::Subscriptions,
    request: NewSubscription,
    lifetime: SignedDuration,
    id: String,
    /// When to renew: four fifths of the way to the expiration Graph granted (which may be
    /// sooner than the one asked for), so that a slow or throttled renewal still lands in time.
    renew_at: tokio::time::Instant,
}

impl Live {
    async fn create(
        subscriptions: &graph_client::Subscriptions,
        request: NewSubscription,
        lifetime: SignedDuration,
    ) -> Result<Live, CliError> {
        let mut live = Live {
            subscriptions: subscriptions.clone(),
            request,
            lifetime,
            id: String::new(),
            renew_at: tokio::time::Instant::now(),
        };
        live.recreate().await?;
        Ok(live)
    }

    /// A new subscription, `lifetime` from now.
    async fn recreate(&mut self) -> Result<(), CliError> {
        self.request.expiration = Timestamp::now() + self.lifetime;
        let created = self.subscriptions.create(&self.request).await?;
        self.id = created.id.get().cloned().unwrap_or_default();
        self.schedule(granted(&created).unwrap_or(self.request.expiration));
        Ok(())
    }

    /// Another `lifetime` from now.
    async fn renew(&mut self) -> Result<(), CliError> {
        let asked = Timestamp::now() + self.lifetime;
        let renewed = self.subscriptions.renew(&self.id, asked).await?;
        self.schedule(granted(&renewed).unwrap_or(asked));
        Ok(())
    }

    fn schedule(&mut self, expires: Timestamp) {
        self.renew_at = tokio::time::Instant::now() + renewal_wait(expires, Timestamp::now());
    }

    /// What a lifecycle notification asks for: a renewal, a new subscription in place of a
    /// removed one, or (for `missed`) a warning that notifications were dropped.
    async fn lifecycle(&mut self, event: &LifecycleEventType) -> Result<(), CliError> {
        match event {
            LifecycleEventType::ReauthorizationRequired => self.renew().await,
            LifecycleEventType::SubscriptionRemoved => {
                let removed = std::mem::take(&mut self.id);
                self.recreate().await?;
                crate::notice(format_args!(
                    "graph-chat: Graph removed subscription {removed}; listening through {}",
                    self.id
                ));
                Ok(())
            }
            LifecycleEventType::Missed => {
                crate::notice(format_args!(
                    "graph-chat: Graph missed some notifications; `messages list` or `sync` shows what changed meanwhile"
                ));
                Ok(())
            }
            other => {
                crate::notice(format_args!("graph-chat: lifecycle notification: {}", other.as_str()));
                Ok(())
            }
        }
    }
}

/// How long to wait at `now` before renewing a subscription that expires at `expires`: four
/// fifths of the time left, at least a second.
fn renewal_wait(expires: Timestamp, now: Timestamp) -> Duration {
    let left = expires.duration_since(now).max(SignedDuration::ZERO);
    Duration::try_from(left * 4 / 5).unwrap_or_default().max(Duration::from_secs(1))
}

/// The `expirationDateTime` of Graph's answer.
fn granted(subscription: &graph_models::Subscription) -> Option<Timestamp> {
    subscription.expiration_date_time.get()?.to_timestamp().ok()
}

/// Messages as they come: JSON lines exactly as decrypted, or the rows of one table.
enum Printer<'a, W: Write> {
    Json(&'a mut W),
    Table(Table<'a, W>),
}

impl<'a, W: Write> Printer<'a, W> {
    fn new(out: &'a mut W, json: bool) -> Self {
        match json {
            true => Printer::Json(out),
            false => {
                Printer::Table(Table::new(out, &["change", "time", "from", "message"], &[8, TIME_WIDTH, NAME_WIDTH]))
            }
        }
    }

    fn print(&mut self, event: &Event) -> std::io::Result<()> {
        let Event::Message { change, resource, message, .. } = event else { return Ok(()) };
        let change = match change {
            ChangeType::Created => "created",
            ChangeType::Updated => "updated",
            ChangeType::Deleted => "deleted",
            other => other.as_str(),
        };
        match self {
            Printer::Json(out) => {
                match message {
                    Some(message) => crate::jsonl::write_line(out, message.raw.get().as_bytes())?,
                    None => writeln!(out, "{}", serde_json::json!({ "changeType": change, "resource": resource }))?,
                }
                out.flush()
            }
            Printer::Table(table) => {
                let row = match message {
                    Some(message) => crate::commands::message_row(&message.message, &Default::default()),
                    None => vec!["-".to_owned(), "-".to_owned(), resource.clone()],
                };
                table.row(&[[change.to_owned()].as_slice(), &row].concat())?;
                table.flush()
            }
        }
    }
}

/// The base64 DER of the first certificate of a PEM file.
fn certificate_base64(pem: &str) -> Option<String> {
    let start = pem.find("-----BEGIN CERTIFICATE-----")?;
    let body = &pem[start + "-----BEGIN CERTIFICATE-----".len()..];
    let body = &body[..body.find("-----END CERTIFICATE-----")?];
    let text: String = body.split_whitespace().collect();
    (!text.is_empty()).then_some(text)
}

/// A JWKS document from a file, or from an `http(s)` URL.
async fn key_set(source: &str) -> Result<String, CliError> {
    if !source.starts_with("http://") && !source.starts_with("https://") {
        let path = std::path::Path::new(source);
        return std::fs::read_to_string(path).map_err(CliError::file("read", path));
    }
    let fail = |err: reqwest::Error| CliError::Usage(format!("--jwks `{source}`: {err}"));
    let response = reqwest::get(source).await.map_err(fail)?;
    response.error_for_status().map_err(fail)?.text().await.map_err(fail)
}

/// A fresh `clientState`: 32 random hex digits.
fn random_state() -> String {
    (0..4).map(|_| format!("{:08x}", rand::random::<u32>())).collect()
}

#[cfg(test)]
mod tests {
    use super::renewal_wait;
    use jiff::{SignedDuration, Timestamp};
    use std::time::Duration;

    #[test]
    fn renewals_come_four_fifths_of_the_way_to_the_granted_expiration() {
        let now: Timestamp = "2026-12-04T00:00:00Z".parse().unwrap();
        assert_eq!(renewal_wait(now + SignedDuration::from_mins(50), now), Duration::from_secs(40 * 60));
        // Graph granted less than was asked for: the renewal comes sooner, not after the expiry.
        assert_eq!(renewal_wait(now + SignedDuration::from_secs(10), now), Duration::from_secs(8));
        assert_eq!(renewal_wait(now - SignedDuration::from_secs(10), now), Duration::from_secs(1));
    }
}
