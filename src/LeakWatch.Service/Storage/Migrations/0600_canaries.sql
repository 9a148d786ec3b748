-- Canary identities, as fingerprints only: the values were printed once by `leakwatch canary create` and are kept
-- nowhere. Apart from the enrollments, so that enrolling the lab's export again never drops them.

-- One row per `canary create`: the system the canaries were made for, how many, when.
CREATE TABLE canary_sets (
    id INTEGER PRIMARY KEY,
    system TEXT NOT NULL,
    canaries INTEGER NOT NULL,
    created_at TEXT NOT NULL            -- yyyy-MM-ddTHH:mm:ss.fffZ (UTC)
);

-- The linked fingerprints of each canary: its opaque reference (random, 16 bytes), the low 64 bits of the keyed
-- fingerprint and its kind (FingerprintKind), as the enrollment stores a patient's.
CREATE TABLE canary_fingerprints (
    set_id INTEGER NOT NULL REFERENCES canary_sets (id) ON DELETE CASCADE,
    canary BLOB NOT NULL CHECK (length(canary) = 16),
    kind INTEGER NOT NULL,
    key INTEGER NOT NULL,
    shadowed INTEGER NOT NULL DEFAULT 0 -- 1: an enrolled patient has this value too; it counts for the patient only
);
CREATE INDEX canary_fingerprints_set ON canary_fingerprints (set_id);

-- Members of the unlinked name sets (last names, first names, pairs) of the canaries, so the matcher reads their
-- names as names even when no enrolled patient bears them.
CREATE TABLE canary_members (
    set_id INTEGER NOT NULL REFERENCES canary_sets (id) ON DELETE CASCADE,
    key INTEGER NOT NULL
);
CREATE INDEX canary_members_set ON canary_members (set_id);
