//! Checking a checkpoint note against a policy: a signature by one of its logs (when it lists
//! any), every cosignature by one of its witnesses verified, and the quorum met.

use super::Policy;
use crate::note::{parse_note, verify_checkpoint, verify_cosignature, Checkpoint, NoteError};

/// A checkpoint the policy accepts, with the witnesses (policy names) that cosigned it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CosignedCheckpoint {
    pub checkpoint: Checkpoint,
    pub cosigners: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PolicyCheckError {
    #[error("the checkpoint note is malformed: {0}")]
    Malformed(NoteError),
    #[error("the policy lists no log with origin {0:?}")]
    UnknownLog(String),
    #[error("no valid signature by the policy's log {origin}: {source}")]
    LogSignature { origin: String, source: NoteError },
    #[error("the cosignature of witness {witness} does not verify: {source}")]
    BadCosignature { witness: String, source: NoteError },
    #[error(
        "the cosignatures do not meet the policy's quorum (cosigned by: {})",
        if cosigners.is_empty() { "no witness of the policy".to_owned() } else { cosigners.join(", ") }
    )]
    QuorumNotMet { cosigners: Vec<String> },
}

impl Policy {
    /// The policy witnesses (indexes) whose valid cosignature `note` carries. A note with a
    /// signature line by a witness's key that does not verify is refused, as signed-note
    /// requires; lines by keys the policy does not know are ignored.
    pub fn cosigners_of(&self, note: &str) -> Result<(Checkpoint, Vec<usize>), PolicyCheckError> {
        let parsed = parse_note(note).map_err(PolicyCheckError::Malformed)?;
        let checkpoint = Checkpoint::parse(&parsed.text).map_err(PolicyCheckError::Malformed)?;
        let signature_lines = &note[parsed.text.len() + 1..];
        let mut cosigners = Vec::new();
        for (index, witness) in self.witnesses.iter().enumerate() {
            match verify_cosignature(
                &parsed.text,
                signature_lines,
                &witness.key_name,
                &witness.public_key,
            ) {
                Ok(_) => cosigners.push(index),
                Err(NoteError::NoKnownSignature(_)) => {}
                Err(source) => {
                    return Err(PolicyCheckError::BadCosignature {
                        witness: witness.name.clone(),
                        source,
                    })
                }
            }
        }
        Ok((checkpoint, cosigners))
    }

    /// Checks a whole checkpoint note as a verifier does. When the policy lists logs, the note
    /// must be signed by the one whose origin it names; a policy without logs leaves the log
    /// signature to the caller, who knows the log from elsewhere.
    pub fn check_checkpoint(&self, note: &str) -> Result<CosignedCheckpoint, PolicyCheckError> {
        let (checkpoint, cosigners) = self.cosigners_of(note)?;
        if !self.logs.is_empty() {
            let log = self
                .logs
                .iter()
                .find(|log| log.origin == checkpoint.origin)
                .ok_or_else(|| PolicyCheckError::UnknownLog(checkpoint.origin.clone()))?;
            verify_checkpoint(note, &log.origin, &log.public_key).map_err(|source| {
                PolicyCheckError::LogSignature {
                    origin: log.origin.clone(),
                    source,
                }
            })?;
        }
        let names: Vec<String> = cosigners
            .iter()
            .filter_map(|index| self.witnesses.get(*index))
            .map(|witness| witness.name.clone())
            .collect();
        if !self.quorum_met(|index| cosigners.contains(&index)) {
            return Err(PolicyCheckError::QuorumNotMet { cosigners: names });
        }
        Ok(CosignedCheckpoint {
            checkpoint,
            cosigners: names,
        })
    }
}
