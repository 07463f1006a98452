ALTER TABLE readings DROP COLUMN invalidated_log_index;
