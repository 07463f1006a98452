//! Hostile inputs for the importer: slices of the real published files (examples/data/cnemc/)
//! with cells replaced by hostile values (`1e999`, `NaN`, em dashes, quotes, impossible times),
//! lines duplicated, dropped or widened, headers repeated, CR/LF mixes, byte order marks, very
//! long lines, invalid UTF-8 and plain byte damage; the JSON day file with cells, rows and
//! headers replaced by hostile JSON. Nothing may panic, and every file that is read keeps the
//! invariants of `ParsedFile`.
//!
//! Long run (`PROPTEST_CASES` replaces the CI case count of every property here):
//! `PROPTEST_CASES=100000 cargo test -p basin-cnemc --test hostile_files`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;
mod hostile;

use std::sync::OnceLock;

use basin_cnemc::{
    normalise_name, parse_csv, parse_file, parse_json_day, FileError, ParseOptions, ParsedFile,
    PARAMETERS,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use hostile::{apply_byte_edit, byte_edit, check, is_plain_decimal, ByteEdit, Rng, HOSTILE_CELLS};

/// Years a caller may pass, chrono's limits included.
const YEARS: [Option<i32>; 8] = [
    None,
    Some(2020),
    Some(2021),
    Some(0),
    Some(-262_143),
    Some(262_142),
    Some(i32::MIN),
    Some(i32::MAX),
];

/// Header texts: duplicates, unknown columns, both date columns, padded names.
const HEADER_CELLS: &[&str] = &[
    "省份",
    " 省份 ",
    "流量",
    "数据日期(源文件名)",
    "抓取时间(快照)",
    "水温(℃)_原始值",
    "总磷(mg/L)",
    "来源",
    "",
    "\u{feff}省份",
];

#[derive(Debug, Clone)]
enum CsvEdit {
    Cell {
        line: usize,
        column: usize,
        text: &'static str,
    },
    LongCell {
        line: usize,
        column: usize,
        length: usize,
    },
    DuplicateLine {
        line: usize,
    },
    DeleteLine {
        line: usize,
    },
    ExtraColumn {
        line: usize,
    },
    DropColumn {
        line: usize,
    },
    LineEndings {
        to: &'static [u8],
        every: usize,
    },
    Bytes(ByteEdit),
}

#[derive(Debug, Clone)]
enum Edit {
    /// Which fixture, how many data lines from where, and the year passed.
    Csv {
        file: usize,
        first: usize,
        count: usize,
        year: usize,
    },
    Json {
        first: usize,
        count: usize,
        year: usize,
    },
    CsvEdit(CsvEdit),
    JsonCell {
        row: usize,
        column: usize,
        cell: Value,
    },
    JsonRow {
        row: usize,
        cells: usize,
    },
    JsonHead {
        column: usize,
        cell: Value,
    },
}

fn csv_fixture(file: usize) -> &'static Vec<u8> {
    static FILES: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    let files = FILES.get_or_init(|| {
        [common::DAILY, common::FOUR_HOURLY, common::SNAPSHOTS]
            .iter()
            .map(|name| common::bytes(name))
            .collect()
    });
    &files[file % files.len()]
}

fn json_fixture() -> &'static Value {
    static DAY: OnceLock<Value> = OnceLock::new();
    DAY.get_or_init(|| {
        serde_json::from_slice(&common::bytes(common::RAW_API_DAY))
            .unwrap_or_else(|error| panic!("{}: {error}", common::RAW_API_DAY))
    })
}

fn hostile_json_cell(rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 => Value::Null,
        1 => json!(true),
        2 => serde_json::from_str(rng.pick(&["0.93", "-0", "1e308", "18446744073709551616", "7"]))
            .unwrap_or(Value::Null),
        3 => (0..1 + rng.below(200)).fold(json!("deep"), |inner, _| json!([inner])),
        4 => json!({"text": "08-15 08:00"}),
        5 => json!("x".repeat(1 + rng.below(100_000))),
        _ => json!(rng.pick(HOSTILE_CELLS)),
    }
}

fn csv_edit(rng: &mut Rng) -> CsvEdit {
    // A tenth of the cell edits hit the header.
    let line = if rng.percent(10) { 0 } else { rng.below(64) };
    let column = rng.below(40);
    match rng.below(12) {
        0..=3 => CsvEdit::Cell {
            line,
            column,
            text: if line == 0 {
                rng.pick(HEADER_CELLS)
            } else {
                rng.pick(HOSTILE_CELLS)
            },
        },
        4 => CsvEdit::LongCell {
            line,
            column,
            length: rng.pick(&[1_000, 100_000]),
        },
        5 => CsvEdit::DuplicateLine { line },
        6 => CsvEdit::DeleteLine { line },
        7 => CsvEdit::ExtraColumn { line },
        8 => CsvEdit::DropColumn { line },
        9 => CsvEdit::LineEndings {
            to: rng.pick(&[b"\r\n".as_slice(), b"\r", b"\n\n", "\u{feff}\n".as_bytes()]),
            every: 1 + rng.below(3),
        },
        _ => CsvEdit::Bytes(byte_edit(rng)),
    }
}

fn generate(rng: &mut Rng) -> Vec<Edit> {
    // Mostly a few dozen lines, sometimes a whole file.
    let count = if rng.percent(5) {
        usize::MAX
    } else {
        rng.below(40)
    };
    let (first, year) = (rng.below(2_000), rng.below(YEARS.len()));
    let json = rng.percent(30);
    let mut edits = vec![if json {
        Edit::Json { first, count, year }
    } else {
        Edit::Csv {
            file: rng.below(3),
            first,
            count,
            year,
        }
    }];
    for _ in 0..rng.below(4) {
        edits.push(match (json, rng.below(10)) {
            (true, 0..=3) => Edit::JsonCell {
                row: rng.below(64),
                column: rng.below(20),
                cell: hostile_json_cell(rng),
            },
            (true, 4) => Edit::JsonRow {
                row: rng.below(64),
                cells: rng.below(20),
            },
            (true, 5) => Edit::JsonHead {
                column: rng.below(20),
                cell: hostile_json_cell(rng),
            },
            (true, _) => Edit::CsvEdit(CsvEdit::Bytes(byte_edit(rng))),
            (false, _) => Edit::CsvEdit(csv_edit(rng)),
        });
    }
    edits
}

fn lines_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    bytes
        .split(|byte| *byte == b'\n')
        .map(<[u8]>::to_vec)
        .collect()
}

fn edit_cell(line: &mut Vec<u8>, column: usize, text: &[u8]) {
    let mut cells: Vec<Vec<u8>> = line
        .split(|byte| *byte == b',')
        .map(<[u8]>::to_vec)
        .collect();
    let column = column % cells.len();
    let ending = if cells[column].ends_with(b"\r") {
        b"\r".as_slice()
    } else {
        b""
    };
    cells[column] = [text, ending].concat();
    *line = cells.join(b",".as_slice());
}

fn apply_csv_edit(bytes: &mut Vec<u8>, edit: &CsvEdit) {
    let mut lines = lines_of(bytes);
    let count = lines.len();
    let at = |line: usize| line % count;
    match edit {
        CsvEdit::Cell { line, column, text } => {
            edit_cell(&mut lines[at(*line)], *column, text.as_bytes())
        }
        CsvEdit::LongCell {
            line,
            column,
            length,
        } => {
            let line = at(*line);
            edit_cell(&mut lines[line], *column, &vec![b'9'; *length]);
        }
        CsvEdit::DuplicateLine { line } => {
            let line = at(*line);
            lines.insert(line, lines[line].clone());
        }
        CsvEdit::DeleteLine { line } => {
            lines.remove(at(*line));
        }
        CsvEdit::ExtraColumn { line } => {
            let line = at(*line);
            edit_cell(&mut lines[line], usize::MAX, b"x,\xe6\xb5\x81\xe9\x87\x8f");
        }
        CsvEdit::DropColumn { line } => {
            let line = at(*line);
            if let Some(comma) = lines[line].iter().rposition(|byte| *byte == b',') {
                lines[line].truncate(comma);
            }
        }
        CsvEdit::LineEndings { to, every } => {
            let mut joined = Vec::with_capacity(bytes.len());
            for (index, line) in lines.iter().enumerate() {
                if index > 0 {
                    joined.extend_from_slice(if index % every == 0 { to } else { b"\n" });
                }
                joined.extend_from_slice(line);
            }
            *bytes = joined;
            return;
        }
        CsvEdit::Bytes(edit) => {
            apply_byte_edit(bytes, edit);
            return;
        }
    }
    *bytes = lines.join(b"\n".as_slice());
}

/// The header and `count` data lines from `first` on (modulo the file), or the whole file.
fn csv_slice(file: usize, first: usize, count: usize) -> Vec<u8> {
    let whole = csv_fixture(file);
    if count == usize::MAX {
        return whole.clone();
    }
    let lines = lines_of(whole);
    let data = &lines[1..];
    let first = first % data.len();
    let mut slice = lines[0].clone();
    for line in data.iter().skip(first).take(count) {
        slice.push(b'\n');
        slice.extend_from_slice(line);
    }
    slice.push(b'\n');
    slice
}

fn json_slice(first: usize, count: usize) -> Value {
    let mut day = json_fixture().clone();
    if count != usize::MAX {
        if let Some(rows) = day["tbody"].as_array_mut() {
            let first = first % rows.len();
            *rows = rows.iter().skip(first).take(count).cloned().collect();
        }
    }
    day
}

fn edit_json(day: &mut Value, edit: &Edit) {
    let row_count = day["tbody"].as_array().map_or(0, Vec::len);
    match edit {
        Edit::JsonCell { row, column, cell } if row_count > 0 => {
            if let Some(cells) = day["tbody"][row % row_count].as_array_mut() {
                if !cells.is_empty() {
                    let column = column % cells.len();
                    cells[column] = cell.clone();
                }
            }
        }
        Edit::JsonRow { row, cells } if row_count > 0 => {
            if let Some(row) = day["tbody"][row % row_count].as_array_mut() {
                row.resize(*cells, json!("--"));
            }
        }
        Edit::JsonHead { column, cell } => {
            if let Some(head) = day["thead"].as_array_mut() {
                let column = column % head.len().max(1);
                if column < head.len() {
                    head[column] = cell.clone();
                }
            }
        }
        _ => {}
    }
}

/// The file's bytes and the year to pass, from its edits.
fn file_of(edits: &[Edit]) -> (Vec<u8>, Option<i32>) {
    let (mut bytes, mut year, mut day) = (Vec::new(), None, None);
    for edit in edits {
        match edit {
            Edit::Csv {
                file,
                first,
                count,
                year: choice,
            } => {
                bytes = csv_slice(*file, *first, *count);
                year = YEARS[*choice];
            }
            Edit::Json {
                first,
                count,
                year: choice,
            } => {
                day = Some(json_slice(*first, *count));
                year = YEARS[*choice];
            }
            Edit::CsvEdit(edit) => {
                if let Some(day) = day.take() {
                    bytes = serde_json::to_vec(&day).unwrap_or_default();
                }
                apply_csv_edit(&mut bytes, edit);
            }
            json_edit => {
                if let Some(day) = day.as_mut() {
                    edit_json(day, json_edit);
                }
            }
        }
    }
    if let Some(day) = day {
        bytes = serde_json::to_vec(&day).unwrap_or_default();
    }
    (bytes, year)
}

/// Physical lines, ending at LF, CRLF or a lone CR, as the importer numbers them.
fn physical_lines(bytes: &[u8]) -> Vec<&[u8]> {
    let mut rest = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut lines = Vec::new();
    while let Some(at) = rest
        .iter()
        .position(|byte| *byte == b'\r' || *byte == b'\n')
    {
        lines.push(&rest[..at]);
        let ending = if rest[at..].starts_with(b"\r\n") {
            2
        } else {
            1
        };
        rest = &rest[at + ending..];
    }
    lines.push(rest);
    lines
}

fn check_parsed(parsed: &ParsedFile, bytes: &[u8], is_json: bool) -> Result<(), String> {
    let counted = parsed.rows.len() + parsed.down_rows.len() + parsed.rejects.len();
    if parsed.rows_read != counted {
        return Err(format!(
            "rows_read {} but {counted} rows, down rows and rejects",
            parsed.rows_read
        ));
    }
    if parsed.sha256_hex != hex::encode(Sha256::digest(bytes)) {
        return Err("the hash is not of the bytes as received".to_owned());
    }
    let mut lines: Vec<usize> = parsed.rows.iter().map(|row| row.line).collect();
    lines.extend(&parsed.down_rows);
    lines.extend(parsed.rejects.iter().map(|reject| reject.line));
    lines.sort_unstable();
    let physical = physical_lines(bytes);
    let last_line = if is_json {
        parsed.rows_read + 1
    } else {
        physical.len()
    };
    let distinct = lines.windows(2).all(|pair| pair[0] < pair[1]);
    let in_file = lines.iter().all(|line| (2..=last_line).contains(line));
    let complete = !is_json || lines == (2..2 + parsed.rows_read).collect::<Vec<_>>();
    if !(distinct && in_file && complete) {
        return Err(format!(
            "line numbers {lines:?} do not fit a file of {last_line} lines"
        ));
    }
    // Without quotes a record is one physical line, and a row's line shows its station.
    let lines_are_records = !is_json && !bytes.contains(&b'"');
    for row in &parsed.rows {
        let name = row.published_name.as_bytes();
        let shows_name = |line: &[u8]| line.windows(name.len()).any(|window| window == name);
        if lines_are_records && !shows_name(physical[row.line - 1]) {
            return Err(format!(
                "line {} does not show {:?}",
                row.line, row.published_name
            ));
        }
        let trimmed = |text: &str| !text.is_empty() && text.trim() == text;
        if !trimmed(&row.province)
            || !trimmed(&row.published_name)
            || row.name != normalise_name(&row.published_name)
        {
            return Err(format!(
                "line {}: province or name not kept as published: {row:?}",
                row.line
            ));
        }
        for (code, value) in &row.values {
            if !PARAMETERS.iter().any(|parameter| parameter.code == *code)
                || !is_plain_decimal(value)
            {
                return Err(format!(
                    "line {}: {code} = {value:?} is not a plain decimal of a known parameter",
                    row.line
                ));
            }
        }
    }
    Ok(())
}

fn check_file(edits: &[Edit]) -> Result<(), String> {
    let (bytes, year) = file_of(edits);
    let options = ParseOptions { year };
    let by_kind = |result: Result<ParsedFile, FileError>, is_json: bool| match result {
        Ok(parsed) => check_parsed(&parsed, &bytes, is_json).map(|()| format!("{parsed:?}")),
        Err(error) if error.to_string().is_empty() => Err(format!("{error:?} has no message")),
        Err(error) => Ok(format!("{error:?}")),
    };
    let csv = by_kind(parse_csv(&bytes, &options), false)?;
    let json = by_kind(parse_json_day(&bytes, &options), true)?;
    let starts_like_json = bytes
        .strip_prefix(b"\xEF\xBB\xBF")
        .unwrap_or(&bytes)
        .iter()
        .find(|byte| !byte.is_ascii_whitespace())
        == Some(&b'{');
    let chosen = by_kind(parse_file(&bytes, &options), starts_like_json);
    let expected = if starts_like_json { json } else { csv };
    if chosen.as_ref().ok() != Some(&expected) {
        return Err(format!("parse_file chose differently: {chosen:?}"));
    }
    Ok(())
}

#[test]
fn the_unedited_fixtures_keep_the_invariants() {
    for file in 0..3 {
        let edits = [Edit::Csv {
            file,
            first: 0,
            count: usize::MAX,
            year: 2,
        }];
        assert_eq!(check_file(&edits), Ok(()));
    }
    let edits = [Edit::Json {
        first: 0,
        count: usize::MAX,
        year: 1,
    }];
    assert_eq!(check_file(&edits), Ok(()));
}

#[test]
fn edited_published_files_never_panic_and_every_file_read_keeps_its_invariants() {
    check("edited_published_files", 256, generate, check_file);
}
