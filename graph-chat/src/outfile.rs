//! Where an export goes (`--out`). A regular file, new or existing, is written as `FILE.partial`
//! beside it and renamed over it once complete, so that a file by that name is always a whole
//! export. A link is followed to its target, so the link stays. A terminal, a pipe or a device
//! (`/dev/stdout`), and `-` for stdout, are written to directly: there is nothing to rename.
//! Errors name the path as given.

use crate::error::CliError;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// An export being written.
pub struct OutFile {
    /// The path as given, for messages.
    shown: PathBuf,
    /// Where the finished export goes, and where it is written until then; `None` when written
    /// in place.
    rename: Option<(PathBuf, PathBuf)>,
    writer: BufWriter<Box<dyn Write + Send>>,
    /// The file to sync before the rename.
    file: Option<File>,
}

impl OutFile {
    /// Starts writing to `out`, refusing a directory and the file `keep` (the archive an export
    /// reads from, which the rename would replace).
    pub fn create(out: &Path, keep: Option<&Path>) -> Result<OutFile, CliError> {
        let shown = out.to_owned();
        if out.as_os_str() == "-" {
            let writer = BufWriter::new(Box::new(std::io::stdout()) as Box<dyn Write + Send>);
            return Ok(OutFile { shown, rename: None, writer, file: None });
        }
        // An existing path is resolved through its links; a new one is taken as it is.
        let target = std::fs::canonicalize(out).unwrap_or_else(|_| out.to_owned());
        if let Some(keep) = keep.and_then(|it| std::fs::canonicalize(it).ok()) {
            if keep == target {
                return Err(CliError::Usage(format!("--out `{}` is the archive itself", out.display())));
            }
        }
        let refuse = |what: &str| CliError::Usage(format!("--out `{}` is {what}, not a file", out.display()));
        match std::fs::metadata(&target) {
            Ok(meta) if meta.is_dir() => Err(refuse("a directory")),
            Ok(meta) if !meta.is_file() => {
                let file = std::fs::OpenOptions::new().write(true).open(&target).map_err(write_error(out))?;
                let writer = BufWriter::new(Box::new(file) as Box<dyn Write + Send>);
                Ok(OutFile { shown, rename: None, writer, file: None })
            }
            _ => {
                let partial = partial_name(&target);
                let file = File::create(&partial).map_err(write_error(out))?;
                let handle = file.try_clone().map_err(write_error(out))?;
                let writer = BufWriter::new(Box::new(file) as Box<dyn Write + Send>);
                Ok(OutFile { shown, rename: Some((target, partial)), writer, file: Some(handle) })
            }
        }
    }

    /// Where the lines go.
    pub fn writer(&mut self) -> &mut impl Write {
        &mut self.writer
    }

    /// What an I/O error while writing means, naming the path as given.
    pub fn error(&self, error: std::io::Error) -> CliError {
        write_error(&self.shown)(error)
    }

    /// Flushes, syncs and moves the export into place.
    pub fn finish(mut self) -> Result<(), CliError> {
        let flushed = self.writer.flush().and_then(|()| self.file.as_ref().map_or(Ok(()), File::sync_all));
        if let Err(error) = flushed {
            let error = self.error(error);
            self.abandon();
            return Err(error);
        }
        let Some((target, partial)) = self.rename.take() else { return Ok(()) };
        std::fs::rename(&partial, &target).map_err(|error| {
            // Best effort: the error that stopped the export matters more than this one.
            let _ = std::fs::remove_file(&partial);
            CliError::file("move the finished export to", &self.shown)(error)
        })
    }

    /// Finishes the file if `written` is a success, else gives it up; `written`, or the error of
    /// finishing.
    pub fn complete<T>(self, written: Result<T, CliError>) -> Result<T, CliError> {
        match written {
            Ok(value) => self.finish().map(|()| value),
            Err(error) => {
                self.abandon();
                Err(error)
            }
        }
    }

    /// Gives up: the partial file goes, and what was there before stays.
    pub fn abandon(mut self) {
        if let Some((_, partial)) = self.rename.take() {
            let _ = std::fs::remove_file(partial);
        }
    }
}

fn write_error(path: &Path) -> impl FnOnce(std::io::Error) -> CliError + '_ {
    CliError::file("write", path)
}

/// `FILE.partial` beside `FILE`: where an export is written until it is complete.
fn partial_name(out: &Path) -> PathBuf {
    out.with_extension(format!(
        "{}partial",
        out.extension().map(|it| format!("{}.", it.to_string_lossy())).unwrap_or_default()
    ))
}
