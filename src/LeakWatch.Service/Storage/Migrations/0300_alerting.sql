-- Incidents and the alert outbox. Nothing here is patient plaintext: an incident holds where and when a dump was
-- seen and how many of our patients it holds; its patients are opaque references (keyed hashes) only.

-- One per leaked document (and its later, larger versions).
CREATE TABLE incidents (
    id INTEGER PRIMARY KEY,
    source TEXT NOT NULL,              -- the configured source's name of the latest version
    url TEXT NOT NULL,                 -- URL or path of the latest version that changed the incident
    content_sha256 TEXT NOT NULL,      -- hex SHA-256 of that version
    bytes INTEGER NOT NULL,
    first_seen TEXT NOT NULL,          -- yyyy-MM-ddTHH:mm:ss.fffZ (UTC, sorts as text)
    last_seen TEXT NOT NULL,
    revision INTEGER NOT NULL,         -- 1, then +1 each time the incident grows
    patients_high INTEGER NOT NULL,
    patients_medium INTEGER NOT NULL,
    patients_low INTEGER NOT NULL,
    patients_total INTEGER NOT NULL,
    last_growth INTEGER NOT NULL,      -- patients added by the latest revision (all of them for revision 1)
    rules TEXT NOT NULL,               -- rule names that fired, comma-separated, sorted
    fields INTEGER NOT NULL            -- MatchedFields flags: kinds of field matched, never values
);

-- Every distinct content (by hash) that belongs to an incident: the same bytes seen again add nothing.
CREATE TABLE incident_documents (
    content_sha256 TEXT PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    source TEXT NOT NULL,
    url TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    patients INTEGER NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX incident_documents_url ON incident_documents(url, incident_id);
CREATE INDEX incident_documents_incident ON incident_documents(incident_id);

-- The matched patients of an incident: the opaque 16-byte reference, the best confidence and its rules. Never more.
CREATE TABLE incident_patients (
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    patient BLOB NOT NULL CHECK (length(patient) = 16),
    confidence INTEGER NOT NULL CHECK (confidence BETWEEN 1 AND 3),
    rules TEXT NOT NULL,
    PRIMARY KEY (incident_id, patient)
) WITHOUT ROWID;
CREATE INDEX incident_patients_patient ON incident_patients(patient);

-- Alerts waiting to leave, one row per channel, written in the same transaction as the incident change.
-- Delivered at least once (delivered_at is set only after the channel accepted it); the idempotency key lets a
-- receiver drop a repeat. last_error holds a status or an exception type and message, never alert content.
CREATE TABLE alert_outbox (
    id INTEGER PRIMARY KEY,
    idempotency_key TEXT NOT NULL UNIQUE,
    channel TEXT NOT NULL,
    kind TEXT NOT NULL,                -- incident | growth | digest
    incident_id INTEGER NULL REFERENCES incidents(id),
    revision INTEGER NULL,
    payload TEXT NOT NULL,             -- the alert as JSON (AlertPayload): counts, kinds of field, rules, links
    created_at TEXT NOT NULL,
    next_attempt_at TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    last_error TEXT NULL,
    delivered_at TEXT NULL
);
CREATE INDEX alert_outbox_due ON alert_outbox(next_attempt_at, id) WHERE delivered_at IS NULL;

-- Incident changes below a channel's immediate threshold, waiting for that channel's next digest.
CREATE TABLE alert_digest_items (
    channel TEXT NOT NULL,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    revision INTEGER NOT NULL,
    new_patients INTEGER NOT NULL,
    added_at TEXT NOT NULL,
    digest_key TEXT NULL,              -- the digest alert's idempotency key, once it has been queued
    PRIMARY KEY (channel, incident_id, revision)
) WITHOUT ROWID;
CREATE INDEX alert_digest_items_pending ON alert_digest_items(channel, added_at) WHERE digest_key IS NULL;

-- Part of every idempotency key: a database made anew starts its incident ids at 1 again, and a receiver must not
-- take its first alert for a repeat of the old database's.
INSERT INTO meta (name, value) VALUES ('alerting.instance', lower(hex(randomblob(6))));
