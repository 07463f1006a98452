//! Monthly and period statistics of a section (compensation.md §3), in exact decimals rounded as published.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde::Serialize;

use crate::decimal_text::{round_half_even, serialize_decimal_map};
use crate::measured::{BelowDetection, Measured, ValueFlag};
use crate::parameter::ParameterCode;
use crate::period::{Month, Period};
use crate::quality::{section_class, WaterBody, WaterClass};

/// One valid reading of a section: the caller has already dropped invalid, invalidated and superseded
/// readings. Values come from [`crate::measured::ValueLiteral`], whose bound keeps every sum exact.
/// A value whose flag is not `N` is left out of every statistic here, value by value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadingForStatistics {
    pub id: i64,
    pub sampled_at: DateTime<Utc>,
    pub values: BTreeMap<ParameterCode, Measured>,
    /// Per-value HJ 212 flags; a value without one counts as `N`.
    pub flags: BTreeMap<ParameterCode, ValueFlag>,
}

impl ReadingForStatistics {
    /// The values that enter statistics: those flagged `N` or not flagged.
    pub fn counting_values(&self) -> impl Iterator<Item = (ParameterCode, Measured)> + '_ {
        self.values
            .iter()
            .filter(|(parameter, _)| self.flags.get(parameter).is_none_or(|flag| flag.counts()))
            .map(|(parameter, measured)| (*parameter, *measured))
    }
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
    /// Number of values of each parameter that enter the month's mean (`<L` values included,
    /// flagged values not).
    pub samples: BTreeMap<ParameterCode, u64>,
    /// How many of those values were below the detection limit; parameters without any are absent.
    /// Not part of the serialised summary: a settlement document records it separately, and only
    /// when there are some, so that documents without such values keep their bytes.
    #[serde(skip)]
    pub below_limit: BTreeMap<ParameterCode, u64>,
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

/// Computes a section's statistics for a period, below-limit values entering as `half_limit` (the
/// assessment endpoint's rule). See [`section_statistics_with`].
pub fn section_statistics(
    period: &Period,
    water_body: WaterBody,
    readings: &[ReadingForStatistics],
) -> Result<SectionStatistics, StatisticsError> {
    section_statistics_with(period, water_body, BelowDetection::HalfLimit, readings)
}

/// Computes a section's statistics for a period, below-limit values entering as `treatment` says.
/// Readings sampled outside the period are ignored. The readings are put in (sampled_at, id) order
/// first, so that the result never depends on the caller's order.
pub fn section_statistics_with(
    period: &Period,
    water_body: WaterBody,
    treatment: BelowDetection,
    readings: &[ReadingForStatistics],
) -> Result<SectionStatistics, StatisticsError> {
    let (start, end) = (period.start_utc(), period.end_utc());
    let mut ordered: Vec<&ReadingForStatistics> = readings
        .iter()
        .filter(|reading| start <= reading.sampled_at && reading.sampled_at < end)
        .collect();
    ordered.sort_by(|left, right| {
        (left.sampled_at, left.id, &left.values, &left.flags).cmp(&(
            right.sampled_at,
            right.id,
            &right.values,
            &right.flags,
        ))
    });

    // The readings are in time order, so each month is one run of them.
    let mut months = Vec::new();
    let mut rest = ordered.as_slice();
    for month in period.months() {
        let month_end = month.end_utc();
        let (in_month, later) =
            rest.split_at(rest.partition_point(|reading| reading.sampled_at < month_end));
        months.push(month_summary(
            month,
            in_month.iter(),
            water_body,
            treatment,
        )?);
        rest = later;
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
    treatment: BelowDetection,
) -> Result<MonthSummary, StatisticsError> {
    let mut values: BTreeMap<ParameterCode, Vec<Decimal>> = BTreeMap::new();
    let mut below_limit: BTreeMap<ParameterCode, u64> = BTreeMap::new();
    for reading in readings {
        for (parameter, measured) in reading.counting_values() {
            let value = match measured {
                Measured::Exact(value) => value,
                Measured::BelowLimit { limit } => {
                    *below_limit.entry(parameter).or_default() += 1;
                    treatment.value_in_mean(limit)
                }
            };
            values.entry(parameter).or_default().push(value);
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
        below_limit,
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
mod tests;
