//! Readings aggregate: batches (kept byte for byte), readings, revisions and invalidations.
//! Batches are all-or-nothing and idempotent on (station, batch_id). Ingest (`ingest`), reading
//! back (`queries`) and invalidation (`invalidate`) are their own modules; the rows they share
//! are here.

mod ingest;
mod invalidate;
mod queries;

use diesel::prelude::*;
use serde::Serialize;

pub use basin_ledger_core::batch::{NewReading, ReadingStatus};
pub use ingest::{batch_body, find_batch, ingest_batch};
pub use invalidate::invalidate_reading;
pub use queries::{
    all_readings, current_readings_of_station, get_reading, readings_in_period, section_readings,
};

pub struct NewBatch<'a> {
    pub station: &'a str,
    pub batch_id: &'a str,
    pub body: &'a [u8],
    pub body_sha256: &'a str,
    pub signature: Option<&'a str>,
    /// The id of the station key that signed, with `signature`.
    pub key_id: Option<&'a str>,
    pub received_at: &'a str,
    pub readings: Vec<NewReading>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct BatchReceipt {
    pub batch_id: String,
    pub accepted: usize,
    pub reading_ids: Vec<i64>,
    pub log_index: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchOutcome {
    Created(BatchReceipt),
    /// The same bytes were stored before under this batch id: the original receipt.
    Replayed(BatchReceipt),
}

/// A stored reading as the readings API shows it.
#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct StoredReading {
    pub id: i64,
    pub station: String,
    pub section: String,
    pub sampled_at: String,
    pub batch_id: String,
    pub values_json: String,
    pub status: String,
    pub reason: Option<String>,
    pub revises: Option<i64>,
    pub superseded_by: Option<i64>,
    pub invalidated_at: Option<String>,
    pub invalidated_by: Option<String>,
    pub invalidation_reason: Option<String>,
    pub invalidated_log_index: Option<i64>,
    /// The per-value flags object as stored (code → letter), or `None` without flags.
    pub flags_json: Option<String>,
}

macro_rules! reading_columns {
    () => {
        (
            readings::id,
            readings::station,
            readings::section,
            readings::sampled_at,
            readings::batch_id,
            readings::reading_values,
            readings::status,
            readings::reason,
            readings::revises,
            readings::superseded_by,
            readings::invalidated_at,
            readings::invalidated_by,
            readings::invalidation_reason,
            readings::invalidated_log_index,
            readings::reading_flags,
        )
    };
}

pub(crate) use reading_columns;
