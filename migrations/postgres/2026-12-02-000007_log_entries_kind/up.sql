-- The ledger's key history is read by kind (`key.added`, `key.retired`) whenever a settlement is
-- verified: without this index each such read scanned the whole log.
CREATE INDEX log_entries_kind ON log_entries (kind, entry_index);
