//! Jurisdictions, basins, sections and stations.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Jurisdiction {
    #[schema(example = "HE-CD")]
    pub code: String,
    #[schema(example = "承德市")]
    pub name: String,
    pub parent: Option<String>,
    /// Bureau keys (Ed25519) that countersign settlements for this jurisdiction.
    pub keys: Vec<JurisdictionKey>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct JurisdictionKey {
    /// Lowercase hex of the C2SP 4-byte key id.
    #[schema(example = "3f65e915")]
    pub key_id: String,
    /// Standard padded base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub added_at: String,
    pub retired_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Basin {
    #[schema(example = "chaobai")]
    pub code: String,
    #[schema(example = "潮白河")]
    pub name: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Section {
    #[schema(example = "gubeikou")]
    pub code: String,
    #[schema(example = "古北口")]
    pub name: String,
    pub basin: String,
    #[schema(example = "潮河")]
    pub river: String,
    /// `river` or `lake` (lakes and reservoirs use the lake TP limits).
    #[schema(value_type = crate::api::schemas::WaterBody, example = "river")]
    pub water_body: String,
    #[schema(value_type = crate::api::schemas::TargetClass, example = "II")]
    pub target_class: String,
    pub upstream: String,
    pub downstream: String,
    /// Decimal degrees as sent (text, exact).
    pub latitude: Option<String>,
    pub longitude: Option<String>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Station {
    #[schema(example = "gubeikou-auto")]
    pub code: String,
    #[schema(example = "古北口自动站")]
    pub name: String,
    pub section: String,
    /// The key the station was registered with (standard padded base64 Ed25519), if any.
    pub public_key: Option<String>,
    pub key_id: Option<String>,
    /// Every key the station has held, retired ones too, oldest first (keys added in the same
    /// second by key id). A station with any key must sign every batch, and a batch is
    /// accepted when a key that is not retired verifies it.
    pub keys: Vec<StationKey>,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct StationKey {
    /// Lowercase hex of the C2SP 4-byte key id (named by the station code).
    #[schema(example = "9c1d02ab")]
    pub key_id: String,
    /// Standard padded base64 of the 32-byte Ed25519 public key.
    pub public_key: String,
    pub added_at: String,
    /// When it stopped verifying new batches; the batches it signed stay valid.
    pub retired_at: Option<String>,
}
