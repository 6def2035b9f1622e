-- A post to a list is accepted with its recipients in one row (issue
-- 14, durable acceptance): the addresses the queue rows would hold, as a
-- JSON array of strings (json_group_array of recipientsSQL), instead of
-- one outbound_rcpts row per recipient (a hundred rows and their index
-- entries before 250). The queue makes the rows when it has room for
-- them (Store.Unbundle: one INSERT ... SELECT over json_each) and deletes
-- the bundle in the same transaction; until then the bundle is the
-- post's queued recipients. It goes with its message, as outbound_rcpts
-- does (0009).
CREATE TABLE outbound_bundles (
    oid   INTEGER PRIMARY KEY,
    rcpts TEXT NOT NULL,
    n     INTEGER NOT NULL
);
CREATE TRIGGER outbound_bundles_cascade AFTER DELETE ON outbound BEGIN
    DELETE FROM outbound_bundles WHERE oid = OLD.oid;
END;
