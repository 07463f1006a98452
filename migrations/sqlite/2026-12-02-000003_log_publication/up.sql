-- Which signed checkpoints are published: served at /v1/log/checkpoint, with tiles and proofs
-- for their sizes. Without a witness policy a checkpoint is published as soon as it is signed;
-- with one, once its cosignatures meet the quorum.
CREATE TABLE log_publications (
    tree_size BIGINT PRIMARY KEY NOT NULL REFERENCES log_checkpoints (tree_size),
    published_at TEXT NOT NULL
);
-- Everything signed before this table existed was served as it was signed.
INSERT INTO log_publications (tree_size, published_at)
    SELECT tree_size, signed_at FROM log_checkpoints;
-- Witness cosignatures (c2sp.org/tlog-cosignature) on signed checkpoints, one per witness and
-- size: the signature line exactly as the witness returned it, verified before it was stored.
CREATE TABLE log_cosignatures (
    tree_size BIGINT NOT NULL REFERENCES log_checkpoints (tree_size),
    witness TEXT NOT NULL,
    signature_line TEXT NOT NULL,
    cosigned_at BIGINT NOT NULL,
    PRIMARY KEY (tree_size, witness)
);
