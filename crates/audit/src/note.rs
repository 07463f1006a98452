//! C2SP signed notes, tlog checkpoints, tlog-proof receipts and tlog cosignatures, with
//! Ed25519 keys.

mod checkpoint;
mod cosignature;
mod key;
mod receipt;
mod signed;

pub(crate) use checkpoint::parse_decimal;
pub use checkpoint::{sign_checkpoint, verify_checkpoint, Checkpoint};
pub use cosignature::{
    cosignature_line, cosignature_message, cosigner_key_id, cosigner_vkey, parse_cosigner_vkey,
    verify_cosignature, COSIGNATURE_TIMESTAMP_MAX, COSIGNATURE_V1_ALGORITHM,
};
pub use key::{
    format_private_key, is_valid_key_name, key_id, key_id_hex, parse_private_key, parse_vkey, vkey,
    KeyId, ED25519_ALGORITHM,
};
pub use receipt::{verify_tlog_proof, TlogProof};
pub use signed::{
    check_note_text, parse_note, sign_note, signature_line, verify_note, Note, NoteSignature,
    NOTE_BYTES_MAX, NOTE_SIGNATURES_MAX,
};

use crate::proof::ProofError;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("key names are non-empty and contain no spaces and no `+`")]
    BadKeyName,
    #[error("malformed key text: {0}")]
    MalformedKey(&'static str),
    #[error("note text refused: {0}")]
    BadText(&'static str),
    #[error("malformed note: {0}")]
    Malformed(&'static str),
    #[error("note is larger than {NOTE_BYTES_MAX} bytes")]
    TooLarge,
    #[error("note has more than {NOTE_SIGNATURES_MAX} signatures")]
    TooManySignatures,
    #[error("the known key signed the note twice")]
    DuplicateSignature,
    #[error("the signature by {0} does not verify")]
    InvalidSignature(String),
    #[error("no signature by {0} on the note")]
    NoKnownSignature(String),
    #[error("cosignature timestamp {0} is zero or above 2^63 - 1")]
    BadTimestamp(u64),
    #[error("malformed checkpoint: {0}")]
    BadCheckpoint(&'static str),
    #[error("checkpoint origin is {found}, expected {expected}")]
    OriginMismatch { expected: String, found: String },
    #[error("malformed tlog-proof: {0}")]
    BadReceipt(&'static str),
    #[error("tlog-proof inclusion: {0}")]
    Inclusion(#[from] ProofError),
}
