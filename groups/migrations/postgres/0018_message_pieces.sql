-- Large archived messages in pieces (issue 16): a message longer than
-- 1 MiB keeps its header and first bytes in messages.data and the rest in
-- pieces of 1 MiB here (seq from 1), so that IMAP streams a range of it
-- by reading the pieces the range covers instead of detoasting the whole
-- value. Messages archived before stay whole in messages.data; readers
-- tell by length(data) < size.
CREATE TABLE message_pieces (
    mid  BIGINT NOT NULL REFERENCES messages(mid) ON DELETE CASCADE,
    seq  BIGINT NOT NULL,
    data BYTEA NOT NULL,
    PRIMARY KEY (mid, seq)
);
-- Out of line and not compressed: a piece is read whole, never searched.
ALTER TABLE message_pieces ALTER COLUMN data SET STORAGE EXTERNAL;
