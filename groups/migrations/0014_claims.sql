-- Several nodes on one database (PostgreSQL) claim queue rows and posts
-- to index: lease is when a claim ends (unix seconds; 0: none), node the
-- id of the Store that holds it. SQLite has one node: the columns stay
-- at their defaults there (see ../mail_claim.go).
ALTER TABLE outbound_rcpts ADD COLUMN node TEXT NOT NULL DEFAULT '';
ALTER TABLE imap_text_todo ADD COLUMN lease INTEGER NOT NULL DEFAULT 0;
ALTER TABLE imap_text_todo ADD COLUMN node TEXT NOT NULL DEFAULT '';

-- Failed logins counted for every node (PostgreSQL: see
-- ../login_shared.go; unused on SQLite, whose one process counts them in
-- memory): key is "ip:<address>" or "acct:<email>", n the failures since
-- first_at (unix seconds).
CREATE TABLE login_failures (
    key TEXT PRIMARY KEY,
    n INTEGER NOT NULL,
    first_at INTEGER NOT NULL
);
CREATE INDEX login_failures_first ON login_failures(first_at);

-- The admin token every node accepts (PostgreSQL: the first node to
-- start puts its token here; see daemon/token_shared.go). SQLite keeps it
-- in data_dir/admin-token only.
CREATE TABLE admin_token (
    one INTEGER PRIMARY KEY CHECK (one = 1),
    token TEXT NOT NULL
);
