-- PostgreSQL twin of ../0203_keyed_content_hashes.sql (the same statements: both accept them).
-- Content hashes become keyed: HMAC-SHA256, under a purpose key derived from the secret key, of the SHA-256 digest
-- of the bytes (Detection/ContentHashes). The bare SHA-256 written until now would let whoever holds the database
-- confirm a guessed small document (a one-line paste). SQL has no key, so the old values are only marked here
-- ('sha256:' + hex) and re-keyed in place by the service the first time it has the key (Detection/LegacyHashUpgrade):
-- the same bytes keep being recognised, nothing is scanned or alerted twice. Until then a marked value matches nothing.
ALTER TABLE crawl_pages RENAME COLUMN content_sha256 TO content_hash;
UPDATE crawl_pages SET content_hash = 'sha256:' || content_hash WHERE content_hash IS NOT NULL AND length(content_hash) = 64;

ALTER TABLE crawl_seen RENAME COLUMN sha256 TO content_hash;
UPDATE crawl_seen SET content_hash = 'sha256:' || content_hash WHERE length(content_hash) = 64;

-- Only where there is something to re-key: a new database is never written to for it.
INSERT INTO meta (name, value)
SELECT 'legacy_content_hashes', '1'
WHERE EXISTS (SELECT 1 FROM crawl_pages WHERE content_hash IS NOT NULL) OR EXISTS (SELECT 1 FROM crawl_seen)
   OR EXISTS (SELECT 1 FROM crawl_cursors)
ON CONFLICT (name) DO NOTHING;
