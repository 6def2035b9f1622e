-- App passwords: per-device secrets of a user; only their SHA-256 is kept.
CREATE TABLE app_passwords (
    id         INTEGER PRIMARY KEY,
    uid        INTEGER NOT NULL REFERENCES users(uid) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    hash       TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL,
    last_used  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX app_passwords_uid ON app_passwords(uid);
