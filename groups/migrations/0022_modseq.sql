-- CONDSTORE and QRESYNC (RFC 7162): mod-sequences of the IMAP archive
-- (groups/imap_modseq.go). One counter per group orders every change of
-- its mailbox: a message's arrival has the mod-sequence uid * 2^31 (no
-- column: the UID says it), a user's flag change takes the next value of
-- imap_mailboxes.modseq inside the write transaction (above every
-- arrival so far), and a purge does the same and records it in
-- purged_modseq, which is all QRESYNC needs to report VANISHED (EARLIER).
ALTER TABLE imap_mailboxes ADD COLUMN modseq INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imap_mailboxes ADD COLUMN purged_modseq INTEGER NOT NULL DEFAULT 0;

-- The mod-sequence of the user's last change of this message's flags (0:
-- none since the upgrade). A row whose flags are all cleared is kept, so
-- that the change keeps its mod-sequence.
ALTER TABLE imap_flags ADD COLUMN modseq INTEGER NOT NULL DEFAULT 0;
-- FETCH CHANGEDSINCE and QRESYNC find a user's changes by mod-sequence,
-- and HIGHESTMODSEQ is the last entry, without reading the mailbox.
CREATE INDEX imap_flags_modseq ON imap_flags(user_id, gid, modseq);

-- A purge moves the group's mod-sequence once, however many messages it
-- removes: after its first row purged_modseq equals modseq, and the
-- condition is false for the others.
CREATE TRIGGER imap_purge_modseq AFTER DELETE ON messages BEGIN
    UPDATE imap_mailboxes SET
        modseq = MAX(modseq, (uidnext - 1) * 2147483648) + 1,
        purged_modseq = MAX(modseq, (uidnext - 1) * 2147483648) + 1
    WHERE gid = OLD.gid AND purged_modseq < MAX(modseq, (uidnext - 1) * 2147483648);
END;
