-- Folder (WebDAV) state beside the files table (see ../0005_folder.sql).
-- "inner" is renamed inner_xml by migration 13.
CREATE TABLE file_props (
    fid     BIGINT NOT NULL REFERENCES files(fid) ON DELETE CASCADE,
    space   TEXT COLLATE "C" NOT NULL,
    local   TEXT COLLATE "C" NOT NULL,
    lang    TEXT COLLATE "C" NOT NULL DEFAULT '',
    "inner" TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (fid, space, local)
);

CREATE TABLE file_locks (
    token      TEXT COLLATE "C" PRIMARY KEY,
    gid        BIGINT NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    path       TEXT COLLATE "C" NOT NULL,
    shared     BIGINT NOT NULL DEFAULT 0,
    infinite   BIGINT NOT NULL DEFAULT 0,
    owner_xml  TEXT COLLATE "C" NOT NULL DEFAULT '',
    creator    TEXT COLLATE "C" NOT NULL,
    timeout    BIGINT NOT NULL,
    expires    BIGINT NOT NULL
);
CREATE INDEX file_locks_path ON file_locks(gid, path);

-- A purge of the folder deletes every files row, the root row included.
CREATE FUNCTION files_root_gone() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM file_locks WHERE gid = OLD.gid;
    RETURN NULL;
END $$;
CREATE TRIGGER files_root_gone AFTER DELETE ON files
    FOR EACH ROW WHEN (OLD.path = '') EXECUTE FUNCTION files_root_gone();

CREATE TABLE folder_quota (
    gid   BIGINT PRIMARY KEY REFERENCES groups(gid) ON DELETE CASCADE,
    bytes BIGINT NOT NULL
);

CREATE INDEX files_gid_size ON files(gid, size);
