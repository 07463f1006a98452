//! `agreement.version`: the whole version, so that the log alone rebuilds every agreement.

use basin_domain::{BelowDetection, Code, PeriodKind};
use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementVersionLogged {
    pub agreement: Code,
    pub name: String,
    pub basin: Code,
    pub upstream: Code,
    pub downstream: Code,
    pub period: PeriodKind,
    pub version: i64,
    /// The first period this version governs (`2025-01`, `2025-Q1`, `2025`).
    pub effective_from: String,
    /// The last period it governs, inclusive; null while open-ended.
    pub effective_to: Option<String>,
    pub min_valid_months: u32,
    /// How values below the detection limit enter means; absent (the default, `half_limit`) in
    /// versions that do not state it, so their entries keep the bytes they always had.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below_detection: Option<BelowDetection>,
    /// The components as written (compensation.md §5); parsed by the domain's agreement rules.
    pub components: Value,
    pub created_at: String,
    /// The earlier version this one cut short, so that the log alone rebuilds every range.
    pub ends: Option<VersionEnds>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VersionEnds {
    pub version: i64,
    pub effective_to: String,
}
