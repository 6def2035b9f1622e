-- One queue row per recipient is written for every post before 250 is
-- answered (a hundred rows for a hundred-member list), so these rows are
-- kept cheap to insert: the foreign key to outbound (checked on every
-- row) and the CHECK on state give way to a trigger that deletes a
-- message's rows with it. The store alone writes this table: it inserts
-- rows in the transaction that inserts their message, and sets state to
-- 'queued', 'sent' or 'failed' only.
CREATE TABLE outbound_rcpts_new (
    rid        INTEGER PRIMARY KEY,
    oid        INTEGER NOT NULL,
    rcpt       TEXT NOT NULL,
    state      TEXT NOT NULL DEFAULT 'queued',
    attempts   INTEGER NOT NULL DEFAULT 0,
    next_try   INTEGER NOT NULL,
    last_error TEXT NOT NULL DEFAULT '',
    lease      INTEGER NOT NULL DEFAULT 0,
    code       TEXT NOT NULL DEFAULT ''
);
INSERT INTO outbound_rcpts_new (rid, oid, rcpt, state, attempts, next_try, last_error, lease, code)
    SELECT rid, oid, rcpt, state, attempts, next_try, last_error, lease, code FROM outbound_rcpts;
DROP TABLE outbound_rcpts;
ALTER TABLE outbound_rcpts_new RENAME TO outbound_rcpts;
CREATE INDEX outbound_rcpts_due ON outbound_rcpts(next_try) WHERE state = 'queued';
CREATE INDEX outbound_rcpts_oid ON outbound_rcpts(oid);
CREATE TRIGGER outbound_rcpts_cascade AFTER DELETE ON outbound BEGIN
    DELETE FROM outbound_rcpts WHERE oid = OLD.oid;
END;
