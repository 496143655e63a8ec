//! `archive export` and `archive stats`: reading an archive, with no Graph access.

use crate::archive::{Archive, ExportError};
use crate::cli::ArchiveCommand;
use crate::error::CliError;
use std::io::Write;

/// Runs an archive command; stats go to stdout.
pub fn run(command: ArchiveCommand, json: bool) -> Result<(), CliError> {
    match command {
        ArchiveCommand::Export { archive, out, all_versions } => {
            let archive = Archive::open_existing(&archive)?;
            let partial = crate::export::partial_name(&out);
            let write_error = || CliError::file("write", &partial);
            let mut writer = std::io::BufWriter::new(std::fs::File::create(&partial).map_err(write_error())?);
            let exported = match archive.export(&mut writer, all_versions) {
                Ok(count) => count,
                Err(error) => {
                    drop(writer);
                    // Best effort: the error that stopped the export matters more than this one.
                    let _ = std::fs::remove_file(&partial);
                    return Err(match error {
                        ExportError::Archive(error) => error.into(),
                        ExportError::Write(error) => write_error()(error),
                    });
                }
            };
            writer.into_inner().map_err(|it| it.into_error()).and_then(|it| it.sync_all()).map_err(write_error())?;
            std::fs::rename(&partial, &out).map_err(CliError::file("move the finished export to", &out))?;
            eprintln!("exported {exported} messages to {}", out.display());
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
