-- The postgres BlobStore (blob_pg.go): folder contents in the database,
-- so that a node keeps nothing on its own disk. A blob is a row of blobs
-- and its chunks of 1 MiB (the last one shorter), numbered from 0.
-- Migration 14 is the outbound queue's claims.
CREATE TABLE blobs (
    name    TEXT COLLATE "C" PRIMARY KEY,     -- 32 hex digits, as files.blob
    size    BIGINT NOT NULL,
    created BIGINT NOT NULL                   -- unix seconds of the commit
);

CREATE TABLE blob_chunks (
    name TEXT COLLATE "C" NOT NULL REFERENCES blobs(name) ON DELETE CASCADE,
    seq  BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (name, seq)
);
-- Folder contents are mostly compressed already: store chunks out of line
-- without trying to compress them.
ALTER TABLE blob_chunks ALTER COLUMN data SET STORAGE EXTERNAL;
