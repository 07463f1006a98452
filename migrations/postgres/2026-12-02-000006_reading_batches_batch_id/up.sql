-- A settlement's inputs find their batches by batch id (the verification endpoint, issue): without
-- this index each lookup scanned every batch, so its cost grew with the log.
CREATE INDEX reading_batches_batch_id ON reading_batches (batch_id);
