//! `listen`: a change-notification subscription and the webhook it posts to; the messages it
//! brings are decrypted and printed as they come. The subscription is renewed before it expires
//! (and when Graph asks for reauthorization) and deleted on Ctrl-C.

use crate::cli::Listen;
use crate::error::CliError;
use graph_client::notifications::{Decryptor, Event, Receiver, TokenValidator};
use graph_client::{GraphClient, NewSubscription, ResourceEncryption, SubscriptionResource};
use graph_models::{ChangeType, LifecycleEventType};
use jiff::{SignedDuration, Timestamp};
use std::io::Write;
use std::time::Duration;

/// The `encryptionCertificateId` graph-chat names its certificate with.
const CERTIFICATE_ID: &str = "graph-chat-listen";

/// Runs until Ctrl-C (or the receiver stops), then deletes the subscription.
pub async fn listen(client: &GraphClient, listen: Listen, json: bool, out: &mut impl Write) -> Result<(), CliError> {
    let Listen { port, key, cert, chat, user, notification_url, minutes, jwks, app_id } = listen;
    let read = |path: &std::path::Path| std::fs::read_to_string(path).map_err(CliError::file("read", path));
    let decryptor = Decryptor::from_pem(&read(&key)?)
        .map_err(|reason| CliError::Usage(format!("--key `{}`: {reason}", key.display())))?
        .certificate_id(CERTIFICATE_ID);
    let certificate = certificate_base64(&read(&cert)?)
        .ok_or_else(|| CliError::Usage(format!("--cert `{}`: not a PEM certificate", cert.display())))?;
    let client_state = random_state();
    let mut receiver = Receiver::new().client_state(client_state.clone()).decryptor(decryptor);
    if let (Some(jwks), Some(app_id)) = (jwks, app_id) {
        let validator =
            TokenValidator::new(&key_set(&jwks).await?, app_id).map_err(|it| CliError::Usage(it.to_string()))?;
        receiver = receiver.validation_tokens(validator);
    }
    let listener = tokio::net::TcpListener::bind((std::net::Ipv4Addr::LOCALHOST, port)).await?;
    let address = listener.local_addr()?;
    let (router, mut events) = graph_client::webhook::router("/notifications", receiver, 256);
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    let url = notification_url.unwrap_or_else(|| format!("http://{address}/notifications"));
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
    let subscriptions = client.subscriptions();
    let subscription = subscriptions.create(&new).await?;
    let id = subscription.id.get().cloned().unwrap_or_default();
    eprintln!("graph-chat: listening on {url} (subscription {id}); Ctrl-C to stop");
    // Renew when four fifths of the lifetime have passed.
    let renew_every = Duration::from_secs((lifetime.as_secs() * 4 / 5).max(1) as u64);
    let mut renew = tokio::time::interval_at(tokio::time::Instant::now() + renew_every, renew_every);
    let mut rows = Printer { json, table_started: false };
    let result = loop {
        tokio::select! {
            event = futures::StreamExt::next(&mut events) => match event {
                Some(Ok(Event::Lifecycle { event: LifecycleEventType::ReauthorizationRequired, .. })) => {
                    if let Err(error) = subscriptions.renew(&id, Timestamp::now() + lifetime).await {
                        break Err(error.into());
                    }
                }
                Some(Ok(Event::Lifecycle { event, .. })) => eprintln!("graph-chat: lifecycle notification: {}", event.as_str()),
                Some(Ok(event)) => {
                    if let Err(error) = rows.print(out, &event) {
                        break Err(error.into());
                    }
                }
                // A refused delivery is Graph's or an attacker's problem, not a reason to stop.
                Some(Err(error)) => eprintln!("graph-chat: refused a notification delivery: {error}"),
                None => break Ok(()),
            },
            _ = renew.tick() => {
                if let Err(error) = subscriptions.renew(&id, Timestamp::now() + lifetime).await {
                    break Err(error.into());
                }
            }
            _ = tokio::signal::ctrl_c() => break Ok(()),
        }
    };
    let deleted = subscriptions.delete(&id).await;
    let _ = stop.send(());
    let _ = server.await;
    match (result, deleted) {
        (Err(error), _) => Err(error),
        (Ok(()), Err(error)) => Err(error.into()),
        (Ok(()), Ok(())) => {
            eprintln!("graph-chat: deleted subscription {id}");
            Ok(())
        }
    }
}

/// Messages as they come: JSON lines exactly as decrypted, or table rows.
struct Printer {
    json: bool,
    table_started: bool,
}

impl Printer {
    fn print(&mut self, out: &mut impl Write, event: &Event) -> std::io::Result<()> {
        let Event::Message { change, resource, message, .. } = event else { return Ok(()) };
        let change = match change {
            ChangeType::Created => "created",
            ChangeType::Updated => "updated",
            ChangeType::Deleted => "deleted",
            other => other.as_str(),
        };
        match (message, self.json) {
            (Some(message), true) => crate::jsonl::write_line(out, message.raw.get().as_bytes())?,
            (None, true) => writeln!(out, "{}", serde_json::json!({ "changeType": change, "resource": resource }))?,
            (message, false) => {
                if !self.table_started {
                    writeln!(out, "{:<8}  {:<16}  {:<24}  MESSAGE", "CHANGE", "TIME", "FROM")?;
                    self.table_started = true;
                }
                let row = match message {
                    Some(message) => crate::commands::message_row(&message.message, &Default::default()),
                    None => vec!["-".to_owned(), "-".to_owned(), resource.clone()],
                };
                writeln!(out, "{change:<8}  {:<16}  {:<24}  {}", row[0], row[1], row[2])?;
            }
        }
        out.flush()
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
