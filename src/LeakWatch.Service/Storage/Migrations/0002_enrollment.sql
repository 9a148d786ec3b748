-- Enrollments: the lab's export as fingerprints. A new enrollment is built beside the active one ('building'),
-- then swapped in by one transaction that deletes the old one; a failure before the swap leaves the old one whole.
-- Metadata only: counts, times and the export's file name. Never a patient value.
CREATE TABLE enrollments (
    id INTEGER PRIMARY KEY,
    state TEXT NOT NULL CHECK (state IN ('building', 'active')),
    started_at TEXT NOT NULL,
    enrolled_at TEXT,
    file_name TEXT NOT NULL,
    rows_read INTEGER NOT NULL DEFAULT 0,
    patients INTEGER NOT NULL DEFAULT 0,
    linked_fingerprints INTEGER NOT NULL DEFAULT 0,
    set_members INTEGER NOT NULL DEFAULT 0,
    rows_skipped INTEGER NOT NULL DEFAULT 0,
    skipped_by_reason TEXT NOT NULL DEFAULT '{}',
    duration_ms INTEGER NOT NULL DEFAULT 0
);

CREATE UNIQUE INDEX enrollments_one_active ON enrollments (state) WHERE state = 'active';

-- The fingerprints, as packed little-endian arrays cut in chunks of up to 65,536 entries (one BLOB each):
--   part 1: patient references, 16 bytes each; a patient's ordinal is its index across the chunks;
--   part 2: keys of linked fingerprints (low 64 bits), 8 bytes each;
--   part 3: the patient ordinal of each linked key, same order, as LEB128 deltas from the previous entry
--           of the chunk (the first from 0): a patient's fingerprints are written together, so most take one byte;
--   part 4: members of the unlinked sets, distinct keys, 8 bytes each.
CREATE TABLE enrollment_chunks (
    enrollment_id INTEGER NOT NULL REFERENCES enrollments (id) ON DELETE CASCADE,
    part INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    count INTEGER NOT NULL,
    data BLOB NOT NULL,
    PRIMARY KEY (enrollment_id, part, seq)
);
