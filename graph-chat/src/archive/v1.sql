-- graph-chat archive, schema version 1. See ARCHIVE.md.

-- The schema version, one row: what the migrations brought the file to.
CREATE TABLE schema_version (version INTEGER NOT NULL);
INSERT INTO schema_version (version) VALUES (1);

-- Where each sync continues from: one row per scope (`user:{id}` for getAllMessages/delta).
CREATE TABLE cursors (
    scope TEXT PRIMARY KEY,
    -- The nextLink (round in progress) or deltaLink (round done), relative to the Graph root.
    link TEXT NOT NULL,
    round_done INTEGER NOT NULL
);

-- Every version of every message received, exactly as received.
CREATE TABLE messages (
    version_id INTEGER PRIMARY KEY,
    chat_id TEXT NOT NULL,
    message_id TEXT NOT NULL,
    created TEXT,
    last_modified TEXT,
    -- from/user/id, or else from/application/id.
    sender TEXT,
    message_type TEXT,
    deleted INTEGER NOT NULL,
    -- SHA-256 of `raw`: a version is its chat, its id and its bytes.
    digest BLOB NOT NULL,
    raw TEXT NOT NULL,
    UNIQUE (chat_id, message_id, digest)
);
CREATE INDEX messages_in_order ON messages (chat_id, created, message_id);
CREATE INDEX messages_by_modified ON messages (last_modified);
CREATE INDEX messages_by_sender ON messages (sender);
