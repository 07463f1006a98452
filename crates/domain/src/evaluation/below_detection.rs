//! `below_detection: "refuse"` (compensation.md §2): a month in which a parameter that a component
//! needs has a counting value below the detection limit is refused, naming the section, the
//! parameter and the months. Parameters no component needs never refuse.

use std::collections::BTreeMap;

use super::completeness::needs;
use super::{EvaluationError, MissingData};
use crate::agreement::ValidTerms;
use crate::code::Code;
use crate::measured::BelowDetection;
use crate::period::Period;
use crate::statistics::SectionStatistics;

pub(super) fn check(
    terms: &ValidTerms,
    period: &Period,
    statistics: &BTreeMap<Code, SectionStatistics>,
) -> Result<(), EvaluationError> {
    if terms.below_detection() != BelowDetection::Refuse {
        return Ok(());
    }
    let mut refused = Vec::new();
    for (section, parameter) in needs(terms, period).into_keys() {
        let Some(section_statistics) = statistics.get(&section) else {
            return Err(EvaluationError::UnknownSection(section));
        };
        let months: Vec<_> = section_statistics
            .months
            .iter()
            .filter(|summary| match parameter {
                Some(parameter) => summary.below_limit.contains_key(&parameter),
                // Attainment without parameters reads every class parameter of the month.
                None => summary
                    .below_limit
                    .keys()
                    .any(|parameter| parameter.in_class()),
            })
            .map(|summary| summary.month)
            .collect();
        if !months.is_empty() {
            refused.push(MissingData {
                section,
                parameter,
                months,
            });
        }
    }
    if refused.is_empty() {
        Ok(())
    } else {
        Err(EvaluationError::BelowDetectionRefused(refused))
    }
}
