-- PostgreSQL twin of ../0601_incident_kinds.sql: the same tables and columns in PostgreSQL's types (BIGINT, BYTEA, identity ids).
-- What the early-warning kinds of incident name (IncidentKind: 2 canary, 3 early warning, 4 suspicious dump; 1, our
-- patients, is migration 0301's). Never a value: systems and watched terms are the lab's own configuration, the rest
-- are counts.
--   canary           a canary identity in a document: names the system it was planted in (patients_high/_total
--                    count the canaries: a canary is recorded at the highest confidence)
--   early-warning    a crawled page (thread title, post) holding a watched term, with or without patients
--   suspicious-dump  a document shaped like French health data holding none of ours (informational, counts only)
ALTER TABLE incidents ADD COLUMN system TEXT NULL;                      -- canary: the systems named, comma-separated, sorted
ALTER TABLE incidents ADD COLUMN terms TEXT NULL;                       -- early warning: the watched terms' names, comma-separated, sorted
ALTER TABLE incidents ADD COLUMN records BIGINT NOT NULL DEFAULT 0;    -- suspicious dump: records read
ALTER TABLE incidents ADD COLUMN valid_nirs BIGINT NOT NULL DEFAULT 0; -- suspicious dump: records with a NIR whose key is valid
ALTER TABLE incidents ADD COLUMN identity_rows BIGINT NOT NULL DEFAULT 0; -- suspicious dump: records shaped like identities
CREATE INDEX incidents_kind_url ON incidents (kind, url);
