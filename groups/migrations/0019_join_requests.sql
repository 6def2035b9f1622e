-- Join requests (issue 13): a mail to <list>-join@ waits here for a
-- master's decision. One row per list and address: a second request
-- from the same address to the same list is merged into it (newest
-- words, last_at, n_requests + 1). verified: some request of the row came
-- from a proven address (trusted network, DKIM, submission), so the
-- requester may be told the outcome. Rows expire mail.hold_days after
-- first_at.
CREATE TABLE join_requests (
    rid       INTEGER PRIMARY KEY,
    gid       INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    address   TEXT NOT NULL,
    name      TEXT NOT NULL,
    subject   TEXT NOT NULL,
    words     TEXT NOT NULL,
    truncated INTEGER NOT NULL,
    verified  INTEGER NOT NULL,
    first_at  INTEGER NOT NULL,
    last_at   INTEGER NOT NULL,
    n_requests INTEGER NOT NULL,
    UNIQUE (gid, address)
);
CREATE INDEX join_requests_first ON join_requests(first_at);
-- The per-address rate of join requests: one row per request taken (new
-- or merged), over all lists; rows older than a day are pruned.
CREATE TABLE join_attempts (
    jaid    INTEGER PRIMARY KEY,
    address TEXT NOT NULL,
    at      INTEGER NOT NULL
);
CREATE INDEX join_attempts_address ON join_attempts(address, at);
CREATE INDEX join_attempts_at ON join_attempts(at);
