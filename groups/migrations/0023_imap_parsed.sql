-- What IMAP FETCH ENVELOPE and BODYSTRUCTURE make of an archived post
-- (issue 14), parsed once by the index worker (Store.IndexArchive, with
-- Options.ImapParse) instead of by every server that starts cold: a
-- client's first sync then reads these small records, not every post
-- whole. The bytes are the imap package's (a version byte first); the
-- store does not read them. A post without a row is parsed when fetched.
-- It goes with its message (a purge, the group deleted).
CREATE TABLE imap_parsed (
    mid       INTEGER PRIMARY KEY REFERENCES messages(mid) ON DELETE CASCADE,
    envelope  BLOB NOT NULL,
    structure BLOB NOT NULL
);

-- The posts archived before have none: the index worker parses them too.
INSERT INTO imap_text_todo (mid) SELECT mid FROM messages WHERE true ON CONFLICT DO NOTHING;
