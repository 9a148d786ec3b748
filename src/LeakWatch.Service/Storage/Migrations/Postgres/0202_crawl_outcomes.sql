-- PostgreSQL twin of ../0202_crawl_outcomes.sql: the same tables and columns, in PostgreSQL's types (BIGINT for SQLite's
-- INTEGER, BYTEA for BLOB, identity columns for INTEGER PRIMARY KEY). Times stay ISO-8601 UTC text, as on SQLite.
-- Issue 11: what became of a linked URL (NULL: read whole; 'cut': too large or too slow, asked again only when its
-- validators change; 'refused': the address guard, robots.txt, 401/403/404/410 or a "no permission" page), and a
-- status per run (ok, degraded, failing) with what was skipped (circuit open) and refused, for `sources` and health.
ALTER TABLE crawl_pages ADD COLUMN outcome TEXT;

ALTER TABLE source_health ADD COLUMN last_run_status TEXT;
ALTER TABLE source_health ADD COLUMN last_run_skipped BIGINT NOT NULL DEFAULT 0;
ALTER TABLE source_health ADD COLUMN last_run_refused BIGINT NOT NULL DEFAULT 0;
ALTER TABLE source_health ADD COLUMN last_warning TEXT;
