//! The audit log's entries, typed (API.md "Audit log"): one enum of kinds, one serde struct
//! per body. The store appends through [`Entry`], and every reader decodes a leaf back into
//! it, so no code builds a body with `json!` or reads one as `body["field"]`.
//!
//! The leaf bytes stay RFC 8785 JSON of `{index, kind, time, prev, body}` (basin-audit); the
//! kinds and field names are the contract's.

mod agreement;
mod batch_leaf;
mod readings;
mod registry;
mod seal;
mod settlement;

use basin_audit::entry::{parse_leaf, EntryError, LogEntry};
use basin_audit::hash::Hash;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

pub use agreement::{AgreementVersionLogged, VersionEnds};
pub use readings::{ReadingInvalidated, ReadingsBatchLogged};
pub use registry::{
    BasinCreated, JurisdictionCreated, KeyChange, LoggedKey, SectionCreated, StationCreated,
    LEDGER_KEY_OWNER,
};
pub use seal::SealError;
pub use settlement::{
    LoggedDocument, SettlementAcknowledged, SettlementDisputed, SettlementIssued, SettlementPaid,
    SettlementSuperseded, SupersedesRef,
};

/// The largest leaf a tlog-tiles entry bundle can carry: a big-endian uint16 length prefix.
pub const LEAF_BYTES_MAX: usize = 65_535;

/// Every kind of change the ledger records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    JurisdictionCreated(JurisdictionCreated),
    BasinCreated(BasinCreated),
    SectionCreated(SectionCreated),
    StationCreated(StationCreated),
    KeyAdded(KeyChange),
    KeyRetired(KeyChange),
    AgreementVersion(AgreementVersionLogged),
    ReadingsBatch(ReadingsBatchLogged),
    ReadingInvalidated(ReadingInvalidated),
    SettlementIssued(SettlementIssued),
    SettlementAcknowledged(SettlementAcknowledged),
    SettlementDisputed(SettlementDisputed),
    SettlementPaid(SettlementPaid),
    SettlementSuperseded(SettlementSuperseded),
}

/// A decoded leaf: where it stands in the log and what it records.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypedEntry {
    pub index: u64,
    /// UTC `YYYY-MM-DDTHH:MM:SSZ`.
    pub time: String,
    pub prev: Hash,
    pub entry: Entry,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EntryDecodeError {
    #[error(transparent)]
    Leaf(#[from] EntryError),
    #[error("unknown entry kind {0:?}")]
    UnknownKind(String),
    #[error("the {kind} body does not have its fields: {message}")]
    Body { kind: &'static str, message: String },
    #[error("the leaf is {bytes} bytes; a tile entry bundle holds at most {LEAF_BYTES_MAX}")]
    TooLarge { bytes: usize },
}

macro_rules! kinds {
    ($($variant:ident => $kind:literal),* $(,)?) => {
        impl Entry {
            /// The entry's `kind` as the log writes it.
            pub fn kind(&self) -> &'static str {
                match self {
                    $(Entry::$variant(_) => $kind,)*
                }
            }

            /// The body as JSON (an object, since every body is a struct).
            pub fn body(&self) -> Value {
                match self {
                    $(Entry::$variant(body) => to_body(body),)*
                }
            }

            /// Decodes a body under its kind, refusing unknown kinds and unexpected fields.
            pub fn decode(kind: &str, body: &Value) -> Result<Self, EntryDecodeError> {
                match kind {
                    $($kind => Ok(Entry::$variant(from_body($kind, body)?)),)*
                    other => Err(EntryDecodeError::UnknownKind(other.to_owned())),
                }
            }
        }

        /// Every kind there is, in the order of the contract's table.
        pub const ENTRY_KINDS: &[&str] = &[$($kind),*];
    };
}

kinds! {
    JurisdictionCreated => "jurisdiction.created",
    BasinCreated => "basin.created",
    SectionCreated => "section.created",
    StationCreated => "station.created",
    KeyAdded => "key.added",
    KeyRetired => "key.retired",
    AgreementVersion => "agreement.version",
    ReadingsBatch => "readings.batch",
    ReadingInvalidated => "reading.invalidated",
    SettlementIssued => "settlement.issued",
    SettlementAcknowledged => "settlement.acknowledged",
    SettlementDisputed => "settlement.disputed",
    SettlementPaid => "settlement.paid",
    SettlementSuperseded => "settlement.superseded",
}

impl Entry {
    /// Whether the entry records something about a settlement (`settlement.*`).
    pub fn is_settlement(&self) -> bool {
        matches!(
            self,
            Entry::SettlementIssued(_)
                | Entry::SettlementAcknowledged(_)
                | Entry::SettlementDisputed(_)
                | Entry::SettlementPaid(_)
                | Entry::SettlementSuperseded(_)
        )
    }

    /// The untyped log entry this one becomes at `index`, with its chain link.
    pub fn at(&self, index: u64, time: &str, prev: Hash) -> LogEntry {
        LogEntry {
            index,
            kind: self.kind().to_owned(),
            time: time.to_owned(),
            prev,
            body: self.body(),
        }
    }

    /// The leaf bytes at `index`, refused when they would not fit a tile's entry bundle.
    pub fn leaf_bytes(
        &self,
        index: u64,
        time: &str,
        prev: Hash,
    ) -> Result<Vec<u8>, EntryDecodeError> {
        let leaf = self.at(index, time, prev).leaf_bytes()?;
        if leaf.len() > LEAF_BYTES_MAX {
            return Err(EntryDecodeError::TooLarge { bytes: leaf.len() });
        }
        Ok(leaf)
    }
}

impl TypedEntry {
    /// Decodes an untyped entry (already parsed from canonical leaf bytes).
    pub fn from_log_entry(entry: &LogEntry) -> Result<Self, EntryDecodeError> {
        Ok(Self {
            index: entry.index,
            time: entry.time.clone(),
            prev: entry.prev,
            entry: Entry::decode(&entry.kind, &entry.body)?,
        })
    }

    /// Parses and decodes exact leaf bytes, insisting they are canonical and fit a bundle.
    pub fn from_leaf(bytes: &[u8]) -> Result<Self, EntryDecodeError> {
        if bytes.len() > LEAF_BYTES_MAX {
            return Err(EntryDecodeError::TooLarge { bytes: bytes.len() });
        }
        match batch_leaf::decode(bytes) {
            Some(batch) => Ok(batch),
            None => Self::from_log_entry(&parse_leaf(bytes)?),
        }
    }

    /// The entry of a canonical `readings.batch` leaf, decoded without a JSON value (batches
    /// are most of the log, and a settlement over hourly batches reads one per reading); `None`
    /// for any other leaf, valid or not, which [`TypedEntry::from_leaf`] decodes or refuses.
    pub fn from_batch_leaf(bytes: &[u8]) -> Option<Self> {
        batch_leaf::decode(bytes)
    }
}

fn to_body<T: Serialize>(body: &T) -> Value {
    // Bodies are plain structs of strings, integers, options and JSON values: serialising
    // them cannot fail, and a failure would be a programming error caught by the tests that
    // round-trip every kind.
    serde_json::to_value(body).unwrap_or(Value::Null)
}

fn from_body<T: DeserializeOwned>(kind: &'static str, body: &Value) -> Result<T, EntryDecodeError> {
    T::deserialize(body).map_err(|error| EntryDecodeError::Body {
        kind,
        message: error.to_string(),
    })
}

#[cfg(test)]
mod tests;
