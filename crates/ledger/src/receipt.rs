//! A settlement receipt (API.md "Log tiles, evidence and receipts"): a c2sp.org/tlog-proof@v1
//! whose `extra` line carries the exact leaf bytes of the settlement's `settlement.issued`
//! entry. With the ledger's public key alone, years later and offline, a bureau can check
//! that the log committed to this settlement: the leaf is included under a checkpoint the
//! ledger signed, and the document inside it is the one the ledger sealed.

use basin_audit::hash::leaf_hash;
use basin_audit::note::{key_id_hex, verify_tlog_proof, Checkpoint, NoteError, TlogProof};
use ed25519_dalek::VerifyingKey;

use crate::entry::{Entry, EntryDecodeError, LoggedDocument, SealError, TypedEntry};

/// A receipt whose every part held.
#[derive(Debug, Clone)]
pub struct VerifiedReceipt {
    /// The settlement entry's index in the log.
    pub index: u64,
    /// The signed checkpoint the inclusion proof leads to.
    pub checkpoint: Checkpoint,
    /// The sealed settlement document, typed.
    pub document: LoggedDocument,
    pub document_sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ReceiptError {
    #[error("not a receipt: {0}")]
    Format(NoteError),
    #[error("the receipt carries no leaf (`extra` line)")]
    NoLeaf,
    #[error("the checkpoint or the inclusion proof does not verify: {0}")]
    Proof(NoteError),
    #[error("the leaf is not a log entry: {0}")]
    Leaf(EntryDecodeError),
    #[error("the leaf claims index {leaf} but the receipt says {receipt}")]
    IndexMismatch { leaf: u64, receipt: u64 },
    #[error("the logged entry is a {0}, not a settlement.issued")]
    NotASettlement(&'static str),
    #[error("the settlement's seal: {0}")]
    Seal(SealError),
    #[error("the sealed document does not have its fields: {0}")]
    Document(String),
    #[error("no ledger key was given")]
    NoKey,
}

/// Builds the receipt text for the leaf at `index` (the server's side).
pub fn receipt_text(
    leaf: &[u8],
    index: u64,
    proof: Vec<basin_audit::hash::Hash>,
    checkpoint_note: &str,
) -> String {
    TlogProof {
        extra: Some(leaf.to_vec()),
        index,
        proof,
        checkpoint_note: checkpoint_note.to_owned(),
    }
    .to_text()
}

/// Verifies a settlement receipt against the log key named `origin`.
pub fn verify_settlement_receipt(
    text: &str,
    origin: &str,
    public_key: &VerifyingKey,
) -> Result<VerifiedReceipt, ReceiptError> {
    verify_settlement_receipt_with_keys(text, origin, std::slice::from_ref(public_key))
}

/// The same with several keys of the ledger (API.md "Keys and rotation"): the checkpoint must
/// verify with one of them, and the settlement's seal with the one its `key_id` names (after a
/// rotation, a receipt's checkpoint may be signed by the new key and its settlement by the old).
pub fn verify_settlement_receipt_with_keys(
    text: &str,
    origin: &str,
    public_keys: &[VerifyingKey],
) -> Result<VerifiedReceipt, ReceiptError> {
    let parsed = TlogProof::parse(text).map_err(ReceiptError::Format)?;
    let leaf = parsed.extra.as_deref().ok_or(ReceiptError::NoLeaf)?;
    let mut proved = Err(ReceiptError::NoKey);
    for public_key in public_keys {
        proved = verify_tlog_proof(text, &leaf_hash(leaf), origin, public_key)
            .map_err(ReceiptError::Proof);
        if proved.is_ok() {
            break;
        }
    }
    let (_, checkpoint) = proved?;
    let typed = TypedEntry::from_leaf(leaf).map_err(ReceiptError::Leaf)?;
    if typed.index != parsed.index {
        return Err(ReceiptError::IndexMismatch {
            leaf: typed.index,
            receipt: parsed.index,
        });
    }
    let Entry::SettlementIssued(issued) = &typed.entry else {
        return Err(ReceiptError::NotASettlement(typed.entry.kind()));
    };
    let sealing_key = public_keys
        .iter()
        .find(|key| key_id_hex(origin, key) == issued.key_id)
        .or(public_keys.first())
        .ok_or(ReceiptError::NoKey)?;
    issued
        .check_seal(origin, sealing_key)
        .map_err(ReceiptError::Seal)?;
    let document = issued
        .typed_document()
        .map_err(|error| ReceiptError::Document(error.to_string()))?;
    Ok(VerifiedReceipt {
        index: parsed.index,
        checkpoint,
        document,
        document_sha256: issued.document_sha256.clone(),
    })
}
