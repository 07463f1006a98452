//! What a parsed file yields: rows that carry readings, the lines of rows without a time, and the
//! rows that could not be read.

use std::collections::BTreeMap;

use basin_domain::ValueFlag;
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
/// Maintenance: the values are flagged `M` (HJ 212).
const STATUS_MAINTENANCE: &str = "维护";
/// The station stopped (`停站`, also written `停运`): the values are flagged `F` (HJ 212).
const STATUS_STOPPED: [&str; 2] = ["停站", "停运"];
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

    /// The HJ 212 flag that the row's values carry: `M` for 维护, `F` for 停站 / 停运, none for a
    /// normal row (its values are `N`) or for statuses HJ 212 has no letter for (不具备运行条件,
    /// an empty status). The row stays invalid all the same: the flag says why, value by value,
    /// as a data logger would.
    pub fn value_flag(&self) -> Option<ValueFlag> {
        match self {
            RowStatus::Valid => None,
            RowStatus::Invalid { reason } if reason == STATUS_MAINTENANCE => {
                Some(ValueFlag::Maintenance)
            }
            RowStatus::Invalid { reason } if STATUS_STOPPED.contains(&reason.as_str()) => {
                Some(ValueFlag::Stopped)
            }
            RowStatus::Invalid { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maintenance_rows_flag_their_values_m_and_stopped_rows_f() {
        assert_eq!(
            RowStatus::from_published("维护").value_flag(),
            Some(ValueFlag::Maintenance)
        );
        assert_eq!(
            RowStatus::from_published("停站").value_flag(),
            Some(ValueFlag::Stopped)
        );
        assert_eq!(
            RowStatus::from_published("停运").value_flag(),
            Some(ValueFlag::Stopped)
        );
        assert_eq!(RowStatus::from_published("正常").value_flag(), None);
        assert_eq!(
            RowStatus::from_published("不具备运行条件").value_flag(),
            None
        );
        assert_eq!(RowStatus::from_published("").value_flag(), None);
    }

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
