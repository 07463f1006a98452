ALTER TABLE reading_batches ALTER COLUMN response SET COMPRESSION pglz;
ALTER TABLE reading_batches ALTER COLUMN body SET COMPRESSION pglz;
ALTER TABLE readings ADD CONSTRAINT readings_section_fkey FOREIGN KEY (section) REFERENCES sections (code);
ALTER TABLE readings ADD CONSTRAINT readings_station_fkey FOREIGN KEY (station) REFERENCES stations (code);
