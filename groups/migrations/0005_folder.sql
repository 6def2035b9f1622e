-- Folder (WebDAV) state beside the files table: dead properties, class 2
-- locks that survive a restart, and per-group quotas.

-- Dead properties (RFC 4918 §4), kept verbatim; they follow their file
-- through overwrite and rename and go with it.
CREATE TABLE file_props (
    fid   INTEGER NOT NULL REFERENCES files(fid) ON DELETE CASCADE,
    space TEXT NOT NULL,                      -- XML namespace
    local TEXT NOT NULL,                      -- XML local name
    lang  TEXT NOT NULL DEFAULT '',           -- xml:lang
    inner TEXT NOT NULL,                      -- the value, as inner XML
    PRIMARY KEY (fid, space, local)
);

-- Write locks (RFC 4918 §6, §9.10). path is the lock root, cleaned and
-- without leading slash ('' is the group folder itself).
CREATE TABLE file_locks (
    token      TEXT PRIMARY KEY,              -- urn:uuid:...
    gid        INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    path       TEXT NOT NULL,
    shared     INTEGER NOT NULL DEFAULT 0,
    infinite   INTEGER NOT NULL DEFAULT 0,    -- Depth: infinity
    owner_xml  TEXT NOT NULL DEFAULT '',
    creator    TEXT NOT NULL,                 -- email of the user who locked
    timeout    INTEGER NOT NULL,              -- seconds asked for
    expires    INTEGER NOT NULL               -- unix seconds
);
CREATE INDEX file_locks_path ON file_locks(gid, path);

-- A purge of the folder deletes every files row, the root row included.
CREATE TRIGGER files_root_gone AFTER DELETE ON files WHEN OLD.path = ''
BEGIN
    DELETE FROM file_locks WHERE gid = OLD.gid;
END;

-- Per-group quota in bytes; no row means the configured default.
CREATE TABLE folder_quota (
    gid   INTEGER PRIMARY KEY REFERENCES groups(gid) ON DELETE CASCADE,
    bytes INTEGER NOT NULL
);

-- Quota use is SUM(size) of a group's files: an index-only scan.
CREATE INDEX files_gid_size ON files(gid, size);
