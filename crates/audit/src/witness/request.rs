//! The add-checkpoint request body (c2sp.org/tlog-witness, "add-checkpoint"): `old <size>\n`,
//! up to 63 base64 consistency-proof lines, an empty line, then the signed checkpoint note.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;

use super::WitnessError;
use crate::hash::{hash_from_slice, Hash};
use crate::note::parse_decimal;

/// The largest request body a witness reads (API.md, "Witnesses and policies").
pub const REQUEST_BODY_BYTES_MAX: usize = 64 * 1024;

/// tlog-witness: a client must not send more than 63 consistency-proof lines.
pub const PROOF_LINES_MAX: usize = 63;

/// A syntactically valid request whose note has not been checked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AddCheckpointRequest {
    /// The size of the checkpoint the client believes the witness cosigned last.
    pub old_size: u64,
    /// The consistency proof from `old_size` to the checkpoint's size.
    pub proof: Vec<Hash>,
    /// The signed checkpoint note, everything after the empty line.
    pub note: String,
}

impl AddCheckpointRequest {
    /// Parses the body strictly: UTF-8, newline line ends only (a carriage return, like
    /// every control character other than newline, makes the body malformed).
    pub fn parse(body: &[u8]) -> Result<Self, WitnessError> {
        if body.len() > REQUEST_BODY_BYTES_MAX {
            return Err(WitnessError::TooLarge);
        }
        let text = std::str::from_utf8(body)
            .map_err(|_| WitnessError::Malformed("the body is not UTF-8"))?;
        if text.chars().any(|c| u32::from(c) < 0x20 && c != '\n') {
            return Err(WitnessError::Malformed(
                "control characters other than newline (CRLF line ends included)",
            ));
        }
        let (old_line, mut rest) = text
            .split_once('\n')
            .ok_or(WitnessError::Malformed("no old size line"))?;
        let old_size = old_line
            .strip_prefix("old ")
            .and_then(parse_decimal)
            .ok_or(WitnessError::Malformed(
                "the first line is not `old <size>` with a canonical decimal",
            ))?;
        let mut proof = Vec::new();
        loop {
            let (line, after) = rest.split_once('\n').ok_or(WitnessError::Malformed(
                "no empty line before the checkpoint",
            ))?;
            rest = after;
            if line.is_empty() {
                break;
            }
            // The bound also bounds the loop: at most 64 lines are read here.
            if proof.len() == PROOF_LINES_MAX {
                return Err(WitnessError::Malformed(
                    "more than 63 consistency-proof lines",
                ));
            }
            proof.push(decode_proof_line(line)?);
        }
        Ok(Self {
            old_size,
            proof,
            note: rest.to_owned(),
        })
    }
}

fn decode_proof_line(line: &str) -> Result<Hash, WitnessError> {
    STANDARD
        .decode(line)
        .ok()
        .and_then(|bytes| hash_from_slice(&bytes).ok())
        .ok_or(WitnessError::Malformed(
            "a consistency-proof line is not base64 of 32 bytes",
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOTE: &str =
        "example.com/log\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n\u{2014} x AAAA\n";
    const HASH_LINE: &str = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

    #[test]
    fn a_body_splits_into_old_size_proof_and_note() {
        let body = format!("old 7\n{HASH_LINE}\n{HASH_LINE}\n\n{NOTE}");
        let request = AddCheckpointRequest::parse(body.as_bytes()).unwrap();
        assert_eq!(request.old_size, 7);
        assert_eq!(request.proof, vec![[0; 32], [0; 32]]);
        assert_eq!(request.note, NOTE);
        let empty_proof = AddCheckpointRequest::parse(format!("old 0\n\n{NOTE}").as_bytes());
        assert_eq!(empty_proof.unwrap().proof, Vec::<Hash>::new());
    }

    #[test]
    fn malformed_bodies_are_refused() {
        let bodies = [
            String::new(),
            "old 1".into(),
            format!("old 01\n\n{NOTE}"),
            format!("old -1\n\n{NOTE}"),
            format!("old  1\n\n{NOTE}"),
            format!("new 1\n\n{NOTE}"),
            format!("old 1\n{HASH_LINE}"),
            format!("old 1\nAAAA\n\n{NOTE}"),
            format!("old 1\r\n\r\n{NOTE}"),
            format!("old 1\n\n{}", NOTE.replace('\n', "\r\n")),
            format!("old 1\n\n{NOTE}\u{7}"),
            format!("old 1\n{}\n{NOTE}", format!("{HASH_LINE}\n").repeat(64)),
        ];
        for body in bodies {
            assert!(
                matches!(
                    AddCheckpointRequest::parse(body.as_bytes()),
                    Err(WitnessError::Malformed(_))
                ),
                "{body:?}"
            );
        }
        assert!(AddCheckpointRequest::parse(&[b'o', 0xff]).is_err());
        let sixty_three = format!("old 1\n{}\n{NOTE}", format!("{HASH_LINE}\n").repeat(63));
        assert!(AddCheckpointRequest::parse(sixty_three.as_bytes()).is_ok());
    }

    #[test]
    fn a_body_over_64_kib_is_too_large() {
        let body = format!("old 0\n\n{NOTE}{}", "x".repeat(REQUEST_BODY_BYTES_MAX));
        assert_eq!(
            AddCheckpointRequest::parse(body.as_bytes()),
            Err(WitnessError::TooLarge)
        );
    }
}
