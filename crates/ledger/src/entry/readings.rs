//! Reading bodies: a batch names its readings as an id range, so every leaf fits a tile's entry
//! bundle whatever the batch size; the batch's bytes are the evidence, served beside the log.

use std::ops::Range;

use basin_domain::Code;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingsBatchLogged {
    pub station: Code,
    pub batch_id: String,
    /// Lowercase hex SHA-256 of the exact request body bytes.
    pub body_sha256: String,
    /// The station's base64 Ed25519 signature, or null for a station without a key.
    pub signature: Option<String>,
    /// The id of the station key that signed, or null.
    pub key_id: Option<String>,
    /// The batch's readings have the ids `first_reading_id .. first_reading_id + readings`.
    pub first_reading_id: i64,
    pub readings: u32,
}

impl ReadingsBatchLogged {
    /// The reading ids this batch recorded, in body order.
    pub fn reading_ids(&self) -> Range<i64> {
        self.first_reading_id..self.first_reading_id + i64::from(self.readings)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReadingInvalidated {
    pub reading_id: i64,
    /// The bureau that invalidated it, or null for an administrator.
    pub jurisdiction: Option<Code>,
    pub reason: String,
}
