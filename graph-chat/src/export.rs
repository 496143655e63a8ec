//! `messages export`: every message of getAllMessages, all pages, one JSON object per line.

use crate::cli::ModelArg;
use crate::error::CliError;
use crate::outfile::OutFile;
use futures::TryStreamExt;
use graph_client::GraphClient;
use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What `messages export` asks for.
pub struct Export {
    /// The user whose chats to export.
    pub user: String,
    /// The JSON-lines file to write.
    pub out: PathBuf,
    /// The payment model.
    pub model: Option<ModelArg>,
    /// Only messages modified after this.
    pub since: Option<jiff::Timestamp>,
    /// Only messages modified before this.
    pub until: Option<jiff::Timestamp>,
    /// Messages per page.
    pub top: Option<u32>,
}

/// What an export wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Exported {
    /// Messages written.
    pub messages: u64,
    /// Pages read.
    pub pages: u64,
}

/// Streams every page into `--out` ([`OutFile`]: a file by the requested name is always a
/// complete export).
pub async fn export(client: &GraphClient, export: Export) -> Result<Exported, CliError> {
    let Export { user, out, model, since, until, top } = export;
    let mut request = client.user(&user).all_messages();
    if let Some(model) = model {
        request = request.model(model.into());
    }
    if let Some(since) = since {
        request = request.modified_after(since);
    }
    if let Some(until) = until {
        request = request.modified_before(until);
    }
    request = request.top(top.unwrap_or(graph_client::MAX_TOP));
    let mut file = OutFile::create(&out, None)?;
    let progress = progress_bar();
    let result = write_pages(client, request, &mut file, &progress).await;
    progress.finish_and_clear();
    let done = file.complete(result)?;
    if std::io::stderr().is_terminal() {
        crate::notice(format_args!(
            "exported {} messages from {} pages to {}",
            done.messages,
            done.pages,
            out.display()
        ));
    }
    Ok(done)
}

async fn write_pages(
    client: &GraphClient,
    request: graph_client::AllMessages,
    file: &mut OutFile,
    progress: &ProgressBar,
) -> Result<Exported, CliError> {
    let started = Instant::now();
    let mut done = Exported { messages: 0, pages: 0 };
    let mut pages = request.raw_pages();
    while let Some(page) = pages.try_next().await? {
        for message in &page.value {
            crate::jsonl::write_line(file.writer(), message.get().as_bytes()).map_err(|it| file.error(it))?;
        }
        done.messages += page.value.len() as u64;
        done.pages += 1;
        let rate = done.messages as f64 / started.elapsed().as_secs_f64().max(1e-3);
        progress.set_message(format!(
            "{} messages, {} pages, {rate:.0} messages/s, {} retries",
            done.messages,
            done.pages,
            client.retries()
        ));
    }
    Ok(done)
}

/// A spinner on a terminal, nothing otherwise.
pub fn progress_bar() -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(Duration::from_millis(120));
    bar
}
