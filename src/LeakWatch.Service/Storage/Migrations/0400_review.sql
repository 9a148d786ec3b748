-- The review console: people, their sessions, the case workflow on top of Alerting's incidents, and the audit log.
-- Nothing here is patient plaintext: cases hold decisions, dates and people; comments are the reviewers' own words.

-- One row per person. No default account: the first one is made with `leakwatch users add`.
CREATE TABLE console_users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    role TEXT NOT NULL CHECK (role IN ('analyst', 'dpo', 'admin')),
    password_hash TEXT NOT NULL,           -- ASP.NET Core Identity's PasswordHasher (PBKDF2-HMAC-SHA512, salted)
    must_change_password INTEGER NOT NULL, -- a one-time password: changed at the next sign-in before anything else
    disabled INTEGER NOT NULL DEFAULT 0,
    failed_sign_ins INTEGER NOT NULL DEFAULT 0,
    locked_until TEXT NULL,
    totp_secret BLOB NULL,                 -- sealed (AES-GCM) with a sub-key of the secret key: the database alone cannot read it
    totp_last_step INTEGER NULL,           -- a code is accepted once
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- Server-side sessions: the cookie holds a random token, the table its SHA-256 only.
CREATE TABLE console_sessions (
    token_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES console_users(id),
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    second_factor_done INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX console_sessions_user ON console_sessions(user_id);

-- Settings an admin changes in the console (e.g. a second factor required for a role).
CREATE TABLE console_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The review of an incident. A row appears with the first action; no row means "new".
CREATE TABLE review_cases (
    incident_id INTEGER PRIMARY KEY REFERENCES incidents(id),
    status TEXT NOT NULL CHECK (status IN ('new', 'confirmed', 'dismissed')),
    decided_by TEXT NULL,
    decided_at TEXT NULL,
    dismiss_reason TEXT NULL,
    assigned_to TEXT NULL,
    cnil_notified_on TEXT NULL,            -- yyyy-MM-dd
    patients_notified_on TEXT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX review_cases_status ON review_cases(status);

CREATE TABLE review_comments (
    id INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents(id),
    author TEXT NOT NULL,
    at TEXT NOT NULL,
    body TEXT NOT NULL
);
CREATE INDEX review_comments_incident ON review_comments(incident_id, id);

-- Append-only: each entry's mac is HMAC-SHA256 (a sub-key of the secret key) over the previous entry's mac and this
-- entry's fields, so an edited or deleted row breaks the chain (`leakwatch audit verify`). The triggers stop honest
-- mistakes; someone who drops them to edit the file is caught by the chain.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    detail TEXT NOT NULL,
    address TEXT NOT NULL,
    mac TEXT NOT NULL
);
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
