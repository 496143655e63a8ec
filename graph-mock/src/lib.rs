//! A local server that behaves like the Microsoft Graph v1.0 Teams chat endpoints: list and get
//! chats, list messages and members, `getAllMessages`, with paging, `$top`/`$filter`/`$orderby`/
//! `$expand`, bearer-token checks, OData errors, evolvable enums and injected faults.
//!
//! Everything it serves is produced by serialising `graph-models` types, so it exercises them too.
//! It listens on 127.0.0.1 only.
//!
//! ```no_run
//! # async fn run() -> std::io::Result<()> {
//! let server = graph_mock::start(graph_mock::MockConfig::default()).await?;
//! println!("Graph root: {}", server.base_url()); // http://127.0.0.1:PORT/v1.0
//! server.shutdown().await;
//! # Ok(()) }
//! ```

#![deny(missing_docs)]

mod changes;
mod config;
mod contents;
pub mod crypto;
mod dataset;
mod delta;
mod faults;
mod generate;
mod notify;
mod odata;
mod query;
mod routes;
mod seeds;
mod senders;
mod state;

pub use changes::Step;
pub use config::{DatasetConfig, Fault, Faults, MockConfig, DEFAULT_TOKEN};
pub use generate::{User, IMAGE_PNG, TENANT_ID};
pub use query::MAX_TOP;

use state::AppState;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// A running server; dropping it leaves it running until the runtime ends, `shutdown` stops it.
#[derive(Debug)]
pub struct MockServer {
    address: SocketAddr,
    state: Arc<AppState>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl MockServer {
    /// The Graph root to give a client: `http://127.0.0.1:PORT/v1.0`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1.0", self.address)
    }

    /// The socket address it listens on.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The token it accepts.
    pub fn token(&self) -> &str {
        &self.state.config.token
    }

    /// How many requests it has received.
    pub fn requests(&self) -> u64 {
        self.state.requests.load(Ordering::Relaxed)
    }

    /// The users of its tenant; the first is the signed-in user of `/me`.
    pub fn users(&self) -> &[User] {
        self.state.dataset.users()
    }

    /// Moves simulated time on by one step (an hour) that creates, edits and deletes the messages
    /// `step` asks for in the generated chats; returns the new step. Delta rounds, and every other
    /// endpoint, answer from the new state; `POST /mock/advance?created=N&edited=N&deleted=N` does
    /// the same over HTTP.
    pub fn advance(&self, step: Step) -> u64 {
        let step = self.state.dataset.advance(step);
        notify::deliver_step(&self.state, step);
        step
    }

    /// How many change-notification subscriptions it holds.
    pub fn subscriptions(&self) -> usize {
        self.state.subscriptions.len()
    }

    /// How many notification deliveries the receivers have accepted (answered 2xx) so far.
    pub fn deliveries(&self) -> u64 {
        self.state.deliveries.load(Ordering::Relaxed)
    }

    /// Posts the lifecycle notification `event` (`reauthorizationRequired`,
    /// `subscriptionRemoved`, `missed`) for every subscription; `POST
    /// /mock/lifecycle?event=...` does the same. After `subscriptionRemoved` they are gone.
    pub fn lifecycle(&self, event: &str) {
        notify::deliver_lifecycle(&self.state, event);
    }

    /// Stops accepting connections and waits for the server task to end.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

/// Starts a server on 127.0.0.1 in the current tokio runtime.
pub async fn start(config: MockConfig) -> std::io::Result<MockServer> {
    let listener = tokio::net::TcpListener::bind((Ipv4Addr::LOCALHOST, config.port)).await?;
    let address = listener.local_addr()?;
    let state = Arc::new(AppState {
        dataset: dataset::Dataset::new(&config.dataset),
        origin: format!("http://{address}"),
        config,
        requests: AtomicU64::new(0),
        subscriptions: notify::Subscriptions::default(),
        runtime: tokio::runtime::Handle::try_current().ok(),
        deliveries: Arc::new(AtomicU64::new(0)),
    });
    let app = routes::router(state.clone()).layer(axum::middleware::from_fn_with_state(state.clone(), faults::layer));
    let (stop, stopped) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let serve = axum::serve(listener, app).with_graceful_shutdown(async {
            let _ = stopped.await;
        });
        if let Err(err) = serve.await {
            eprintln!("graph-mock: server error: {err}");
        }
    });
    Ok(MockServer { address, state, stop: Some(stop), task: Some(task) })
}
