//! One reading as the log rebuilds it, with the status later entries gave it.

use basin_domain::Code;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReplayedReading {
    pub id: i64,
    /// The log index of the batch that recorded it.
    pub log_index: u64,
    pub station: Code,
    pub section: String,
    pub sampled_at: String,
    /// The values object exactly as the readings API shows it.
    pub values_json: String,
    /// The flags object as the readings API shows it, or `None` without flags.
    pub flags_json: Option<String>,
    pub valid: bool,
    pub superseded: bool,
    pub invalidated: bool,
}

impl ReplayedReading {
    pub fn counts(&self) -> bool {
        self.valid && !self.superseded && !self.invalidated
    }
}
