//! Reading the copies of the real published files in `examples/data/cnemc/`.

#![allow(dead_code)] // Each test file uses its own part of these helpers.

use std::collections::BTreeMap;
use std::path::PathBuf;

use basin_cnemc::{parse_file, ParseOptions, ParsedFile, Row, RowStatus};
use chrono::{DateTime, Utc};

pub const DAILY: &str = "cnemc_daily_bj_hb_2020-05-08_2021-04-05.csv";
pub const FOUR_HOURLY: &str = "cnemc_4h_bj_hb_2021-04-01_05.csv";
pub const SNAPSHOTS: &str = "cnemc_snapshots_bj_hb_2025-11_2026-02.csv";
pub const RAW_API_DAY: &str = "cnemc_raw_api_2020-08-15_national98.json";
pub const STATIONS: &str = "stations_bj_hb.csv";
pub const MAP: &str = "map.csv";

pub fn data_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/data/cnemc")
        .join(name)
}

pub fn bytes(name: &str) -> Vec<u8> {
    let path = data_path(name);
    std::fs::read(&path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

pub fn parsed(name: &str, year: Option<i32>) -> ParsedFile {
    parse_file(&bytes(name), &ParseOptions { year })
        .unwrap_or_else(|error| panic!("{name}: {error}"))
}

/// The counts an import summary reports, in one value so a test failure shows them all.
#[derive(Debug, PartialEq, Eq)]
pub struct Counts {
    pub rows_read: usize,
    pub rows: usize,
    pub down: usize,
    pub rejects: usize,
    pub valid: usize,
    pub invalid: usize,
}

pub fn counts(parsed: &ParsedFile) -> Counts {
    let valid = parsed
        .rows
        .iter()
        .filter(|row| row.status.is_valid())
        .count();
    Counts {
        rows_read: parsed.rows_read,
        rows: parsed.rows.len(),
        down: parsed.down_rows.len(),
        rejects: parsed.rejects.len(),
        valid,
        invalid: parsed.rows.len() - valid,
    }
}

pub type StationTime = (String, String, DateTime<Utc>);

/// What a reading says, apart from where it was printed.
pub type Content = (RowStatus, BTreeMap<&'static str, String>);

/// Rows grouped by (province, name, sampled_at), in file order within each group.
pub fn by_station_and_time(rows: &[Row]) -> BTreeMap<StationTime, Vec<Content>> {
    let mut groups: BTreeMap<StationTime, Vec<Content>> = BTreeMap::new();
    for row in rows {
        let key = (row.province.clone(), row.name.clone(), row.sampled_at);
        groups
            .entry(key)
            .or_default()
            .push((row.status.clone(), row.values.clone()));
    }
    groups
}

pub fn find<'a>(parsed: &'a ParsedFile, name: &str, sampled_at: &str) -> Vec<&'a Row> {
    parsed
        .rows
        .iter()
        .filter(|row| row.name == name && row.sampled_at.to_rfc3339() == sampled_at)
        .collect()
}
