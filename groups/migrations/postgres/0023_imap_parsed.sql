-- What IMAP FETCH ENVELOPE and BODYSTRUCTURE make of an archived post
-- (see ../0023_imap_parsed.sql).
CREATE TABLE imap_parsed (
    mid       BIGINT PRIMARY KEY REFERENCES messages(mid) ON DELETE CASCADE,
    envelope  BYTEA NOT NULL,
    structure BYTEA NOT NULL
);

-- The posts archived before have none: the index worker parses them too.
INSERT INTO imap_text_todo (mid) SELECT mid FROM messages ON CONFLICT DO NOTHING;
