-- Search terms (see ../0011_search_terms.sql), and those of the existing
-- groups by the same rules, one code point at a time (ascii() gives the
-- code point of a UTF-8 character).
CREATE TABLE group_terms (
    term TEXT COLLATE "C" NOT NULL,
    gid  BIGINT NOT NULL REFERENCES groups(gid) ON DELETE CASCADE,
    PRIMARY KEY (term, gid)
);
CREATE INDEX group_terms_gid ON group_terms(gid);

WITH RECURSIVE pos (gid, s, i) AS (
    SELECT gid, name_fold, 1 FROM groups WHERE name_fold <> ''
    UNION ALL
    SELECT gid, s, i + 1 FROM pos WHERE i < char_length(s)
),
chars (gid, s, i, c) AS (
    SELECT gid, s, i, ascii(substr(s, i, 1)) FROM pos
),
flags (gid, s, i, sep, dense) AS (
    SELECT gid, s, i,
        CASE WHEN (c < 128 AND NOT (c BETWEEN 48 AND 57 OR c BETWEEN 65 AND 90 OR c BETWEEN 97 AND 122))
                  OR c IN (160, 183, 8230, 12539, 65288, 65289, 65292)
                  OR c BETWEEN 8208 AND 8223 OR c BETWEEN 12288 AND 12291 OR c BETWEEN 12296 AND 12305
             THEN 1 ELSE 0 END,
        CASE WHEN c BETWEEN 44032 AND 55203 OR c BETWEEN 13312 AND 19903
                  OR c BETWEEN 19968 AND 40959 OR c BETWEEN 12352 AND 12543
             THEN 1 ELSE 0 END
    FROM chars
),
starts (gid, s, i, sep, dense, prev_sep) AS (
    SELECT gid, s, i, sep, dense, LAG(sep, 1, 1) OVER (PARTITION BY gid ORDER BY i) FROM flags
)
INSERT INTO group_terms (term, gid)
SELECT substr(s, i), gid FROM starts WHERE sep = 0 AND (prev_sep = 1 OR dense = 1)
UNION
SELECT list_address, gid FROM groups;
