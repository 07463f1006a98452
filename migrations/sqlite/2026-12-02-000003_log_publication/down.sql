DROP TABLE log_cosignatures;
DROP TABLE log_publications;
