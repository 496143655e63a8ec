//! What every request sees.

use crate::config::MockConfig;
use crate::dataset::Dataset;
use std::sync::atomic::AtomicU64;

/// The server's shared state.
#[derive(Debug)]
pub struct AppState {
    /// What is served.
    pub dataset: Dataset,
    /// How it was configured.
    pub config: MockConfig,
    /// `http://127.0.0.1:PORT`, the origin of nextLinks.
    pub origin: String,
    /// Requests received so far; faults are chosen by this count.
    pub requests: AtomicU64,
    /// Change-notification subscriptions.
    pub subscriptions: crate::notify::Subscriptions,
    /// Where notification deliveries run.
    pub runtime: Option<tokio::runtime::Handle>,
    /// Deliveries the receivers accepted.
    pub deliveries: std::sync::Arc<AtomicU64>,
}
