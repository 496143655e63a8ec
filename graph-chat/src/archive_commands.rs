//! `archive export` and `archive stats`: reading an archive, with no Graph access.

use crate::archive::{Archive, ExportError};
use crate::cli::ArchiveCommand;
use crate::error::CliError;
use crate::outfile::OutFile;
use std::io::Write;

/// Runs an archive command; stats go to stdout.
pub fn run(command: ArchiveCommand, json: bool) -> Result<(), CliError> {
    match command {
        ArchiveCommand::Export { archive: path, out, all_versions } => {
            let archive = Archive::open_existing(&path)?;
            let mut file = OutFile::create(&out, Some(&path))?;
            let written = archive.export(file.writer(), all_versions).map_err(|error| match error {
                ExportError::Archive(error) => error.into(),
                ExportError::Write(error) => file.error(error),
            });
            let exported = file.complete(written)?;
            crate::notice(format_args!("exported {exported} messages to {}", out.display()));
            Ok(())
        }
        ArchiveCommand::Stats { archive } => {
            let stats = Archive::open_existing(&archive)?.stats()?;
            let mut out = std::io::stdout().lock();
            if json {
                let text = serde_json::to_string(&stats).map_err(|err| CliError::Io(err.into()))?;
                return writeln!(out, "{text}").map_err(CliError::Io);
            }
            let rows = [
                ("messages", stats.messages),
                ("versions", stats.versions),
                ("deleted", stats.deleted),
                ("chats", stats.chats),
                ("bytes", stats.bytes),
                ("hosted contents", stats.hosted_contents),
                ("content bytes", stats.hosted_content_bytes),
                ("schema version", stats.schema_version as u64),
            ];
            for (name, count) in rows {
                writeln!(out, "{name:<16}{count}")?;
            }
            for (scope, round_done) in &stats.scopes {
                let state = if *round_done { "round complete" } else { "round in progress" };
                writeln!(out, "{:<16}{scope} ({state})", "sync")?;
            }
            Ok(())
        }
    }
}
