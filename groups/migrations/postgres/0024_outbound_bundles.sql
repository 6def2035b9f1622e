-- A post's recipients in one row until the queue makes their rows (see
-- ../0024_outbound_bundles.sql): a JSON array kept as text (json_agg),
-- read with json_array_elements_text. One row per post: the foreign key
-- costs one check per post, not one per recipient.
CREATE TABLE outbound_bundles (
    oid   BIGINT PRIMARY KEY REFERENCES outbound(oid) ON DELETE CASCADE,
    rcpts TEXT COLLATE "C" NOT NULL,
    n     BIGINT NOT NULL
);
