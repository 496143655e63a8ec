//! An axum receiver for change notifications: it answers Graph's validation requests, answers
//! deliveries with 202 at once (Graph allows 3 seconds), and checks, decrypts and hands over the
//! events afterwards, through a bounded channel.
//!
//! ```no_run
//! # async fn run(receiver: graph_notifications::Receiver) -> std::io::Result<()> {
//! let (router, mut events) = graph_notifications::webhook::router("/notifications", receiver, 64);
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:8080").await?;
//! tokio::spawn(async move { axum::serve(listener, router).await });
//! use futures::StreamExt;
//!
//! while let Some(event) = events.next().await {
//!     println!("{event:?}");
//! }
//! # Ok(()) }
//! ```

use crate::{validation_response, Event, NotificationError, Receiver};
use axum::body::Bytes;
use axum::extract::{RawQuery, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use std::sync::Arc;
use tokio::sync::mpsc;

/// What the receiver hands over: an event, or why a delivery was refused.
pub type Delivery = Result<Event, NotificationError>;

/// The deliveries, in the order they were checked; the stream ends when the router is dropped.
pub type Deliveries = futures::stream::BoxStream<'static, Delivery>;

struct Hook {
    receiver: Receiver,
    events: mpsc::Sender<Delivery>,
}

/// A router that receives notifications POSTed to `path` (and lifecycle notifications, when the
/// subscription's `lifecycleNotificationUrl` is the same URL), and the stream of what they say,
/// through a channel `capacity` deliveries deep.
pub fn router(path: &str, receiver: Receiver, capacity: usize) -> (Router, Deliveries) {
    let (events, received) = mpsc::channel(capacity.max(1));
    let hook = Arc::new(Hook { receiver, events });
    let deliveries = futures::stream::unfold(received, |mut received| async move {
        received.recv().await.map(|delivery| (delivery, received))
    });
    (Router::new().route(path, post(receive)).with_state(hook), Box::pin(deliveries))
}

async fn receive(State(hook): State<Arc<Hook>>, RawQuery(query): RawQuery, body: Bytes) -> Response {
    if let Some(token) = validation_response(query.as_deref()) {
        return (StatusCode::OK, [("content-type", "text/plain")], token).into_response();
    }
    // Answer first: the checks and decryption take longer than Graph waits for an answer.
    tokio::spawn(async move {
        match hook.receiver.receive(&body) {
            Ok(events) => {
                for event in events {
                    if hook.events.send(Ok(event)).await.is_err() {
                        return;
                    }
                }
            }
            Err(error) => {
                tracing::warn!(%error, "refused a change notification delivery");
                let _ = hook.events.send(Err(error)).await;
            }
        }
    });
    StatusCode::ACCEPTED.into_response()
}
