-- CONDSTORE and QRESYNC mod-sequences (see ../0022_modseq.sql).
ALTER TABLE imap_mailboxes ADD COLUMN modseq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE imap_mailboxes ADD COLUMN purged_modseq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE imap_flags ADD COLUMN modseq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX imap_flags_modseq ON imap_flags(user_id, gid, modseq);

CREATE FUNCTION imap_purge_modseq() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE imap_mailboxes SET
        modseq = GREATEST(modseq, (uidnext - 1) * 2147483648) + 1,
        purged_modseq = GREATEST(modseq, (uidnext - 1) * 2147483648) + 1
    WHERE gid = OLD.gid AND purged_modseq < GREATEST(modseq, (uidnext - 1) * 2147483648);
    RETURN NULL;
END $$;
CREATE TRIGGER imap_purge_modseq AFTER DELETE ON messages FOR EACH ROW EXECUTE FUNCTION imap_purge_modseq();
