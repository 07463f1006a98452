//! Turns one published row, whatever file it came from, into a reading, a "station down" line or
//! a reject. The CSV and JSON readers only find the cells; the rules live here once.

use std::collections::BTreeMap;

use crate::decimal::decimal_text;
use crate::name::normalise_name;
use crate::parameter::{PARAMETERS, PARAMETER_COUNT};
use crate::parsed::{ParsedFile, Reject, Row, RowStatus};
use crate::time::{sampled_at, YearSource};
use crate::{sha256_hex, FileError, ROWS_PER_FILE_MAX};

/// One parameter's cells: the displayed value, and the unrounded raw value where the file has one
/// (snapshot `_原始值` columns, the JSON's `原始值` tooltips).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ValueCells<'a> {
    pub displayed: &'a str,
    pub raw: Option<&'a str>,
}

/// The cells of one published row that the rules need.
#[derive(Debug, Clone)]
pub(crate) struct PublishedRow<'a> {
    pub line: usize,
    pub province: &'a str,
    pub name: &'a str,
    pub time: &'a str,
    pub status: &'a str,
    pub values: [ValueCells<'a>; PARAMETER_COUNT],
    /// An error when the row's own date cell cannot be read: it only matters if the row has a
    /// time, because a "station down" row is counted whatever its date says.
    pub year_source: Result<YearSource, String>,
}

/// Builds a [`ParsedFile`] row by row.
pub(crate) struct FileCollector {
    parsed: ParsedFile,
}

impl FileCollector {
    pub fn new(bytes: &[u8]) -> Self {
        FileCollector {
            parsed: ParsedFile {
                sha256_hex: sha256_hex(bytes),
                rows_read: 0,
                rows: Vec::new(),
                down_rows: Vec::new(),
                rejects: Vec::new(),
            },
        }
    }

    /// Counts a row before it is looked at, so that a file cannot grow the result past the limit.
    fn count_row(&mut self) -> Result<(), FileError> {
        if self.parsed.rows_read >= ROWS_PER_FILE_MAX {
            return Err(FileError::TooManyRows);
        }
        self.parsed.rows_read += 1;
        Ok(())
    }

    pub fn reject(&mut self, line: usize, reason: String) -> Result<(), FileError> {
        self.count_row()?;
        self.parsed.rejects.push(Reject { line, reason });
        Ok(())
    }

    pub fn add(&mut self, published: &PublishedRow<'_>) -> Result<(), FileError> {
        self.count_row()?;
        let time = published.time.trim();
        // Rows without a time (empty or `*`) are the publisher's "station down" rows.
        if time.is_empty() || time == "*" {
            self.parsed.down_rows.push(published.line);
            return Ok(());
        }
        match reading(published, time) {
            Ok(row) => self.parsed.rows.push(row),
            Err(reason) => self.parsed.rejects.push(Reject {
                line: published.line,
                reason,
            }),
        }
        Ok(())
    }

    pub fn finish(self) -> ParsedFile {
        self.parsed
    }
}

fn reading(published: &PublishedRow<'_>, time: &str) -> Result<Row, String> {
    let province = published.province.trim();
    let published_name = published.name.trim();
    if province.is_empty() || published_name.is_empty() {
        return Err("the province or the station name is empty".to_owned());
    }
    let year_source = published.year_source.clone()?;
    let sampled_at = sampled_at(time, year_source)?;
    let mut values = BTreeMap::new();
    for (parameter, cells) in PARAMETERS.iter().zip(published.values.iter()) {
        if let Some(value) =
            value(cells).map_err(|reason| format!("{}: {reason}", parameter.code))?
        {
            values.insert(parameter.code, value);
        }
    }
    Ok(Row {
        line: published.line,
        province: province.to_owned(),
        name: normalise_name(published_name),
        published_name: published_name.to_owned(),
        sampled_at,
        status: RowStatus::from_published(published.status),
        values,
    })
}

/// `--` (not measured or invalid), `*` (not applicable) and an empty cell carry no value.
fn is_absent(text: &str) -> bool {
    matches!(text.trim(), "" | "--" | "*")
}

/// The raw value is preferred because the displayed one is rounded (from 2025, pH to an integer).
/// A raw value behind a displayed `--` is not used: the publisher withheld that value on purpose
/// (the JSON marks such cells `极值过滤`, extreme-value filter), so it stays absent.
fn value(cells: &ValueCells<'_>) -> Result<Option<String>, String> {
    if is_absent(cells.displayed) {
        return Ok(None);
    }
    let chosen = match cells.raw {
        Some(raw) if !is_absent(raw) => raw,
        _ => cells.displayed,
    };
    decimal_text(chosen)
        .map(Some)
        .map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn published<'a>(
        time: &'a str,
        status: &'a str,
        values: [ValueCells<'a>; PARAMETER_COUNT],
    ) -> PublishedRow<'a> {
        PublishedRow {
            line: 7,
            province: "北京市",
            name: "广北滨河路(桥）",
            time,
            status,
            values,
            year_source: Ok(YearSource::Year(2021)),
        }
    }

    fn collected(row: &PublishedRow<'_>) -> ParsedFile {
        let mut collector = FileCollector::new(b"");
        if let Err(error) = collector.add(row) {
            panic!("{error}");
        }
        collector.finish()
    }

    fn cells(displayed: &'static str, raw: Option<&'static str>) -> ValueCells<'static> {
        ValueCells { displayed, raw }
    }

    #[test]
    fn rows_with_an_empty_or_starred_time_are_down_rows_and_never_readings() {
        for time in ["", " ", "*"] {
            let parsed = collected(&published(
                time,
                "停站",
                [ValueCells::default(); PARAMETER_COUNT],
            ));
            assert_eq!(
                (
                    parsed.rows_read,
                    parsed.rows.len(),
                    parsed.down_rows.clone()
                ),
                (1, 0, vec![7])
            );
        }
    }

    #[test]
    fn a_down_row_is_counted_even_when_its_date_cannot_be_read() {
        let mut row = published("*", "停站", [ValueCells::default(); PARAMETER_COUNT]);
        row.year_source = Err("bad date".to_owned());
        assert_eq!(collected(&row).down_rows, vec![7]);
    }

    #[test]
    fn dashes_stars_and_empty_cells_are_absent_and_numbers_are_kept_as_text() {
        let mut values = [ValueCells::default(); PARAMETER_COUNT];
        values[0] = cells("14.6", None);
        values[1] = cells("--", None);
        values[7] = cells("0.0001", None);
        values[9] = cells("*", None);
        let parsed = collected(&published("04-01 08:00", "正常", values));
        let row = &parsed.rows[0];
        assert_eq!(
            row.values
                .iter()
                .map(|(code, value)| (*code, value.as_str()))
                .collect::<Vec<_>>(),
            vec![("temp", "14.6"), ("tp", "0.0001")]
        );
        assert_eq!(
            (row.name.as_str(), row.published_name.as_str()),
            ("广北滨河路(桥)", "广北滨河路(桥）")
        );
        assert_eq!(row.status, RowStatus::Valid);
    }

    #[test]
    fn the_raw_value_is_preferred_converted_and_ignored_behind_a_withheld_display() {
        let mut values = [ValueCells::default(); PARAMETER_COUNT];
        values[1] = cells("8", Some("8.040409"));
        values[2] = cells("14.7", Some(""));
        values[3] = cells("--", Some("762.9"));
        values[10] = cells("13222350", Some("1.322235E+07"));
        let parsed = collected(&published("04-01 08:00", "", values));
        let row = &parsed.rows[0];
        assert_eq!(row.values.get("ph").map(String::as_str), Some("8.040409"));
        assert_eq!(row.values.get("do").map(String::as_str), Some("14.7"));
        assert_eq!(row.values.get("conductivity"), None);
        assert_eq!(
            row.values.get("algae").map(String::as_str),
            Some("13222350")
        );
        assert_eq!(
            row.status,
            RowStatus::Invalid {
                reason: "unknown".to_owned()
            }
        );
    }

    #[test]
    fn an_unreadable_value_or_time_rejects_the_row_with_its_line_and_reason() {
        let mut values = [ValueCells::default(); PARAMETER_COUNT];
        values[7] = cells("0,05", None);
        let parsed = collected(&published("04-01 08:00", "正常", values));
        assert_eq!(
            parsed.rejects,
            vec![Reject {
                line: 7,
                reason: "tp: `0,05` is not a decimal number".to_owned()
            }]
        );
        let parsed = collected(&published(
            "4/1 8:00",
            "正常",
            [ValueCells::default(); PARAMETER_COUNT],
        ));
        assert_eq!(parsed.rejects.len(), 1);
        assert!(parsed.rejects[0].reason.contains("4/1 8:00"));
    }
}
