-- One-click unsubscribe of external list addresses (issue 13, RFC 8058).
--
-- unsubscribe_key: the one secret every node signs and checks
-- unsubscribe tokens with (hex of 32 random bytes), stored by the first
-- node that needs it (groups/unsubscribe_token.go).
CREATE TABLE unsubscribe_key (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    secret TEXT NOT NULL
);
-- list_unsub_keys: one row per external address of a list, made when the
-- address is added and deleted when it is removed, so that a removed and
-- re-added address gets a new kid, and so a new token: an old link
-- never removes a new subscription. The token is kid and an HMAC of
-- (kid, gid, address) under the secret.
CREATE TABLE list_unsub_keys (
    kid     INTEGER PRIMARY KEY,
    gid     INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    address TEXT NOT NULL,
    UNIQUE (gid, address)
);
INSERT INTO list_unsub_keys (gid, address)
    SELECT gid, address FROM list_addresses WHERE kind = 'external' ORDER BY gid, address;
-- list_unsubscribes: the addresses removed by their own unsubscribe
-- (via 'web' or 'mail'), for the masters' daily summary; summarised is
-- when the summary naming the row was queued (0: not yet).
CREATE TABLE list_unsubscribes (
    id         INTEGER PRIMARY KEY,
    gid        INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    address    TEXT NOT NULL,
    via        TEXT NOT NULL,
    removed_at INTEGER NOT NULL,
    summarised INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX list_unsubscribes_gid ON list_unsubscribes(gid, summarised);
