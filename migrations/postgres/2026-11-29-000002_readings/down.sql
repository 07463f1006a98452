DROP TABLE readings;
DROP TABLE reading_batches;
