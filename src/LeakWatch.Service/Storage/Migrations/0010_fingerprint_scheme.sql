-- Which fingerprint scheme made each enrollment (FingerprintScheme in the code). Enrollments made before this column
-- existed are scheme 1 (HMAC-SHA256); a scan refuses an enrollment whose scheme is not the program's.
ALTER TABLE enrollments ADD COLUMN scheme INTEGER NOT NULL DEFAULT 1;
