//! Counts and spot checks over copies of the real published files (see
//! `examples/data/cnemc/README.md`). The expected numbers were counted independently of this
//! crate, from the files themselves.

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is how a test fails.

mod common;

use basin_cnemc::{batch_id, RowStatus};
use common::*;

#[test]
fn the_daily_file_reads_every_row_with_its_date_and_keeps_down_rows_apart() {
    let parsed = parsed(DAILY, None);
    let expected = Counts {
        rows_read: 1587,
        rows: 1171,
        down: 416,
        rejects: 0,
        valid: 929,
        invalid: 242,
    };
    assert_eq!(counts(&parsed), expected);
    assert_eq!(
        parsed.rows_read,
        parsed.rows.len() + parsed.down_rows.len() + parsed.rejects.len()
    );
    assert_eq!(batch_id(&parsed.sha256_hex), "cnemc-247c4b3b117a7b08");
    let stopped = parsed.rows.iter().filter(|row| {
        row.status
            == RowStatus::Invalid {
                reason: "停站".to_owned(),
            }
    });
    assert_eq!(stopped.count(), 20);
}

#[test]
fn stale_times_in_the_daily_file_belong_to_the_year_before_the_file_date() {
    let parsed = parsed(DAILY, Some(2030));
    // Line 32: 姜各庄 `09-09 09:00` in the file of 2020-05-08 is 2019-09-09 09:00 in Beijing.
    let row = parsed
        .rows
        .iter()
        .find(|row| row.line == 32)
        .unwrap_or_else(|| panic!("no row on line 32"));
    assert_eq!(
        (row.name.as_str(), row.sampled_at.to_rfc3339()),
        ("姜各庄", "2019-09-09T01:00:00+00:00".to_owned())
    );
    // All six stale rows are `09-09` times in the files of 2020-05-08 and 2020-05-09; other old
    // times in the file (April rows in May files) stay in the file date's year.
    let new_year_2020: chrono::DateTime<chrono::Utc> =
        "2019-12-31T16:00:00Z".parse().unwrap_or_default();
    let stepped_back: Vec<usize> = parsed
        .rows
        .iter()
        .filter(|row| row.sampled_at < new_year_2020)
        .map(|row| row.line)
        .collect();
    assert_eq!(stepped_back, vec![32, 40, 82, 124, 132, 174]);
}

#[test]
fn the_four_hourly_file_needs_a_year_and_reads_its_crlf_lines() {
    let without_year = parsed(FOUR_HOURLY, None);
    assert_eq!(
        (without_year.rejects.len(), without_year.down_rows.len()),
        (2209, 36)
    );
    assert!(without_year.rejects[0].reason.contains("--year"));
    let parsed = parsed(FOUR_HOURLY, Some(2021));
    let expected = Counts {
        rows_read: 2245,
        rows: 2209,
        down: 36,
        rejects: 0,
        valid: 2078,
        invalid: 131,
    };
    assert_eq!(counts(&parsed), expected);
    // The last physical line is 2246: the header is line 1 and CRLF counts once.
    assert_eq!(
        parsed
            .rows
            .last()
            .map(|row| row.line)
            .max(parsed.down_rows.last().copied()),
        Some(2246)
    );
    let outlier = find(&parsed, "古北口", "2021-04-04T12:00:00+00:00");
    assert_eq!(
        outlier
            .iter()
            .map(|row| row.values.get("nh3n").map(String::as_str))
            .collect::<Vec<_>>(),
        vec![Some("2.390")]
    );
}

#[test]
fn snapshot_rows_prefer_raw_values_converted_from_e_notation() {
    let parsed = parsed(SNAPSHOTS, None);
    let expected = Counts {
        rows_read: 403,
        rows: 365,
        down: 38,
        rejects: 0,
        valid: 293,
        invalid: 72,
    };
    assert_eq!(counts(&parsed), expected);
    let unknown = parsed.rows.iter().filter(|row| {
        row.status
            == RowStatus::Invalid {
                reason: "unknown".to_owned(),
            }
    });
    assert_eq!(unknown.count(), 50);
    let dongdian = parsed
        .rows
        .iter()
        .find(|row| row.line == 3)
        .unwrap_or_else(|| panic!("no row on line 3"));
    assert_eq!(
        dongdian.values.get("ph").map(String::as_str),
        Some("8.040409")
    );
    assert_eq!(
        dongdian.sampled_at.to_rfc3339(),
        "2025-11-06T12:00:00+00:00"
    );
    // 烧车淀 on line 64 publishes algae density as `1.322235E+07` in its raw column.
    let shaochedian = parsed
        .rows
        .iter()
        .find(|row| row.line == 64)
        .unwrap_or_else(|| panic!("no row on line 64"));
    assert_eq!(
        shaochedian.values.get("algae").map(String::as_str),
        Some("13222350")
    );
    assert_eq!(
        parsed
            .rows
            .iter()
            .filter(|row| row.values.contains_key("algae"))
            .count(),
        24
    );
    let no_exponent = parsed
        .rows
        .iter()
        .flat_map(|row| row.values.values())
        .all(|value| !value.contains(['e', 'E']));
    assert!(no_exponent);
}

#[test]
fn the_2026_rows_with_a_day_only_snapshot_time_keep_their_year() {
    let parsed = parsed(SNAPSHOTS, None);
    let in_2026 = parsed
        .rows
        .iter()
        .filter(|row| row.sampled_at.to_rfc3339().starts_with("2026-02-04"))
        .count();
    assert_eq!(in_2026, 50);
}

#[test]
fn the_raw_api_day_strips_html_and_prefers_tooltip_values() {
    let without_year = parsed(RAW_API_DAY, None);
    assert_eq!(
        (without_year.rejects.len(), without_year.down_rows.len()),
        (66, 32)
    );
    let parsed = parsed(RAW_API_DAY, Some(2020));
    let expected = Counts {
        rows_read: 98,
        rows: 66,
        down: 32,
        rejects: 0,
        valid: 49,
        invalid: 17,
    };
    assert_eq!(counts(&parsed), expected);
    let yanhecheng = find(&parsed, "沿河城", "2020-08-15T00:00:00+00:00");
    assert_eq!(yanhecheng.len(), 1);
    assert_eq!(
        (yanhecheng[0].line, yanhecheng[0].province.as_str()),
        (2, "北京市")
    );
    assert_eq!(
        yanhecheng[0].values.get("temp").map(String::as_str),
        Some("26.08862")
    );
    assert_eq!(yanhecheng[0].values.get("chla"), None);
    let gubeikou = find(&parsed, "古北口", "2020-08-15T00:00:00+00:00");
    // NH3-N was withheld by the extreme-value filter (极值过滤): absent, not zero.
    assert_eq!(
        gubeikou
            .iter()
            .map(|row| row.values.get("nh3n"))
            .collect::<Vec<_>>(),
        vec![None]
    );
    let no_markup = parsed.rows.iter().all(|row| {
        !row.name.contains('<') && row.values.values().all(|value| !value.contains('<'))
    });
    assert!(no_markup);
}
