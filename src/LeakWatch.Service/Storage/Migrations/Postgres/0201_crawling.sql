-- PostgreSQL twin of ../0201_crawling.sql: the same tables and columns, in PostgreSQL's types (BIGINT for SQLite's
-- INTEGER, BYTEA for BLOB, identity columns for INTEGER PRIMARY KEY). Times stay ISO-8601 UTC text, as on SQLite.
-- Crawl state and source health. URLs, validators and hashes only: no page content, no patient value.

-- Per URL: validators for conditional requests, and the SHA-256 of the body for servers that send none.
CREATE TABLE crawl_pages (
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    etag TEXT,
    last_modified TEXT,
    content_sha256 TEXT,
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (source, url)
);

-- Per source: SHA-256 of every document scanned, so that a restart neither re-scans nor re-alerts.
CREATE TABLE crawl_seen (
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    url TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (source, sha256)
);

-- Per source: where each run resumes (a thread's last page and last post, a channel's last message id...).
CREATE TABLE crawl_cursors (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, key)
);

CREATE TABLE source_health (
    source TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    last_run_at TEXT,
    last_success_at TEXT,
    last_error TEXT,
    last_error_at TEXT,
    consecutive_failures BIGINT NOT NULL DEFAULT 0,
    documents_seen BIGINT NOT NULL DEFAULT 0,
    bytes_seen BIGINT NOT NULL DEFAULT 0,
    last_run_documents BIGINT NOT NULL DEFAULT 0,
    last_run_requests BIGINT NOT NULL DEFAULT 0,
    last_run_errors BIGINT NOT NULL DEFAULT 0,
    last_run_duration_ms BIGINT NOT NULL DEFAULT 0
);
