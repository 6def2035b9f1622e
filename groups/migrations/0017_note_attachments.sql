-- Note attachments (issue 13): the photos and files of a note. Their
-- bytes are blobs of the BlobStore, like folder files (blob, and for an
-- image its thumbnail, thumb_blob); they count toward the group's quota
-- and go to blob_trash with their note, a purge of notes or the group.
-- is_image: the bytes decode as PNG, JPEG, GIF or WebP (checked on
-- upload), so they are shown inline with type; anything else is a
-- download.
CREATE TABLE note_attachments (
    aid        INTEGER PRIMARY KEY,
    nid        INTEGER NOT NULL REFERENCES notes(nid) ON DELETE CASCADE,
    gid        INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    type       TEXT NOT NULL,
    size       INTEGER NOT NULL,
    blob       TEXT NOT NULL,
    is_image   INTEGER NOT NULL,
    thumb_blob TEXT NOT NULL,
    thumb_size INTEGER NOT NULL,
    author     TEXT NOT NULL,
    created_at INTEGER NOT NULL
);
CREATE INDEX note_attachments_nid ON note_attachments(nid, aid);
-- Quota use adds SUM(size + thumb_size) of a group's attachments.
CREATE INDEX note_attachments_gid ON note_attachments(gid, size, thumb_size);
