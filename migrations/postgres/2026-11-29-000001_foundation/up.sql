-- Registry, access tokens and the append-only audit log.
-- Times are stored as UTC text 'YYYY-MM-DDTHH:MM:SSZ' so both backends hold identical bytes
-- (and the log can hash them) and sort them the same way.
CREATE TABLE jurisdictions (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    parent TEXT REFERENCES jurisdictions (code),
    created_at TEXT NOT NULL
);

CREATE TABLE jurisdiction_keys (
    jurisdiction TEXT NOT NULL REFERENCES jurisdictions (code),
    key_id TEXT NOT NULL,
    public_key TEXT NOT NULL,
    added_at TEXT NOT NULL,
    retired_at TEXT,
    PRIMARY KEY (jurisdiction, key_id)
);

CREATE TABLE basins (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sections (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    basin TEXT NOT NULL REFERENCES basins (code),
    river TEXT NOT NULL,
    water_body TEXT NOT NULL,
    target_class TEXT NOT NULL,
    upstream TEXT NOT NULL REFERENCES jurisdictions (code),
    downstream TEXT NOT NULL REFERENCES jurisdictions (code),
    latitude TEXT,
    longitude TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX sections_basin ON sections (basin);

CREATE TABLE stations (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    section TEXT NOT NULL REFERENCES sections (code),
    public_key TEXT,
    key_id TEXT,
    created_at TEXT NOT NULL
);
CREATE INDEX stations_section ON stations (section);

CREATE TABLE access_tokens (
    id BIGSERIAL PRIMARY KEY NOT NULL,
    token_sha256 TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL,
    subject TEXT,
    label TEXT,
    created_at TEXT NOT NULL
);

-- One row that every write transaction updates first: it serialises writers (the log can
-- never fork) and, on SQLite, takes the write lock up front so no reader has to upgrade.
CREATE TABLE log_head (
    id INTEGER PRIMARY KEY NOT NULL CHECK (id = 1),
    size BIGINT NOT NULL,
    last_leaf_hash TEXT NOT NULL
);
INSERT INTO log_head (id, size, last_leaf_hash)
VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE log_entries (
    entry_index BIGINT PRIMARY KEY NOT NULL,
    kind TEXT NOT NULL,
    time TEXT NOT NULL,
    prev TEXT NOT NULL,
    body TEXT NOT NULL,
    leaf TEXT NOT NULL,
    leaf_hash TEXT NOT NULL
);

-- Hashes of every complete (perfect) subtree of the RFC 6962 tree, so that proofs read
-- O(log n) rows. Level 0 holds the leaf hashes.
CREATE TABLE log_nodes (
    level INTEGER NOT NULL,
    node_index BIGINT NOT NULL,
    hash TEXT NOT NULL,
    PRIMARY KEY (level, node_index)
);

-- Every checkpoint the ledger has signed, so it never signs two inconsistent ones.
CREATE TABLE log_checkpoints (
    tree_size BIGINT PRIMARY KEY NOT NULL,
    root_hash TEXT NOT NULL,
    note TEXT NOT NULL,
    signed_at TEXT NOT NULL
);
