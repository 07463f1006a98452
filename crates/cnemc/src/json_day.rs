//! The publishing API's raw answer for one day: `{"thead": [...], "tbody": [[...], ...]}`, cells
//! wrapped in HTML spans whose tooltips hold the unrounded value (`原始值：26.08862`) or the city
//! and river of a station. The day is not in the content, so the year comes from `--year`.

use serde::Deserialize;
use serde_json::Value;

use crate::error::FileError;
use crate::html::{first_title, text_content};
use crate::layout::Layout;
use crate::parameter::PARAMETER_COUNT;
use crate::parsed::ParsedFile;
use crate::record::{FileCollector, PublishedRow, ValueCells};
use crate::time::YearSource;
use crate::{without_byte_order_mark, ParseOptions};

/// `tbody[i]` is reported as line `i + FIRST_ROW_LINE`: `thead` plays the header's line 1, so
/// line numbers mean the same as in the CSV files.
const FIRST_ROW_LINE: usize = 2;

/// Tooltip prefixes of a raw value; the API writes the full-width colon.
const RAW_VALUE_PREFIXES: [&str; 2] = ["原始值：", "原始值:"];

#[derive(Deserialize)]
struct ApiDay {
    thead: Vec<String>,
    tbody: Vec<Vec<Value>>,
}

/// A cell's visible text and its raw value tooltip, if any.
struct Cell {
    text: String,
    raw: Option<String>,
}

/// Reads the API's JSON day file. A malformed document or header refuses the file; a malformed
/// row is rejected with its line.
pub fn parse_json_day(bytes: &[u8], options: &ParseOptions) -> Result<ParsedFile, FileError> {
    let day: ApiDay = serde_json::from_slice(without_byte_order_mark(bytes))?;
    let header: Vec<String> = day.thead.iter().map(|cell| text_content(cell)).collect();
    let layout = Layout::from_header(&header)?;
    let year_source = options.year.map_or(YearSource::Unknown, YearSource::Year);
    let mut collector = FileCollector::new(bytes);
    for (index, cells) in day.tbody.iter().enumerate() {
        let line = index + FIRST_ROW_LINE;
        if cells.len() != layout.width {
            collector.reject(
                line,
                format!("the row has {} cells, thead {}", cells.len(), layout.width),
            )?;
            continue;
        }
        let cells: Option<Vec<Cell>> = cells.iter().map(cell).collect();
        let Some(cells) = cells else {
            collector.reject(line, "a cell is neither text nor null".to_owned())?;
            continue;
        };
        let mut values = [ValueCells::default(); PARAMETER_COUNT];
        for (index, value) in values.iter_mut().enumerate() {
            let cell = &cells[layout.values[index]];
            value.displayed = &cell.text;
            value.raw = cell.raw.as_deref();
        }
        collector.add(&PublishedRow {
            line,
            province: &cells[layout.province].text,
            name: &cells[layout.name].text,
            time: &cells[layout.time].text,
            status: &cells[layout.status].text,
            values,
            year_source: Ok(year_source),
        })?;
    }
    Ok(collector.finish())
}

/// Null (a missing time) reads as empty text. Numbers are refused: serde_json would have turned
/// them into binary floating point, and values must stay exact text.
fn cell(value: &Value) -> Option<Cell> {
    match value {
        Value::Null => Some(Cell {
            text: String::new(),
            raw: None,
        }),
        Value::String(html) => Some(Cell {
            text: text_content(html),
            raw: first_title(html).and_then(|title| {
                RAW_VALUE_PREFIXES.iter().find_map(|prefix| {
                    title
                        .trim()
                        .strip_prefix(prefix)
                        .map(|raw| raw.trim().to_owned())
                })
            }),
        }),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parsed::{Reject, RowStatus};

    const THEAD: &str = r#"["省份", "流域", "断面名称", "监测时间", "水质类别", "水温<br/><span class='unit'>(℃)</span>", "pH<br/><span class='unit'>(无量纲)</span>", "溶解氧<br/><span class='unit'>(mg/L)</span>", "电导率<br/><span class='unit'>(μS/cm)</span>", "浊度<br/><span class='unit'>(NTU)</span>", "高锰酸盐指数<br/><span class='unit'>(mg/L)</span>", "氨氮<br/><span class='unit'>(mg/L)</span>", "总磷<br/><span class='unit'>(mg/L)</span>", "总氮<br/><span class='unit'>(mg/L)</span>", "叶绿素α<br/><span class='unit'>(mg/L)</span>", "藻密度<br/><span class='unit'>(cells/L)</span>", "站点情况"]"#;
    const GUBEIKOU: &str = r#"["北京市", "海河流域", "<span data-toggle='tooltip' data-placement='right' title='所在地市:密云区&#10;所属河流:潮河'>古北口</span>", "08-15 08:00", "", "<span title='原始值：25.64325'>25.6</span>", "<span title='原始值：6.87098'>6.87</span>", "<span title='原始值：5.6496'>5.65</span>", "--", "--", "0.93", "<span title='极值过滤'>--</span>", "<span title='原始值：0.0031'>0.003</span>", "<span title='原始值：3.1282'>3.13</span>", "*", "*", "维护"]"#;
    const DOWN: &str = r#"["天津市", "海河流域", "<span title='所在地市:河北区&#10;所属河流:海河'>三岔口</span>", null, "", "--", "--", "--", "--", "--", "--", "--", "--", "--", "--", "--", "停站"]"#;

    fn day(rows: &[&str], year: Option<i32>) -> Result<ParsedFile, FileError> {
        let json = format!(
            r#"{{"result": 1, "thead": {THEAD}, "tbody": [{}]}}"#,
            rows.join(",")
        );
        parse_json_day(json.as_bytes(), &ParseOptions { year })
    }

    #[test]
    fn spans_are_stripped_and_raw_value_tooltips_preferred() {
        let parsed = day(&[GUBEIKOU, DOWN], Some(2020)).map_err(|error| error.to_string());
        let parsed = match parsed {
            Ok(parsed) => parsed,
            Err(error) => panic!("{error}"),
        };
        assert_eq!((parsed.rows_read, parsed.down_rows.clone()), (2, vec![3]));
        let row = &parsed.rows[0];
        assert_eq!((row.line, row.name.as_str()), (2, "古北口"));
        assert_eq!(row.sampled_at.to_rfc3339(), "2020-08-15T00:00:00+00:00");
        assert_eq!(
            row.status,
            RowStatus::Invalid {
                reason: "维护".to_owned()
            }
        );
        let values: Vec<(&str, &str)> = row
            .values
            .iter()
            .map(|(code, value)| (*code, value.as_str()))
            .collect();
        assert_eq!(
            values,
            vec![
                ("codmn", "0.93"),
                ("do", "5.6496"),
                ("ph", "6.87098"),
                ("temp", "25.64325"),
                ("tn", "3.1282"),
                ("tp", "0.0031")
            ]
        );
    }

    #[test]
    fn without_a_year_every_timed_row_is_rejected() {
        let parsed = day(&[GUBEIKOU, DOWN], None).map_err(|error| error.to_string());
        assert_eq!(parsed.as_ref().map(|parsed| parsed.rejects.len()), Ok(1));
        assert_eq!(parsed.as_ref().map(|parsed| parsed.down_rows.len()), Ok(1));
    }

    #[test]
    fn numeric_cells_and_short_rows_are_rejected_with_their_line() {
        let numeric = GUBEIKOU.replace("\"0.93\"", "0.93");
        let parsed =
            day(&[r#"["北京市"]"#, &numeric], Some(2020)).map_err(|error| error.to_string());
        assert_eq!(
            parsed.map(|parsed| parsed.rejects),
            Ok(vec![
                Reject {
                    line: 2,
                    reason: "the row has 1 cells, thead 17".to_owned()
                },
                Reject {
                    line: 3,
                    reason: "a cell is neither text nor null".to_owned()
                },
            ])
        );
    }

    #[test]
    fn a_document_that_is_not_the_api_shape_refuses_the_file() {
        let options = ParseOptions::default();
        assert!(matches!(
            parse_json_day(b"{\"rows\": []}", &options),
            Err(FileError::Json(_))
        ));
        assert!(matches!(
            parse_json_day(b"not json", &options),
            Err(FileError::Json(_))
        ));
    }
}
