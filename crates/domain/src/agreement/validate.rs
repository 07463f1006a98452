//! Validation of agreement terms into [`ValidTerms`], reporting every problem with the JSON pointer of the
//! offending field in the request body (API.md: `errors: [{pointer, message}]`).

use super::field::{Errors, Field, FieldError};
use super::valid::ValidTerms;
use super::{exceedance, rules};
use super::{AgreementTerms, Component};
use crate::code::Code;
use crate::quality::SectionFacts;

/// Most components one agreement version may have; every loop over them stays bounded.
pub const COMPONENTS_MAX: usize = 32;

/// Checks the terms. `section_facts` answers for the sections of the agreement's basin (the registry is
/// not reachable from here); a section it does not know is reported at its pointer.
pub fn validate(
    terms: &AgreementTerms,
    section_facts: impl Fn(&Code) -> Option<SectionFacts>,
) -> Result<ValidTerms, Vec<FieldError>> {
    let mut errors = Errors::default();
    let months_in_period = terms.period.month_count();
    let min_valid_months = terms.min_valid_months.unwrap_or(months_in_period);
    if !(1..=months_in_period).contains(&min_valid_months) {
        errors.add(
            "/min_valid_months".into(),
            format!(
                "must be between 1 and {months_in_period}, the months of a {} period",
                terms.period
            ),
        );
    }
    if terms.components.is_empty() {
        errors.add(
            "/components".into(),
            "must list at least one component".into(),
        );
    }
    if terms.components.len() > COMPONENTS_MAX {
        errors.add(
            "/components".into(),
            format!("must list at most {COMPONENTS_MAX} components"),
        );
    }
    let mut checked = Vec::new();
    for (index, component) in terms.components.iter().take(COMPONENTS_MAX).enumerate() {
        let mut field = Field::new(format!("/components/{index}"), &mut errors);
        field.section("section", component.section(), &section_facts);
        let rule = match component {
            Component::Index(terms) => rules::index(terms, &mut field),
            Component::ClassSteps(terms) => rules::class_steps(terms, &mut field, &section_facts),
            Component::Attainment(terms) => rules::attainment(terms, &mut field),
            Component::Volume(terms) => rules::volume(terms, &mut field),
            Component::Threshold(terms) => rules::threshold(terms, &mut field),
            Component::Exceedance(terms) => {
                exceedance::exceedance(terms, &mut field, &section_facts)
            }
            Component::Reduction(terms) => rules::reduction(terms, &mut field),
        };
        checked.extend(rule);
    }
    let errors = errors.into_list();
    if errors.is_empty() {
        Ok(ValidTerms {
            terms: terms.clone(),
            min_valid_months,
            rules: checked,
        })
    } else {
        Err(errors)
    }
}
