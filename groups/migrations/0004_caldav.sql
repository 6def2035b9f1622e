-- CalDAV state beside cal_objects: the time span of each object (for
-- calendar-query candidates), a per-collection change log with tombstones
-- for sync-collection (RFC 6578) and getctag, and per-user collection
-- properties set by PROPPATCH (displayname, calendar-color, calendar-order).

-- Span of an object's instances, unix seconds, widened by 14 hours for
-- floating times; t_last is 9223372036854775807 for endless recurrences.
ALTER TABLE cal_objects ADD COLUMN t_first INTEGER NOT NULL DEFAULT -9223372036854775808;
ALTER TABLE cal_objects ADD COLUMN t_last INTEGER NOT NULL DEFAULT 9223372036854775807;
CREATE INDEX cal_objects_span ON cal_objects(gid, feature, t_first);

-- One global change counter: a sync token is a value of it.
CREATE TABLE cal_seq (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n   INTEGER NOT NULL
);
INSERT INTO cal_seq (one, n) VALUES (1, 0);

-- The last change of every resource name ever used in a collection;
-- deleted = 1 is a tombstone. Written by the triggers below, so that every
-- path that changes cal_objects (PUT, DELETE, purge) is recorded.
CREATE TABLE cal_changes (
    gid     INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    feature TEXT NOT NULL,
    name    TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    deleted INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (gid, feature, name)
);
CREATE INDEX cal_changes_seq ON cal_changes(gid, feature, seq);

CREATE TRIGGER cal_objects_ins AFTER INSERT ON cal_objects
BEGIN
    UPDATE cal_seq SET n = n + 1 WHERE one = 1;
    INSERT INTO cal_changes (gid, feature, name, seq, deleted)
        VALUES (NEW.gid, NEW.feature, NEW.name, (SELECT n FROM cal_seq WHERE one = 1), 0)
        ON CONFLICT (gid, feature, name) DO UPDATE SET seq = excluded.seq, deleted = 0;
END;

CREATE TRIGGER cal_objects_upd AFTER UPDATE ON cal_objects
BEGIN
    UPDATE cal_seq SET n = n + 1 WHERE one = 1;
    INSERT INTO cal_changes (gid, feature, name, seq, deleted)
        VALUES (NEW.gid, NEW.feature, NEW.name, (SELECT n FROM cal_seq WHERE one = 1), 0)
        ON CONFLICT (gid, feature, name) DO UPDATE SET seq = excluded.seq, deleted = 0;
END;

-- A deleted group takes its log with it (the group row is already gone
-- when its objects cascade away, so no tombstone is written for them).
CREATE TRIGGER cal_objects_del AFTER DELETE ON cal_objects
WHEN EXISTS (SELECT 1 FROM groups WHERE gid = OLD.gid)
BEGIN
    UPDATE cal_seq SET n = n + 1 WHERE one = 1;
    INSERT INTO cal_changes (gid, feature, name, seq, deleted)
        VALUES (OLD.gid, OLD.feature, OLD.name, (SELECT n FROM cal_seq WHERE one = 1), 1)
        ON CONFLICT (gid, feature, name) DO UPDATE SET seq = excluded.seq, deleted = 1;
END;

-- Per-user collection properties (PROPPATCH), kept verbatim as text.
CREATE TABLE cal_props (
    uid     INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
    gid     INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    feature TEXT NOT NULL,
    name    TEXT NOT NULL,                    -- displayname, calendar-color, calendar-order
    value   TEXT NOT NULL,
    PRIMARY KEY (uid, gid, feature, name)
);
