//! `notifications decrypt`: a saved notification collection, decrypted offline.

use crate::cli::NotificationsCommand;
use crate::error::CliError;
use graph_notifications::{Decryptor, Event, NotificationError, Receiver};
use std::io::{Read, Write};

/// The largest collection read: 16 MiB, far above what Graph posts at once.
const MAX_BYTES: usize = 16 * 1024 * 1024;

/// Prints each decrypted resource as one JSON line, exactly as decrypted; any notification that
/// fails validation or decryption, or has no content to decrypt, fails the command with its
/// reason. Lifecycle notifications print nothing.
pub fn run(command: NotificationsCommand) -> Result<(), CliError> {
    let NotificationsCommand::Decrypt { key, file } = command;
    let pem = std::fs::read_to_string(&key).map_err(CliError::file("read", &key))?;
    let decryptor =
        Decryptor::from_pem(&pem).map_err(|reason| CliError::Usage(format!("--key `{}`: {reason}", key.display())))?;
    let mut body = Vec::new();
    match &file {
        Some(path) => std::fs::File::open(path)
            .and_then(|it| it.take(MAX_BYTES as u64 + 1).read_to_end(&mut body))
            .map_err(CliError::file("read", path))?,
        None => std::io::stdin().lock().take(MAX_BYTES as u64 + 1).read_to_end(&mut body)?,
    };
    let input = file.as_ref().map_or_else(|| "stdin".to_owned(), |it| format!("`{}`", it.display()));
    let refused = |error| CliError::Notification { input: input.clone(), error };
    let events = Receiver::new().decryptor(decryptor).max_bytes(MAX_BYTES).receive(&body).map_err(refused)?;
    // A notification without content has nothing to decrypt: refused before anything is printed.
    let bare = events.iter().position(|it| matches!(it, Event::Message { message: None, .. }));
    if let Some(index) = bare {
        return Err(refused(NotificationError::Decrypt {
            index,
            reason: "no encryptedContent to decrypt (a subscription without includeResourceData)".to_owned(),
        }));
    }
    let mut out = std::io::stdout().lock();
    for event in events {
        if let Event::Message { message: Some(message), .. } = event {
            crate::jsonl::write_line(&mut out, message.raw.get().as_bytes())?;
        }
    }
    out.flush()?;
    Ok(())
}
