-- Large archived messages in pieces (issue 16): a message longer than
-- 1 MiB keeps its header and first bytes in messages.data and the rest in
-- pieces of 1 MiB here (seq from 1), so that IMAP streams a range of it
-- by reading the pieces the range covers instead of the whole row
-- (SQLite's substr() loads a value whole). Messages archived before stay
-- whole in messages.data; readers tell by length(data) < size.
CREATE TABLE message_pieces (
    mid  INTEGER NOT NULL REFERENCES messages(mid) ON DELETE CASCADE,
    seq  INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (mid, seq)
);
