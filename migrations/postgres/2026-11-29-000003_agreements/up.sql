-- Agreements, their versions, and the settlements issued under them with their lifecycle.
-- Components are the JSON text the client wrote (validated): rule numbers are decimal strings
-- and money is integer fen, so nothing here passes through binary floating point.
CREATE TABLE agreements (
    code TEXT PRIMARY KEY NOT NULL,
    name TEXT NOT NULL,
    basin TEXT NOT NULL REFERENCES basins (code),
    upstream TEXT NOT NULL REFERENCES jurisdictions (code),
    downstream TEXT NOT NULL REFERENCES jurisdictions (code),
    period_kind TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- effective_from and effective_to are periods of the agreement's kind ('2025-07'), inclusive;
-- a later version ends its predecessor by setting effective_to.
CREATE TABLE agreement_versions (
    agreement TEXT NOT NULL REFERENCES agreements (code),
    version BIGINT NOT NULL,
    effective_from TEXT NOT NULL,
    effective_to TEXT,
    min_valid_months BIGINT NOT NULL,
    components TEXT NOT NULL,
    created_at TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (agreement, version)
);

-- The signed document is kept as its exact canonical (RFC 8785) text, so its SHA-256 can be
-- re-checked on every read. Ids are assigned under the log-head lock (max + 1).
CREATE TABLE settlements (
    id BIGINT PRIMARY KEY NOT NULL,
    agreement TEXT NOT NULL REFERENCES agreements (code),
    agreement_version BIGINT NOT NULL,
    period TEXT NOT NULL,
    document TEXT NOT NULL,
    document_sha256 TEXT NOT NULL,
    signature TEXT NOT NULL,
    key_id TEXT NOT NULL,
    status TEXT NOT NULL,
    net_fen BIGINT NOT NULL,
    amount_fen BIGINT NOT NULL,
    payer TEXT,
    payee TEXT,
    issued_at TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    supersedes BIGINT REFERENCES settlements (id),
    superseded_by BIGINT REFERENCES settlements (id)
);
CREATE INDEX settlements_period_id ON settlements (period, id);
-- At most one settlement per agreement and period is in force; the others were superseded.
CREATE UNIQUE INDEX settlements_in_force ON settlements (agreement, period)
    WHERE status <> 'superseded';

CREATE TABLE settlement_acknowledgements (
    settlement_id BIGINT NOT NULL REFERENCES settlements (id),
    jurisdiction TEXT NOT NULL REFERENCES jurisdictions (code),
    key_id TEXT NOT NULL,
    signature TEXT NOT NULL,
    acknowledged_at TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (settlement_id, jurisdiction)
);

CREATE TABLE settlement_disputes (
    settlement_id BIGINT NOT NULL REFERENCES settlements (id),
    log_index BIGINT NOT NULL,
    jurisdiction TEXT NOT NULL REFERENCES jurisdictions (code),
    reason TEXT NOT NULL,
    disputed_at TEXT NOT NULL,
    PRIMARY KEY (settlement_id, log_index)
);

-- Idempotent on (settlement, reference): a retried payment is recognised, not counted twice.
CREATE TABLE settlement_payments (
    settlement_id BIGINT NOT NULL REFERENCES settlements (id),
    reference TEXT NOT NULL,
    amount_fen BIGINT NOT NULL,
    paid_at TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    log_index BIGINT NOT NULL,
    PRIMARY KEY (settlement_id, reference)
);
