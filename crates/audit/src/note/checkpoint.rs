//! Checkpoints (c2sp.org/tlog-checkpoint): the signed tree head `<origin>\n<size>\n<root>\n`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{SigningKey, VerifyingKey};

use super::key::is_valid_key_name;
use super::signed::{sign_note, verify_note};
use super::NoteError;
use crate::hash::{hash_from_slice, Hash};

/// The tree head a checkpoint commits to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's identity; also the name of the key that signs it.
    pub origin: String,
    /// The number of leaves.
    pub size: u64,
    /// RFC 6962 root of those leaves.
    pub root: Hash,
}

impl Checkpoint {
    /// The note text: origin, decimal size and base64 root, each followed by a newline.
    pub fn to_text(&self) -> String {
        format!(
            "{}\n{}\n{}\n",
            self.origin,
            self.size,
            STANDARD.encode(self.root)
        )
    }

    /// Parses checkpoint note text strictly. Extension lines are refused: they are
    /// optional, not auditable, and this log never writes them.
    pub fn parse(text: &str) -> Result<Self, NoteError> {
        let body = text
            .strip_suffix('\n')
            .ok_or(NoteError::BadCheckpoint("the text must end with a newline"))?;
        let lines: Vec<&str> = body.split('\n').collect();
        let [origin, size, root] = lines.as_slice() else {
            return Err(NoteError::BadCheckpoint(
                "expected exactly origin, size and root lines",
            ));
        };
        if !is_valid_key_name(origin) {
            return Err(NoteError::BadCheckpoint("origin is not a valid key name"));
        }
        Ok(Self {
            origin: (*origin).to_owned(),
            size: parse_decimal(size)
                .ok_or(NoteError::BadCheckpoint("size is not a canonical decimal"))?,
            root: STANDARD
                .decode(root)
                .ok()
                .and_then(|bytes| hash_from_slice(&bytes).ok())
                .ok_or(NoteError::BadCheckpoint("root is not base64 of 32 bytes"))?,
        })
    }
}

/// Signs the checkpoint with the log key, whose name is the origin (API.md "Audit log").
pub fn sign_checkpoint(
    checkpoint: &Checkpoint,
    signing_key: &SigningKey,
) -> Result<String, NoteError> {
    if !is_valid_key_name(&checkpoint.origin) {
        return Err(NoteError::BadCheckpoint("origin is not a valid key name"));
    }
    sign_note(&checkpoint.to_text(), &checkpoint.origin, signing_key)
}

/// Verifies a signed checkpoint from the log named `origin` and returns its tree head.
pub fn verify_checkpoint(
    note: &str,
    origin: &str,
    public_key: &VerifyingKey,
) -> Result<Checkpoint, NoteError> {
    let text = verify_note(note, origin, public_key)?;
    let checkpoint = Checkpoint::parse(&text)?;
    if checkpoint.origin != origin {
        return Err(NoteError::OriginMismatch {
            expected: origin.to_owned(),
            found: checkpoint.origin,
        });
    }
    Ok(checkpoint)
}

/// ASCII decimal without leading zeros (`0` alone is allowed), as tlog-checkpoint and
/// tlog-proof require; `u64::from_str` would also accept `+1` and `007`.
pub(crate) fn parse_decimal(text: &str) -> Option<u64> {
    let canonical = !text.is_empty()
        && text.bytes().all(|byte| byte.is_ascii_digit())
        && (text == "0" || !text.starts_with('0'));
    canonical.then(|| text.parse().ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_must_be_canonical_decimals() {
        assert_eq!(parse_decimal("0"), Some(0));
        assert_eq!(parse_decimal("18446744073709551615"), Some(u64::MAX));
        for text in [
            "",
            "00",
            "01",
            "+1",
            "-1",
            "1 ",
            "18446744073709551616",
            "１",
        ] {
            assert_eq!(parse_decimal(text), None, "{text:?}");
        }
    }

    #[test]
    fn checkpoint_text_round_trips_and_extension_lines_are_refused() {
        let checkpoint = Checkpoint {
            origin: "example.com/log".into(),
            size: 42,
            root: [9; 32],
        };
        let text = checkpoint.to_text();
        assert_eq!(Checkpoint::parse(&text), Ok(checkpoint));
        assert!(Checkpoint::parse(&format!("{text}extension\n")).is_err());
        assert!(Checkpoint::parse(text.trim_end()).is_err());
    }
}
