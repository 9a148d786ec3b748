-- PostgreSQL twin of ../0301_incident_kind_and_rule_ids.sql: incidents get a kind, their rules become a bit set of
-- MatchedRules' stable ids, and incident_documents is keyed by content and incident (see the SQLite file for why).

ALTER TABLE incidents ADD COLUMN kind BIGINT NOT NULL DEFAULT 1;

CREATE TEMP TABLE rule_ids (name TEXT PRIMARY KEY, id BIGINT NOT NULL) ON COMMIT DROP;
INSERT INTO pg_temp.rule_ids (name, id) VALUES
    ('email', 1), ('email+name', 2), ('identity', 4), ('identity-part', 8), ('nir', 16),
    ('nir+birthdate', 32), ('nir+name', 64), ('phone', 128), ('phone+name', 256);

ALTER TABLE incidents ADD COLUMN rule_ids BIGINT NOT NULL DEFAULT 0;
UPDATE incidents SET rule_ids =
    (SELECT COALESCE(SUM(r.id), 0)::BIGINT FROM pg_temp.rule_ids r WHERE position(',' || r.name || ',' IN ',' || incidents.rules || ',') > 0);
ALTER TABLE incidents DROP COLUMN rules;
ALTER TABLE incidents RENAME COLUMN rule_ids TO rules;

ALTER TABLE incident_patients ADD COLUMN rule_ids BIGINT NOT NULL DEFAULT 0;
UPDATE incident_patients SET rule_ids =
    (SELECT COALESCE(SUM(r.id), 0)::BIGINT FROM pg_temp.rule_ids r WHERE position(',' || r.name || ',' IN ',' || incident_patients.rules || ',') > 0);
ALTER TABLE incident_patients DROP COLUMN rules;
ALTER TABLE incident_patients RENAME COLUMN rule_ids TO rules;

ALTER TABLE incident_documents DROP CONSTRAINT incident_documents_pkey;
ALTER TABLE incident_documents ADD PRIMARY KEY (content_sha256, incident_id);
CREATE INDEX incidents_kind ON incidents(kind);
