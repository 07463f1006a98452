DROP INDEX reading_batches_batch_id;
