//! `sync`: getAllMessages/delta into the archive, page by page, continuing from where the last
//! run stopped.

use crate::archive::{Archive, Cursor, Stored};
use crate::cli::ModelArg;
use crate::error::CliError;
use futures::StreamExt;
use graph_client::{DeltaLink, GraphClient, Model};
use std::path::PathBuf;
use std::time::Instant;

/// What `sync` asks for.
pub struct Sync {
    /// The user whose chats to sync.
    pub user: String,
    /// The archive file.
    pub archive: PathBuf,
    /// The payment model.
    pub model: Option<ModelArg>,
    /// Messages per page.
    pub top: Option<u32>,
}

/// What a sync did.
#[derive(Debug, Clone, Copy, Default)]
pub struct Synced {
    /// Pages stored.
    pub pages: u64,
    /// Their messages, by what they were to the archive.
    pub stored: Stored,
    /// Whether a full round began because the stored link had expired.
    pub restarted: bool,
}

/// Pages fetched ahead of the one being stored: fetching and committing overlap, and memory
/// stays at a few pages.
const PAGES_AHEAD: usize = 2;

/// Runs one sync to the end of a round.
pub async fn sync(client: &GraphClient, sync: Sync) -> Result<Synced, CliError> {
    let Sync { user, archive, model, top } = sync;
    let mut archive = Archive::open(&archive)?;
    let scope = format!("user:{user}");
    let cursor = archive.cursor(&scope)?;
    let mut request = client.user(&user).all_messages_delta().top(top.unwrap_or(graph_client::MAX_TOP));
    if let Some(model) = model {
        request = request.model(match model {
            ModelArg::A => Model::A,
            ModelArg::B => Model::B,
        });
    }
    let pages = request.raw(cursor.as_ref().map(|it| it.link.as_str()));
    // The pages come through a small channel from a task of their own, so that the next page is
    // on its way while this one is committed.
    let (sender, mut receiver) = tokio::sync::mpsc::channel(PAGES_AHEAD);
    let fetch = tokio::spawn(pages.for_each(move |page| {
        let sender = sender.clone();
        async move {
            let _ = sender.send(page).await;
        }
    }));
    let progress = crate::export::progress_bar();
    let started = Instant::now();
    let mut synced = Synced::default();
    let result = async {
        while let Some(page) = receiver.recv().await {
            let page = page?;
            if page.restarted {
                synced.restarted = true;
                progress.suspend(|| {
                    eprintln!("graph-chat: the stored delta link has expired; starting a full round (stored messages are kept)")
                });
            }
            let (link, round_done) = match &page.link {
                DeltaLink::Next(link) => (link, false),
                DeltaLink::Delta(link) => (link, true),
            };
            let cursor = Cursor { link: client.relative_link(link).to_owned(), round_done };
            synced.stored += archive.store_page(&scope, &page.value, &cursor)?;
            synced.pages += 1;
            let rate = (synced.stored.new + synced.stored.changed + synced.stored.deleted + synced.stored.repeated)
                as f64
                / started.elapsed().as_secs_f64().max(1e-3);
            progress.set_message(format!(
                "{} pages, {} new, {} changed, {} deleted, {rate:.0} messages/s, {} retries",
                synced.pages,
                synced.stored.new,
                synced.stored.changed,
                synced.stored.deleted,
                client.retries()
            ));
        }
        Ok::<_, CliError>(())
    }
    .await;
    progress.finish_and_clear();
    drop(receiver);
    let _ = fetch.await;
    result.map(|()| synced)
}

/// The one-line summary.
pub fn summary(synced: &Synced) -> String {
    let Stored { new, changed, deleted, repeated, bytes } = synced.stored;
    format!(
        "synced {} pages: {new} new, {changed} changed, {deleted} deleted, {repeated} already archived, {bytes} bytes",
        synced.pages
    )
}
