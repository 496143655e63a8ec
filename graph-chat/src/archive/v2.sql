-- graph-chat archive, schema version 2: hosted contents (inline images) and the per-chat
-- cursors of `sync --me`. See ARCHIVE.md.

-- Each distinct content once, by the SHA-256 of its bytes.
CREATE TABLE blobs (
    digest BLOB PRIMARY KEY,
    bytes BLOB NOT NULL
) WITHOUT ROWID;

-- The hosted contents of archived messages: the bytes by digest, or why they were not stored.
CREATE TABLE hosted_contents (
    chat_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    content_id TEXT NOT NULL,
    content_type TEXT,
    size INTEGER,
    digest BLOB REFERENCES blobs (digest),
    -- Set instead of `digest` when the content was not stored, e.g. larger than the limit.
    skipped TEXT,
    PRIMARY KEY (chat_id, message_id, content_id)
);


-- Where `sync --me` is in each chat (one row per scope and chat): the high-water mark of a
-- completed walk, and a walk in progress.
CREATE TABLE chat_cursors (
    scope TEXT NOT NULL,
    chat_id TEXT NOT NULL,
    -- The greatest lastModifiedDateTime a completed walk saw: the next walk asks for later ones.
    mark TEXT,
    -- A walk in progress: the nextLink to continue from, relative to the Graph root, and the
    -- greatest lastModifiedDateTime so far.
    next_link TEXT,
    pending_mark TEXT,
    PRIMARY KEY (scope, chat_id)
);
