-- Web console sessions (see ../0010_web_sessions.sql).
CREATE TABLE web_sessions (
    id         TEXT COLLATE "C" PRIMARY KEY,
    uid        BIGINT NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
    csrf       TEXT COLLATE "C" NOT NULL,
    created_at BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL
);
CREATE INDEX web_sessions_uid ON web_sessions(uid);
