//! Settlements: the lifecycle status and the document's `inputs` and `components`.

use std::collections::BTreeMap;

use serde::Serialize;
use utoipa::ToSchema;

use super::agreements::{BelowDetectionTreatment, ComponentKind};
use super::readings::{DecimalText, MonthStatistics, WaterClass};

/// Where a settlement is in its lifecycle.
#[derive(Serialize, ToSchema)]
#[serde(rename_all = "lowercase")]
#[allow(dead_code)]
pub enum SettlementStatus {
    Issued,
    Acknowledged,
    Disputed,
    Paid,
    Superseded,
}

/// What a section contributed to a settlement: its months and period statistics.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SectionInputs {
    #[schema(example = "gubeikou")]
    section: String,
    months: Vec<MonthStatistics>,
    /// Parameter code → the period statistic as a decimal string.
    #[schema(value_type = BTreeMap<String, DecimalText>)]
    stats: BTreeMap<String, String>,
    class: Option<WaterClass>,
    /// Month → parameter code → how many values below the detection limit its monthly statistic
    /// contains; absent when there are none.
    #[schema(example = json!({"2025-07": {"tp": 3}}))]
    below_limit: Option<BTreeMap<String, BTreeMap<String, u64>>>,
}

/// The settlement document's `inputs`: what the amounts were computed from.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct SettlementInputs {
    /// Lowercase hex SHA-256 of the JCS array of the readings used (API.md `readings_digest`).
    #[schema(pattern = "^[0-9a-f]{64}$")]
    readings_digest: String,
    reading_count: u64,
    /// In section code order.
    sections: Vec<SectionInputs>,
    /// The agreement's treatment of values below the detection limit; present when the version
    /// states it or when some statistic contains such a value.
    below_detection: Option<BelowDetectionTreatment>,
}

/// One component's signed amount and how it was reached.
#[derive(ToSchema)]
#[allow(dead_code)]
pub struct ComponentAmount {
    kind: ComponentKind,
    #[schema(example = "gubeikou")]
    section: String,
    /// Positive: downstream pays upstream.
    amount_fen: i64,
    /// How the amount was reached; its members depend on `kind` (decimals as strings, counts as
    /// integers).
    #[schema(value_type = BTreeMap<String, serde_json::Value>)]
    explanation: serde_json::Value,
}
