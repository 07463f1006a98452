//! What a log sends a witness (c2sp.org/tlog-witness, add-checkpoint), decided from the size the
//! log believes that witness cosigned last: the old size and whether a consistency proof is
//! needed. A 409 answer carries the witness's real size (`text/x.tlog.size`), from which the
//! log plans again.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use crate::hash::Hash;
use crate::note::parse_decimal;

/// The next request to a witness for a checkpoint of `checkpoint_size`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    /// Send the checkpoint with `old <old_size>` and, when `proof` is set, the consistency
    /// proof from `old_size` to the checkpoint's size (none from 0 or from the same size).
    Send { old_size: u64, proof: bool },
    /// The witness already cosigned a larger tree than this checkpoint: this log cannot
    /// prove anything to it (it saw another history, or a newer checkpoint of this log).
    WitnessAhead { witness_size: u64 },
}

/// Plans the request from the witness's last cosigned size as far as the log knows it.
pub fn plan_submission(witness_size: u64, checkpoint_size: u64) -> Submission {
    if witness_size > checkpoint_size {
        return Submission::WitnessAhead { witness_size };
    }
    Submission::Send {
        old_size: witness_size,
        proof: witness_size != 0 && witness_size != checkpoint_size,
    }
}

/// The request body: `old <size>\n`, the proof lines in base64, an empty line, the note.
pub fn add_checkpoint_body(old_size: u64, proof: &[Hash], note: &str) -> String {
    let mut body = format!("old {old_size}\n");
    for hash in proof {
        body.push_str(&STANDARD.encode(hash));
        body.push('\n');
    }
    body.push('\n');
    body.push_str(note);
    body
}

/// Parses a 409 body: the witness's size in canonical decimal and a newline.
pub fn parse_tree_size_body(body: &str) -> Option<u64> {
    body.strip_suffix('\n').and_then(parse_decimal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_old_size_is_what_the_witness_cosigned_and_a_proof_is_sent_only_between_sizes() {
        assert_eq!(
            plan_submission(0, 5),
            Submission::Send {
                old_size: 0,
                proof: false
            }
        );
        assert_eq!(
            plan_submission(3, 5),
            Submission::Send {
                old_size: 3,
                proof: true
            }
        );
        assert_eq!(
            plan_submission(5, 5),
            Submission::Send {
                old_size: 5,
                proof: false
            }
        );
        assert_eq!(
            plan_submission(6, 5),
            Submission::WitnessAhead { witness_size: 6 }
        );
    }

    #[test]
    fn a_body_is_old_size_proof_blank_line_note_and_a_size_body_is_strict() {
        let body = add_checkpoint_body(2, &[[0; 32]], "n\n\n— x y\n");
        assert_eq!(
            body,
            "old 2\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\nn\n\n— x y\n"
        );
        assert_eq!(parse_tree_size_body("12\n"), Some(12));
        for bad in ["12", "012\n", "-1\n", "12\n\n", " 12\n"] {
            assert_eq!(parse_tree_size_body(bad), None, "{bad:?}");
        }
    }
}
