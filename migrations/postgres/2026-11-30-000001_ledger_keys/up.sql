-- The ledger's own signing keys (API.md `GET /v1/keys`). At most one is active (valid_to is
-- null); every server of one ledger must use it, which the server checks at start, so that
-- two servers on one database can never sign checkpoints with different keys.
CREATE TABLE ledger_keys (
    public_key TEXT PRIMARY KEY NOT NULL,
    origin TEXT NOT NULL,
    key_id TEXT NOT NULL,
    valid_from TEXT NOT NULL,
    valid_to TEXT
);
