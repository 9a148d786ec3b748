-- Incidents keep the keyed content hash of migration 0203 (Detection/ContentHashes) instead of the bare SHA-256, and
-- archive entry names masked by a keyed hash (entry-XXXXXXXX). SQL has no key: the old values are marked here
-- ('sha256:' + hex) and re-keyed in place by the service the first time it has the key (Detection/LegacyHashUpgrade),
-- with the masked entry names in URLs and the outbox's payloads, so that a document seen again still belongs to its
-- incident and raises no second alert.
ALTER TABLE incidents RENAME COLUMN content_sha256 TO content_hash;
UPDATE incidents SET content_hash = 'sha256:' || content_hash WHERE length(content_hash) = 64;

ALTER TABLE incident_documents RENAME COLUMN content_sha256 TO content_hash;
UPDATE incident_documents SET content_hash = 'sha256:' || content_hash WHERE length(content_hash) = 64;

-- Only where there is something to re-key: a new database is never written to for it.
INSERT INTO meta (name, value)
SELECT 'legacy_content_hashes', '1'
WHERE EXISTS (SELECT 1 FROM crawl_pages WHERE content_hash IS NOT NULL) OR EXISTS (SELECT 1 FROM crawl_seen)
   OR EXISTS (SELECT 1 FROM crawl_cursors) OR EXISTS (SELECT 1 FROM incidents) OR EXISTS (SELECT 1 FROM alert_outbox)
ON CONFLICT (name) DO NOTHING;
