//! Periods of one kind as a sequence: an agreement version ends the period before its
//! successor starts.

use basin_domain::period::{Month, Quarter, Year};
use basin_domain::Period;

/// The period of the same kind just before `period`; `None` before year 1.
pub fn previous(period: Period) -> Option<Period> {
    match period {
        Period::Month(month) => {
            let (year, number) = if month.month() == 1 {
                (month.year() - 1, 12)
            } else {
                (month.year(), month.month() - 1)
            };
            Month::new(year, number).ok().map(Period::Month)
        }
        Period::Quarter(quarter) => {
            let (year, number) = if quarter.quarter() == 1 {
                (quarter.year() - 1, 4)
            } else {
                (quarter.year(), quarter.quarter() - 1)
            };
            Quarter::new(year, number).ok().map(Period::Quarter)
        }
        Period::Year(year) => Year::new(year.value() - 1).ok().map(Period::Year),
    }
}

/// Every month-kind period from `first` to `last` inclusive (bounded by the years between).
pub fn months_between(first: Month, last: Month) -> Vec<Period> {
    let mut months = Vec::new();
    let mut current = Some(first);
    while let Some(month) = current.filter(|month| *month <= last) {
        months.push(Period::Month(month));
        current = month.next();
    }
    months
}

#[cfg(test)]
mod tests {
    use super::*;

    fn period(text: &str) -> Period {
        Period::parse(text).unwrap()
    }

    #[test]
    fn the_previous_period_crosses_year_boundaries() {
        assert_eq!(previous(period("2025-01")), Some(period("2024-12")));
        assert_eq!(previous(period("2025-07")), Some(period("2025-06")));
        assert_eq!(previous(period("2025-Q1")), Some(period("2024-Q4")));
        assert_eq!(previous(period("2025-Q3")), Some(period("2025-Q2")));
        assert_eq!(previous(period("2025")), Some(period("2024")));
        assert_eq!(previous(period("0001")), None);
    }

    #[test]
    fn months_between_includes_both_ends() {
        let months = months_between("2020-11".parse().unwrap(), "2021-02".parse().unwrap());
        let texts: Vec<String> = months.iter().map(ToString::to_string).collect();
        assert_eq!(texts, ["2020-11", "2020-12", "2021-01", "2021-02"]);
    }
}
