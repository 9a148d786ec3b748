-- Issue 11: what became of a linked URL (NULL: read whole; 'cut': too large or too slow, asked again only when its
-- validators change; 'refused': the address guard, robots.txt, 401/403/404/410 or a "no permission" page), and a
-- status per run (ok, degraded, failing) with what was skipped (circuit open) and refused, for `sources` and health.
ALTER TABLE crawl_pages ADD COLUMN outcome TEXT;

ALTER TABLE source_health ADD COLUMN last_run_status TEXT;
ALTER TABLE source_health ADD COLUMN last_run_skipped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_health ADD COLUMN last_run_refused INTEGER NOT NULL DEFAULT 0;
ALTER TABLE source_health ADD COLUMN last_warning TEXT;
