-- file_props."inner" is renamed: INNER is a reserved word here.
ALTER TABLE file_props RENAME COLUMN "inner" TO inner_xml;
