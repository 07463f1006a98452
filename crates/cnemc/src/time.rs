//! `监测时间` is `MM-DD HH:MM` in Beijing time (UTC+08:00) without a year.
//!
//! Year rule (README, "Quirks"): take the year of the row's date (the daily file's `数据日期`, the
//! snapshot's `抓取时间(快照)`, or `--year` when the file has neither); if that puts the reading
//! later than the row's date, the reading is stale and belongs to the year before (a `09-09`
//! time in the file of 2020-05-08 is 2019-09-09).

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Utc};

/// Beijing time is UTC+08:00 all year (no daylight saving since 1991).
const BEIJING_OFFSET_HOURS: i64 = 8;

/// Where a row's missing year comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum YearSource {
    /// The latest Beijing local time the row's reading can have: the end of the file's date, or
    /// the snapshot instant. Its year is the year tried first.
    NotAfter(NaiveDateTime),
    /// `--year`, with nothing to say how late a reading may be.
    Year(i32),
    /// Neither: the caller has to pass `--year`.
    Unknown,
}

/// The Beijing local end of a daily file's date (`2020-05-08` → 2020-05-08 23:59:59).
pub(crate) fn end_of_file_date(text: &str) -> Result<NaiveDateTime, String> {
    let trimmed = text.trim();
    let date = NaiveDate::parse_from_str(trimmed, "%Y-%m-%d")
        .ok()
        .filter(|_| trimmed.len() == "YYYY-MM-DD".len())
        .ok_or_else(|| format!("the file date `{trimmed}` is not YYYY-MM-DD"))?;
    Ok(end_of_day(date))
}

/// The Beijing local snapshot time. Scrapers wrote `20251106T235129`; one wrote only the day, with
/// a note (`20260204/05 (repo commit 2026-02-05)`), meaning "on the 4th or the 5th". For a
/// day-only value the latest possible moment is the end of the last day named, so a reading of
/// that day keeps its year.
pub(crate) fn snapshot_time(text: &str) -> Result<NaiveDateTime, String> {
    let trimmed = text.trim();
    let unreadable = || format!("the snapshot time `{trimmed}` is not YYYYMMDDTHHMMSS or YYYYMMDD");
    let date_digits = trimmed
        .get(..8)
        .filter(|digits| is_ascii_digits(digits))
        .ok_or_else(unreadable)?;
    let date = NaiveDate::parse_from_str(date_digits, "%Y%m%d").map_err(|_| unreadable())?;
    let rest = &trimmed[8..];
    if let Some(clock) = rest.strip_prefix('T') {
        let time = Some(clock)
            .filter(|clock| clock.len() == 6 && is_ascii_digits(clock))
            .and_then(|clock| NaiveTime::parse_from_str(clock, "%H%M%S").ok())
            .ok_or_else(unreadable)?;
        return Ok(date.and_time(time));
    }
    let (last_day, note) = match rest.strip_prefix('/') {
        Some(alternative) => {
            let day_digits = alternative
                .get(..2)
                .filter(|digits| is_ascii_digits(digits))
                .ok_or_else(unreadable)?;
            let day: u32 = day_digits.parse().map_err(|_| unreadable())?;
            let later = date
                .with_day(day)
                .filter(|later| *later >= date)
                .ok_or_else(unreadable)?;
            (later, &alternative[2..])
        }
        None => (date, rest),
    };
    // Whatever follows the day is a comment for people; it must be set apart by a space.
    if !note.is_empty() && !note.starts_with(char::is_whitespace) {
        return Err(unreadable());
    }
    Ok(end_of_day(last_day))
}

/// Resolves a `MM-DD HH:MM` time to a UTC instant by the year rule.
pub(crate) fn sampled_at(text: &str, year_source: YearSource) -> Result<DateTime<Utc>, String> {
    let (month, day, clock) = month_day_clock(text)?;
    let local = match year_source {
        YearSource::Unknown => {
            return Err(format!(
                "the time `{text}` has no year and the file has no date column: pass --year"
            ))
        }
        YearSource::Year(year) => on(year, month, day, clock)
            .ok_or_else(|| format!("the time `{text}` names a day that {year} does not have"))?,
        YearSource::NotAfter(latest) => {
            let year = latest.year();
            match on(year, month, day, clock).filter(|local| *local <= latest) {
                Some(local) => local,
                None => on(year - 1, month, day, clock).ok_or_else(|| {
                    format!(
                        "the time `{text}` names a day that neither {year} nor {} has",
                        year - 1
                    )
                })?,
            }
        }
    };
    // Early on 1 January of chrono's first year (reachable only through `--year`) has no UTC
    // instant: refuse the row rather than panic on the overflow.
    local
        .checked_sub_signed(TimeDelta::hours(BEIJING_OFFSET_HOURS))
        .map(|utc| utc.and_utc())
        .ok_or_else(|| {
            format!(
                "the time `{text}` in {} is outside the calendar",
                local.year()
            )
        })
}

fn month_day_clock(text: &str) -> Result<(u32, u32, NaiveTime), String> {
    let bytes = text.as_bytes();
    let shape_ok = bytes.len() == "MM-DD HH:MM".len()
        && bytes[2] == b'-'
        && bytes[5] == b' '
        && bytes[8] == b':'
        && [0, 1, 3, 4, 6, 7, 9, 10]
            .iter()
            .all(|at| bytes[*at].is_ascii_digit());
    let number = |range: std::ops::Range<usize>| {
        text.get(range)
            .and_then(|digits| digits.parse::<u32>().ok())
    };
    let parts = (number(0..2), number(3..5), number(6..8), number(9..11));
    match (shape_ok, parts) {
        (true, (Some(month), Some(day), Some(hour), Some(minute))) => {
            let valid_day = (1..=12).contains(&month) && (1..=31).contains(&day);
            let clock = NaiveTime::from_hms_opt(hour, minute, 0).filter(|_| valid_day);
            clock
                .map(|clock| (month, day, clock))
                .ok_or_else(|| format!("the time `{text}` is not a valid MM-DD HH:MM"))
        }
        _ => Err(format!("the time `{text}` is not MM-DD HH:MM")),
    }
}

fn on(year: i32, month: u32, day: u32, clock: NaiveTime) -> Option<NaiveDateTime> {
    NaiveDate::from_ymd_opt(year, month, day).map(|date| date.and_time(clock))
}

fn end_of_day(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN) + TimeDelta::days(1) - TimeDelta::seconds(1)
}

fn is_ascii_digits(text: &str) -> bool {
    text.bytes().all(|byte| byte.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resolved(text: &str, year_source: YearSource) -> String {
        match sampled_at(text, year_source) {
            Ok(instant) => instant.to_rfc3339(),
            Err(reason) => panic!("{text}: {reason}"),
        }
    }

    fn file_date(text: &str) -> YearSource {
        match end_of_file_date(text) {
            Ok(latest) => YearSource::NotAfter(latest),
            Err(reason) => panic!("{reason}"),
        }
    }

    #[test]
    fn a_time_on_the_file_date_takes_the_year_of_the_file_date_and_becomes_utc() {
        assert_eq!(
            resolved("05-08 15:00", file_date("2020-05-08")),
            "2020-05-08T07:00:00+00:00"
        );
        assert_eq!(
            resolved("05-08 23:59", file_date("2020-05-08")),
            "2020-05-08T15:59:00+00:00"
        );
        assert_eq!(
            resolved("01-01 04:00", file_date("2021-01-01")),
            "2020-12-31T20:00:00+00:00"
        );
    }

    #[test]
    fn a_stale_time_later_than_the_file_date_belongs_to_the_year_before() {
        // 2019-09-09 08:00 in Beijing.
        assert_eq!(
            resolved("09-09 08:00", file_date("2020-05-08")),
            "2019-09-09T00:00:00+00:00"
        );
        assert_eq!(
            resolved("05-09 00:00", file_date("2020-05-08")),
            "2019-05-08T16:00:00+00:00"
        );
        assert_eq!(
            resolved("12-31 20:00", file_date("2021-01-02")),
            "2020-12-31T12:00:00+00:00"
        );
    }

    #[test]
    fn a_reading_after_the_snapshot_instant_belongs_to_the_year_before() {
        let snapshot = match snapshot_time("20251106T235129") {
            Ok(latest) => YearSource::NotAfter(latest),
            Err(reason) => panic!("{reason}"),
        };
        assert_eq!(
            resolved("11-06 20:00", snapshot),
            "2025-11-06T12:00:00+00:00"
        );
        assert_eq!(
            resolved("11-07 00:00", snapshot),
            "2024-11-06T16:00:00+00:00"
        );
    }

    #[test]
    fn a_day_only_snapshot_time_allows_readings_until_the_end_of_the_last_day_named() {
        let latest = snapshot_time("20260204/05 (repo commit 2026-02-05)");
        assert_eq!(
            latest.map(|latest| latest.to_string()),
            Ok("2026-02-05 23:59:59".to_owned())
        );
        assert_eq!(
            snapshot_time("20260204").map(|latest| latest.to_string()),
            Ok("2026-02-04 23:59:59".to_owned())
        );
        for unreadable in [
            "2026020",
            "20260204T1200",
            "20260204/03",
            "20260204x",
            "20261304T000000",
            "",
        ] {
            assert!(snapshot_time(unreadable).is_err(), "{unreadable}");
        }
    }

    #[test]
    fn the_given_year_is_used_as_is_when_the_file_has_no_date() {
        assert_eq!(
            resolved("04-01 08:00", YearSource::Year(2021)),
            "2021-04-01T00:00:00+00:00"
        );
    }

    #[test]
    fn without_a_date_or_a_year_the_time_is_refused_and_the_reason_names_the_year_option() {
        let refused = sampled_at("04-01 08:00", YearSource::Unknown);
        assert!(matches!(refused, Err(reason) if reason.contains("--year")));
    }

    #[test]
    fn the_twenty_ninth_of_february_steps_back_only_to_a_year_that_has_it() {
        assert_eq!(
            resolved("02-29 08:00", file_date("2021-03-01")),
            "2020-02-29T00:00:00+00:00"
        );
        assert!(sampled_at("02-29 08:00", file_date("2022-03-01")).is_err());
        assert!(sampled_at("02-29 08:00", YearSource::Year(2021)).is_err());
    }

    #[test]
    fn malformed_times_are_refused() {
        for text in [
            "13-01 08:00",
            "04-31 08:00",
            "04-01 24:00",
            "04-01 08:60",
            "4-1 8:00",
            "04-01T08:00",
            "04-01 08:00:00",
            "０4-01 08:00",
        ] {
            assert!(sampled_at(text, YearSource::Year(2021)).is_err(), "{text}");
        }
        assert!(end_of_file_date("2020-5-8").is_err());
        assert!(end_of_file_date("2020-02-30").is_err());
    }
}
