DROP TABLE station_keys;
