-- PostgreSQL drops the readings' foreign keys to stations and sections and compresses batch
-- bodies with LZ4 (see its migration of this name). SQLite's foreign-key checks are a cheap
-- in-process index lookup and changing them would mean rebuilding the table, so nothing changes
-- here; the migration exists so both backends carry the same names.
SELECT 1;
