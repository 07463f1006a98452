DROP INDEX reading_batches_log_index;
