//! Hostile times and years for the year rule: the real 4-hourly, daily and JSON files with
//! every row's `MM-DD HH:MM` replaced by times at the edges of the calendar (New Year's Eve
//! and Day, 29 February, midnight, 31 April), file dates from 0001-01-01 to 9999-12-31, and
//! `--year` up to chrono's limits and `i32` extremes. Each row must be a reading at exactly the
//! instant the year rule gives, computed here independently, or a reject; nothing may panic.
//!
//! Long run (`PROPTEST_CASES` replaces the CI case count of every property here):
//! `PROPTEST_CASES=100000 cargo test -p basin-cnemc --test hostile_times`

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;
mod hostile;

use std::collections::BTreeMap;

use basin_cnemc::{parse_csv, parse_json_day, ParseOptions, ParsedFile};
use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};
use serde_json::Value;

use hostile::{check, Rng};

/// Column positions shared by all three layouts (`监测时间`) and the daily file date.
const TIME_COLUMN: usize = 3;
const DATE_COLUMN: usize = 17;

const YEARS: [i32; 10] = [
    2020,
    2021,
    2024,
    1,
    0,
    -1,
    -262_143,
    262_142,
    i32::MIN,
    i32::MAX,
];
const DATES: [&str; 6] = [
    "0001-01-01",
    "9999-12-31",
    "2020-02-29",
    "2021-01-01",
    "2020-12-31",
    "-001-01-01",
];

/// A published time, `MM-DD HH:MM`, with the calendar's edges over-represented.
#[derive(Debug, Clone, Copy)]
struct Time {
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
}

impl Time {
    fn text(self) -> String {
        format!(
            "{:02}-{:02} {:02}:{:02}",
            self.month, self.day, self.hour, self.minute
        )
    }
}

#[derive(Debug, Clone)]
enum Case {
    /// The 4-hourly CSV (`file` 0), the daily CSV (1) or the JSON day file (2), from row `first`,
    /// with `--year`.
    File {
        file: usize,
        first: usize,
        year: Option<i32>,
    },
    /// The time (and for the daily file the date) of one row.
    Row {
        time: Time,
        date: Option<&'static str>,
    },
}

fn time(rng: &mut Rng) -> Time {
    let (month, day) = rng.pick(&[(1, 1), (12, 31), (2, 29), (2, 28), (4, 31), (6, 30)]);
    let (month, day) = if rng.percent(30) {
        (1 + rng.below(12) as u32, 1 + rng.below(31) as u32)
    } else {
        (month, day)
    };
    let hour = if rng.percent(70) {
        rng.pick(&[0, 7, 8, 15, 16, 23])
    } else {
        rng.below(24) as u32
    };
    let minute = rng.pick(&[0, 59, 30]);
    Time {
        month,
        day,
        hour,
        minute,
    }
}

fn generate(rng: &mut Rng) -> Vec<Case> {
    let year = if rng.percent(15) {
        None
    } else {
        Some(rng.pick(&YEARS))
    };
    let file = rng.below(3);
    let mut cases = vec![Case::File {
        file,
        first: rng.below(2_000),
        year,
    }];
    for _ in 0..1 + rng.below(12) {
        let date = (file == 1).then(|| rng.pick(&DATES));
        cases.push(Case::Row {
            time: time(rng),
            date,
        });
    }
    cases
}

/// The instant the year rule gives (README "Quirks"), or `None` for a row that must be a reject.
fn expected_instant(time: Time, year: Option<i32>, date: Option<&str>) -> Option<DateTime<Utc>> {
    let clock = NaiveTime::from_hms_opt(time.hour, time.minute, 0)?;
    let on = |year: i32| {
        NaiveDate::from_ymd_opt(year, time.month, time.day).map(|day| day.and_time(clock))
    };
    let local: NaiveDateTime = match date {
        Some(date) => {
            let file_date = NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()?;
            let latest = file_date.and_hms_opt(23, 59, 59)?;
            let year = file_date.year();
            on(year)
                .filter(|local| *local <= latest)
                .or_else(|| on(year - 1))?
        }
        None => on(year?)?,
    };
    Some(local.checked_sub_signed(TimeDelta::hours(8))?.and_utc())
}

fn check_times(cases: &[Case]) -> Result<(), String> {
    let Some(Case::File { file, first, year }) = cases.first().cloned() else {
        return Err("the first case names no file".to_owned());
    };
    let rows: Vec<(Time, Option<&str>)> = cases[1..]
        .iter()
        .filter_map(|case| match case {
            Case::Row { time, date } => Some((*time, *date)),
            Case::File { .. } => None,
        })
        .collect();
    let options = ParseOptions { year };
    let parsed = if file == 2 {
        parse_json_day(&json_with_times(first, &rows), &options)
    } else {
        parse_csv(&csv_with_times(file, first, &rows), &options)
    }
    .map_err(|error| format!("the file was refused: {error}"))?;
    check_rows(&parsed, &rows, year)
}

fn check_rows(
    parsed: &ParsedFile,
    rows: &[(Time, Option<&str>)],
    year: Option<i32>,
) -> Result<(), String> {
    let readings: BTreeMap<usize, DateTime<Utc>> = parsed
        .rows
        .iter()
        .map(|row| (row.line, row.sampled_at))
        .collect();
    let rejected: Vec<usize> = parsed.rejects.iter().map(|reject| reject.line).collect();
    for (index, (time, date)) in rows.iter().enumerate() {
        let line = index + 2;
        let expected = expected_instant(*time, year, *date);
        let found = readings.get(&line).copied();
        if found != expected || (expected.is_none() && !rejected.contains(&line)) {
            return Err(format!(
                "line {line}: `{}` (year {year:?}, date {date:?}) read as {found:?}, expected {expected:?}",
                time.text()
            ));
        }
    }
    Ok(())
}

fn csv_with_times(file: usize, first: usize, rows: &[(Time, Option<&str>)]) -> Vec<u8> {
    let name = if file == 0 {
        common::FOUR_HOURLY
    } else {
        common::DAILY
    };
    let text = String::from_utf8(common::bytes(name)).unwrap_or_default();
    let lines: Vec<&str> = text.lines().collect();
    let data = &lines[1..];
    let mut csv = format!("{}\n", lines[0]);
    for (index, (time, date)) in rows.iter().enumerate() {
        // Only rows with a time and a status of their own, so each becomes a reading or a reject.
        let mut cells: Vec<String> = data[(first + index) % data.len()]
            .split(',')
            .map(str::to_owned)
            .collect();
        cells[TIME_COLUMN] = time.text();
        if let Some(date) = date {
            cells[DATE_COLUMN] = (*date).to_owned();
        }
        csv.push_str(&cells.join(","));
        csv.push('\n');
    }
    csv.into_bytes()
}

fn json_with_times(first: usize, rows: &[(Time, Option<&str>)]) -> Vec<u8> {
    let mut day: Value =
        serde_json::from_slice(&common::bytes(common::RAW_API_DAY)).unwrap_or_default();
    let published: Vec<Value> = day["tbody"].as_array().cloned().unwrap_or_default();
    let tbody: Vec<Value> = rows
        .iter()
        .enumerate()
        .map(|(index, (time, _))| {
            let mut row = published[(first + index) % published.len()].clone();
            row[TIME_COLUMN] = Value::from(time.text());
            row
        })
        .collect();
    day["tbody"] = Value::from(tbody);
    serde_json::to_vec(&day).unwrap_or_default()
}

#[test]
fn early_new_years_day_in_chronos_first_year_is_a_reject_and_not_a_panic() {
    let cases = [
        Case::File {
            file: 0,
            first: 0,
            year: Some(-262_143),
        },
        Case::Row {
            time: Time {
                month: 1,
                day: 1,
                hour: 7,
                minute: 59,
            },
            date: None,
        },
        Case::Row {
            time: Time {
                month: 1,
                day: 1,
                hour: 8,
                minute: 0,
            },
            date: None,
        },
    ];
    assert_eq!(check_times(&cases), Ok(()));
}

#[test]
fn every_edge_time_is_read_at_the_instant_of_the_year_rule_or_rejected() {
    check("edge_times", 256, generate, check_times);
}
