-- Nothing on SQLite: its blobs are files in the blob directory (the fs
-- BlobStore). PostgreSQL's migration 15 creates the tables of the
-- postgres BlobStore; the numbers stay in lockstep.
SELECT 1;
