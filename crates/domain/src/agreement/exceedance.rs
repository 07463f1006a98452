//! The checks of the `exceedance` kind (compensation.md §5): `max` parameters only, positive limits of
//! listed parameters, exactly one of `bands` and `step_multiple` with `step_charge_fen`, a cap that is not
//! negative, and an inflow section other than the section.

use std::collections::BTreeMap;

use rust_decimal::Decimal;

use super::field::{pointer_segment, Field};
use super::rules::TIERS_MAX;
use super::terms::{Band, ExceedanceTerms};
use super::valid::{ExceedanceBand, ExceedanceCharge, ExceedanceRule, Rule};
use crate::code::Code;
use crate::parameter::{Direction, ParameterCode};
use crate::quality::SectionFacts;

pub(super) fn exceedance(
    terms: &ExceedanceTerms,
    field: &mut Field,
    section_facts: &impl Fn(&Code) -> Option<SectionFacts>,
) -> Option<Rule> {
    let parameters = max_parameters(&terms.parameters, field);
    let limits = limits(terms, parameters.as_deref(), field);
    let charge = charge(terms, field);
    let mut valid = true;
    if let Some(cap_fen) = terms.cap_fen {
        valid &= field.non_negative_fen("cap_fen", cap_fen);
    }
    if let Some(inflow_section) = &terms.inflow_section {
        if inflow_section == &terms.section {
            field.error("inflow_section", "must differ from section");
            valid = false;
        }
        valid &= field.section("inflow_section", inflow_section, section_facts);
    }
    match (parameters, limits, charge, valid) {
        (Some(parameters), Some(limits), Some(charge), true) => {
            Some(Rule::Exceedance(ExceedanceRule {
                section: terms.section.clone(),
                parameters,
                limits,
                charge,
                cap_fen: terms.cap_fen,
                inflow_section: terms.inflow_section.clone(),
            }))
        }
        _ => None,
    }
}

/// A non-empty list of distinct parameters whose limits are upper bounds: not pH (a range), not
/// dissolved oxygen (a lower bound), not temperature or the other descriptive parameters.
fn max_parameters(texts: &[String], field: &mut Field) -> Option<Vec<ParameterCode>> {
    if texts.is_empty() {
        field.error("parameters", "must list at least one parameter");
        return None;
    }
    let mut parameters = Vec::new();
    let mut valid = true;
    for (index, text) in texts.iter().enumerate() {
        let item = format!("parameters/{index}");
        match field.parameter(&item, text) {
            Some(parameter) if parameter.direction() != Direction::Max => {
                field.error(
                    &item,
                    format!("{parameter} has no upper limit, so it cannot be exceeded"),
                );
                valid = false;
            }
            Some(parameter) if parameters.contains(&parameter) => {
                field.error(&item, format!("{parameter} is listed twice"));
                valid = false;
            }
            Some(parameter) => parameters.push(parameter),
            None => valid = false,
        }
    }
    valid.then_some(parameters)
}

/// Written limits: each of a listed parameter, each positive (the multiple divides by it).
fn limits(
    terms: &ExceedanceTerms,
    parameters: Option<&[ParameterCode]>,
    field: &mut Field,
) -> Option<BTreeMap<ParameterCode, Decimal>> {
    let mut limits = BTreeMap::new();
    let mut valid = true;
    for (text, limit) in terms.limits.iter().flatten() {
        let path = format!("limits/{}", pointer_segment(text));
        let Some(parameter) = field.parameter(&path, text) else {
            valid = false;
            continue;
        };
        if parameters.is_some_and(|parameters| !parameters.contains(&parameter)) {
            field.error(
                &path,
                format!("{parameter} has a limit but is not listed in parameters"),
            );
            valid = false;
            continue;
        }
        valid &= field.positive(&path, limit.decimal());
        limits.insert(parameter, limit.decimal());
    }
    valid.then_some(limits)
}

fn charge(terms: &ExceedanceTerms, field: &mut Field) -> Option<ExceedanceCharge> {
    match (&terms.bands, &terms.step_multiple, terms.step_charge_fen) {
        (Some(bands), None, None) => bands_of(bands, field).map(ExceedanceCharge::Bands),
        (None, Some(step_multiple), Some(step_charge_fen)) => {
            let mut valid = field.positive("step_multiple", step_multiple.decimal());
            valid &= field.non_negative_fen("step_charge_fen", step_charge_fen);
            valid.then_some(ExceedanceCharge::Steps {
                step_multiple: step_multiple.decimal(),
                step_charge_fen,
            })
        }
        (None, Some(_), None) => {
            field.error("step_charge_fen", "step_multiple needs step_charge_fen");
            None
        }
        (None, None, Some(_)) => {
            field.error("step_multiple", "step_charge_fen needs step_multiple");
            None
        }
        (None, None, None) => {
            field.error(
                "bands",
                "needs either bands or step_multiple with step_charge_fen",
            );
            None
        }
        (Some(_), _, _) => {
            field.error(
                "bands",
                "give either bands or step_multiple with step_charge_fen, not both",
            );
            None
        }
    }
}

/// Bands ascend strictly by a positive `max_multiple` and end with exactly one `max_multiple: null`.
fn bands_of(bands: &[Band], field: &mut Field) -> Option<Vec<ExceedanceBand>> {
    if bands.is_empty() {
        field.error("bands", "must end with a band whose max_multiple is null");
        return None;
    }
    if bands.len() > TIERS_MAX {
        field.error("bands", format!("must list at most {TIERS_MAX} bands"));
        return None;
    }
    let last = bands.len() - 1;
    let mut valid = true;
    let mut previous: Option<Decimal> = None;
    for (position, band) in bands.iter().enumerate() {
        valid &= field.non_negative_fen(&format!("bands/{position}/charge_fen"), band.charge_fen);
        let path = format!("bands/{position}/max_multiple");
        match (&band.max_multiple, position == last) {
            (None, true) => {}
            (None, false) => {
                field.error(&path, "only the last band may have max_multiple null");
                valid = false;
            }
            (Some(_), true) => {
                field.error(&path, "the last band must have max_multiple null");
                valid = false;
            }
            (Some(max_multiple), false) => {
                let max_multiple = max_multiple.decimal();
                if previous.is_some_and(|previous| max_multiple <= previous) {
                    field.error(
                        &path,
                        "must be greater than the previous band's max_multiple",
                    );
                    valid = false;
                } else if !field.positive(&path, max_multiple) {
                    valid = false;
                }
                previous = Some(max_multiple);
            }
        }
    }
    valid.then(|| {
        bands
            .iter()
            .map(|band| ExceedanceBand {
                max_multiple: band.max_multiple.as_ref().map(|max| max.decimal()),
                charge_fen: band.charge_fen,
            })
            .collect()
    })
}
