-- IMAP view of the message archive (package imap).

-- One row per group whose archive has held a message: the UID the next
-- archived message gets. UIDs only grow, even across a purge, so that a
-- client's cached UIDs never name a different message (RFC 3501 §2.3.1.1).
-- uidvalidity is the group's created_at (never changes for the group).
CREATE TABLE imap_mailboxes (
    gid         INTEGER PRIMARY KEY REFERENCES groups(gid) ON DELETE CASCADE,
    uidvalidity INTEGER NOT NULL,
    uidnext     INTEGER NOT NULL
);
INSERT INTO imap_mailboxes (gid, uidvalidity, uidnext)
    SELECT g.gid, g.created_at, COALESCE((SELECT MAX(m.uid) FROM messages m WHERE m.gid = g.gid), 0) + 1
    FROM groups g;

-- Per-user message flags: every member has their own \Seen, \Answered,
-- \Flagged, \Draft and keywords on the shared archive. No row = no flags.
CREATE TABLE imap_flags (
    gid      INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    uid      INTEGER NOT NULL,                 -- messages.uid
    user_id  INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
    seen     INTEGER NOT NULL DEFAULT 0,
    answered INTEGER NOT NULL DEFAULT 0,
    flagged  INTEGER NOT NULL DEFAULT 0,
    draft    INTEGER NOT NULL DEFAULT 0,
    keywords TEXT NOT NULL DEFAULT '',         -- space-separated IMAP atoms
    PRIMARY KEY (gid, uid, user_id)
) WITHOUT ROWID;
CREATE INDEX imap_flags_user ON imap_flags(user_id, gid, uid);

-- What SEARCH TEXT and BODY look in (RFC 3501 §6.4.4), written when a
-- post is archived: the header with RFC 2047 words decoded and the text
-- parts decoded from base64 or quoted-printable, both lower-cased.
CREATE TABLE imap_text (
    tid    INTEGER PRIMARY KEY,
    gid    INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    uid    INTEGER NOT NULL,
    header BLOB NOT NULL,
    body   BLOB NOT NULL,
    UNIQUE (gid, uid)
);

-- A purged message takes every user's flags and its search text with it.
CREATE TRIGGER imap_purge AFTER DELETE ON messages BEGIN
    DELETE FROM imap_flags WHERE gid = OLD.gid AND uid = OLD.uid;
    DELETE FROM imap_text WHERE gid = OLD.gid AND uid = OLD.uid;
END;
