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
) WITHOUT ROWID;

-- Per source: SHA-256 of every document scanned, so that a restart neither re-scans nor re-alerts.
CREATE TABLE crawl_seen (
    source TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    url TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (source, sha256)
) WITHOUT ROWID;

-- Per source: where each run resumes (a thread's last page and last post, a channel's last message id...).
CREATE TABLE crawl_cursors (
    source TEXT NOT NULL,
    key TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (source, key)
) WITHOUT ROWID;

CREATE TABLE source_health (
    source TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    last_run_at TEXT,
    last_success_at TEXT,
    last_error TEXT,
    last_error_at TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    documents_seen INTEGER NOT NULL DEFAULT 0,
    bytes_seen INTEGER NOT NULL DEFAULT 0,
    last_run_documents INTEGER NOT NULL DEFAULT 0,
    last_run_requests INTEGER NOT NULL DEFAULT 0,
    last_run_errors INTEGER NOT NULL DEFAULT 0,
    last_run_duration_ms INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
