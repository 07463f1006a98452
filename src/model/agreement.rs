//! Agreements and their versions, as the API returns them and the log records them.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// One version of an agreement: exactly the body of its `agreement.version` log entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgreementVersion {
    #[schema(example = "miyun-chaobai-2025")]
    pub agreement: String,
    pub name: String,
    pub basin: String,
    #[schema(example = "HE-CD")]
    pub upstream: String,
    #[schema(example = "BJ")]
    pub downstream: String,
    /// `month`, `quarter` or `year`.
    #[schema(value_type = crate::api::schemas::PeriodKind, example = "month")]
    pub period: String,
    pub version: i64,
    /// The first period of this kind the version governs.
    #[schema(example = "2025-01")]
    pub effective_from: String,
    /// The last period it governs (inclusive); null means open-ended. A later version that starts
    /// earlier ends it.
    pub effective_to: Option<String>,
    /// Months with data a needed parameter must have (the default, every month, is written out).
    pub min_valid_months: u32,
    /// How values below the detection limit (`<L`) enter means; absent when the version does not
    /// state it, which means `half_limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schema(value_type = Option<crate::api::schemas::BelowDetectionTreatment>)]
    pub below_detection: Option<basin_domain::BelowDetection>,
    /// The components as written (compensation.md §5).
    #[schema(value_type = Vec<crate::api::schemas::ComponentTerms>)]
    pub components: serde_json::Value,
    pub created_at: String,
}

/// A version with where the log recorded it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgreementVersionView {
    #[serde(flatten)]
    pub version: AgreementVersion,
    pub log_index: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Agreement {
    #[schema(example = "miyun-chaobai-2025")]
    pub code: String,
    pub name: String,
    pub basin: String,
    pub upstream: String,
    pub downstream: String,
    pub period: String,
    pub created_at: String,
    /// The newest version's number.
    pub current_version: i64,
    /// Every version, oldest first.
    pub versions: Vec<AgreementVersionView>,
}

/// 201 for a new agreement or version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct AgreementReceipt {
    pub code: String,
    pub version: i64,
    pub log_index: u64,
}
