-- Reading batches keep the exact request bytes: the evidence an auditor re-hashes and checks
-- against the station's signature.
CREATE TABLE reading_batches (
    station TEXT NOT NULL REFERENCES stations (code),
    batch_id TEXT NOT NULL,
    body BYTEA NOT NULL,
    body_sha256 TEXT NOT NULL,
    signature TEXT,
    response TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    received_at TEXT NOT NULL,
    PRIMARY KEY (station, batch_id)
);

-- Reading ids are assigned under the log-head lock (max + 1), so both backends number them
-- identically and a batch can be inserted in one statement.
CREATE TABLE readings (
    id BIGINT PRIMARY KEY NOT NULL,
    station TEXT NOT NULL REFERENCES stations (code),
    section TEXT NOT NULL REFERENCES sections (code),
    sampled_at TEXT NOT NULL,
    batch_id TEXT NOT NULL,
    reading_values TEXT NOT NULL,
    status TEXT NOT NULL,
    reason TEXT,
    revises BIGINT REFERENCES readings (id),
    superseded_by BIGINT REFERENCES readings (id),
    invalidated_at TEXT,
    invalidated_by TEXT,
    invalidation_reason TEXT
);
CREATE INDEX readings_section_time ON readings (section, sampled_at, id);
CREATE INDEX readings_station_time ON readings (station, sampled_at);
