//! `sync`: messages into the archive, page by page, each page committed with the place to
//! continue from, so that a run killed at any instant is continued by the next.
//!
//! - `--user`: getAllMessages/delta (application permissions): a full round, then rounds of
//!   what changed, from the stored deltaLink.
//! - `--me`: delegated tokens have no getAllMessages, so each chat of `/me/chats` is walked,
//!   a few at a time, for the messages modified after its high-water mark (the documented
//!   `$orderby=lastModifiedDateTime desc` with `$filter=lastModifiedDateTime gt`). The mark moves
//!   on only when a walk is complete; a walk in progress is continued from its nextLink.

use crate::archive::{
    hosted_content_refs, last_modified, Archive, ChatCursor, Checkpoint, Cursor, HostedContent, Stored,
};
use crate::cli::ModelArg;
use crate::error::CliError;
use futures::{StreamExt, TryStreamExt};
use graph_client::{DeltaLink, GraphClient, ListMessages, MessageOrder, Pages};
use indicatif::ProgressBar;
use jiff::{SignedDuration, Timestamp};
use serde_json::value::RawValue;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Instant;

/// Whose messages.
pub enum Scope {
    /// A user's, through getAllMessages/delta.
    User(String),
    /// The signed-in user's, chat by chat.
    Me,
}

/// What `sync` asks for.
pub struct Sync {
    /// Whose messages.
    pub scope: Scope,
    /// The archive file.
    pub archive: PathBuf,
    /// The payment model (`--user` only).
    pub model: Option<ModelArg>,
    /// Messages per page.
    pub top: Option<u32>,
    /// Also store the messages' hosted contents (inline images) up to this many bytes each.
    pub hosted_contents: Option<u64>,
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

/// Chats walked at once by `--me`: the per-chat limit is 1 request per second, so walking a few
/// chats at once is what makes a delegated sync fast, within the 30 per second per app.
const CHATS_AT_ONCE: usize = 4;

/// Runs one sync to its end.
pub async fn sync(client: &GraphClient, sync: Sync) -> Result<Synced, CliError> {
    // Checked before the archive is created and before any chat is walked: every page would
    // refuse it alike.
    if let Some(top) = sync.top.filter(|it| !(1..=graph_client::MAX_TOP).contains(it)) {
        return Err(CliError::Usage(format!("$top must be between 1 and {}, got {top}", graph_client::MAX_TOP)));
    }
    let store = Store {
        client,
        archive: Mutex::new(Archive::open(&sync.archive)?),
        hosted_contents: sync.hosted_contents,
        progress: crate::export::progress_bar(),
        started: Instant::now(),
        synced: Mutex::new(Synced::default()),
    };
    let result = match sync.scope {
        Scope::User(user) => delta_rounds(&store, &user, sync.model, sync.top).await,
        Scope::Me => chat_walks(&store, sync.top).await,
    };
    store.progress.finish_and_clear();
    result.map(|()| *store.synced.lock().unwrap_or_else(|it| it.into_inner()))
}

/// The archive and what the pages did to it, shared by the chats walked at once.
struct Store<'a> {
    client: &'a GraphClient,
    archive: Mutex<Archive>,
    hosted_contents: Option<u64>,
    progress: ProgressBar,
    started: Instant,
    synced: Mutex<Synced>,
}

impl Store<'_> {
    /// Fetches the page's hosted contents if asked, then commits the page with its checkpoint.
    async fn page(&self, scope: &str, messages: &[Box<RawValue>], checkpoint: Checkpoint<'_>) -> Result<(), CliError> {
        let contents = match self.hosted_contents {
            Some(limit) => self.fetch_contents(messages, limit).await?,
            None => Vec::new(),
        };
        let stored = self.archive().store_page(scope, messages, &contents, checkpoint)?;
        let mut synced = self.synced.lock().unwrap_or_else(|it| it.into_inner());
        synced.stored += stored;
        synced.pages += 1;
        let Stored { new, changed, deleted, repeated, .. } = synced.stored;
        let rate = (new + changed + deleted + repeated) as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        self.progress.set_message(format!(
            "{} pages, {new} new, {changed} changed, {deleted} deleted, {rate:.0} messages/s, {} retries",
            synced.pages,
            self.client.retries()
        ));
        Ok(())
    }

    fn archive(&self) -> std::sync::MutexGuard<'_, Archive> {
        // A panic while holding the lock cannot leave a transaction half done: it rolls back.
        self.archive.lock().unwrap_or_else(|it| it.into_inner())
    }

    /// The hosted contents of `messages` not in the archive yet, each fetched or the reason it
    /// was not: larger than `limit`, or gone (404). Other failures end the sync, which a rerun
    /// repeats.
    async fn fetch_contents(&self, messages: &[Box<RawValue>], limit: u64) -> Result<Vec<HostedContent>, CliError> {
        let mut contents = Vec::new();
        for of in messages.iter().flat_map(|it| hosted_content_refs(it.get())) {
            if self.archive().has_content(&of)? {
                continue;
            }
            let chat = self.client.chat(&of.chat_id);
            let bytes = match chat.hosted_content_bytes(&of.message_id, &of.content_id).max_bytes(limit).send().await {
                Ok(bytes) => Ok(bytes),
                Err(graph_client::Error::ResponseTooLarge { .. }) => Err(format!("larger than {limit} bytes")),
                Err(error) if error.http().is_some_and(|it| it.status.as_u16() == 404) => {
                    Err("not found (404)".to_owned())
                }
                Err(error) => return Err(error.into()),
            };
            contents.push(HostedContent { of, bytes });
        }
        Ok(contents)
    }
}

/// getAllMessages/delta from the stored link (or from the start) to the end of a round.
async fn delta_rounds(
    store: &Store<'_>,
    user: &str,
    model: Option<ModelArg>,
    top: Option<u32>,
) -> Result<(), CliError> {
    let client = store.client;
    let scope = format!("user:{user}");
    let cursor = store.archive().cursor(&scope)?;
    let mut request = client.user(user).all_messages_delta().top(top.unwrap_or(graph_client::MAX_TOP));
    if let Some(model) = model {
        request = request.model(model.into());
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
    let result = async {
        while let Some(page) = receiver.recv().await {
            let page = page?;
            if page.restarted {
                store.synced.lock().unwrap_or_else(|it| it.into_inner()).restarted = true;
                store.progress.suspend(|| {
                    crate::notice(format_args!(
                        "graph-chat: the stored delta link has expired; starting a full round (stored messages are kept)"
                    ))
                });
            }
            let (link, round_done) = match &page.link {
                DeltaLink::Next(link) => (link, false),
                DeltaLink::Delta(link) => (link, true),
            };
            let cursor = Cursor { link: client.relative_link(link).to_owned(), round_done };
            store.page(&scope, &page.value, Checkpoint::Delta(&cursor)).await?;
        }
        Ok(())
    }
    .await;
    // Pages still on their way are not wanted once a page could not be stored.
    drop(receiver);
    fetch.abort();
    let _ = fetch.await;
    result
}

/// Every chat of `/me/chats`, a few at a time. A chat that fails is reported and the others are
/// still walked, so that one inaccessible chat cannot keep the rest out of the archive.
async fn chat_walks(store: &Store<'_>, top: Option<u32>) -> Result<(), CliError> {
    let chats: Vec<String> = store
        .client
        .me()
        .chats()
        .items()
        .try_filter_map(|chat| async move { Ok(chat.id.into_option()) })
        .try_collect()
        .await?;
    let mut failures: Vec<(&str, CliError)> = futures::stream::iter(&chats)
        .map(|chat| async move { (chat.as_str(), chat_walk(store, chat, top).await) })
        .buffer_unordered(CHATS_AT_ONCE)
        .filter_map(|(chat, result)| async move { result.err().map(|error| (chat, error)) })
        .inspect(|(chat, error)| {
            store.progress.suspend(|| crate::notice(format_args!("graph-chat: chat `{chat}` not synced: {error}")))
        })
        .collect()
        .await;
    match failures.len() {
        0 => Ok(()),
        failed => {
            let (chat, first) = failures.swap_remove(0);
            Err(CliError::Chats { failed, total: chats.len(), chat: chat.to_owned(), first: Box::new(first) })
        }
    }
}

/// One chat: its messages modified after its mark, continuing a walk in progress if there is
/// one; the mark moves on to the greatest `lastModifiedDateTime` seen once the walk is complete.
async fn chat_walk(store: &Store<'_>, chat: &str, top: Option<u32>) -> Result<(), CliError> {
    const SCOPE: &str = "me";
    let client = store.client;
    let stored = store.archive().chat_cursor(SCOPE, chat)?;
    let request = client.me().chat(chat).messages().top(top.unwrap_or(graph_client::MAX_TOP));
    let mut resuming = stored.next_link.as_deref();
    let mut pages = walk_pages(request.clone(), resuming, stored.mark.as_deref());
    let mut pending = stored.pending_mark.clone().and_then(|text| Some((text.parse().ok()?, text)));
    loop {
        let page = match pages.try_next().await {
            Ok(Some(page)) => page,
            Ok(None) => return Ok(()),
            Err(error) if resuming.is_some() && is_refused_link(&error) => {
                // A stored link the service no longer takes (an expired skiptoken): the walk starts
                // again from the mark; what it had stored is recognised as already archived.
                let status = error.http().map_or(0, |it| it.status.as_u16());
                store.progress.suspend(|| {
                    crate::notice(format_args!(
                        "graph-chat: chat `{chat}`: the stored link was refused ({status}); walking from its mark"
                    ))
                });
                resuming = None;
                pages = walk_pages(request.clone(), None, stored.mark.as_deref());
                continue;
            }
            Err(error) => return Err(error.into()),
        };
        resuming = None;
        for (text, time) in page.value.iter().filter_map(|it| last_modified(it.get())) {
            if pending.as_ref().is_none_or(|(greatest, _)| time > *greatest) {
                pending = Some((time, text));
            }
        }
        let pending_text = pending.as_ref().map(|(_, text)| text.clone());
        let cursor = match page.next_link().filter(|it| !it.is_empty()) {
            Some(link) => ChatCursor {
                mark: stored.mark.clone(),
                next_link: Some(client.relative_link(link).to_owned()),
                pending_mark: pending_text,
            },
            None => {
                ChatCursor { mark: pending_text.or_else(|| stored.mark.clone()), next_link: None, pending_mark: None }
            }
        };
        store.page(SCOPE, &page.value, Checkpoint::Chat { chat_id: chat, cursor: &cursor }).await?;
    }
}

/// A chat's pages: from the stored nextLink of a walk in progress, else those modified since the
/// mark, else all of them, newest change first.
fn walk_pages(request: ListMessages, next_link: Option<&str>, mark: Option<&str>) -> Pages<Box<RawValue>> {
    match (next_link, mark.map(str::parse)) {
        (Some(link), _) => request.raw_pages_from(link),
        (None, Some(Ok(mark))) => request.modified_after(resume_after(mark)).raw_pages(),
        (None, _) => request.order_by(MessageOrder::LastModifiedDesc).raw_pages(),
    }
}

/// The `lastModifiedDateTime gt` bound of a walk from `mark`: one millisecond (the literal's
/// precision) before it, because another version may carry the mark's own time and the filter
/// has no `ge`. The versions seen again are recognised as already archived.
fn resume_after(mark: Timestamp) -> Timestamp {
    mark.checked_sub(SignedDuration::from_millis(1)).unwrap_or(mark)
}

/// A stored link answered 400 (Bad Request) or 410 (Gone): it has expired.
fn is_refused_link(error: &graph_client::Error) -> bool {
    error.http().is_some_and(|it| matches!(it.status.as_u16(), 400 | 410))
}

/// The one-line summary.
pub fn summary(synced: &Synced) -> String {
    let Stored { new, changed, deleted, repeated, bytes, contents } = synced.stored;
    let contents = if contents > 0 { format!(", {contents} hosted contents") } else { String::new() };
    format!(
        "synced {} pages: {new} new, {changed} changed, {deleted} deleted, {repeated} already archived, {bytes} bytes{contents}",
        synced.pages
    )
}

#[cfg(test)]
mod tests {
    use super::resume_after;

    #[test]
    fn a_walk_from_a_mark_reads_the_versions_modified_in_the_marks_own_millisecond() {
        let mark: jiff::Timestamp = "2026-01-02T03:04:05.678Z".parse().unwrap();
        let bound = resume_after(mark);
        // `lastModifiedDateTime gt bound` at millisecond precision: the mark's millisecond passes.
        assert_eq!(bound.strftime("%Y-%m-%dT%H:%M:%S%.3fZ").to_string(), "2026-01-02T03:04:05.677Z");
        assert!(mark > bound);
    }
}
