-- Per-value HJ 212 flags of a reading, as the JSON object the station sent (parameter code →
-- letter, keys sorted); NULL when it sent none. Values themselves may now be `<L` literals, which
-- the existing text column holds as they are.
ALTER TABLE readings ADD COLUMN reading_flags TEXT;
-- An agreement version's `below_detection` term; NULL when the version does not state it (the
-- default, half_limit).
ALTER TABLE agreement_versions ADD COLUMN below_detection TEXT;
