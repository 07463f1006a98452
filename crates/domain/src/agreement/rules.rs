//! Per-kind checks of compensation.md §5: each turns written terms into a typed rule, or reports why not.

use rust_decimal::Decimal;

use super::field::{pointer_segment, Field};
use super::terms::{
    AttainmentTerms, ClassStepsTerms, IndexTerms, ReductionTerms, ThresholdTerms, VolumeTerms,
};
use super::valid::{
    AttainmentRule, ClassStepsRule, IndexRule, IndexTier, Inflow, ReductionRule, Rule,
    ThresholdRule, VolumeRule, WeightedParameter,
};
use crate::code::Code;
use crate::money::Fen;
use crate::quality::SectionFacts;

/// Most tiers one index component may have.
pub const TIERS_MAX: usize = 32;

pub(super) fn index(terms: &IndexTerms, field: &mut Field) -> Option<Rule> {
    let k0_valid = field.positive("k0", terms.k0.decimal());
    let mut weighted = std::collections::BTreeMap::new();
    let mut valid = k0_valid;
    if terms.weights.is_empty() {
        field.error("weights", "must weight at least one parameter");
        valid = false;
    }
    for (text, weight) in &terms.weights {
        let segment = pointer_segment(text);
        let Some(parameter) = field.parameter(&format!("weights/{segment}"), text) else {
            valid = false;
            continue;
        };
        valid &= field.non_negative(&format!("weights/{segment}"), weight.decimal());
        let Some(baseline) = terms.baseline.get(text) else {
            field.error(
                &format!("baseline/{segment}"),
                format!("{parameter} is weighted, so it needs a baseline"),
            );
            valid = false;
            continue;
        };
        valid &= field.positive(&format!("baseline/{segment}"), baseline.decimal());
        weighted.insert(
            parameter,
            WeightedParameter {
                weight: weight.decimal(),
                baseline: baseline.decimal(),
            },
        );
    }
    // A baseline of an unweighted parameter has no effect; only its code is checked.
    for text in terms.baseline.keys() {
        if field
            .parameter(&format!("baseline/{}", pointer_segment(text)), text)
            .is_none()
        {
            valid = false;
        }
    }
    let tiers = index_tiers(terms, field);
    match (valid, tiers) {
        (true, Some(tiers)) => Some(Rule::Index(IndexRule {
            section: terms.section.clone(),
            k0: terms.k0.decimal(),
            weighted,
            tiers,
        })),
        _ => None,
    }
}

/// Tiers ascend strictly by `max_p` and end with exactly one `max_p: null`.
fn index_tiers(terms: &IndexTerms, field: &mut Field) -> Option<Vec<IndexTier>> {
    if terms.tiers.is_empty() {
        field.error("tiers", "must end with a tier whose max_p is null");
        return None;
    }
    if terms.tiers.len() > TIERS_MAX {
        field.error("tiers", format!("must list at most {TIERS_MAX} tiers"));
        return None;
    }
    let last = terms.tiers.len() - 1;
    let mut valid = true;
    let mut previous: Option<Decimal> = None;
    for (position, tier) in terms.tiers.iter().enumerate() {
        let path = format!("tiers/{position}/max_p");
        match (&tier.max_p, position == last) {
            (None, true) => {}
            (None, false) => {
                field.error(&path, "only the last tier may have max_p null");
                valid = false;
            }
            (Some(_), true) => {
                field.error(&path, "the last tier must have max_p null");
                valid = false;
            }
            (Some(max_p), false) => {
                if previous.is_some_and(|previous| max_p.decimal() <= previous) {
                    field.error(&path, "must be greater than the previous tier's max_p");
                    valid = false;
                }
                previous = Some(max_p.decimal());
            }
        }
    }
    valid.then(|| {
        terms
            .tiers
            .iter()
            .map(|tier| IndexTier {
                max_p: tier.max_p.as_ref().map(|max_p| max_p.decimal()),
                amount_fen: tier.amount_fen,
            })
            .collect()
    })
}

pub(super) fn class_steps(
    terms: &ClassStepsTerms,
    field: &mut Field,
    section_facts: &impl Fn(&Code) -> Option<SectionFacts>,
) -> Option<Rule> {
    let parameters = field.classed_parameters("parameters", &terms.parameters);
    let mut valid = parameters.is_some();
    if let Some(target_class) = terms.target_class {
        valid &= field.target_class("target_class", target_class);
    }
    valid &= field.non_negative_fen("rate_worse_fen", terms.rate_worse_fen);
    let rate_better_fen = terms.rate_better_fen.unwrap_or(Fen::ZERO);
    valid &= field.non_negative_fen("rate_better_fen", rate_better_fen);
    let inflow = match (&terms.inflow_section, terms.rate_worse_mild_fen) {
        (None, None) => None,
        (Some(_), None) => {
            field.error("inflow_section", "needs rate_worse_mild_fen");
            valid = false;
            None
        }
        (None, Some(_)) => {
            field.error("rate_worse_mild_fen", "needs inflow_section");
            valid = false;
            None
        }
        (Some(section), Some(rate_worse_mild_fen)) => {
            valid &= field.non_negative_fen("rate_worse_mild_fen", rate_worse_mild_fen);
            if section == &terms.section {
                field.error("inflow_section", "must differ from section");
                valid = false;
            }
            valid &= field.section("inflow_section", section, section_facts);
            Some(Inflow {
                section: section.clone(),
                rate_worse_mild_fen,
            })
        }
    };
    let parameters = parameters.filter(|_| valid)?;
    Some(Rule::ClassSteps(ClassStepsRule {
        section: terms.section.clone(),
        parameters,
        target_class: terms.target_class,
        rate_worse_fen: terms.rate_worse_fen,
        inflow,
        rate_better_fen,
    }))
}

pub(super) fn attainment(terms: &AttainmentTerms, field: &mut Field) -> Option<Rule> {
    let mut valid = field.target_class("target_class", terms.target_class);
    let parameters = match &terms.parameters {
        None => None,
        Some(texts) => {
            let parameters = field.classed_parameters("parameters", texts);
            valid &= parameters.is_some();
            parameters
        }
    };
    let threshold = terms.threshold.decimal();
    if !(Decimal::ZERO..=Decimal::ONE).contains(&threshold) {
        field.error("threshold", "must be a fraction between 0 and 1");
        valid = false;
    }
    valid.then(|| {
        Rule::Attainment(AttainmentRule {
            section: terms.section.clone(),
            target_class: terms.target_class,
            parameters,
            threshold,
            amount_if_met_fen: terms.amount_if_met_fen,
            amount_if_failed_fen: terms.amount_if_failed_fen,
        })
    })
}

pub(super) fn volume(terms: &VolumeTerms, field: &mut Field) -> Option<Rule> {
    let mut valid = field.non_negative("baseline_m3", terms.baseline_m3.decimal());
    valid &= field.non_negative("rate_fen_per_10k_m3", terms.rate_fen_per_10k_m3.decimal());
    if let Some(cap_fen) = terms.cap_fen {
        valid &= field.non_negative_fen("cap_fen", cap_fen);
    }
    valid.then(|| {
        Rule::Volume(VolumeRule {
            section: terms.section.clone(),
            baseline_m3: terms.baseline_m3.decimal(),
            rate_fen_per_10k_m3: terms.rate_fen_per_10k_m3.decimal(),
            cap_fen: terms.cap_fen,
        })
    })
}

pub(super) fn threshold(terms: &ThresholdTerms, field: &mut Field) -> Option<Rule> {
    let parameter = field.parameter("parameter", &terms.parameter)?;
    Some(Rule::Threshold(ThresholdRule {
        section: terms.section.clone(),
        parameter,
        limit: terms.limit.decimal(),
        monthly_limit: terms.monthly_limit.as_ref().map(|limit| limit.decimal()),
        amount_if_met_fen: terms.amount_if_met_fen,
        amount_if_failed_fen: terms.amount_if_failed_fen,
    }))
}

pub(super) fn reduction(terms: &ReductionTerms, field: &mut Field) -> Option<Rule> {
    let parameter = field.parameter("parameter", &terms.parameter);
    let mut valid = field.positive("baseline", terms.baseline.decimal());
    valid &= field.non_negative("rate_fen_per_percent", terms.rate_fen_per_percent.decimal());
    if let Some(cap_fen) = terms.cap_fen {
        valid &= field.non_negative_fen("cap_fen", cap_fen);
    }
    let parameter = parameter.filter(|_| valid)?;
    Some(Rule::Reduction(ReductionRule {
        section: terms.section.clone(),
        parameter,
        baseline: terms.baseline.decimal(),
        rate_fen_per_percent: terms.rate_fen_per_percent.decimal(),
        cap_fen: terms.cap_fen,
    }))
}
