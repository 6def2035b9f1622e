-- groupd schema, version 3: what the mailing lists need beside the
-- outbound queue of version 1.

-- outbound.gid: the group a post, forward or report belongs to (NULL for
-- groupd's own notifications, and once the group is deleted).
-- outbound.kind: 'post' (list fan-out), 'forward' (-owner mail), 'notice'.
-- outbound.verp: mail_from is a bounce base '<local>-bounces@<domain>' that
-- gets '+<token>' per transaction (token = base36 rid + outbound.salt).
ALTER TABLE outbound ADD COLUMN gid INTEGER REFERENCES groups(gid) ON DELETE SET NULL;
ALTER TABLE outbound ADD COLUMN kind TEXT NOT NULL DEFAULT 'notice';
ALTER TABLE outbound ADD COLUMN verp INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbound ADD COLUMN salt TEXT NOT NULL DEFAULT '';
ALTER TABLE outbound ADD COLUMN subject TEXT NOT NULL DEFAULT '';
-- outbound.started_at: when a post's delivery was let start under the
-- per-list rate limit (0: not yet, or no limit in force).
ALTER TABLE outbound ADD COLUMN started_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX outbound_gid ON outbound(gid);

-- outbound_rcpts.lease: the queue run that holds the row in flight; a row
-- whose lease is not the current run's is free again (crash recovery).
-- outbound_rcpts.code: enhanced status of the last answer for the row.
ALTER TABLE outbound_rcpts ADD COLUMN lease INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbound_rcpts ADD COLUMN code TEXT NOT NULL DEFAULT '';

-- Hard bounces of a list's external members; disabled ones get no mail.
CREATE TABLE list_bounces (
    gid        INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    address    TEXT NOT NULL,
    hard       INTEGER NOT NULL DEFAULT 0,
    disabled   INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (gid, address)
);
