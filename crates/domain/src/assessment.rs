//! The descriptive assessment of a section over a period (API.md `GET /v1/sections/{code}/assessment`).
//! No completeness rule applies: it says what the data say, month by month.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::decimal_text::serialize_decimal_map;
use crate::parameter::ParameterCode;
use crate::period::Period;
use crate::quality::{classify, WaterBody, WaterClass};
use crate::statistics::{section_statistics, MonthSummary, ReadingForStatistics, StatisticsError};

/// What an assessment needs: the section's facts and its valid readings (any order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AssessmentInput {
    pub period: Period,
    pub water_body: WaterBody,
    pub target_class: WaterClass,
    pub readings: Vec<ReadingForStatistics>,
}

/// The API's assessment body without `section`, which the caller adds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Assessment {
    pub period: Period,
    pub target_class: WaterClass,
    /// Every month of the period, empty when it has no data.
    pub months: Vec<MonthSummary>,
    /// Period statistics as decimal strings with exactly each parameter's decimals.
    #[serde(serialize_with = "serialize_decimal_map")]
    pub stats: BTreeMap<ParameterCode, Decimal>,
    /// Section class from the period statistics; null without data.
    pub class: Option<WaterClass>,
    /// Whether the class is no worse than the target; null when there is no class to judge.
    pub attained: Option<bool>,
    /// The class of each period statistic that has one (TN included: it is judged on its own).
    pub classes_by_parameter: BTreeMap<ParameterCode, WaterClass>,
}

pub fn assess(input: AssessmentInput) -> Result<Assessment, StatisticsError> {
    let statistics = section_statistics(&input.period, input.water_body, &input.readings)?;
    let classes_by_parameter = statistics
        .stats
        .iter()
        .filter_map(|(parameter, value)| {
            classify(*parameter, value, input.water_body).map(|class| (*parameter, class))
        })
        .collect();
    Ok(Assessment {
        period: input.period,
        target_class: input.target_class,
        months: statistics.months,
        attained: statistics.class.map(|class| class <= input.target_class),
        class: statistics.class,
        stats: statistics.stats,
        classes_by_parameter,
    })
}
