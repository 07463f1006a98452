-- Ingest at national scale (issue 14): a 1,000-reading batch spent 8–10 ms of its ~20 ms COPY in
-- the foreign-key triggers of `station` and `section`, one lookup and row lock per reading. The
-- write path resolves the station (and so its one section) before it stores a batch, and
-- stations and sections are never deleted or renamed, so these two constraints guard nothing the
-- code does not already. The self-references (`revises`, `superseded_by`) stay: they are NULL on
-- almost every row, which the trigger skips at once.
ALTER TABLE readings DROP CONSTRAINT readings_station_fkey;
ALTER TABLE readings DROP CONSTRAINT readings_section_fkey;
-- Batch bodies (~150 KB per 1,000 readings) are compressed when stored; LZ4 does that several
-- times faster than the default pglz, and the bytes read back are the same.
ALTER TABLE reading_batches ALTER COLUMN body SET COMPRESSION lz4;
ALTER TABLE reading_batches ALTER COLUMN response SET COMPRESSION lz4;
