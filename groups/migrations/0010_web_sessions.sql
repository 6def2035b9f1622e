-- Web console sessions (issue 11). The cookie holds a random 256-bit id;
-- only its SHA-256 is kept, so a copy of the database opens no session.
-- csrf is the session's anti-forgery token, sent back in every form.
CREATE TABLE web_sessions (
    id         TEXT PRIMARY KEY,              -- hex SHA-256 of the cookie value
    uid        INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
    csrf       TEXT NOT NULL,
    created_at INTEGER NOT NULL,              -- unix seconds
    seen_at    INTEGER NOT NULL
);
CREATE INDEX web_sessions_uid ON web_sessions(uid);
