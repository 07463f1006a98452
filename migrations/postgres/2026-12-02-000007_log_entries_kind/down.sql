DROP INDEX log_entries_kind;
