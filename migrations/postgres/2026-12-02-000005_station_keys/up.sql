-- Stations hold several keys, like jurisdictions (API.md "Keys and rotation"): a batch is
-- accepted when any key of the station active at receipt verifies it. The key a station was
-- registered with is its first row.
CREATE TABLE station_keys (
    station TEXT NOT NULL REFERENCES stations(code),
    key_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    added_at TEXT NOT NULL,
    retired_at TEXT,
    PRIMARY KEY (station, key_id)
);
INSERT INTO station_keys (station, key_id, public_key, added_at)
    SELECT code, key_id, public_key, created_at FROM stations
    WHERE public_key IS NOT NULL AND key_id IS NOT NULL;
