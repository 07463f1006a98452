//! The CSV exports: 17 standard columns, optionally with the daily file date, tooltips, snapshot
//! time, source and raw-value columns. UTF-8 with or without a byte order mark, LF or CRLF.

use csv::{ByteRecord, ReaderBuilder};

use crate::error::FileError;
use crate::layout::{DateColumn, Layout};
use crate::parameter::PARAMETER_COUNT;
use crate::parsed::ParsedFile;
use crate::record::{FileCollector, PublishedRow, ValueCells};
use crate::time::{end_of_file_date, snapshot_time, YearSource};
use crate::{without_byte_order_mark, ParseOptions};

/// Reads a CSV export. Only the header can refuse the file; each data row becomes a reading, a
/// "station down" line or a reject with its line number.
pub fn parse_csv(bytes: &[u8], options: &ParseOptions) -> Result<ParsedFile, FileError> {
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        // Row widths are checked here, so that a short row is a reject and not a file error.
        .flexible(true)
        .from_reader(without_byte_order_mark(bytes));
    let mut record = ByteRecord::new();
    let has_header = reader
        .read_byte_record(&mut record)
        .map_err(FileError::HeaderUnreadable)?;
    if !has_header {
        return Err(FileError::Empty);
    }
    let header = utf8_fields(&record).ok_or(FileError::HeaderNotUtf8)?;
    let layout = Layout::from_header(&header)?;
    let mut collector = FileCollector::new(bytes);
    let mut lines = LineCounter::new(without_byte_order_mark(bytes));
    loop {
        let line = match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => lines.line_at(record.position().map(|position| position.byte())),
            Err(error) => {
                // Reading from memory fails only on malformed data; the row is reported and skipped.
                let line = lines.line_at(error.position().map(|position| position.byte()));
                collector.reject(line, format!("the row could not be read as CSV: {error}"))?;
                continue;
            }
        };
        match utf8_fields(&record) {
            None => collector.reject(line, "the row is not valid UTF-8".to_owned())?,
            Some(fields) if fields.len() != layout.width => collector.reject(
                line,
                format!(
                    "the row has {} fields, the header {}",
                    fields.len(),
                    layout.width
                ),
            )?,
            Some(fields) => collector.add(&published_row(&layout, &fields, line, options))?,
        }
    }
    Ok(collector.finish())
}

fn published_row<'a>(
    layout: &Layout,
    fields: &[&'a str],
    line: usize,
    options: &ParseOptions,
) -> PublishedRow<'a> {
    let mut values = [ValueCells::default(); PARAMETER_COUNT];
    for (index, cells) in values.iter_mut().enumerate() {
        cells.displayed = fields[layout.values[index]];
        cells.raw = layout.raw_values[index].map(|column| fields[column]);
    }
    PublishedRow {
        line,
        province: fields[layout.province],
        name: fields[layout.name],
        time: fields[layout.time],
        status: fields[layout.status],
        values,
        year_source: year_source(layout.date, fields, options),
    }
}

/// A row's own date wins over `--year`; an empty date cell falls back to `--year`, as a file
/// without a date column would.
fn year_source(
    date: DateColumn,
    fields: &[&str],
    options: &ParseOptions,
) -> Result<YearSource, String> {
    let fallback = options.year.map_or(YearSource::Unknown, YearSource::Year);
    let (column, read): (usize, fn(&str) -> _) = match date {
        DateColumn::None => return Ok(fallback),
        DateColumn::FileDate(column) => (column, end_of_file_date),
        DateColumn::Snapshot(column) => (column, snapshot_time),
    };
    match fields[column].trim() {
        "" => Ok(fallback),
        text => read(text).map(YearSource::NotAfter),
    }
}

fn utf8_fields(record: &ByteRecord) -> Option<Vec<&str>> {
    record
        .iter()
        .map(|field| std::str::from_utf8(field).ok())
        .collect()
}

/// Physical line numbers from byte offsets. The csv reader's own line count lags behind with
/// CRLF line endings and blank lines (its record offsets can point at the end of the line
/// before), so lines are counted here: a line ends at LF, CRLF or a lone CR.
pub(crate) struct LineCounter<'a> {
    bytes: &'a [u8],
    offset: usize,
    line: usize,
}

impl<'a> LineCounter<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        LineCounter {
            bytes,
            offset: 0,
            line: 1,
        }
    }

    /// The line of the record said to start at `byte`. Records are read in order, so the count
    /// only moves forward; without an offset the record is taken to be on the next line.
    pub(crate) fn line_at(&mut self, byte: Option<u64>) -> usize {
        let Some(start) = byte.and_then(|byte| usize::try_from(byte).ok()) else {
            self.line += 1;
            return self.line;
        };
        let mut start = start.clamp(self.offset, self.bytes.len());
        // A record never starts with a line break: skip those the offset points at.
        while matches!(self.bytes.get(start), Some(b'\r' | b'\n')) {
            start += 1;
        }
        for (index, byte) in self.bytes[self.offset..start].iter().enumerate() {
            let is_break = match byte {
                b'\n' => true,
                b'\r' => self.bytes.get(self.offset + index + 1) != Some(&b'\n'),
                _ => false,
            };
            self.line += usize::from(is_break);
        }
        self.offset = start;
        self.line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parsed::{Reject, RowStatus};

    const STANDARD: &str = "省份,流域,断面名称,监测时间,水质类别,水温(℃),pH(无量纲),溶解氧(mg/L),电导率(μS/cm),浊度(NTU),高锰酸盐指数(mg/L),氨氮(mg/L),总磷(mg/L),总氮(mg/L),叶绿素α(mg/L),藻密度(cells/L),站点情况";

    fn parsed(text: &str, year: Option<i32>) -> ParsedFile {
        match parse_csv(text.as_bytes(), &ParseOptions { year }) {
            Ok(parsed) => parsed,
            Err(error) => panic!("{error}"),
        }
    }

    #[test]
    fn a_byte_order_mark_and_crlf_line_endings_are_read_and_lines_counted() {
        let text = format!(
            "\u{feff}{STANDARD}\r\n北京市,海河流域,东店,04-01 08:00,Ⅲ,14.6,7.75,5.70,731.2,36.4,5.54,0.139,0.084,4.46,*,*,正常\r\n\r\n北京市,海河流域,古北口,*,*,*,*,*,*,*,*,*,*,*,*,*,维护\r\n"
        );
        let file = parsed(&text, Some(2021));
        assert_eq!(
            (file.rows_read, file.rows.len(), file.down_rows.clone()),
            (2, 1, vec![4])
        );
        let row = &file.rows[0];
        assert_eq!(
            (row.line, row.province.as_str(), row.name.as_str()),
            (2, "北京市", "东店")
        );
        assert_eq!(row.sampled_at.to_rfc3339(), "2021-04-01T00:00:00+00:00");
        assert_eq!(row.values.get("do").map(String::as_str), Some("5.70"));
        assert_eq!(row.values.len(), 9);
    }

    #[test]
    fn the_daily_file_date_gives_the_year_and_a_stale_row_steps_back_a_year() {
        let text = format!(
            "{STANDARD},数据日期(源文件名),所在地市(tooltip),所属河流(tooltip)\n河北省,海河流域,姜各庄,09-09 08:00,Ⅱ,20.0,8.0,9.0,500,3,2,0.1,0.02,1.5,--,--,维护,2020-05-08,,\n"
        );
        let file = parsed(&text, Some(2030));
        assert_eq!(
            file.rows[0].sampled_at.to_rfc3339(),
            "2019-09-09T00:00:00+00:00"
        );
        assert_eq!(
            file.rows[0].status,
            RowStatus::Invalid {
                reason: "维护".to_owned()
            }
        );
    }

    #[test]
    fn without_a_date_column_or_a_year_rows_are_rejected_and_down_rows_still_counted() {
        let text = format!(
            "{STANDARD}\n北京市,海河流域,东店,04-01 08:00,Ⅲ,14.6,7.75,5.70,731.2,36.4,5.54,0.139,0.084,4.46,*,*,正常\n北京市,海河流域,古北口,,,*,*,*,*,*,*,*,*,*,*,*,停站\n"
        );
        let file = parsed(&text, None);
        assert_eq!(file.down_rows, vec![3]);
        assert_eq!(file.rejects.len(), 1);
        assert_eq!(file.rejects[0].line, 2);
        assert!(file.rejects[0].reason.contains("--year"));
    }

    #[test]
    fn a_row_of_the_wrong_width_or_with_a_bad_snapshot_time_is_rejected_with_its_line() {
        let raw: Vec<String> = crate::PARAMETERS
            .iter()
            .map(|parameter| format!("{}_原始值", parameter.column))
            .collect();
        let text = format!(
            "{STANDARD},抓取时间(快照),{}\n北京市,海河流域,东店\n北京市,海河流域,东店,11-06 20:00,Ⅱ,10.0,8,14.7,762.9,33.4,1.6,0.05,0.034,14.17,*,*,正常,yesterday,,,,,,,,,,,\n",
            raw.join(",")
        );
        let file = parsed(&text, None);
        assert_eq!(file.rows_read, 2);
        assert_eq!(
            file.rejects,
            vec![
                Reject {
                    line: 2,
                    reason: "the row has 3 fields, the header 29".to_owned()
                },
                Reject {
                    line: 3,
                    reason: "the snapshot time `yesterday` is not YYYYMMDDTHHMMSS or YYYYMMDD"
                        .to_owned()
                },
            ]
        );
    }

    #[test]
    fn an_empty_file_or_an_unknown_header_refuses_the_file() {
        assert!(matches!(
            parse_csv(b"", &ParseOptions::default()),
            Err(FileError::Empty)
        ));
        assert!(matches!(
            parse_csv("\u{feff}".as_bytes(), &ParseOptions::default()),
            Err(FileError::Empty)
        ));
        assert!(matches!(
            parse_csv(b"a,b\n1,2\n", &ParseOptions::default()),
            Err(FileError::UnknownColumn(_))
        ));
    }

    #[test]
    fn lines_are_counted_across_crlf_lone_cr_and_blank_lines() {
        let mut lines = LineCounter::new(b"h\r\na\r\n\r\nb\rc\n\nd\n");
        // Offsets as the csv reader gives them: `b` is said to start at the CRLF ending `a`'s line.
        let starts = [Some(3), Some(4), Some(10), Some(11), None];
        let found: Vec<usize> = starts.iter().map(|start| lines.line_at(*start)).collect();
        assert_eq!(found, vec![2, 4, 5, 7, 8]);
    }

    #[test]
    fn the_hash_is_of_the_bytes_as_received() {
        let text = format!("\u{feff}{STANDARD}\n");
        assert_eq!(
            parsed(&text, None).sha256_hex,
            crate::sha256_hex(text.as_bytes())
        );
    }
}
