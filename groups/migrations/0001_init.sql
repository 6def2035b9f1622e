-- groupd schema, version 1. Plain SQL: kept portable to PostgreSQL where
-- that costs nothing (no SQLite-only types; INTEGER booleans 0/1).

CREATE TABLE users (
    uid        INTEGER PRIMARY KEY,
    email      TEXT NOT NULL UNIQUE,          -- lower-case
    name       TEXT NOT NULL,
    pw_hash    TEXT NOT NULL,                 -- argon2id, PHC string
    admin      INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL,              -- unix seconds
    updated_at INTEGER NOT NULL
);

CREATE TABLE groups (
    gid              INTEGER PRIMARY KEY,
    id               TEXT NOT NULL UNIQUE,
    name             TEXT NOT NULL,
    name_fold        TEXT NOT NULL,           -- lower-case name, for prefix search
    description      TEXT NOT NULL DEFAULT '',
    public           INTEGER NOT NULL DEFAULT 1,
    external         INTEGER NOT NULL DEFAULT 0,
    notify           INTEGER NOT NULL DEFAULT 1,
    f_message        INTEGER NOT NULL DEFAULT 1,
    f_note           INTEGER NOT NULL DEFAULT 1,
    f_event          INTEGER NOT NULL DEFAULT 1,
    f_task           INTEGER NOT NULL DEFAULT 1,
    f_folder         INTEGER NOT NULL DEFAULT 1,
    list_enabled     INTEGER NOT NULL DEFAULT 1,
    list_address     TEXT NOT NULL UNIQUE,     -- lower-case
    send_restriction TEXT NOT NULL DEFAULT 'members',
    block_external   INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX groups_name_fold ON groups(name_fold, id);

-- Ids of deleted groups: an id is never reused.
CREATE TABLE retired_ids (
    id TEXT PRIMARY KEY
);

CREATE TABLE memberships (
    gid  INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    uid  INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
    role TEXT NOT NULL CHECK (role IN ('master', 'member')),
    PRIMARY KEY (gid, uid)
);
CREATE INDEX memberships_uid ON memberships(uid, gid);

-- Mailing-list address sets: kind is 'external' (external_members),
-- 'allowed' (senders for send_restriction 'listed') or 'senders_as'.
CREATE TABLE list_addresses (
    gid     INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    kind    TEXT NOT NULL CHECK (kind IN ('external', 'allowed', 'senders_as')),
    address TEXT NOT NULL,
    PRIMARY KEY (gid, kind, address)
);

CREATE TABLE profiles (
    gid          INTEGER PRIMARY KEY REFERENCES groups(gid) ON DELETE CASCADE,
    content_type TEXT NOT NULL,
    data         BLOB NOT NULL,
    updated_at   INTEGER NOT NULL
);

-- Organisation policy: one row.
CREATE TABLE policy (
    one               INTEGER PRIMARY KEY CHECK (one = 1),
    create_groups     TEXT NOT NULL DEFAULT 'everyone',
    disabled_features TEXT NOT NULL DEFAULT ''     -- comma-separated
);
INSERT INTO policy (one) VALUES (1);

CREATE TABLE external_authority (
    uid INTEGER PRIMARY KEY REFERENCES users(uid) ON DELETE CASCADE
);

CREATE TABLE notes (
    nid        INTEGER PRIMARY KEY,
    gid        INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    title      TEXT NOT NULL,
    body       TEXT NOT NULL,
    author     TEXT NOT NULL,                 -- email; the note stays if the author leaves
    created_at INTEGER NOT NULL,
    updated_at INTEGER NOT NULL
);
CREATE INDEX notes_gid ON notes(gid, nid);

-- The message archive (feature 'message'). uid is the IMAP UID.
CREATE TABLE messages (
    mid        INTEGER PRIMARY KEY,
    gid        INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    uid        INTEGER NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    received   INTEGER NOT NULL,
    size       INTEGER NOT NULL,
    data       BLOB NOT NULL,
    UNIQUE (gid, uid)
);

-- Calendar objects (features 'event' and 'task').
CREATE TABLE cal_objects (
    oid        INTEGER PRIMARY KEY,
    gid        INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    feature    TEXT NOT NULL CHECK (feature IN ('event', 'task')),
    name       TEXT NOT NULL,                 -- resource name in the collection
    uid        TEXT NOT NULL,                 -- iCalendar UID
    etag       TEXT NOT NULL,
    data       TEXT NOT NULL,
    modified   INTEGER NOT NULL,
    UNIQUE (gid, feature, name),
    UNIQUE (gid, feature, uid)
);

-- Folder entries (feature 'folder'); contents are blobs on disk.
CREATE TABLE files (
    fid        INTEGER PRIMARY KEY,
    gid        INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    path       TEXT NOT NULL,                 -- cleaned, without leading slash
    is_dir     INTEGER NOT NULL DEFAULT 0,
    size       INTEGER NOT NULL DEFAULT 0,
    blob       TEXT NOT NULL DEFAULT '',      -- blob name under BlobDir; '' for dirs
    etag       TEXT NOT NULL,
    created    INTEGER NOT NULL,
    modified   INTEGER NOT NULL,
    UNIQUE (gid, path)
);

-- Blobs whose rows are gone; removed from disk after commit and at start.
CREATE TABLE blob_trash (
    blob TEXT PRIMARY KEY
);

-- Durable outbound queue: one message, one row per recipient.
CREATE TABLE outbound (
    oid        INTEGER PRIMARY KEY,
    mail_from  TEXT NOT NULL,
    data       BLOB NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE TABLE outbound_rcpts (
    rid        INTEGER PRIMARY KEY,
    oid        INTEGER NOT NULL REFERENCES outbound(oid) ON DELETE CASCADE,
    rcpt       TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'queued' CHECK (state IN ('queued', 'sent', 'failed')),
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_try   INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbound_rcpts_due ON outbound_rcpts(state, next_try);
CREATE INDEX outbound_rcpts_oid ON outbound_rcpts(oid);
