//! What a parsed file yields: rows that carry readings, the lines of rows without a time, and the
//! rows that could not be read.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::Serialize;

/// One file, read. Every data row lands in exactly one of `rows`, `down_rows` or `rejects`, so
/// `rows_read == rows.len() + down_rows.len() + rejects.len()`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ParsedFile {
    /// Lowercase hex SHA-256 of the file's bytes as received.
    pub sha256_hex: String,
    /// Data rows seen (the header excluded).
    pub rows_read: usize,
    pub rows: Vec<Row>,
    /// Line numbers of "station down" rows: their time is empty or `*`. They are counted in the
    /// import summary and are never readings.
    pub down_rows: Vec<usize>,
    pub rejects: Vec<Reject>,
}

/// A row that could not be read, with the reason in words a person at the bureau can act on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reject {
    pub line: usize,
    pub reason: String,
}

/// One published row with a time: a reading of up to eleven parameters at one station.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// 1-based line number in the file, the header being line 1. For the JSON day file, whose
    /// rows do not sit on lines of their own, `thead` counts as line 1 and `tbody[i]` as `i + 2`.
    pub line: usize,
    pub province: String,
    /// The published name with brackets normalised (see [`crate::normalise_name`]): the station
    /// map matches on (province, name).
    pub name: String,
    /// The name exactly as published, for messages.
    pub published_name: String,
    pub sampled_at: DateTime<Utc>,
    pub status: RowStatus,
    /// Values by basin-ledger parameter code (`temp`, `ph`, `do`, ...), as exact plain decimal
    /// text. A parameter published as `--`, `*` or empty is absent.
    pub values: BTreeMap<&'static str, String>,
}

/// The station status (`站点情况`). Only `正常` makes a valid reading; any other status keeps the
/// reading but it never counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum RowStatus {
    Valid,
    /// `reason` is the published status text (`维护`, `停站`, `不具备运行条件`, ...), or
    /// `unknown` when the status is empty.
    Invalid {
        reason: String,
    },
}

/// The status text that marks a valid reading.
const STATUS_NORMAL: &str = "正常";
/// The reason given when the status column is empty (as in the 2026 rows).
const STATUS_UNKNOWN: &str = "unknown";

impl RowStatus {
    pub fn from_published(text: &str) -> Self {
        match text.trim() {
            STATUS_NORMAL => RowStatus::Valid,
            "" => RowStatus::Invalid {
                reason: STATUS_UNKNOWN.to_owned(),
            },
            other => RowStatus::Invalid {
                reason: other.to_owned(),
            },
        }
    }

    pub fn is_valid(&self) -> bool {
        matches!(self, RowStatus::Valid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_normal_status_is_valid() {
        assert_eq!(RowStatus::from_published(" 正常 "), RowStatus::Valid);
        for other in ["维护", "停站", "不具备运行条件"] {
            assert_eq!(
                RowStatus::from_published(other),
                RowStatus::Invalid {
                    reason: other.to_owned()
                }
            );
        }
    }

    #[test]
    fn an_empty_status_is_invalid_for_an_unknown_reason() {
        assert_eq!(
            RowStatus::from_published(""),
            RowStatus::Invalid {
                reason: "unknown".to_owned()
            }
        );
    }
}
