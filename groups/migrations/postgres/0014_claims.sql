-- Claims of queue rows and posts to index by node (see ../0014_claims.sql).
ALTER TABLE outbound_rcpts ADD COLUMN node TEXT COLLATE "C" NOT NULL DEFAULT '';
ALTER TABLE imap_text_todo ADD COLUMN lease BIGINT NOT NULL DEFAULT 0;
ALTER TABLE imap_text_todo ADD COLUMN node TEXT COLLATE "C" NOT NULL DEFAULT '';

-- Failed logins counted for every node (see ../0014_claims.sql).
CREATE TABLE login_failures (
    key TEXT COLLATE "C" PRIMARY KEY,
    n BIGINT NOT NULL,
    first_at BIGINT NOT NULL
);
CREATE INDEX login_failures_first ON login_failures(first_at);

-- The admin token every node accepts (see ../0014_claims.sql).
CREATE TABLE admin_token (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    token TEXT COLLATE "C" NOT NULL
);
