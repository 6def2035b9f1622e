-- Moderation (issue 13): a list's hold setting and the posts it holds.
-- A held post is the list copy as it would have gone out; it is in no
-- archive and no queue until a master approves it.
ALTER TABLE groups ADD COLUMN moderation TEXT NOT NULL DEFAULT 'none';
CREATE TABLE held_posts (
    hid         INTEGER PRIMARY KEY,
    gid         INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    sender      TEXT NOT NULL,
    verified    INTEGER NOT NULL,
    subject     TEXT NOT NULL,
    message_id  TEXT NOT NULL,
    token       TEXT NOT NULL UNIQUE,
    data        BLOB NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX held_posts_gid ON held_posts(gid, hid);
CREATE INDEX held_posts_received ON held_posts(received_at);
