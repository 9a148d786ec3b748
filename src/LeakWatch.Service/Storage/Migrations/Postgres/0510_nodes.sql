-- The nodes of a cluster (one row for a single node): each node writes its name, its last heartbeat and the jobs it is
-- running every few seconds, so the console, /readyz and `leakwatch doctor` show which nodes are alive.
CREATE TABLE cluster_nodes (
    name TEXT PRIMARY KEY,
    started_at TEXT NOT NULL,
    last_heartbeat TEXT NOT NULL,
    jobs_running BIGINT NOT NULL DEFAULT 0,
    running TEXT NOT NULL DEFAULT '',   -- the names of the jobs running (source names, alert-delivery...), comma-separated
    version TEXT NOT NULL DEFAULT ''
);
