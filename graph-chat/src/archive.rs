//! The archive: one SQLite file with every version of every message received, as received, and
//! the link each sync continues from. The format is documented in ARCHIVE.md.
//!
//! A page's messages and its link are written in one transaction, so the archive is always at a
//! page boundary: a sync killed at any instant continues from the last page committed, and
//! receiving a version again (a repeated page, a replaying delta round) stores nothing, because a
//! version is identified by its chat, its id and the SHA-256 of its bytes.

use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde::Deserialize;
use serde_json::value::RawValue;
use sha2::{Digest, Sha256};
use std::borrow::Cow;
use std::io::Write;
use std::path::{Path, PathBuf};

/// The migrations, in order: migration `n` takes an archive from schema version `n` to `n + 1`.
const MIGRATIONS: &[&str] = &[include_str!("archive/v1.sql"), include_str!("archive/v2.sql")];

/// The schema version this build writes.
pub const SCHEMA_VERSION: usize = MIGRATIONS.len();

/// A failed archive operation: the file and what went wrong.
#[derive(Debug, thiserror::Error)]
#[error("archive `{}`: {message}", path.display())]
pub struct ArchiveError {
    path: PathBuf,
    message: String,
}

type Result<T, E = ArchiveError> = std::result::Result<T, E>;

/// An open archive.
pub struct Archive {
    connection: Connection,
    path: PathBuf,
}

/// What storing one page did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Stored {
    /// Messages not in the archive before.
    pub new: u64,
    /// New versions of messages in the archive, not deletions.
    pub changed: u64,
    /// New versions that are deletions (`deletedDateTime` set).
    pub deleted: u64,
    /// Versions already in the archive, stored again as nothing.
    pub repeated: u64,
    /// Bytes of JSON of the new versions.
    pub bytes: u64,
    /// Hosted contents stored (not counting those whose bytes were stored already).
    pub contents: u64,
}

impl std::ops::AddAssign for Stored {
    fn add_assign(&mut self, other: Stored) {
        self.new += other.new;
        self.changed += other.changed;
        self.deleted += other.deleted;
        self.repeated += other.repeated;
        self.bytes += other.bytes;
        self.contents += other.contents;
    }
}

/// Where a sync continues from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cursor {
    /// The link, relative to the Graph root when it was on it.
    pub link: String,
    /// Whether it is a deltaLink (a round ended) rather than a nextLink (a round in progress).
    pub round_done: bool,
}

/// Where `sync --me` is in one chat.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChatCursor {
    /// The greatest `lastModifiedDateTime` of the last completed walk, as received.
    pub mark: Option<String>,
    /// A walk in progress: the nextLink to continue from.
    pub next_link: Option<String>,
    /// A walk in progress: the greatest `lastModifiedDateTime` so far.
    pub pending_mark: Option<String>,
}

/// What a page's transaction records besides its messages: where to continue from.
#[derive(Debug, Clone, Copy)]
pub enum Checkpoint<'a> {
    /// A getAllMessages/delta round.
    Delta(&'a Cursor),
    /// One chat of `sync --me`.
    Chat {
        /// The chat.
        chat_id: &'a str,
        /// Its cursor after the page.
        cursor: &'a ChatCursor,
    },
}

/// Counts for `archive stats`.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct Stats {
    /// The archive's schema version.
    pub schema_version: usize,
    /// Distinct messages.
    pub messages: u64,
    /// Versions of them, the first ones included.
    pub versions: u64,
    /// Messages whose latest version is a deletion.
    pub deleted: u64,
    /// Distinct chats.
    pub chats: u64,
    /// Bytes of JSON stored.
    pub bytes: u64,
    /// Hosted contents recorded, and the distinct bytes stored for them.
    pub hosted_contents: u64,
    /// Bytes of distinct hosted contents.
    pub hosted_content_bytes: u64,
    /// Each sync scope and whether its last round is complete.
    pub scopes: Vec<(String, bool)>,
}

/// The indexed columns, read from a message's JSON without decoding the rest.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct Columns<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    chat_id: Option<Cow<'a, str>>,
    #[serde(borrow)]
    created_date_time: Option<Cow<'a, str>>,
    #[serde(borrow)]
    last_modified_date_time: Option<Cow<'a, str>>,
    deleted_date_time: Option<serde::de::IgnoredAny>,
    #[serde(borrow)]
    message_type: Option<Cow<'a, str>>,
    #[serde(borrow)]
    from: Option<From<'a>>,
    #[serde(borrow)]
    body: Option<Body<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Body<'a> {
    #[serde(borrow)]
    content: Option<Cow<'a, str>>,
}

/// An inline image a message's body points at.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HostedContentRef {
    /// The message's chat.
    pub chat_id: String,
    /// The message.
    pub message_id: String,
    /// The hosted content.
    pub content_id: String,
}

/// A hosted content fetched for a page, or why it was not.
#[derive(Debug, Clone)]
pub struct HostedContent {
    /// Which.
    pub of: HostedContentRef,
    /// Its bytes, or why there are none.
    pub bytes: Result<bytes::Bytes, String>,
}

/// A message's `lastModifiedDateTime`, as text and as a time, if it has a readable one.
pub fn last_modified(raw: &str) -> Option<(String, jiff::Timestamp)> {
    let columns: Columns = serde_json::from_str(raw).ok()?;
    let text = columns.last_modified_date_time?;
    let time = text.parse().ok()?;
    Some((text.into_owned(), time))
}

/// The hosted contents `raw` (a message) points at: `.../hostedContents/{id}/$value` in its body.
pub fn hosted_content_refs(raw: &str) -> Vec<HostedContentRef> {
    let Ok(columns) = serde_json::from_str::<Columns>(raw) else { return Vec::new() };
    let (Some(chat), Some(message)) = (columns.chat_id.as_deref(), columns.id.as_deref()) else { return Vec::new() };
    let body = columns.body.as_ref().and_then(|it| it.content.as_deref()).unwrap_or_default();
    graph_models::hosted_content_ids(body)
        .into_iter()
        .map(|id| HostedContentRef {
            chat_id: chat.to_owned(),
            message_id: message.to_owned(),
            content_id: id.to_owned(),
        })
        .collect()
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct From<'a> {
    #[serde(borrow)]
    user: Option<Sender<'a>>,
    #[serde(borrow)]
    application: Option<Sender<'a>>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct Sender<'a> {
    #[serde(borrow)]
    id: Option<Cow<'a, str>>,
}

impl Archive {
    /// Opens the archive at `path`, creating it if there is none, and migrates it to this
    /// build's schema; an archive of a newer schema is refused.
    pub fn open(path: &Path) -> Result<Archive> {
        Archive::open_as(path, true)
    }

    /// Opens an archive that must exist already, for reading: a missing file, a directory or an
    /// empty database is refused rather than made into an archive.
    pub fn open_existing(path: &Path) -> Result<Archive> {
        let refuse = |message: &str| ArchiveError { path: path.to_owned(), message: message.to_owned() };
        match std::fs::metadata(path) {
            Err(_) => Err(refuse("no such archive")),
            Ok(meta) if meta.is_dir() => Err(refuse("a directory, not an archive")),
            Ok(meta) if meta.len() == 0 => Err(refuse("an empty file, not a graph-chat archive")),
            Ok(_) => Archive::open_as(path, false),
        }
    }

    fn open_as(path: &Path, create: bool) -> Result<Archive> {
        let connection = Connection::open(path).map_err(|err| error(path, err))?;
        let mut archive = Archive { connection, path: path.to_owned() };
        archive.setup(create)?;
        Ok(archive)
    }

    /// Checks the schema version and migrates an older archive; `create` makes an empty database
    /// into a new archive.
    fn setup(&mut self, create: bool) -> Result<()> {
        let transaction = self
            .connection
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|err| error(&self.path, err))?;
        let has_table: bool = transaction
            .query_row("SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'schema_version')", [], |row| {
                row.get(0)
            })
            .map_err(|err| error(&self.path, err))?;
        let version: usize = if has_table {
            transaction
                .query_row("SELECT version FROM schema_version", [], |row| row.get::<_, i64>(0))
                .map_err(|err| error(&self.path, err))? as usize
        } else {
            let tables: i64 = transaction
                .query_row("SELECT COUNT(*) FROM sqlite_master", [], |row| row.get(0))
                .map_err(|err| error(&self.path, err))?;
            if tables > 0 || !create {
                return Err(ArchiveError {
                    path: self.path.clone(),
                    message: "an SQLite database, but not a graph-chat archive (no `schema_version` table)".to_owned(),
                });
            }
            0
        };
        if version > SCHEMA_VERSION {
            return Err(ArchiveError {
                path: self.path.clone(),
                message: format!(
                    "written by a newer graph-chat (schema version {version}; this one reads up to {SCHEMA_VERSION}): \
                     use that version, or a newer one"
                ),
            });
        }
        for migration in &MIGRATIONS[version..] {
            transaction.execute_batch(migration).map_err(|err| error(&self.path, err))?;
        }
        if version < SCHEMA_VERSION {
            transaction
                .execute("UPDATE schema_version SET version = ?1", [SCHEMA_VERSION as i64])
                .map_err(|err| error(&self.path, err))?;
        }
        transaction.commit().map_err(|err| error(&self.path, err))?;
        // WAL with `synchronous = NORMAL`: a commit survives the process being killed at any
        // instant; a power cut may lose the last commits, never consistency, and a rerun fetches
        // those pages again.
        let pragmas = "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;";
        self.connection.execute_batch(pragmas).map_err(|err| self.error(err))
    }

    /// Where the sync of `scope` continues from, if it ran before.
    pub fn cursor(&self, scope: &str) -> Result<Option<Cursor>> {
        self.connection
            .query_row("SELECT link, round_done FROM cursors WHERE scope = ?1", [scope], |row| {
                Ok(Cursor { link: row.get(0)?, round_done: row.get(1)? })
            })
            .optional()
            .map_err(|err| self.error(err))
    }

    /// Where `sync --me` is in `chat` of `scope`.
    pub fn chat_cursor(&self, scope: &str, chat: &str) -> Result<ChatCursor> {
        self.connection
            .query_row(
                "SELECT mark, next_link, pending_mark FROM chat_cursors WHERE scope = ?1 AND chat_id = ?2",
                [scope, chat],
                |row| Ok(ChatCursor { mark: row.get(0)?, next_link: row.get(1)?, pending_mark: row.get(2)? }),
            )
            .optional()
            .map(Option::unwrap_or_default)
            .map_err(|err| self.error(err))
    }

    /// Stores a page's messages and the cursor to continue from, in one transaction.
    pub fn store_page(
        &mut self,
        scope: &str,
        messages: &[Box<RawValue>],
        contents: &[HostedContent],
        checkpoint: Checkpoint,
    ) -> Result<Stored> {
        let path = self.path.clone();
        let fail = |err: rusqlite::Error| error(&path, err);
        let transaction = self.connection.transaction().map_err(fail)?;
        let mut stored = Stored::default();
        {
            let mut known = transaction
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM messages WHERE chat_id = ?1 AND message_id = ?2)")
                .map_err(fail)?;
            let mut insert = transaction
                .prepare_cached(
                    "INSERT OR IGNORE INTO messages (chat_id, message_id, created, last_modified, sender, \
                     message_type, deleted, digest, raw) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                )
                .map_err(fail)?;
            for message in messages {
                let raw = message.get();
                // A message whose columns cannot be read is still kept, under empty ids.
                let columns: Columns = serde_json::from_str(raw).unwrap_or_default();
                let chat = columns.chat_id.as_deref().unwrap_or_default();
                let id = columns.id.as_deref().unwrap_or_default();
                let sender = columns
                    .from
                    .as_ref()
                    .and_then(|from| from.user.as_ref().or(from.application.as_ref()).and_then(|it| it.id.as_deref()));
                let deleted = columns.deleted_date_time.is_some();
                let existed: bool = known.query_row(params![chat, id], |row| row.get(0)).map_err(fail)?;
                let digest = Sha256::digest(raw.as_bytes());
                let inserted = insert
                    .execute(params![
                        chat,
                        id,
                        columns.created_date_time,
                        columns.last_modified_date_time,
                        sender,
                        columns.message_type,
                        deleted,
                        digest.as_slice(),
                        raw
                    ])
                    .map_err(fail)?;
                match (inserted, existed, deleted) {
                    (0, _, _) => stored.repeated += 1,
                    (_, _, true) => stored.deleted += 1,
                    (_, true, false) => stored.changed += 1,
                    (_, false, false) => stored.new += 1,
                }
                if inserted > 0 {
                    stored.bytes += raw.len() as u64;
                }
            }
            for content in contents {
                stored.contents += store_content(&transaction, content).map_err(fail)?;
            }
            match checkpoint {
                Checkpoint::Delta(cursor) => transaction.execute(
                    "INSERT INTO cursors (scope, link, round_done) VALUES (?1, ?2, ?3) \
                     ON CONFLICT (scope) DO UPDATE SET link = excluded.link, round_done = excluded.round_done",
                    params![scope, cursor.link, cursor.round_done],
                ),
                Checkpoint::Chat { chat_id, cursor } => transaction.execute(
                    "INSERT INTO chat_cursors (scope, chat_id, mark, next_link, pending_mark) VALUES (?1, ?2, ?3, ?4, ?5) \
                     ON CONFLICT (scope, chat_id) DO UPDATE SET mark = excluded.mark, next_link = excluded.next_link, \
                     pending_mark = excluded.pending_mark",
                    params![scope, chat_id, cursor.mark, cursor.next_link, cursor.pending_mark],
                ),
            }
            .map_err(fail)?;
        }
        transaction.commit().map_err(fail)?;
        Ok(stored)
    }

    /// Writes the latest version of every message (or every version), one JSON text per line as
    /// received, ordered by chat, creation time and id; returns how many.
    pub fn export(&self, out: &mut impl Write, all_versions: bool) -> Result<u64, ExportError> {
        let sql = if all_versions {
            "SELECT raw FROM messages ORDER BY chat_id, created, message_id, last_modified, version_id"
        } else {
            "SELECT raw FROM (SELECT raw, chat_id, created, message_id, ROW_NUMBER() OVER (PARTITION BY chat_id, \
             message_id ORDER BY last_modified DESC, version_id DESC) AS newest FROM messages) WHERE newest = 1 \
             ORDER BY chat_id, created, message_id"
        };
        let mut statement = self.connection.prepare(sql).map_err(|err| ExportError::Archive(self.error(err)))?;
        let mut rows = statement.query([]).map_err(|err| ExportError::Archive(self.error(err)))?;
        let mut written = 0;
        while let Some(row) = rows.next().map_err(|err| ExportError::Archive(self.error(err)))? {
            let raw =
                row.get_ref(0).and_then(|it| Ok(it.as_str()?)).map_err(|err| ExportError::Archive(self.error(err)))?;
            crate::jsonl::write_line(out, raw.as_bytes()).map_err(ExportError::Write)?;
            written += 1;
        }
        Ok(written)
    }

    /// The archive's counts.
    pub fn stats(&self) -> Result<Stats> {
        let fail = |err| self.error(err);
        let count = |sql: &str| self.connection.query_row(sql, [], |row| row.get::<_, i64>(0)).map(|it| it as u64);
        let mut stats = Stats {
            schema_version: SCHEMA_VERSION,
            messages: count("SELECT COUNT(*) FROM (SELECT DISTINCT chat_id, message_id FROM messages)")
                .map_err(fail)?,
            versions: count("SELECT COUNT(*) FROM messages").map_err(fail)?,
            deleted: count(
                "SELECT COUNT(*) FROM (SELECT deleted, ROW_NUMBER() OVER (PARTITION BY chat_id, message_id ORDER BY \
                 last_modified DESC, version_id DESC) AS newest FROM messages) WHERE newest = 1 AND deleted",
            )
            .map_err(fail)?,
            chats: count("SELECT COUNT(DISTINCT chat_id) FROM messages").map_err(fail)?,
            bytes: count("SELECT COALESCE(SUM(LENGTH(CAST(raw AS BLOB))), 0) FROM messages").map_err(fail)?,
            hosted_contents: count("SELECT COUNT(*) FROM hosted_contents").map_err(fail)?,
            hosted_content_bytes: count("SELECT COALESCE(SUM(LENGTH(bytes)), 0) FROM blobs").map_err(fail)?,
            scopes: Vec::new(),
        };
        // A `sync --me` scope is complete when none of its chats has a walk in progress.
        let mut statement = self
            .connection
            .prepare(
                "SELECT scope, round_done FROM cursors UNION ALL SELECT scope, MIN(next_link IS NULL) FROM chat_cursors \
                 GROUP BY scope ORDER BY scope",
            )
            .map_err(fail)?;
        let scopes = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?))).map_err(fail)?;
        stats.scopes = scopes.collect::<Result<_, _>>().map_err(fail)?;
        Ok(stats)
    }

    /// Whether the archive has a row for this hosted content (stored or skipped): no need to
    /// fetch it again.
    pub fn has_content(&self, of: &HostedContentRef) -> Result<bool> {
        self.connection
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM hosted_contents WHERE chat_id = ?1 AND message_id = ?2 AND content_id = ?3)",
            )
            .and_then(|mut it| it.query_row(params![of.chat_id, of.message_id, of.content_id], |row| row.get(0)))
            .map_err(|err| self.error(err))
    }

    fn error(&self, err: rusqlite::Error) -> ArchiveError {
        error(&self.path, err)
    }
}

/// Stores one hosted content and its bytes (once per digest); 1 if its row is new.
fn store_content(transaction: &rusqlite::Transaction, content: &HostedContent) -> rusqlite::Result<u64> {
    let HostedContentRef { chat_id, message_id, content_id } = &content.of;
    let (digest, size, skipped) = match &content.bytes {
        Ok(bytes) => {
            let digest = Sha256::digest(bytes).to_vec();
            transaction
                .prepare_cached("INSERT OR IGNORE INTO blobs (digest, bytes) VALUES (?1, ?2)")?
                .execute(params![digest, bytes.as_ref()])?;
            (Some(digest), Some(bytes.len() as i64), None)
        }
        Err(reason) => (None, None, Some(reason.as_str())),
    };
    let inserted = transaction
        .prepare_cached(
            "INSERT OR IGNORE INTO hosted_contents (chat_id, message_id, content_id, size, digest, skipped) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![chat_id, message_id, content_id, size, digest, skipped])?;
    Ok(inserted as u64)
}

/// Why an export stopped: the archive, or the file written.
#[derive(Debug)]
pub enum ExportError {
    /// Reading the archive failed.
    Archive(ArchiveError),
    /// Writing failed.
    Write(std::io::Error),
}

fn error(path: &Path, err: rusqlite::Error) -> ArchiveError {
    let message = match &err {
        rusqlite::Error::SqliteFailure(failure, _) if failure.code == rusqlite::ErrorCode::NotADatabase => {
            "not a graph-chat archive (not an SQLite database)".to_owned()
        }
        _ => err.to_string(),
    };
    ArchiveError { path: path.to_owned(), message }
}
