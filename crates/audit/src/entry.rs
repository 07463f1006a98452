//! Log entries and their leaf bytes (API.md "Audit log").
//!
//! Entry `n` is the JCS encoding of `{"index", "kind", "time", "prev", "body"}`; `prev` is
//! the leaf hash of entry `n - 1` (64 zeros for entry 0), which chains the entries so
//! that the log can be checked in order even without the Merkle tree.

mod chain;
mod fields;

use serde_json::{Map, Value};

use crate::canonical::{canonical_json, CanonicalError};
use crate::hash::{hash_to_hex, leaf_hash, Hash, HashError};

pub use chain::{check_chain, ChainError, ChainWalker};
pub use fields::{check_kind, check_time, KIND_BYTES_MAX};

/// The leaf's member names; a leaf with any other member is refused.
const LEAF_FIELDS: [&str; 5] = ["index", "kind", "time", "prev", "body"];

/// One entry of the append-only audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    pub index: u64,
    /// What changed, such as `settlement.issued`.
    pub kind: String,
    /// When, already in UTC as `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    /// The leaf hash of the previous entry, or [`crate::hash::ZERO_HASH`] for entry 0.
    pub prev: Hash,
    /// The change itself; always a JSON object.
    pub body: Value,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryError {
    #[error("leaf is not JSON: {0}")]
    NotJson(String),
    #[error("leaf is not a JSON object")]
    NotAnObject,
    #[error("leaf member `{0}` is missing or has the wrong type")]
    BadField(&'static str),
    #[error("leaf has an unexpected member `{0}`")]
    UnexpectedField(String),
    #[error("kind must match [a-z][a-z0-9_.]* and be at most {KIND_BYTES_MAX} bytes")]
    BadKind,
    #[error("time must be UTC `YYYY-MM-DDTHH:MM:SSZ`")]
    BadTime,
    #[error("prev: {0}")]
    BadPrev(#[from] HashError),
    #[error("body must be a JSON object")]
    BodyNotAnObject,
    #[error("leaf cannot be canonicalized: {0}")]
    Canonical(#[from] CanonicalError),
    #[error("leaf bytes are not in RFC 8785 canonical form")]
    NotCanonical,
}

impl LogEntry {
    /// The exact bytes the log stores and hashes: RFC 8785 JSON of the five members.
    pub fn leaf_bytes(&self) -> Result<Vec<u8>, EntryError> {
        check_kind(&self.kind)?;
        check_time(&self.time)?;
        if !self.body.is_object() {
            return Err(EntryError::BodyNotAnObject);
        }
        let mut members = Map::new();
        members.insert("index".into(), Value::from(self.index));
        members.insert("kind".into(), Value::from(self.kind.as_str()));
        members.insert("time".into(), Value::from(self.time.as_str()));
        members.insert("prev".into(), Value::from(hash_to_hex(&self.prev)));
        members.insert("body".into(), self.body.clone());
        Ok(canonical_json(&Value::Object(members))?)
    }

    /// RFC 6962 §2.1 leaf hash of [`LogEntry::leaf_bytes`].
    pub fn leaf_hash(&self) -> Result<Hash, EntryError> {
        Ok(leaf_hash(&self.leaf_bytes()?))
    }
}

/// Parses leaf bytes read back from storage or from a server, and insists they are
/// exactly the canonical encoding of what they say: otherwise two different byte strings
/// (and so two leaf hashes) could claim to be the same entry.
pub fn parse_leaf(bytes: &[u8]) -> Result<LogEntry, EntryError> {
    let value: Value =
        serde_json::from_slice(bytes).map_err(|error| EntryError::NotJson(error.to_string()))?;
    let Value::Object(mut members) = value else {
        return Err(EntryError::NotAnObject);
    };
    if let Some(unexpected) = members
        .keys()
        .find(|name| !LEAF_FIELDS.contains(&name.as_str()))
    {
        return Err(EntryError::UnexpectedField(unexpected.clone()));
    }
    let entry = LogEntry {
        index: members
            .get("index")
            .and_then(Value::as_u64)
            .ok_or(EntryError::BadField("index"))?,
        kind: take_string(&mut members, "kind")?,
        time: take_string(&mut members, "time")?,
        prev: crate::hash::hash_from_hex(&take_string(&mut members, "prev")?)?,
        body: members.remove("body").ok_or(EntryError::BadField("body"))?,
    };
    // Re-encoding also runs every field check, and catches duplicate members, escapes
    // such as `\/`, whitespace, member order and number spellings in one comparison.
    if entry.leaf_bytes()? != bytes {
        return Err(EntryError::NotCanonical);
    }
    Ok(entry)
}

fn take_string(members: &mut Map<String, Value>, name: &'static str) -> Result<String, EntryError> {
    match members.remove(name) {
        Some(Value::String(text)) => Ok(text),
        _ => Err(EntryError::BadField(name)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hash::ZERO_HASH;
    use serde_json::json;

    fn example_entry() -> LogEntry {
        LogEntry {
            index: 0,
            kind: "jurisdiction.created".into(),
            time: "2025-07-01T00:00:00Z".into(),
            prev: ZERO_HASH,
            body: json!({"code": "BJ", "name": "北京市"}),
        }
    }

    #[test]
    fn leaf_bytes_round_trip_through_parse_leaf() {
        let entry = example_entry();
        let bytes = entry.leaf_bytes().unwrap();
        assert_eq!(parse_leaf(&bytes).unwrap(), entry);
    }

    #[test]
    fn a_leaf_with_an_extra_member_is_refused() {
        let text = r#"{"body":{},"extra":1,"index":0,"kind":"a","prev":"0000000000000000000000000000000000000000000000000000000000000000","time":"2025-07-01T00:00:00Z"}"#;
        assert!(matches!(
            parse_leaf(text.as_bytes()),
            Err(EntryError::UnexpectedField(_))
        ));
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        let entry = LogEntry {
            body: json!([1]),
            ..example_entry()
        };
        assert_eq!(entry.leaf_bytes(), Err(EntryError::BodyNotAnObject));
    }
}
