-- `leakwatch canary retire --system NAME`: a retired set is no longer matched (its canaries were taken out of the
-- system, or the system is gone). It stays, listed as retired, with its fingerprints: an export that still holds one
-- of its canaries keeps it out of the patients, and a new canary never reuses its values.
ALTER TABLE canary_sets ADD COLUMN retired_at TEXT NULL;            -- yyyy-MM-ddTHH:mm:ss.fffZ (UTC); NULL: matched
