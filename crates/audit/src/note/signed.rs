//! Signed notes (c2sp.org/signed-note, "Format" and "Signatures"): a text ending in a
//! newline, a blank line, then lines `— <key name> <base64(key id || signature)>`.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use ed25519_dalek::{Signature, Signer, SigningKey, VerifyingKey};

use super::key::{is_valid_key_name, key_id, KeyId};
use super::NoteError;

/// signed-note: verifiers must accept at least 16 signatures and should cap them.
pub const NOTE_SIGNATURES_MAX: usize = 100;

/// A cap on the whole note, checked before any parsing.
pub const NOTE_BYTES_MAX: usize = 256 * 1024;

/// Em dash and space: the start of every signature line.
const SIGNATURE_LINE_PREFIX: &str = "\u{2014} ";

/// One signature line, not yet verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteSignature {
    pub name: String,
    pub key_id: KeyId,
    /// The signature bytes after the key id.
    pub signature: Vec<u8>,
}

/// A syntactically valid signed note whose signatures have not been checked yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    /// The signed text, including its final newline.
    pub text: String,
    pub signatures: Vec<NoteSignature>,
}

/// Checks the note text rules: non-empty, ends in a newline, and no control character
/// other than newline (signed-note, "Format").
pub fn check_note_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::BadText("the text must end with a newline"));
    }
    if has_forbidden_control(text) {
        return Err(NoteError::BadText("control characters other than newline"));
    }
    Ok(())
}

/// The signature line `— <name> <base64(key id || Ed25519 signature of text)>\n`.
pub fn signature_line(
    text: &str,
    name: &str,
    signing_key: &SigningKey,
) -> Result<String, NoteError> {
    check_note_text(text)?;
    if !is_valid_key_name(name) {
        return Err(NoteError::BadKeyName);
    }
    let mut payload = key_id(name, &signing_key.verifying_key()).to_vec();
    payload.extend_from_slice(&signing_key.sign(text.as_bytes()).to_bytes());
    Ok(format!(
        "{SIGNATURE_LINE_PREFIX}{name} {}\n",
        STANDARD.encode(payload)
    ))
}

/// Signs `text` (which must end with a newline) and returns the whole signed note.
pub fn sign_note(text: &str, name: &str, signing_key: &SigningKey) -> Result<String, NoteError> {
    let line = signature_line(text, name, signing_key)?;
    Ok(format!("{text}\n{line}"))
}

/// Parses a signed note strictly, without checking any signature.
pub fn parse_note(note: &str) -> Result<Note, NoteError> {
    if note.len() > NOTE_BYTES_MAX {
        return Err(NoteError::TooLarge);
    }
    if has_forbidden_control(note) {
        return Err(NoteError::Malformed(
            "control characters other than newline",
        ));
    }
    // The text ends at the last blank line: it may itself contain blank lines.
    let split = note
        .rfind("\n\n")
        .ok_or(NoteError::Malformed("no blank line before the signatures"))?;
    let (text, signature_block) = (&note[..=split], &note[split + 2..]);
    if signature_block.is_empty() || !signature_block.ends_with('\n') {
        return Err(NoteError::Malformed("signatures must end with a newline"));
    }
    let lines: Vec<&str> = signature_block[..signature_block.len() - 1]
        .split('\n')
        .collect();
    if lines.len() > NOTE_SIGNATURES_MAX {
        return Err(NoteError::TooManySignatures);
    }
    let signatures = lines
        .into_iter()
        .map(parse_signature_line)
        .collect::<Result<_, _>>()?;
    Ok(Note {
        text: text.to_owned(),
        signatures,
    })
}

/// signed-note forbids the characters below U+0020 except newline (DEL is allowed).
fn has_forbidden_control(text: &str) -> bool {
    text.chars().any(|c| u32::from(c) < 0x20 && c != '\n')
}

fn parse_signature_line(line: &str) -> Result<NoteSignature, NoteError> {
    let malformed = NoteError::Malformed("bad signature line");
    let rest = line
        .strip_prefix(SIGNATURE_LINE_PREFIX)
        .ok_or(malformed.clone())?;
    let (name, encoded) = rest.split_once(' ').ok_or(malformed.clone())?;
    if !is_valid_key_name(name) {
        return Err(malformed);
    }
    let decoded = STANDARD.decode(encoded).map_err(|_| malformed.clone())?;
    // Four bytes of key id and at least one byte of signature.
    if decoded.len() < 5 {
        return Err(malformed);
    }
    let (id, signature) = decoded.split_at(4);
    Ok(NoteSignature {
        name: name.to_owned(),
        key_id: [id[0], id[1], id[2], id[3]],
        signature: signature.to_vec(),
    })
}

/// Verifies a signed note against one known key and returns its text.
///
/// Signatures by other keys (another name or another key id) are ignored, as the spec
/// requires. A signature by the known key that does not verify, or that appears twice,
/// rejects the whole note, and so does a note with no signature by the known key.
pub fn verify_note(note: &str, name: &str, public_key: &VerifyingKey) -> Result<String, NoteError> {
    let parsed = parse_note(note)?;
    let known_id = key_id(name, public_key);
    let mut verified = false;
    for signature in &parsed.signatures {
        if signature.name != name || signature.key_id != known_id {
            continue;
        }
        if verified {
            return Err(NoteError::DuplicateSignature);
        }
        let bytes: [u8; 64] = signature
            .signature
            .as_slice()
            .try_into()
            .map_err(|_| NoteError::InvalidSignature(name.to_owned()))?;
        public_key
            .verify_strict(parsed.text.as_bytes(), &Signature::from_bytes(&bytes))
            .map_err(|_| NoteError::InvalidSignature(name.to_owned()))?;
        verified = true;
    }
    if !verified {
        return Err(NoteError::NoKnownSignature(name.to_owned()));
    }
    Ok(parsed.text)
}
