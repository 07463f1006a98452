//! Settlement and assessment periods: a month (`2025-07`), a quarter (`2025-Q3`) or a year (`2025`),
//! always calendar periods in China Standard Time (UTC+08:00), compensation.md §2.

mod month;

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use month::{Month, YEAR_MAX, YEAR_MIN};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("must be written YYYY-MM (2025-07), YYYY-Qn (2025-Q3) or YYYY (2025)")]
    Malformed,
    #[error("the year must be between {YEAR_MIN} and {YEAR_MAX}")]
    YearOutOfRange,
    #[error("the month must be between 01 and 12")]
    MonthOutOfRange,
    #[error("the quarter must be between Q1 and Q4")]
    QuarterOutOfRange,
}

/// How long an agreement's settlement periods are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
}

impl PeriodKind {
    pub fn month_count(self) -> u32 {
        match self {
            PeriodKind::Month => 1,
            PeriodKind::Quarter => 3,
            PeriodKind::Year => 12,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
        }
    }
}

impl fmt::Display for PeriodKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A quarter of a year, 1..=4.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    quarter: u32,
}

impl Quarter {
    pub fn new(year: i32, quarter: u32) -> Result<Self, PeriodError> {
        month::check_year(year)?;
        if !(1..=4).contains(&quarter) {
            return Err(PeriodError::QuarterOutOfRange);
        }
        Ok(Self { year, quarter })
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn quarter(self) -> u32 {
        self.quarter
    }
}

/// A calendar year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(i32);

impl Year {
    pub fn new(year: i32) -> Result<Self, PeriodError> {
        month::check_year(year)?;
        Ok(Self(year))
    }

    pub fn value(self) -> i32 {
        self.0
    }
}

/// A settlement or assessment period. Serialised as its text (`"2025-Q3"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Month(Month),
    Quarter(Quarter),
    Year(Year),
}

impl Period {
    pub fn parse(text: &str) -> Result<Self, PeriodError> {
        text.parse()
    }

    pub fn kind(&self) -> PeriodKind {
        match self {
            Period::Month(_) => PeriodKind::Month,
            Period::Quarter(_) => PeriodKind::Quarter,
            Period::Year(_) => PeriodKind::Year,
        }
    }

    /// The months of the period, in calendar order.
    pub fn months(&self) -> Vec<Month> {
        let (year, first, count) = match *self {
            Period::Month(month) => return vec![month],
            Period::Quarter(quarter) => (quarter.year, (quarter.quarter - 1) * 3 + 1, 3),
            Period::Year(year) => (year.0, 1, 12),
        };
        // The year was checked on construction and the months stay within it, so none is dropped.
        (first..first + count)
            .filter_map(|month| Month::new(year, month).ok())
            .collect()
    }

    fn first_month(&self) -> Month {
        match *self {
            Period::Month(month) => month,
            Period::Quarter(quarter) => Month::new(quarter.year, (quarter.quarter - 1) * 3 + 1)
                .unwrap_or_else(|_| unreachable!("a checked quarter starts in a valid month")),
            Period::Year(year) => Month::new(year.0, 1)
                .unwrap_or_else(|_| unreachable!("a checked year has a January")),
        }
    }

    fn last_month(&self) -> Month {
        match *self {
            Period::Month(month) => month,
            Period::Quarter(quarter) => Month::new(quarter.year, quarter.quarter * 3)
                .unwrap_or_else(|_| unreachable!("a checked quarter ends in a valid month")),
            Period::Year(year) => Month::new(year.0, 12)
                .unwrap_or_else(|_| unreachable!("a checked year has a December")),
        }
    }

    /// Inclusive start in UTC: `2025-07` starts at `2025-06-30T16:00:00Z`.
    pub fn start_utc(&self) -> DateTime<Utc> {
        self.first_month().start_utc()
    }

    /// Exclusive end in UTC.
    pub fn end_utc(&self) -> DateTime<Utc> {
        self.last_month().end_utc()
    }

    pub fn contains(&self, instant: DateTime<Utc>) -> bool {
        self.start_utc() <= instant && instant < self.end_utc()
    }
}

/// Parses a run of ASCII digits; signs, spaces and empty text are malformed.
pub(crate) fn parse_digits(text: &str) -> Result<u32, PeriodError> {
    if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
        return Err(PeriodError::Malformed);
    }
    text.parse().map_err(|_| PeriodError::Malformed)
}

pub(crate) fn parse_year(text: &str) -> Result<i32, PeriodError> {
    if text.len() != 4 {
        return Err(PeriodError::Malformed);
    }
    i32::try_from(parse_digits(text)?).map_err(|_| PeriodError::Malformed)
}

impl FromStr for Period {
    type Err = PeriodError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        // ASCII only, so that the byte offsets below are character boundaries.
        if !text.is_ascii() {
            return Err(PeriodError::Malformed);
        }
        match text.len() {
            4 => Ok(Period::Year(Year::new(parse_year(text)?)?)),
            7 if text.as_bytes()[4..6] == *b"-Q" => {
                let year = parse_year(&text[..4])?;
                Ok(Period::Quarter(Quarter::new(
                    year,
                    parse_digits(&text[6..])?,
                )?))
            }
            7 => Ok(Period::Month(text.parse()?)),
            _ => Err(PeriodError::Malformed),
        }
    }
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Period::Month(month) => month.fmt(f),
            Period::Quarter(quarter) => write!(f, "{:04}-Q{}", quarter.year, quarter.quarter),
            Period::Year(year) => write!(f, "{:04}", year.0),
        }
    }
}

impl TryFrom<String> for Period {
    type Error = PeriodError;
    fn try_from(text: String) -> Result<Self, Self::Error> {
        text.parse()
    }
}

impl From<Period> for String {
    fn from(period: Period) -> Self {
        period.to_string()
    }
}

#[cfg(test)]
mod tests;
