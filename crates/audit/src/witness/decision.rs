//! What a witness decides about one add-checkpoint request (c2sp.org/tlog-witness,
//! "add-checkpoint"), in two steps: [`verify_submission`] checks everything that needs no
//! stored state (the note, the log key, old ≤ size); [`Submission::advance`] then checks the
//! request against the tree the witness cosigned last, inside the caller's transaction.

use ed25519_dalek::VerifyingKey;

use super::logs::WitnessedLogs;
use super::request::AddCheckpointRequest;
use super::{Inconsistency, WitnessError};
use crate::hash::{empty_root, Hash};
use crate::note::{parse_note, verify_note, Checkpoint, NoteError};
use crate::proof::{verify_consistency, ConsistencyCheck};

/// The size and root of the latest checkpoint a witness cosigned for one log; before the
/// first, the empty tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WitnessedTree {
    pub size: u64,
    pub root: Hash,
}

impl WitnessedTree {
    /// The state of a log the witness has never cosigned.
    pub fn empty() -> Self {
        Self {
            size: 0,
            root: empty_root(),
        }
    }
}

/// A request whose checkpoint is validly signed by its log and whose old size is not above
/// the checkpoint size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub old_size: u64,
    pub proof: Vec<Hash>,
    pub checkpoint: Checkpoint,
    /// The checkpoint's note text (origin, size, root and any extension lines, each ending
    /// in a newline): what a cosignature signs.
    pub checkpoint_text: String,
}

/// Checks the note, the log's signature and the sizes of a parsed request.
pub fn verify_submission(
    request: AddCheckpointRequest,
    logs: &WitnessedLogs,
) -> Result<Submission, WitnessError> {
    let note = parse_note(&request.note).map_err(WitnessError::MalformedNote)?;
    let origin = note.text.split('\n').next().unwrap_or_default();
    let key = logs
        .key(origin)
        .ok_or_else(|| WitnessError::UnknownOrigin(origin.to_owned()))?;
    let checkpoint_text = verify_log_signature(&request.note, origin, key)?;
    let checkpoint = parse_checkpoint_text(&checkpoint_text)?;
    if request.old_size > checkpoint.size {
        return Err(WitnessError::OldAboveSize {
            old: request.old_size,
            size: checkpoint.size,
        });
    }
    Ok(Submission {
        old_size: request.old_size,
        proof: request.proof,
        checkpoint,
        checkpoint_text,
    })
}

impl Submission {
    /// The tree the witness holds after cosigning this submission, given the one it holds
    /// now; the caller stores it in the same transaction that read `stored`.
    pub fn advance(&self, stored: WitnessedTree) -> Result<WitnessedTree, WitnessError> {
        let (old, size, root) = (self.old_size, self.checkpoint.size, self.checkpoint.root);
        if old != stored.size {
            return Err(WitnessError::StaleOldSize {
                old,
                stored: stored.size,
            });
        }
        let inconsistent = |reason| Err(WitnessError::Inconsistent(reason));
        if size == 0 && root != empty_root() {
            return inconsistent(Inconsistency::EmptyTreeRoot);
        }
        if old == 0 {
            // The empty tree is consistent with every tree: no proof is needed or allowed.
            if !self.proof.is_empty() {
                return inconsistent(Inconsistency::ProofFromEmptyTree);
            }
        } else if old == size && root != stored.root {
            return inconsistent(Inconsistency::SameSizeOtherRoot);
        } else {
            verify_consistency(ConsistencyCheck {
                first_size: old,
                second_size: size,
                first_root: &stored.root,
                second_root: &root,
                proof: &self.proof,
            })
            .map_err(|error| WitnessError::Inconsistent(Inconsistency::Proof(error)))?;
        }
        Ok(WitnessedTree { size, root })
    }
}

/// signed-note: a malformed note is a bad request; a missing or failing signature by the
/// log's key is the witness's 403.
fn verify_log_signature(
    note: &str,
    origin: &str,
    key: &VerifyingKey,
) -> Result<String, WitnessError> {
    verify_note(note, origin, key).map_err(|error| match error {
        NoteError::InvalidSignature(_)
        | NoteError::NoKnownSignature(_)
        | NoteError::DuplicateSignature => WitnessError::BadSignature(error),
        other => WitnessError::MalformedNote(other),
    })
}

/// tlog-checkpoint, "Note text": origin, size and root lines, then optional extension lines,
/// which must be non-empty. The ledger's own parser refuses extension lines; a witness must
/// accept them and cosign them as they are.
fn parse_checkpoint_text(text: &str) -> Result<Checkpoint, WitnessError> {
    let malformed = |reason| WitnessError::MalformedNote(NoteError::BadCheckpoint(reason));
    let end_of_root = text
        .match_indices('\n')
        .nth(2)
        .map(|(index, _)| index)
        .ok_or(malformed("expected origin, size and root lines"))?;
    let (head, extensions) = text.split_at(end_of_root + 1);
    let checkpoint = Checkpoint::parse(head).map_err(WitnessError::MalformedNote)?;
    if extensions.split_terminator('\n').any(str::is_empty) {
        return Err(malformed("extension lines must not be empty"));
    }
    Ok(checkpoint)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extension_lines_are_accepted_but_not_empty_ones() {
        let head = "example.com/log\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n";
        assert_eq!(parse_checkpoint_text(head).unwrap().size, 0);
        assert!(parse_checkpoint_text(&format!("{head}ext one\next two\n")).is_ok());
        assert!(parse_checkpoint_text(&format!("{head}\next\n")).is_err());
        assert!(parse_checkpoint_text("example.com/log\n0\n").is_err());
    }

    fn submission(old_size: u64, size: u64, root: Hash, proof: Vec<Hash>) -> Submission {
        let checkpoint = Checkpoint {
            origin: "example.com/log".into(),
            size,
            root,
        };
        Submission {
            old_size,
            proof,
            checkpoint_text: checkpoint.to_text(),
            checkpoint,
        }
    }

    #[test]
    fn the_stored_size_decides_stale_requests_and_equal_sizes_need_equal_roots() {
        let stored = WitnessedTree {
            size: 5,
            root: [5; 32],
        };
        assert_eq!(
            submission(4, 6, [6; 32], vec![]).advance(stored),
            Err(WitnessError::StaleOldSize { old: 4, stored: 5 })
        );
        assert_eq!(
            submission(5, 5, [5; 32], vec![]).advance(stored),
            Ok(stored)
        );
        assert_eq!(
            submission(5, 5, [6; 32], vec![]).advance(stored),
            Err(WitnessError::Inconsistent(Inconsistency::SameSizeOtherRoot))
        );
        assert!(matches!(
            submission(5, 6, [6; 32], vec![[1; 32]]).advance(stored),
            Err(WitnessError::Inconsistent(Inconsistency::Proof(_)))
        ));
    }

    #[test]
    fn from_the_empty_tree_no_proof_is_allowed_and_size_zero_needs_the_empty_root() {
        let empty = WitnessedTree::empty();
        assert_eq!(
            submission(0, 3, [3; 32], vec![]).advance(empty),
            Ok(WitnessedTree {
                size: 3,
                root: [3; 32]
            })
        );
        assert_eq!(
            submission(0, 3, [3; 32], vec![[1; 32]]).advance(empty),
            Err(WitnessError::Inconsistent(
                Inconsistency::ProofFromEmptyTree
            ))
        );
        assert_eq!(
            submission(0, 0, empty_root(), vec![]).advance(empty),
            Ok(empty)
        );
        assert_eq!(
            submission(0, 0, [0; 32], vec![]).advance(empty),
            Err(WitnessError::Inconsistent(Inconsistency::EmptyTreeRoot))
        );
    }
}
