//! Errors that stop a whole file. Problems with one row never do: they become a
//! [`crate::Reject`] with the row's line number, so one bad row cannot hide a thousand good ones.

use crate::ROWS_PER_FILE_MAX;

/// Why a data file (CSV or JSON) could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("the file is empty: it has no header line")]
    Empty,
    #[error("the header line is not valid UTF-8")]
    HeaderNotUtf8,
    #[error("the header line could not be read as CSV: {0}")]
    HeaderUnreadable(#[source] csv::Error),
    #[error("the header lacks the standard column `{0}`")]
    MissingColumn(String),
    #[error("the header has the column `{0}` twice")]
    DuplicateColumn(String),
    #[error("the header has the column `{0}`, which no known layout has")]
    UnknownColumn(String),
    #[error("the header has both a file date column and a snapshot time column: the year of a row would be ambiguous")]
    TwoDateColumns,
    #[error("the file is not the publishing API's JSON (thead/tbody): {0}")]
    Json(#[from] serde_json::Error),
    #[error("the file has more than {ROWS_PER_FILE_MAX} rows")]
    TooManyRows,
}

/// Why a station map (MAP.csv: `province,name,station`) was refused. A map is small and written by
/// hand, so any bad line refuses the whole map rather than silently dropping a station.
#[derive(Debug, thiserror::Error)]
pub enum MapError {
    #[error("the station map is empty: it needs the header `province,name,station`")]
    Empty,
    #[error("the station map's header must be `province,name,station`, found `{found}`")]
    Header { found: String },
    #[error("line {line} of the station map could not be read: {reason}")]
    Line { line: usize, reason: String },
    #[error("line {line} of the station map repeats ({province}, {name}), first mapped on line {first_line}")]
    Duplicate {
        line: usize,
        first_line: usize,
        province: String,
        name: String,
    },
}
