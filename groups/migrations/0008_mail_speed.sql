-- Archived posts whose search text (imap_text) is not written yet. The
-- mail server archives a post without it, so that accepting mail stays
-- cheap; the outbound queue writes it when idle (Store.IndexArchive), and
-- a search first indexes whatever of its group is still missing.
CREATE TABLE imap_text_todo (
    mid INTEGER PRIMARY KEY -- messages.mid
);

-- A purged message leaves the list with it (its mid may be reused).
CREATE TRIGGER imap_text_todo_purge AFTER DELETE ON messages BEGIN
    DELETE FROM imap_text_todo WHERE mid = OLD.mid;
END;

-- The queue looks only for queued rows that are due: an index of those
-- alone is smaller, and a row sent or failed leaves it instead of moving
-- within it.
DROP INDEX outbound_rcpts_due;
CREATE INDEX outbound_rcpts_due ON outbound_rcpts(next_try) WHERE state = 'queued';

-- An archived post is not stored twice: its queue row keeps empty data
-- and names the archived copy (outbound.mid, messages.mid). Should the
-- archived copy go first (a purge, the group deleted), its bytes move
-- back into the queue row, before the mid can be reused.
ALTER TABLE outbound ADD COLUMN mid INTEGER;
CREATE INDEX outbound_mid ON outbound(mid) WHERE mid IS NOT NULL;
CREATE TRIGGER outbound_keeps_data BEFORE DELETE ON messages BEGIN
    UPDATE outbound SET data = OLD.data, mid = NULL WHERE mid = OLD.mid;
END;
