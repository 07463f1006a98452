-- Evidence bundles read batches by log index range.
CREATE INDEX reading_batches_log_index ON reading_batches (log_index);
