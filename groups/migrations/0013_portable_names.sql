-- file_props.inner is renamed: INNER is a reserved word in PostgreSQL,
-- and the schema keeps the same names on both databases.
ALTER TABLE file_props RENAME COLUMN inner TO inner_xml;
