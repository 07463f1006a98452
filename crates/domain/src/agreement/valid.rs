//! Terms that passed validation, with typed parameters and resolved defaults. Only
//! [`super::validate`] builds them, so evaluation never meets an unknown code or an empty tier list.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Serialize, Serializer};

use super::{AgreementTerms, ComponentKind};
use crate::code::Code;
use crate::measured::BelowDetection;
use crate::money::Fen;
use crate::parameter::ParameterCode;
use crate::period::PeriodKind;
use crate::quality::WaterClass;

/// Validated agreement terms. Serialises exactly as the [`AgreementTerms`] it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidTerms {
    pub(crate) terms: AgreementTerms,
    pub(crate) min_valid_months: u32,
    pub(crate) rules: Vec<Rule>,
}

impl ValidTerms {
    /// The terms as written (for storage and the audit log).
    pub fn terms(&self) -> &AgreementTerms {
        &self.terms
    }

    pub fn period_kind(&self) -> PeriodKind {
        self.terms.period
    }

    /// `min_valid_months` with its default (every month of the period) applied.
    pub fn min_valid_months(&self) -> u32 {
        self.min_valid_months
    }

    /// How values below the detection limit enter means, with its default (`half_limit`) applied.
    pub fn below_detection(&self) -> BelowDetection {
        self.terms.below_detection.unwrap_or_default()
    }

    /// Whether the terms state `below_detection` themselves rather than leave it to the default.
    pub fn states_below_detection(&self) -> bool {
        self.terms.below_detection.is_some()
    }

    /// Every section the rules read, inflow sections included, in code order without repeats.
    pub fn sections(&self) -> Vec<Code> {
        let mut sections: Vec<Code> = self
            .rules
            .iter()
            .flat_map(|rule| {
                let inflow = match rule {
                    Rule::ClassSteps(rule) => {
                        rule.inflow.as_ref().map(|inflow| inflow.section.clone())
                    }
                    Rule::Exceedance(rule) => rule.inflow_section.clone(),
                    _ => None,
                };
                std::iter::once(rule.section().clone()).chain(inflow)
            })
            .collect();
        sections.sort();
        sections.dedup();
        sections
    }
}

impl Serialize for ValidTerms {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.terms.serialize(serializer)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Rule {
    Index(IndexRule),
    ClassSteps(ClassStepsRule),
    Attainment(AttainmentRule),
    Volume(VolumeRule),
    Threshold(ThresholdRule),
    Exceedance(ExceedanceRule),
    Reduction(ReductionRule),
}

impl Rule {
    pub(crate) fn kind(&self) -> ComponentKind {
        match self {
            Self::Index(_) => ComponentKind::Index,
            Self::ClassSteps(_) => ComponentKind::ClassSteps,
            Self::Attainment(_) => ComponentKind::Attainment,
            Self::Volume(_) => ComponentKind::Volume,
            Self::Threshold(_) => ComponentKind::Threshold,
            Self::Exceedance(_) => ComponentKind::Exceedance,
            Self::Reduction(_) => ComponentKind::Reduction,
        }
    }

    pub(crate) fn section(&self) -> &Code {
        match self {
            Self::Index(rule) => &rule.section,
            Self::ClassSteps(rule) => &rule.section,
            Self::Attainment(rule) => &rule.section,
            Self::Volume(rule) => &rule.section,
            Self::Threshold(rule) => &rule.section,
            Self::Exceedance(rule) => &rule.section,
            Self::Reduction(rule) => &rule.section,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IndexRule {
    pub section: Code,
    pub k0: Decimal,
    /// Weight and baseline of each weighted parameter; every baseline is positive.
    pub weighted: BTreeMap<ParameterCode, WeightedParameter>,
    /// Ascending by `max_p`; the last has no bound.
    pub tiers: Vec<IndexTier>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WeightedParameter {
    pub weight: Decimal,
    pub baseline: Decimal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct IndexTier {
    pub max_p: Option<Decimal>,
    pub amount_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ClassStepsRule {
    pub section: Code,
    /// Parameters with a class, in the order written, without repeats.
    pub parameters: Vec<ParameterCode>,
    /// `None` means the section's own target class.
    pub target_class: Option<WaterClass>,
    pub rate_worse_fen: Fen,
    pub inflow: Option<Inflow>,
    pub rate_better_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Inflow {
    pub section: Code,
    pub rate_worse_mild_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct AttainmentRule {
    pub section: Code,
    pub target_class: WaterClass,
    /// `None` means the participating parameters present in each month.
    pub parameters: Option<Vec<ParameterCode>>,
    pub threshold: Decimal,
    pub amount_if_met_fen: Fen,
    pub amount_if_failed_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VolumeRule {
    pub section: Code,
    pub baseline_m3: Decimal,
    pub rate_fen_per_10k_m3: Decimal,
    pub cap_fen: Option<Fen>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ThresholdRule {
    pub section: Code,
    pub parameter: ParameterCode,
    pub limit: Decimal,
    pub monthly_limit: Option<Decimal>,
    pub amount_if_met_fen: Fen,
    pub amount_if_failed_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ExceedanceRule {
    pub section: Code,
    /// `max` parameters, in the order written, without repeats.
    pub parameters: Vec<ParameterCode>,
    /// Limits written in the agreement, each positive; the others come from the section's target class.
    pub limits: BTreeMap<ParameterCode, Decimal>,
    pub charge: ExceedanceCharge,
    pub cap_fen: Option<Fen>,
    pub inflow_section: Option<Code>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ExceedanceCharge {
    /// Ascending by `max_multiple`, each positive; the last has no bound.
    Bands(Vec<ExceedanceBand>),
    /// `ceil(m / step_multiple) × step_charge_fen`; the step is positive.
    Steps {
        step_multiple: Decimal,
        step_charge_fen: Fen,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ExceedanceBand {
    pub max_multiple: Option<Decimal>,
    pub charge_fen: Fen,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ReductionRule {
    pub section: Code,
    pub parameter: ParameterCode,
    /// Positive.
    pub baseline: Decimal,
    pub rate_fen_per_percent: Decimal,
    pub cap_fen: Option<Fen>,
}
