-- The log index of a reading's invalidation, so that "what counted when a settlement was issued"
-- is a query: a reading invalidated at index i stopped counting for settlements logged after i.
ALTER TABLE readings ADD COLUMN invalidated_log_index BIGINT;
UPDATE readings SET invalidated_log_index = (
    SELECT entry_index FROM log_entries
    WHERE kind = 'reading.invalidated' AND (body::json ->> 'reading_id')::bigint = readings.id
) WHERE invalidated_at IS NOT NULL;
