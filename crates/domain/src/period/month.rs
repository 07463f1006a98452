//! Calendar months in China Standard Time (UTC+08:00), the unit every statistic is built from.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc};
use serde::{Deserialize, Serialize};

use super::PeriodError;

/// Periods are calendar periods in UTC+08:00 (compensation.md §2), whatever the offset of the input.
pub(crate) const CHINA_STANDARD_TIME_OFFSET_HOURS: i64 = 8;

/// Years the ledger accepts. RFC 3339 writes four-digit years, and within this range every month start and
/// end is representable by chrono, which keeps the conversions below total.
pub const YEAR_MIN: i32 = 1;
pub const YEAR_MAX: i32 = 9999;

/// A calendar month in UTC+08:00, written `2025-07`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Month {
    year: i32,
    month: u32,
}

impl Month {
    pub fn new(year: i32, month: u32) -> Result<Self, PeriodError> {
        check_year(year)?;
        if !(1..=12).contains(&month) {
            return Err(PeriodError::MonthOutOfRange);
        }
        Ok(Self { year, month })
    }

    /// The month of UTC+08:00 that contains the instant: `2025-06-30T16:30:00Z` is in July 2025.
    /// `None` only for instants whose local year falls outside [`YEAR_MIN`, `YEAR_MAX`].
    pub fn containing(instant: DateTime<Utc>) -> Option<Month> {
        let local = instant
            .naive_utc()
            .checked_add_signed(TimeDelta::hours(CHINA_STANDARD_TIME_OFFSET_HOURS))?;
        Month::new(local.year(), local.month()).ok()
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    /// The following month (December is followed by January of the next year).
    pub fn next(self) -> Option<Month> {
        if self.month == 12 {
            Month::new(self.year + 1, 1).ok()
        } else {
            Month::new(self.year, self.month + 1).ok()
        }
    }

    /// Local midnight of the first day, in UTC: 2025-07 starts at 2025-06-30T16:00:00Z.
    pub fn start_utc(self) -> DateTime<Utc> {
        local_month_start_in_utc(self.year, self.month)
    }

    /// The exclusive end: the start of the following month.
    pub fn end_utc(self) -> DateTime<Utc> {
        if self.month == 12 {
            local_month_start_in_utc(self.year + 1, 1)
        } else {
            local_month_start_in_utc(self.year, self.month + 1)
        }
    }

    /// Length of the month in seconds (UTC+08:00 has no daylight saving, so days are 86 400 s).
    pub fn seconds(self) -> i64 {
        (self.end_utc() - self.start_utc()).num_seconds()
    }

    pub fn contains(self, instant: DateTime<Utc>) -> bool {
        self.start_utc() <= instant && instant < self.end_utc()
    }
}

pub(crate) fn check_year(year: i32) -> Result<(), PeriodError> {
    if (YEAR_MIN..=YEAR_MAX).contains(&year) {
        Ok(())
    } else {
        Err(PeriodError::YearOutOfRange)
    }
}

/// Converts local midnight on the first of a month to UTC. Callers pass a year in
/// `YEAR_MIN..=YEAR_MAX + 1` and a month in 1..=12, for which chrono's range (±262 000 years) is never
/// reached, so the fallbacks below are unreachable; they exist so that no panic path remains.
fn local_month_start_in_utc(year: i32, month: u32) -> DateTime<Utc> {
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|date| date.and_hms_opt(0, 0, 0))
        .and_then(|local| {
            local.checked_sub_signed(TimeDelta::hours(CHINA_STANDARD_TIME_OFFSET_HOURS))
        })
        .map(|utc| utc.and_utc())
        .unwrap_or(DateTime::<Utc>::MIN_UTC)
}

impl fmt::Display for Month {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl FromStr for Month {
    type Err = PeriodError;

    /// Exactly `YYYY-MM`: `2025-7` and `2025-13` are refused.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bytes = text.as_bytes();
        // Byte 4 being an ASCII '-' makes bytes 4 and 5 character boundaries, so the slices cannot panic.
        if bytes.len() != 7 || bytes[4] != b'-' {
            return Err(PeriodError::Malformed);
        }
        let year = super::parse_year(&text[..4])?;
        let month = super::parse_digits(&text[5..])?;
        Month::new(year, month)
    }
}

impl TryFrom<String> for Month {
    type Error = PeriodError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Month> for String {
    fn from(month: Month) -> Self {
        month.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn instant(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .unwrap()
            .with_timezone(&Utc)
    }

    #[test]
    fn an_instant_late_on_the_last_utc_day_of_june_belongs_to_july_in_beijing() {
        let july = Month::new(2025, 7).unwrap();
        assert_eq!(
            Month::containing(instant("2025-06-30T16:30:00Z")),
            Some(july)
        );
        assert_eq!(
            Month::containing(instant("2025-06-30T15:59:59Z")),
            Month::new(2025, 6).ok()
        );
    }

    #[test]
    fn july_runs_from_june_thirtieth_sixteen_hundred_utc_for_thirty_one_days() {
        let july = Month::new(2025, 7).unwrap();
        assert_eq!(july.start_utc(), instant("2025-06-30T16:00:00Z"));
        assert_eq!(july.end_utc(), instant("2025-07-31T16:00:00Z"));
        assert_eq!(july.seconds(), 31 * 86_400);
        assert!(july.contains(instant("2025-06-30T16:00:00Z")));
        assert!(!july.contains(instant("2025-07-31T16:00:00Z")));
    }

    #[test]
    fn february_of_a_leap_year_has_twenty_nine_days() {
        assert_eq!(Month::new(2024, 2).unwrap().seconds(), 29 * 86_400);
        assert_eq!(Month::new(2025, 2).unwrap().seconds(), 28 * 86_400);
    }

    #[test]
    fn december_is_followed_by_january() {
        let december = Month::new(2025, 12).unwrap();
        assert_eq!(december.next(), Month::new(2026, 1).ok());
        assert_eq!(december.end_utc(), instant("2025-12-31T16:00:00Z"));
    }

    #[test]
    fn parses_and_prints_the_two_digit_month_form_only() {
        assert_eq!("2025-07".parse::<Month>().unwrap().to_string(), "2025-07");
        for bad in [
            "2025-7", "2025-13", "2025-00", "25-07", "2025/07", "2025-07 ", "+025-07",
        ] {
            assert!(bad.parse::<Month>().is_err(), "{bad}");
        }
    }

    #[test]
    fn serialises_as_its_text() {
        let month = Month::new(2025, 7).unwrap();
        assert_eq!(serde_json::to_string(&month).unwrap(), "\"2025-07\"");
        assert_eq!(serde_json::from_str::<Month>("\"2025-07\"").unwrap(), month);
    }
}
