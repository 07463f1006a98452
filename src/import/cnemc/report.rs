//! What an import was asked to do and what it reports: counts, and the lines it skipped or
//! could not reconcile, each with its reason.

use serde::Serialize;

use crate::store::StoreError;

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub year: Option<i32>,
    /// Turn conflicts with stored readings into revisions instead of reporting them.
    pub revise: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct LineProblem {
    pub line: usize,
    pub reason: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportSummary {
    pub file_sha256: String,
    pub batch_id: String,
    pub rows_read: usize,
    pub rows_without_time: usize,
    pub invalid_rows: usize,
    pub readings_created: usize,
    pub revisions: usize,
    pub duplicates: usize,
    pub conflicts: usize,
    pub rejected: usize,
    /// Stations whose batch was already stored (a replay).
    pub replayed_stations: Vec<String>,
    pub conflict_lines: Vec<LineProblem>,
    pub rejected_lines: Vec<LineProblem>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("the file cannot be read: {0}")]
    File(#[from] basin_cnemc::FileError),
    #[error("the station map cannot be read: {0}")]
    Map(#[from] basin_cnemc::MapError),
    #[error("batch of station {station} was refused: {detail}")]
    Batch { station: String, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}
