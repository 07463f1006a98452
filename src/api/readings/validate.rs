//! The documented shape of a posted batch (the rules themselves are the ledger core's, in
//! `basin_ledger_core::batch`), and the mapping of their typed field paths to JSON Pointers.

use std::collections::BTreeMap;

use basin_ledger_core::batch::{BatchErrors, FieldPath};
use serde::Deserialize;
use serde_json::value::RawValue;
use utoipa::ToSchema;

use crate::api::json::escape_pointer_token;
use crate::api::problem::{ApiError, FieldProblem};
use crate::api::schemas::{
    MeasuredValueInput, ParameterName, ReadingStatus as ReadingStatusSchema, ValueFlagLetter,
};

pub use basin_ledger_core::batch::READINGS_PER_BATCH_MAX;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingBatchRequest {
    /// Unique per station; a retry with the same bytes returns the first response.
    #[schema(
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        example = "GBK-20250701-0800"
    )]
    pub batch_id: String,
    #[schema(
        pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
        example = "gubeikou-auto"
    )]
    pub station: String,
    #[schema(min_items = 1, max_items = 5000)]
    pub readings: Vec<ReadingRequest>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReadingRequest {
    #[schema(pattern = "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", example = "gubeikou")]
    pub section: String,
    /// RFC 3339 with an offset and whole seconds.
    #[schema(
        format = DateTime, pattern = r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])[Tt]([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]([Zz]|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
        example = "2025-07-01T08:00:00+08:00"
    )]
    pub sampled_at: String,
    /// Parameter code (GB 3838 table) → decimal as a JSON number or string, at most 6 decimals.
    #[schema(value_type = BTreeMap<ParameterName, MeasuredValueInput>, example = json!({"ph": 7.62, "do": "7.51", "nh3n": 0.27}))]
    pub values: BTreeMap<String, Box<RawValue>>,
    /// Parameter code → HJ 212 flag letter, for parameters that have a value in this reading. A
    /// value flagged other than `N` is kept and shown but does not count.
    #[schema(value_type = Option<BTreeMap<ParameterName, ValueFlagLetter>>, example = json!({"ph": "M"}))]
    pub flags: Option<BTreeMap<String, Box<RawValue>>>,
    /// `valid` (default) or `invalid` (needs a reason).
    #[schema(value_type = Option<ReadingStatusSchema>)]
    pub status: Option<String>,
    #[schema(
        min_length = 1,
        max_length = 200,
        pattern = r"^[^\x00-\x1f\x7f-\x9f]*[^\s\x00-\x1f\x7f-\x9f][^\x00-\x1f\x7f-\x9f]*$"
    )]
    pub reason: Option<String>,
    /// The id of the reading of this station and instant that this one corrects (needs a reason).
    #[schema(minimum = 1)]
    pub revises: Option<i64>,
}

/// The ledger core's batch problems as a 422 naming each field by its JSON Pointer.
pub fn batch_problem(errors: BatchErrors) -> ApiError {
    ApiError::invalid(
        errors
            .0
            .into_iter()
            .map(|error| FieldProblem::pointer(field_pointer(&error.path), error.message))
            .collect(),
    )
}

/// `/readings/3/values/ph` for a path's segments, each escaped (RFC 6901).
fn field_pointer(path: &FieldPath) -> String {
    path.segments()
        .iter()
        .map(|segment| format!("/{}", escape_pointer_token(segment)))
        .collect()
}
