-- CalDAV state beside cal_objects (see ../0004_caldav.sql).
ALTER TABLE cal_objects ADD COLUMN t_first BIGINT NOT NULL DEFAULT -9223372036854775808;
ALTER TABLE cal_objects ADD COLUMN t_last BIGINT NOT NULL DEFAULT 9223372036854775807;
CREATE INDEX cal_objects_span ON cal_objects(gid, feature, t_first);

CREATE TABLE cal_seq (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    n   BIGINT NOT NULL
);
INSERT INTO cal_seq (one, n) VALUES (1, 0);

CREATE TABLE cal_changes (
    gid     BIGINT NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    feature TEXT COLLATE "C" NOT NULL,
    name    TEXT COLLATE "C" NOT NULL,
    seq     BIGINT NOT NULL,
    deleted BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (gid, feature, name)
);
CREATE INDEX cal_changes_seq ON cal_changes(gid, feature, seq);

-- The change log, written for every insert, update and delete of an
-- object; a deleted group takes its log with it (its row is gone when its
-- objects cascade away, so no tombstone is written for them).
CREATE FUNCTION cal_objects_log() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    r cal_objects;
    del BIGINT := 0;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF NOT EXISTS (SELECT 1 FROM groups WHERE gid = OLD.gid) THEN
            RETURN NULL;
        END IF;
        r := OLD;
        del := 1;
    ELSE
        r := NEW;
    END IF;
    UPDATE cal_seq SET n = n + 1 WHERE one = 1;
    INSERT INTO cal_changes (gid, feature, name, seq, deleted)
        VALUES (r.gid, r.feature, r.name, (SELECT n FROM cal_seq WHERE one = 1), del)
        ON CONFLICT (gid, feature, name) DO UPDATE SET seq = excluded.seq, deleted = excluded.deleted;
    RETURN NULL;
END $$;
CREATE TRIGGER cal_objects_log AFTER INSERT OR UPDATE OR DELETE ON cal_objects
    FOR EACH ROW EXECUTE FUNCTION cal_objects_log();

CREATE TABLE cal_props (
    uid     BIGINT NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
    gid     BIGINT NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    feature TEXT COLLATE "C" NOT NULL,
    name    TEXT COLLATE "C" NOT NULL,
    value   TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (uid, gid, feature, name)
);
