//! The completeness rule of compensation.md §3: every needed (section, parameter) must have data in at
//! least `min_valid_months` months, and flow for a volume component in every month; otherwise the
//! evaluation is refused with the months that lack data.

use std::collections::BTreeMap;

use super::{EvaluationError, MissingData};
use crate::agreement::valid::Rule;
use crate::agreement::ValidTerms;
use crate::code::Code;
use crate::parameter::ParameterCode;
use crate::period::Period;
use crate::statistics::{MonthSummary, SectionStatistics};

/// A needed series: a parameter at a section, or (`None`) any class parameter at a section.
pub(super) type Need = (Code, Option<ParameterCode>);

/// Every series a component needs, with the months of data it must have.
pub(super) fn needs(terms: &ValidTerms, period: &Period) -> BTreeMap<Need, u32> {
    let every_month = period.months().len() as u32;
    let mut required: BTreeMap<Need, u32> = BTreeMap::new();
    let mut need = |section: &Code, parameter: Option<ParameterCode>, months: u32| {
        let entry = required.entry((section.clone(), parameter)).or_default();
        *entry = (*entry).max(months);
    };
    let minimum = terms.min_valid_months().min(every_month);
    for rule in &terms.rules {
        match rule {
            Rule::Index(rule) => {
                for parameter in rule.weighted.keys() {
                    need(&rule.section, Some(*parameter), minimum);
                }
            }
            Rule::ClassSteps(rule) => {
                for parameter in &rule.parameters {
                    need(&rule.section, Some(*parameter), minimum);
                }
            }
            Rule::Attainment(rule) => match &rule.parameters {
                Some(parameters) => {
                    for parameter in parameters {
                        need(&rule.section, Some(*parameter), minimum);
                    }
                }
                None => need(&rule.section, None, minimum),
            },
            Rule::Volume(rule) => need(&rule.section, Some(ParameterCode::Flow), every_month),
            Rule::Threshold(rule) => need(&rule.section, Some(rule.parameter), minimum),
            Rule::Exceedance(rule) => {
                for parameter in &rule.parameters {
                    need(&rule.section, Some(*parameter), minimum);
                }
            }
            Rule::Reduction(rule) => need(&rule.section, Some(rule.parameter), minimum),
        }
    }
    required
}

pub(super) fn check(
    terms: &ValidTerms,
    period: &Period,
    statistics: &BTreeMap<Code, SectionStatistics>,
) -> Result<(), EvaluationError> {
    let required = needs(terms, period);
    let mut missing = Vec::new();
    for ((section, parameter), months_required) in required {
        let Some(section_statistics) = statistics.get(&section) else {
            return Err(EvaluationError::UnknownSection(section));
        };
        let (with_data, without_data): (Vec<&MonthSummary>, Vec<&MonthSummary>) =
            section_statistics
                .months
                .iter()
                .partition(|summary| has_data(summary, parameter));
        if (with_data.len() as u32) < months_required {
            missing.push(MissingData {
                section,
                parameter,
                months: without_data.iter().map(|summary| summary.month).collect(),
            });
        }
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(EvaluationError::Incomplete(missing))
    }
}

/// A month has data for a parameter when it has a monthly statistic of it; for "any class parameter"
/// when its section class exists, which needs at least one participating parameter.
fn has_data(summary: &MonthSummary, parameter: Option<ParameterCode>) -> bool {
    match parameter {
        Some(parameter) => summary.stats.contains_key(&parameter),
        None => summary.class.is_some(),
    }
}
