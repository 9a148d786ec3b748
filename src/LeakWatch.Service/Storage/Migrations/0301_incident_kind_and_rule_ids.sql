-- Incidents get a kind, and their rules become a bit set of stable ids.
--
-- kind: IncidentKind's id (1 = patient leak, the only kind until now). Incidents of different kinds never merge, so
-- the same bytes may belong to one incident of each kind: incident_documents is keyed by content and incident.
--
-- rules (incidents and incident_patients): MatchedRules' ids OR-ed together, instead of sorted, comma-separated
-- names. The names below are the ones written until now, frozen here with the ids MatchedRules gives them; the
-- migration tests check that both agree.

ALTER TABLE incidents ADD COLUMN kind INTEGER NOT NULL DEFAULT 1;

CREATE TEMP TABLE rule_ids (name TEXT PRIMARY KEY, id INTEGER NOT NULL);
INSERT INTO temp.rule_ids (name, id) VALUES
    ('email', 1), ('email+name', 2), ('identity', 4), ('identity-part', 8), ('nir', 16),
    ('nir+birthdate', 32), ('nir+name', 64), ('phone', 128), ('phone+name', 256);

ALTER TABLE incidents ADD COLUMN rule_ids INTEGER NOT NULL DEFAULT 0;
UPDATE incidents SET rule_ids =
    (SELECT COALESCE(SUM(r.id), 0) FROM temp.rule_ids r WHERE instr(',' || incidents.rules || ',', ',' || r.name || ',') > 0);
ALTER TABLE incidents DROP COLUMN rules;
ALTER TABLE incidents RENAME COLUMN rule_ids TO rules;

ALTER TABLE incident_patients ADD COLUMN rule_ids INTEGER NOT NULL DEFAULT 0;
UPDATE incident_patients SET rule_ids =
    (SELECT COALESCE(SUM(r.id), 0) FROM temp.rule_ids r WHERE instr(',' || incident_patients.rules || ',', ',' || r.name || ',') > 0);
ALTER TABLE incident_patients DROP COLUMN rules;
ALTER TABLE incident_patients RENAME COLUMN rule_ids TO rules;

DROP TABLE temp.rule_ids;

CREATE TABLE incident_documents_by_incident (
    content_sha256 TEXT NOT NULL,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    patients INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    PRIMARY KEY (content_sha256, incident_id)
) WITHOUT ROWID;
INSERT INTO incident_documents_by_incident (content_sha256, incident_id, source, url, bytes, patients, first_seen, last_seen)
    SELECT content_sha256, incident_id, source, url, bytes, patients, first_seen, last_seen FROM incident_documents;
DROP TABLE incident_documents;
ALTER TABLE incident_documents_by_incident RENAME TO incident_documents;
CREATE INDEX incident_documents_url ON incident_documents(url, incident_id);
CREATE INDEX incident_documents_incident ON incident_documents(incident_id);
CREATE INDEX incidents_kind ON incidents(kind);
