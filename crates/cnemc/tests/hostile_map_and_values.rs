//! Hostile inputs for the station map (`StationMap::parse`, over the real
//! examples/data/cnemc/map.csv with lines repeated, dropped and widened, names padded with
//! full-width spaces, quotes, CR/LF mixes and byte damage) and for value text
//! (`decimal_text`, on strings from the alphabet `-+.0123456789eE nNaI` and on E-notation
//! whose exact value is computed here with integers).
//!
//! Long run (`PROPTEST_CASES` replaces the CI case count of every property here):
//! `PROPTEST_CASES=100000 cargo test -p basin-cnemc --test hostile_map_and_values`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;
mod hostile;

use basin_cnemc::{decimal_text, normalise_name, DecimalError, MapError, StationMap};

use hostile::{apply_byte_edit, byte_edit, check, is_plain_decimal, ByteEdit, Rng};

const MAP_CELLS: &[&str] = &[
    "",
    " ",
    "北京市",
    "\u{3000}北京市\u{3000}",
    "河北省",
    "大沙地",
    "广北滨河路（桥）",
    "广北滨河路(桥)",
    "a b",
    "\"",
    "\"x,y\"",
    "\u{feff}",
    "\u{2014}",
    "+",
    "station-auto",
];

#[derive(Debug, Clone)]
enum MapEdit {
    Lines {
        count: usize,
    },
    Cell {
        line: usize,
        column: usize,
        text: &'static str,
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
    LineEndings {
        to: &'static str,
    },
    Bytes(ByteEdit),
}

fn generate_map(rng: &mut Rng) -> Vec<MapEdit> {
    let count = if rng.percent(20) {
        usize::MAX
    } else {
        rng.below(12)
    };
    let mut edits = vec![MapEdit::Lines { count }];
    for _ in 0..rng.below(4) {
        let (line, column) = (rng.below(16), rng.below(4));
        edits.push(match rng.below(8) {
            0..=2 => MapEdit::Cell {
                line,
                column,
                text: rng.pick(MAP_CELLS),
            },
            3 => MapEdit::DuplicateLine { line },
            4 => MapEdit::DeleteLine { line },
            5 => MapEdit::ExtraColumn { line },
            6 => MapEdit::LineEndings {
                to: rng.pick(&["\r\n", "\r", "\n\n"]),
            },
            _ => MapEdit::Bytes(byte_edit(rng)),
        });
    }
    edits
}

fn map_of(edits: &[MapEdit]) -> Vec<u8> {
    let whole = String::from_utf8(common::bytes(common::MAP)).unwrap_or_default();
    let mut bytes = Vec::new();
    for edit in edits {
        let text = String::from_utf8_lossy(&bytes).into_owned();
        let mut lines: Vec<String> = text.split('\n').map(str::to_owned).collect();
        let at = |line: usize| line % lines.len();
        match edit {
            MapEdit::Lines { count } => {
                bytes = whole
                    .lines()
                    .take(count.saturating_add(1))
                    .flat_map(|line| [line, "\n"])
                    .collect::<String>()
                    .into_bytes();
                continue;
            }
            MapEdit::Bytes(edit) => {
                apply_byte_edit(&mut bytes, edit);
                continue;
            }
            MapEdit::Cell { line, column, text } => {
                let line = at(*line);
                let mut cells: Vec<&str> = lines[line].split(',').collect();
                let column = column % cells.len();
                cells[column] = text;
                lines[line] = cells.join(",");
            }
            MapEdit::DuplicateLine { line } => {
                let line = at(*line);
                lines.insert(line, lines[line].clone());
            }
            MapEdit::DeleteLine { line } => {
                lines.remove(at(*line));
            }
            MapEdit::ExtraColumn { line } => {
                let line = at(*line);
                lines[line].push_str(",extra");
            }
            MapEdit::LineEndings { to } => {
                bytes = lines.join(to).into_bytes();
                continue;
            }
        }
        bytes = lines.join("\n").into_bytes();
    }
    bytes
}

/// Lines as the importer numbers them: each ends at LF, CRLF or a lone CR.
fn physical_lines(text: &str) -> Vec<&str> {
    let mut lines = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(['\r', '\n']) {
        lines.push(&rest[..at]);
        let ending = if rest[at..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[at + ending..];
    }
    lines.push(rest);
    lines
}

/// The trimmed cells of physical line `line` (1-based).
fn cells_of<'a>(lines: &[&'a str], line: usize) -> Vec<&'a str> {
    let text = lines
        .get(line.wrapping_sub(1))
        .copied()
        .unwrap_or("\u{0}missing");
    text.split(',').map(str::trim).collect()
}

/// A map that is read holds exactly its data lines, each found under its own province and
/// name; a map that is refused names the lines at fault. Checked for maps without quotes,
/// whose lines and fields a plain split finds.
fn check_map(edits: &[MapEdit]) -> Result<(), String> {
    let bytes = map_of(edits);
    let parsed = StationMap::parse(&bytes);
    if let Err(error) = &parsed {
        if error.to_string().is_empty() {
            return Err(format!("{error:?} has no message"));
        }
    }
    let Ok(text) = std::str::from_utf8(&bytes) else {
        return Ok(());
    };
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.contains('"') {
        return Ok(());
    }
    let lines = physical_lines(text);
    match parsed {
        Err(MapError::Duplicate {
            line,
            first_line,
            province,
            name,
        }) => {
            for at in [first_line, line] {
                let cells = cells_of(&lines, at);
                if first_line >= line
                    || cells.len() != 3
                    || (cells[0], normalise_name(cells[1])) != (province.as_str(), name.clone())
                {
                    return Err(format!("duplicate ({province}, {name}) reported on lines {first_line} and {line}: {lines:?}"));
                }
            }
            Ok(())
        }
        Err(MapError::Line { line, reason }) if line > 1 => {
            let cells = cells_of(&lines, line);
            if cells.len() == 3 && cells.iter().all(|cell| !cell.is_empty()) {
                return Err(format!(
                    "line {line} refused ({reason}) but reads {cells:?}"
                ));
            }
            Ok(())
        }
        Err(_) => Ok(()),
        Ok(map) => {
            let data: Vec<&str> = lines
                .into_iter()
                .filter(|line| !line.is_empty())
                .skip(1)
                .collect();
            if map.len() != data.len() {
                return Err(format!(
                    "{} stations from {} data lines",
                    map.len(),
                    data.len()
                ));
            }
            for line in data {
                let cells: Vec<&str> = line.split(',').map(str::trim).collect();
                if cells.len() != 3 || map.lookup(cells[0], cells[1]) != Some(cells[2]) {
                    return Err(format!(
                        "line {line:?} is not found under its own province and name"
                    ));
                }
            }
            Ok(())
        }
    }
}

/// A value text: from the alphabet, or E-notation near the edges of the exponent limit.
#[derive(Debug, Clone)]
enum ValueEdit {
    Alphabet(String),
    Scientific {
        negative: bool,
        mantissa: String,
        exponent: i32,
        padded: bool,
    },
}

fn generate_value(rng: &mut Rng) -> Vec<ValueEdit> {
    if rng.percent(50) {
        let alphabet: Vec<char> = "-+.0123456789eE nNaI".chars().collect();
        let text = (0..rng.below(20)).map(|_| rng.pick(&alphabet)).collect();
        return vec![ValueEdit::Alphabet(text)];
    }
    let digits = 1 + rng.below(18);
    let mut mantissa: String = (0..digits)
        .map(|_| char::from(b'0' + rng.below(10) as u8))
        .collect();
    if digits > 1 && rng.percent(70) {
        mantissa.insert(1 + rng.below(digits - 1), '.');
    }
    let exponent = rng.below(71) as i32 - 35;
    vec![ValueEdit::Scientific {
        negative: rng.percent(30),
        mantissa,
        exponent,
        padded: rng.percent(20),
    }]
}

/// `mantissa × 10^exponent` times 10^6, rounded half to even, as a signed integer: the value
/// `decimal_text` must write with six decimals. `None` when it does not fit an `i128`.
fn micro_units(negative: bool, mantissa: &str, exponent: i32) -> Option<i128> {
    let scale = mantissa
        .split_once('.')
        .map_or(0, |(_, fraction)| fraction.len()) as i32;
    let digits: i128 = mantissa.replace('.', "").parse().ok()?;
    let shift = exponent - scale + 6;
    let magnitude = if shift >= 0 {
        digits.checked_mul(10_i128.checked_pow(shift.unsigned_abs())?)?
    } else {
        // Fewer than 19 digits shifted by more than 38 places round to zero.
        let Some(divisor) = 10_i128.checked_pow(shift.unsigned_abs()) else {
            return Some(0);
        };
        let (quotient, remainder) = (digits / divisor, digits % divisor);
        let half = divisor / 2;
        quotient + i128::from(remainder > half || (remainder == half && quotient % 2 == 1))
    };
    Some(if negative { -magnitude } else { magnitude })
}

/// The plain decimal text as an integer count of millionths.
fn written_micro_units(text: &str) -> Option<i128> {
    let (negative, unsigned) = text
        .strip_prefix('-')
        .map_or((false, text), |rest| (true, rest));
    let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
    let units: i128 = format!("{whole}{fraction:0<6}").parse().ok()?;
    Some(if negative { -units } else { units })
}

fn check_value(edits: &[ValueEdit]) -> Result<(), String> {
    let (text, exact) = match &edits[0] {
        ValueEdit::Alphabet(text) => (text.clone(), None),
        ValueEdit::Scientific {
            negative,
            mantissa,
            exponent,
            padded,
        } => {
            let sign = if *negative { "-" } else { "" };
            let pad = if *padded { " " } else { "" };
            let text = format!("{pad}{sign}{mantissa}E{exponent:+03}{pad}");
            (text, Some((*negative, mantissa.clone(), *exponent)))
        }
    };
    let written = decimal_text(&text);
    match (&written, exact) {
        (Ok(plain), _) if !is_plain_decimal(plain) => Err(format!("{text:?} became {plain:?}")),
        (Ok(plain), _) if is_plain_decimal(text.trim()) && plain != text.trim() => {
            Err(format!("{text:?} fits and must be kept, became {plain:?}"))
        }
        (Ok(plain), Some((_, _, exponent))) if exponent.unsigned_abs() > 30 => Err(format!(
            "{text:?} is beyond the exponent limit, became {plain:?}"
        )),
        (Ok(plain), Some((negative, mantissa, exponent))) => {
            match micro_units(negative, &mantissa, exponent) {
                Some(expected) if written_micro_units(plain) != Some(expected) => Err(format!(
                    "{text:?} became {plain:?}, expected {expected} millionths"
                )),
                _ => Ok(()),
            }
        }
        (Err(DecimalError::ExponentTooLarge(_)), Some((_, _, exponent)))
            if exponent.unsigned_abs() <= 30 =>
        {
            Err(format!("{text:?}: {written:?}"))
        }
        (Err(DecimalError::NotADecimal(_)), Some(_)) => Err(format!("{text:?}: {written:?}")),
        (Err(_), Some((_, _, exponent))) if exponent.unsigned_abs() <= 30 => {
            Err(format!("{text:?}: {written:?}"))
        }
        _ => Ok(()),
    }
}

#[test]
fn a_refused_map_names_its_physical_lines_after_crlf_lone_cr_and_blank_lines() {
    for ending in ["\n", "\r\n", "\r"] {
        let lines = ["province,name,station", "", "北京市,a,x", "", "北京市,a,y"];
        let duplicate = StationMap::parse(lines.join(ending).as_bytes());
        assert!(
            matches!(
                duplicate,
                Err(MapError::Duplicate {
                    line: 5,
                    first_line: 3,
                    ..
                })
            ),
            "{ending:?}: {duplicate:?}"
        );
        let short = StationMap::parse(lines[..4].join(ending).replace(",x", "").as_bytes());
        assert!(
            matches!(short, Err(MapError::Line { line: 3, .. })),
            "{ending:?}: {short:?}"
        );
    }
}

#[test]
fn the_unedited_map_holds_every_line() {
    assert_eq!(check_map(&[MapEdit::Lines { count: usize::MAX }]), Ok(()));
}

#[test]
fn edited_station_maps_never_panic_and_a_map_read_holds_exactly_its_lines() {
    check("edited_station_maps", 256, generate_map, check_map);
}

#[test]
fn value_text_becomes_a_plain_decimal_of_the_exact_value_rounded_half_to_even_or_is_refused() {
    check("value_text", 1024, generate_value, check_value);
}
