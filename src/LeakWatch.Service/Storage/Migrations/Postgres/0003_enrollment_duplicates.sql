-- PostgreSQL twin of ../0003_enrollment_duplicates.sql: the same tables and columns, in PostgreSQL's types (BIGINT for SQLite's
-- INTEGER, BYTEA for BLOB, identity columns for INTEGER PRIMARY KEY). Times stay ISO-8601 UTC text, as on SQLite.
-- Rows of the export that repeated an identifier already enrolled: one patient, counted. The distinct patients of an
-- enrollment are patients - duplicate_rows (patients counts the stored references, one per enrolled row).
ALTER TABLE enrollments ADD COLUMN duplicate_rows BIGINT NOT NULL DEFAULT 0;
