//! The pure core of a C2SP tlog-witness (c2sp.org/tlog-witness, as API.md pins it): the
//! add-checkpoint request, the logs a witness knows, and its decision given the tree it
//! cosigned last. Storage, the clock and HTTP belong to the caller; the cosignature itself is
//! [`crate::note::cosignature_line`].

mod decision;
mod logs;
mod request;

pub use decision::{verify_submission, Submission, WitnessedTree};
pub use logs::{LogsFileError, WitnessedLogs, WITNESSED_LOGS_MAX};
pub use request::{AddCheckpointRequest, PROOF_LINES_MAX, REQUEST_BODY_BYTES_MAX};

use crate::note::NoteError;
use crate::proof::ProofError;

/// Why a witness refuses a request. Each case is one status of the spec; the server maps them.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WitnessError {
    /// 413.
    #[error("the request body is larger than {REQUEST_BODY_BYTES_MAX} bytes")]
    TooLarge,
    /// 400.
    #[error("malformed request: {0}")]
    Malformed(&'static str),
    /// 400.
    #[error("malformed checkpoint note: {0}")]
    MalformedNote(#[source] NoteError),
    /// 400.
    #[error("old size {old} is above the checkpoint size {size}")]
    OldAboveSize { old: u64, size: u64 },
    /// 404.
    #[error("unknown log origin")]
    UnknownOrigin(String),
    /// 403.
    #[error("no valid signature by the log's key: {0}")]
    BadSignature(#[source] NoteError),
    /// 409, with the stored size as the body.
    #[error("old size {old} is not the size {stored} this witness cosigned last")]
    StaleOldSize { old: u64, stored: u64 },
    /// 422.
    #[error("the checkpoint is not consistent with the witnessed tree: {0}")]
    Inconsistent(Inconsistency),
}

/// The ways a checkpoint can fail to extend what the witness cosigned (all 422).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Inconsistency {
    #[error("a consistency proof was sent with old size 0")]
    ProofFromEmptyTree,
    #[error("a size-0 checkpoint must have the empty tree's root, SHA-256(\"\")")]
    EmptyTreeRoot,
    #[error("old size equals the size but the root differs from the cosigned one")]
    SameSizeOtherRoot,
    #[error("the consistency proof does not verify: {0}")]
    Proof(ProofError),
}
