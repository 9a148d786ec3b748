-- Rows of the export that repeated an identifier already enrolled: one patient, counted. The distinct patients of an
-- enrollment are patients - duplicate_rows (patients counts the stored references, one per enrolled row).
ALTER TABLE enrollments ADD COLUMN duplicate_rows INTEGER NOT NULL DEFAULT 0;
