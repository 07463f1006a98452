//! What can go wrong below the HTTP layer. The API maps these to problem+json in one place
//! (`api::problem`); database failures are never reported as client errors.

use diesel::result::{DatabaseErrorKind, Error as DieselError};

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("cannot connect to the database: {0}")]
    Connect(#[source] diesel::r2d2::Error),
    #[error("no database connection available: {0}")]
    Pool(#[source] diesel::r2d2::PoolError),
    #[error("migration failed: {0}")]
    Migration(String),
    #[error("database error: {0}")]
    Database(#[source] DieselError),
    /// A resource with this key exists already.
    #[error("{what} {key} already exists")]
    Duplicate { what: &'static str, key: String },
    /// The request names a resource that does not exist (reported with the body field).
    #[error("{field:?}: unknown {what} {code}")]
    UnknownReference {
        field: Field,
        what: &'static str,
        code: String,
    },
    #[error("{what} {key} not found")]
    NotFound { what: &'static str, key: String },
    /// The request conflicts with the ledger's state (not a duplicate key).
    #[error("{0}")]
    Conflict(String),
    /// One field of the request conflicts with the ledger's state (409 naming the field).
    #[error("{field:?}: {message}")]
    Conflicting { field: Field, message: String },
    /// One field of the request is invalid given the ledger's state (422 naming the field).
    #[error("{field:?}: {message}")]
    Invalid { field: Field, message: String },
    /// Data read back from the database breaks an invariant (corruption or tampering).
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    /// A stored log entry, tree node or checkpoint fails its re-verification on read. `what`
    /// names the record for the client; `reason` is for the operator's log only.
    #[error("{what} failed its integrity check: {reason}")]
    Integrity { what: String, reason: String },
    /// More writes are waiting for the writer than it queues (`group_commit::WRITES_QUEUED_MAX`).
    #[error("{queued} writes are already queued")]
    WriteQueueFull { queued: usize },
    /// The database could not be reached for a group of writes.
    #[error("the database is unavailable: {0}")]
    Unavailable(String),
    /// The group this write belonged to failed to commit (the write itself had succeeded).
    #[error("the write group failed to commit: {0}")]
    GroupFailed(String),
    /// A query parameter names something outside the current state (a tree size beyond the
    /// log, an index beyond a tree), known only once the store has been read.
    #[error("{parameter}: {message}")]
    InvalidParameter {
        parameter: &'static str,
        message: String,
    },
}

/// The field of a request a store error is about. The store names the field; where it sits in
/// a request body (its JSON pointer) is the HTTP layer's business, mapped in `api::problem`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Code,
    Parent,
    Basin,
    Section,
    Upstream,
    Downstream,
    PublicKey,
    KeyId,
    Signature,
    Jurisdiction,
    EffectiveFrom,
    Period,
    AmountFen,
    PaidAt,
    BatchId,
    /// The settlement a new one replaces (`supersedes.settlement_id`).
    SupersededSettlement,
    /// One reading of a batch, by its position in the batch (from 0).
    Reading {
        position: usize,
        field: ReadingField,
    },
}

/// The fields of one reading in a batch that the store checks against stored readings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReadingField {
    SampledAt,
    Revises,
}

impl From<DieselError> for StoreError {
    fn from(error: DieselError) -> Self {
        Self::Database(error)
    }
}

impl From<diesel::r2d2::PoolError> for StoreError {
    fn from(error: diesel::r2d2::PoolError) -> Self {
        Self::Pool(error)
    }
}

/// True when a database error is a unique-key violation (a concurrent duplicate insert).
pub fn is_unique_violation(error: &DieselError) -> bool {
    matches!(
        error,
        DieselError::DatabaseError(DatabaseErrorKind::UniqueViolation, _)
    )
}

impl From<basin_audit::tree::TreeError<StoreError>> for StoreError {
    fn from(error: basin_audit::tree::TreeError<StoreError>) -> Self {
        match error {
            basin_audit::tree::TreeError::Reader(inner) => inner,
            other => Self::Corrupt(other.to_string()),
        }
    }
}
