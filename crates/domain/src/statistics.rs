//! Monthly and period statistics of a section (compensation.md §3), in exact decimals rounded as published.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decimal_text::{round_half_even, serialize_decimal_map};
use crate::parameter::ParameterCode;
use crate::period::{Month, Period};
use crate::quality::{section_class, WaterBody, WaterClass};

/// One valid reading of a section: the caller has already dropped invalid, invalidated and superseded
/// readings. Values come from [`crate::value::MeasuredValue`], whose bound keeps every sum exact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingForStatistics {
    pub id: i64,
    pub sampled_at: DateTime<Utc>,
    pub values: BTreeMap<ParameterCode, Decimal>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatisticsError {
    /// Unreachable for values that passed `MeasuredValue`; reported rather than wrapped or rounded away.
    #[error("the values of {parameter} in {month} are too large to add up exactly")]
    Overflow {
        parameter: ParameterCode,
        month: Month,
    },
    #[error("the monthly statistics of {parameter} are too large to add up exactly")]
    PeriodOverflow { parameter: ParameterCode },
}

/// A sum or quotient left Decimal's range.
struct Overflowed;

/// What a section's readings say about one month. Empty maps and a null class when it has no data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthSummary {
    pub month: Month,
    /// Number of values of each parameter in the month.
    pub samples: BTreeMap<ParameterCode, u64>,
    /// Monthly statistics, each with exactly the parameter's decimals.
    #[serde(serialize_with = "serialize_decimal_map")]
    pub stats: BTreeMap<ParameterCode, Decimal>,
    /// Section class from the monthly statistics.
    pub class: Option<WaterClass>,
}

/// Every month of the period (listed even when empty), the period statistics and the period class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionStatistics {
    pub months: Vec<MonthSummary>,
    #[serde(serialize_with = "serialize_decimal_map")]
    pub stats: BTreeMap<ParameterCode, Decimal>,
    pub class: Option<WaterClass>,
}

impl SectionStatistics {
    /// The months that have a monthly statistic for the parameter.
    pub fn months_with(&self, parameter: ParameterCode) -> impl Iterator<Item = &MonthSummary> {
        self.months
            .iter()
            .filter(move |summary| summary.stats.contains_key(&parameter))
    }
}

/// Computes a section's statistics for a period. Readings sampled outside the period are ignored. The
/// readings are put in (sampled_at, id) order first, so that the result never depends on the caller's order.
pub fn section_statistics(
    period: &Period,
    water_body: WaterBody,
    readings: &[ReadingForStatistics],
) -> Result<SectionStatistics, StatisticsError> {
    let mut ordered: Vec<&ReadingForStatistics> = readings
        .iter()
        .filter(|reading| period.contains(reading.sampled_at))
        .collect();
    ordered.sort_by(|left, right| {
        (left.sampled_at, left.id, &left.values).cmp(&(right.sampled_at, right.id, &right.values))
    });

    let mut months = Vec::new();
    for month in period.months() {
        let in_month = ordered
            .iter()
            .filter(|reading| month.contains(reading.sampled_at));
        months.push(month_summary(month, in_month, water_body)?);
    }

    let mut stats = BTreeMap::new();
    for parameter in ParameterCode::ALL {
        let monthly: Vec<Decimal> = months
            .iter()
            .filter_map(|summary| summary.stats.get(&parameter).copied())
            .collect();
        let statistic = rounded_mean(parameter, &monthly)
            .map_err(|Overflowed| StatisticsError::PeriodOverflow { parameter })?;
        if let Some(statistic) = statistic {
            stats.insert(parameter, statistic);
        }
    }
    let class = section_class(&stats, water_body);
    Ok(SectionStatistics {
        months,
        stats,
        class,
    })
}

fn month_summary<'a>(
    month: Month,
    readings: impl Iterator<Item = &'a &'a ReadingForStatistics>,
    water_body: WaterBody,
) -> Result<MonthSummary, StatisticsError> {
    let mut values: BTreeMap<ParameterCode, Vec<Decimal>> = BTreeMap::new();
    for reading in readings {
        for (parameter, value) in &reading.values {
            values.entry(*parameter).or_default().push(*value);
        }
    }
    let mut samples = BTreeMap::new();
    let mut stats = BTreeMap::new();
    for (parameter, values) in values {
        samples.insert(parameter, values.len() as u64);
        let statistic = rounded_mean(parameter, &values)
            .map_err(|Overflowed| StatisticsError::Overflow { parameter, month })?;
        if let Some(statistic) = statistic {
            stats.insert(parameter, statistic);
        }
    }
    let class = section_class(&stats, water_body);
    Ok(MonthSummary {
        month,
        samples,
        stats,
        class,
    })
}

/// The arithmetic mean, rounded half to even (GB/T 8170) to the parameter's decimals; `None` without values.
/// The sum is exact; the single quotient carries Decimal's 28 significant digits, which compensation.md §3
/// accepts.
fn rounded_mean(
    parameter: ParameterCode,
    values: &[Decimal],
) -> Result<Option<Decimal>, Overflowed> {
    if values.is_empty() {
        return Ok(None);
    }
    let sum = values
        .iter()
        .try_fold(Decimal::ZERO, |sum, value| sum.checked_add(*value))
        .ok_or(Overflowed)?;
    let mean = sum
        .checked_div(Decimal::from(values.len()))
        .ok_or(Overflowed)?;
    Ok(Some(round_half_even(mean, parameter.decimals())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decimal(text: &str) -> Decimal {
        Decimal::from_str_exact(text).unwrap()
    }

    fn reading(
        id: i64,
        sampled_at: &str,
        values: &[(ParameterCode, &str)],
    ) -> ReadingForStatistics {
        ReadingForStatistics {
            id,
            sampled_at: DateTime::parse_from_rfc3339(sampled_at)
                .unwrap()
                .with_timezone(&Utc),
            values: values
                .iter()
                .map(|(parameter, text)| (*parameter, decimal(text)))
                .collect(),
        }
    }

    #[test]
    fn the_period_statistic_is_the_rounded_mean_of_rounded_monthly_statistics() {
        let quarter = Period::parse("2025-Q3").unwrap();
        let readings = [
            reading(
                1,
                "2025-07-01T08:00:00+08:00",
                &[(ParameterCode::Nh3n, "0.125")],
            ),
            reading(
                2,
                "2025-07-02T08:00:00+08:00",
                &[(ParameterCode::Nh3n, "0.130")],
            ),
            reading(
                3,
                "2025-08-01T08:00:00+08:00",
                &[(ParameterCode::Nh3n, "0.15")],
            ),
        ];
        let statistics = section_statistics(&quarter, WaterBody::River, &readings).unwrap();
        // July: 0.1275 → 0.13; August: 0.15; September has no data; (0.13 + 0.15) / 2 = 0.14.
        assert_eq!(statistics.months.len(), 3);
        assert_eq!(
            statistics.months[0].stats[&ParameterCode::Nh3n].to_string(),
            "0.13"
        );
        assert_eq!(statistics.months[0].samples[&ParameterCode::Nh3n], 2);
        assert!(statistics.months[2].stats.is_empty());
        assert_eq!(statistics.months[2].class, None);
        assert_eq!(statistics.stats[&ParameterCode::Nh3n].to_string(), "0.14");
        assert_eq!(statistics.months_with(ParameterCode::Nh3n).count(), 2);
    }

    #[test]
    fn readings_outside_the_period_are_ignored() {
        let july = Period::parse("2025-07").unwrap();
        let readings = [
            reading(1, "2025-06-30T15:59:59Z", &[(ParameterCode::Tp, "0.5")]),
            reading(2, "2025-06-30T16:00:00Z", &[(ParameterCode::Tp, "0.010")]),
            reading(3, "2025-07-31T16:00:00Z", &[(ParameterCode::Tp, "0.5")]),
        ];
        let statistics = section_statistics(&july, WaterBody::River, &readings).unwrap();
        assert_eq!(statistics.stats[&ParameterCode::Tp].to_string(), "0.010");
        assert_eq!(statistics.class, Some(WaterClass::I));
    }

    #[test]
    fn sums_too_large_for_exact_decimals_are_reported_not_rounded() {
        let july = Period::parse("2025-07").unwrap();
        let readings = [
            reading(
                1,
                "2025-07-01T00:00:00Z",
                &[(ParameterCode::Flow, "50000000000000000000000000000")],
            ),
            reading(
                2,
                "2025-07-02T00:00:00Z",
                &[(ParameterCode::Flow, "50000000000000000000000000000")],
            ),
        ];
        assert!(matches!(
            section_statistics(&july, WaterBody::River, &readings),
            Err(StatisticsError::Overflow { .. })
        ));
    }
}
