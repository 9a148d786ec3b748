-- PostgreSQL twin of ../0001_meta.sql: the same tables and columns, in PostgreSQL's types (BIGINT for SQLite's
-- INTEGER, BYTEA for BLOB, identity columns for INTEGER PRIMARY KEY). Times stay ISO-8601 UTC text, as on SQLite.
-- Facts about this database: which key it was made with. Never the key itself.
CREATE TABLE meta (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
