-- PostgreSQL twin of ../0010_fingerprint_scheme.sql: the same tables and columns, in PostgreSQL's types (BIGINT for SQLite's
-- INTEGER, BYTEA for BLOB, identity columns for INTEGER PRIMARY KEY). Times stay ISO-8601 UTC text, as on SQLite.
-- Which fingerprint scheme made each enrollment (FingerprintScheme in the code). Enrollments made before this column
-- existed are scheme 1 (HMAC-SHA256); a scan refuses an enrollment whose scheme is not the program's.
ALTER TABLE enrollments ADD COLUMN scheme BIGINT NOT NULL DEFAULT 1;
