//! Offline-verifiable inclusion receipts (c2sp.org/tlog-proof@v1): an index, its
//! inclusion proof, and the signed checkpoint it leads to.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::VerifyingKey;

use super::checkpoint::{parse_decimal, verify_checkpoint, Checkpoint};
use super::NoteError;
use crate::hash::{hash_from_slice, Hash};
use crate::proof::{verify_inclusion, InclusionCheck};

/// The first line of every receipt.
const HEADER: &str = "c2sp.org/tlog-proof@v1";

/// A parsed receipt, not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlogProof {
    /// Opaque, unauthenticated extra data; basin-ledger writes none.
    pub extra: Option<Vec<u8>>,
    pub index: u64,
    /// From the leaf's sibling up to the root's child (RFC 6962 §2.1.1).
    pub proof: Vec<Hash>,
    /// The signed checkpoint, verbatim.
    pub checkpoint_note: String,
}

impl TlogProof {
    pub fn to_text(&self) -> String {
        let mut text = format!("{HEADER}\n");
        if let Some(extra) = &self.extra {
            text.push_str(&format!("extra {}\n", STANDARD.encode(extra)));
        }
        text.push_str(&format!("index {}\n", self.index));
        for hash in &self.proof {
            text.push_str(&STANDARD.encode(hash));
            text.push('\n');
        }
        text.push('\n');
        text.push_str(&self.checkpoint_note);
        text
    }

    pub fn parse(text: &str) -> Result<Self, NoteError> {
        // Proof lines are never empty, so the first blank line starts the checkpoint.
        let (head, checkpoint_note) = text
            .split_once("\n\n")
            .ok_or(NoteError::BadReceipt("no blank line before the checkpoint"))?;
        let mut lines = head.split('\n');
        if lines.next() != Some(HEADER) {
            return Err(NoteError::BadReceipt(
                "first line must be c2sp.org/tlog-proof@v1",
            ));
        }
        let mut line = lines.next();
        let extra = match line.and_then(|l| l.strip_prefix("extra ")) {
            Some(encoded) => {
                line = lines.next();
                Some(
                    STANDARD
                        .decode(encoded)
                        .map_err(|_| NoteError::BadReceipt("extra is not base64"))?,
                )
            }
            None => None,
        };
        let index = line
            .and_then(|l| l.strip_prefix("index "))
            .and_then(parse_decimal)
            .ok_or(NoteError::BadReceipt("expected `index <decimal>`"))?;
        let proof = lines
            .map(|encoded| {
                STANDARD
                    .decode(encoded)
                    .ok()
                    .and_then(|bytes| hash_from_slice(&bytes).ok())
                    .ok_or(NoteError::BadReceipt(
                        "proof line is not base64 of 32 bytes",
                    ))
            })
            .collect::<Result<_, _>>()?;
        Ok(Self {
            extra,
            index,
            proof,
            checkpoint_note: checkpoint_note.to_owned(),
        })
    }
}

/// Verifies a receipt for the leaf with `leaf_hash`: the checkpoint is signed by the log
/// named `origin`, and the proof places the leaf at the receipt's index under its root.
pub fn verify_tlog_proof(
    text: &str,
    leaf_hash: &Hash,
    origin: &str,
    public_key: &VerifyingKey,
) -> Result<(TlogProof, Checkpoint), NoteError> {
    let receipt = TlogProof::parse(text)?;
    let checkpoint = verify_checkpoint(&receipt.checkpoint_note, origin, public_key)?;
    verify_inclusion(InclusionCheck {
        index: receipt.index,
        tree_size: checkpoint.size,
        leaf_hash,
        proof: &receipt.proof,
        root: &checkpoint.root,
    })?;
    Ok((receipt, checkpoint))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn receipt() -> TlogProof {
        TlogProof {
            extra: Some(b"context".to_vec()),
            index: 3,
            proof: vec![[1; 32], [2; 32]],
            checkpoint_note: "origin\n4\nAAAA\n\n\u{2014} origin AAAA\n".into(),
        }
    }

    #[test]
    fn a_receipt_with_extra_data_round_trips() {
        let text = receipt().to_text();
        assert!(text.starts_with("c2sp.org/tlog-proof@v1\nextra Y29udGV4dA==\nindex 3\n"));
        assert_eq!(TlogProof::parse(&text), Ok(receipt()));
    }

    #[test]
    fn malformed_receipts_are_refused() {
        let text = receipt().to_text();
        for bad in [
            text.replacen("tlog-proof@v1", "tlog-proof@v2", 1),
            text.replacen("index 3", "index 03", 1),
            text.replacen("index 3", "index3", 1),
            text.replacen("extra Y29udGV4dA==\n", "", 1)
                .replacen("index 3\n", "", 1),
            text.replacen("AQEB", "AQE", 1),
            text.replacen("\n\n", "\n", 1).replacen("\n\n", "\n", 1),
        ] {
            assert!(TlogProof::parse(&bad).is_err(), "{bad:?}");
        }
    }
}
