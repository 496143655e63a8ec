//! What can end a command, and how it is reported: one line on stderr and an exit code.

use std::fmt;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// A failed command.
#[derive(Debug)]
pub enum CliError {
    /// The options do not make sense together (exit code 2).
    Usage(String),
    /// Graph, or the client on the way to it, failed (exit code 1); or the client refused an
    /// option value or the configuration before sending anything (exit code 2, see
    /// [`refused_before_sending`]).
    Graph(graph_client::Error),
    /// A local file failed (exit code 1): what was being done to which file.
    File { action: &'static str, path: PathBuf, error: std::io::Error },
    /// A socket or the terminal failed (exit code 1).
    Io(std::io::Error),
    /// The archive could not be opened, read or written (exit code 1).
    Archive(crate::archive::ArchiveError),
    /// A change notification in `input` (a file, or stdin) failed validation or decryption
    /// (exit code 1).
    Notification { input: String, error: graph_notifications::NotificationError },
    /// `sync --me` stored every chat but `failed` of `total`; `first` is why `chat` failed (exit
    /// code 1). Each failure is also reported on stderr as it happens.
    Chats { failed: usize, total: usize, chat: String, first: Box<CliError> },
}

impl From<crate::archive::ArchiveError> for CliError {
    fn from(error: crate::archive::ArchiveError) -> Self {
        CliError::Archive(error)
    }
}

impl CliError {
    /// A closure that turns an I/O error into one naming `path`, for `map_err`.
    pub fn file<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> CliError + 'a {
        move |error| CliError::File { action, path: path.to_owned(), error }
    }
}

impl From<graph_client::Error> for CliError {
    fn from(error: graph_client::Error) -> Self {
        CliError::Graph(error)
    }
}

impl From<std::io::Error> for CliError {
    fn from(error: std::io::Error) -> Self {
        CliError::Io(error)
    }
}

impl CliError {
    /// 2 for usage errors, 1 for everything else.
    pub fn exit_code(&self) -> ExitCode {
        match self {
            CliError::Usage(_) => ExitCode::from(2),
            CliError::Graph(error) if refused_before_sending(error) => ExitCode::from(2),
            CliError::Graph(_)
            | CliError::File { .. }
            | CliError::Io(_)
            | CliError::Archive(_)
            | CliError::Notification { .. }
            | CliError::Chats { .. } => ExitCode::from(1),
        }
    }
}

/// Whether the client rejected what it was asked before sending anything: a value that breaks a
/// documented rule (`--top 99`, an empty `--since`/`--until` range), or an unusable configuration
/// (a plain `http` `--base-url` or authority that is not loopback). Those are the user's to fix,
/// so they are usage errors; failures at run time (network, HTTP errors, decoding) are not.
fn refused_before_sending(error: &graph_client::Error) -> bool {
    use graph_client::{AuthError, Error};
    matches!(error, Error::InvalidRequest(_) | Error::Config(_) | Error::Auth(AuthError::Config(_)))
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CliError::Usage(message) => write!(f, "{message}"),
            CliError::File { action, path, error } => write!(f, "cannot {action} `{}`: {error}", path.display()),
            CliError::Io(error) => write!(f, "{error}"),
            CliError::Archive(error) => write!(f, "{error}"),
            CliError::Notification { input, error } => write!(f, "{input}: {error}"),
            CliError::Chats { failed, total, chat, first } => {
                write!(
                    f,
                    "{failed} of {total} chats were not synced (a rerun tries them again); chat `{chat}`: {first}"
                )
            }
            CliError::Graph(error) => match error.http() {
                // The OData code and message, and the request-id a support request needs.
                Some(http) => {
                    let (code, message) = match &http.error {
                        Some(odata) => (odata.code.as_str(), odata.message.as_str()),
                        None => (http.status.canonical_reason().unwrap_or("error"), ""),
                    };
                    write!(f, "{} {code}", http.status.as_u16())?;
                    if !message.is_empty() {
                        write!(f, ": {message}")?;
                    }
                    if let graph_client::Error::Throttled { attempts, .. } = error {
                        write!(f, " (gave up after {attempts} attempts)")?;
                    }
                    if let Some(request_id) = &http.request_id {
                        write!(f, " (request-id {request_id})")?;
                    }
                    Ok(())
                }
                None => write_with_causes(f, error),
            },
        }
    }
}

/// `error`, then each cause its text does not already say (`connection refused` under a
/// transport error, say). Causes come from the client, which keeps tokens out of them.
fn write_with_causes(f: &mut fmt::Formatter<'_>, error: &graph_client::Error) -> fmt::Result {
    let mut shown = error.to_string();
    let mut cause = std::error::Error::source(error);
    while let Some(next) = cause {
        let text = next.to_string();
        if !shown.contains(&text) {
            shown = format!("{shown}: {text}");
        }
        cause = next.source();
    }
    f.write_str(&shown)
}
