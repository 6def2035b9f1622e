-- Delivery modes and digests (issue 13). Each member and each external
-- list address has a delivery mode: 'each' (a copy of every post, the
-- default), 'digest' or 'none' (no mail; still a member). digested is
-- the digest_posts.did up to which the recipient has had its digests;
-- owed, above digested, the did up to which a recipient that left digest
-- mode still gets a last digest.
ALTER TABLE memberships ADD COLUMN delivery TEXT NOT NULL DEFAULT 'each';
ALTER TABLE memberships ADD COLUMN digested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE memberships ADD COLUMN owed INTEGER NOT NULL DEFAULT 0;
ALTER TABLE list_addresses ADD COLUMN delivery TEXT NOT NULL DEFAULT 'each';
ALTER TABLE list_addresses ADD COLUMN digested INTEGER NOT NULL DEFAULT 0;
ALTER TABLE list_addresses ADD COLUMN owed INTEGER NOT NULL DEFAULT 0;
-- The posts of a list that has digest recipients, as they went out (the
-- list copy), kept until every digest recipient has had them. did only
-- grows (AUTOINCREMENT: a pruned id is never reused), so that a mark set
-- at a switch to digest stays below every later post.
CREATE TABLE digest_posts (
    did         INTEGER PRIMARY KEY AUTOINCREMENT,
    gid         INTEGER NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    data        BLOB NOT NULL,
    size        INTEGER NOT NULL,
    received_at INTEGER NOT NULL
);
CREATE INDEX digest_posts_gid ON digest_posts(gid, did);
-- The digest recipients, found without reading every membership.
CREATE INDEX memberships_digest ON memberships(gid) WHERE delivery = 'digest' OR owed > digested;
CREATE INDEX list_addresses_digest ON list_addresses(gid) WHERE delivery = 'digest' OR owed > digested;
