//! Registry bodies: each `*.created` body is the resource as `GET` returns it.

use basin_domain::{Code, WaterBody, WaterClass};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JurisdictionCreated {
    pub code: Code,
    pub name: String,
    pub parent: Option<Code>,
    /// The bureau keys at creation (always empty today: keys are added by `key.added`).
    pub keys: Vec<LoggedKey>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LoggedKey {
    pub key_id: String,
    pub public_key: String,
    pub added_at: String,
    pub retired_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BasinCreated {
    pub code: Code,
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SectionCreated {
    pub code: Code,
    pub name: String,
    pub basin: Code,
    pub river: String,
    pub water_body: WaterBody,
    pub target_class: WaterClass,
    pub upstream: Code,
    pub downstream: Code,
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StationCreated {
    pub code: Code,
    pub name: String,
    pub section: Code,
    /// Standard padded base64 of the station's Ed25519 key: with one, every batch is signed.
    pub public_key: Option<String>,
    pub key_id: Option<String>,
    pub created_at: String,
}

/// The owner of the ledger's own keys in `key.added` / `key.retired` (API.md "Keys and rotation").
pub const LEDGER_KEY_OWNER: &str = "ledger";

/// `key.added` and `key.retired`: a bureau key of a jurisdiction, a station's key, or (owner
/// [`LEDGER_KEY_OWNER`]) the ledger's own.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KeyChange {
    pub owner: Code,
    pub key_id: String,
    pub public_key: String,
}
