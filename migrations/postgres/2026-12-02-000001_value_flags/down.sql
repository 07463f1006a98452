ALTER TABLE agreement_versions DROP COLUMN below_detection;
ALTER TABLE readings DROP COLUMN reading_flags;
