-- Search text written later, and archived posts not stored twice (see
-- ../0008_mail_speed.sql).
CREATE TABLE imap_text_todo (
    mid BIGINT PRIMARY KEY
);

CREATE FUNCTION imap_text_todo_purge() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM imap_text_todo WHERE mid = OLD.mid;
    RETURN NULL;
END $$;
CREATE TRIGGER imap_text_todo_purge AFTER DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION imap_text_todo_purge();

DROP INDEX outbound_rcpts_due;
CREATE INDEX outbound_rcpts_due ON outbound_rcpts(next_try) WHERE state = 'queued';

ALTER TABLE outbound ADD COLUMN mid BIGINT;
CREATE INDEX outbound_mid ON outbound(mid) WHERE mid IS NOT NULL;
CREATE FUNCTION outbound_keeps_data() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE outbound SET data = OLD.data, mid = NULL WHERE mid = OLD.mid;
    RETURN OLD;
END $$;
CREATE TRIGGER outbound_keeps_data BEFORE DELETE ON messages
    FOR EACH ROW EXECUTE FUNCTION outbound_keeps_data();
