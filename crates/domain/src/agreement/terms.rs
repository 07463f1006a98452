//! Agreement terms as clients write them (compensation.md §5, API.md "Agreements"). These are the request
//! shapes: serde refuses unknown kinds and fields; everything else is checked by [`super::validate`], which
//! turns them into [`super::ValidTerms`]. Parameter codes stay strings here so that an unknown one can be
//! reported with its JSON pointer.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use super::RuleDecimal;
use crate::code::Code;
use crate::measured::BelowDetection;
use crate::money::Fen;
use crate::period::PeriodKind;
use crate::quality::WaterClass;

/// The parts of an agreement version that decide amounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgreementTerms {
    pub period: PeriodKind,
    /// Months with data a needed parameter must have; absent means every month of the period.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_valid_months: Option<u32>,
    /// How values below the detection limit enter means; absent means `half_limit`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below_detection: Option<BelowDetection>,
    pub components: Vec<Component>,
}

/// One component, tagged by `kind`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Component {
    Index(IndexTerms),
    ClassSteps(ClassStepsTerms),
    Attainment(AttainmentTerms),
    Volume(VolumeTerms),
    Threshold(ThresholdTerms),
    Exceedance(ExceedanceTerms),
    Reduction(ReductionTerms),
}

/// The component kinds, as written in `kind`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentKind {
    Index,
    ClassSteps,
    Attainment,
    Volume,
    Threshold,
    Exceedance,
    Reduction,
}

impl ComponentKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Index => "index",
            Self::ClassSteps => "class_steps",
            Self::Attainment => "attainment",
            Self::Volume => "volume",
            Self::Threshold => "threshold",
            Self::Exceedance => "exceedance",
            Self::Reduction => "reduction",
        }
    }
}

impl fmt::Display for ComponentKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Component {
    pub fn kind(&self) -> ComponentKind {
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

    /// The section whose statistics the component uses.
    pub fn section(&self) -> &Code {
        match self {
            Self::Index(terms) => &terms.section,
            Self::ClassSteps(terms) => &terms.section,
            Self::Attainment(terms) => &terms.section,
            Self::Volume(terms) => &terms.section,
            Self::Threshold(terms) => &terms.section,
            Self::Exceedance(terms) => &terms.section,
            Self::Reduction(terms) => &terms.section,
        }
    }
}

/// Xin'an style: `P = k0 × Σ w_p × S_p / C0_p`, then the first tier with `P <= max_p`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexTerms {
    pub section: Code,
    pub k0: RuleDecimal,
    pub weights: BTreeMap<String, RuleDecimal>,
    pub baseline: BTreeMap<String, RuleDecimal>,
    pub tiers: Vec<Tier>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// `null` means no bound; only the last tier has it.
    pub max_p: Option<RuleDecimal>,
    pub amount_fen: Fen,
}

/// Beijing style: class steps per month and parameter against the target class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClassStepsTerms {
    pub section: Code,
    pub parameters: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_class: Option<WaterClass>,
    pub rate_worse_fen: Fen,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_worse_mild_fen: Option<Fen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflow_section: Option<Code>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rate_better_fen: Option<Fen>,
}

/// Monthly compliance rate against a target class.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttainmentTerms {
    pub section: Code,
    pub target_class: WaterClass,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Vec<String>>,
    pub threshold: RuleDecimal,
    pub amount_if_met_fen: Fen,
    pub amount_if_failed_fen: Fen,
}

/// Water quantity: `rate × (V − baseline_m3) / 10 000`, capped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VolumeTerms {
    pub section: Code,
    pub baseline_m3: RuleDecimal,
    pub rate_fen_per_10k_m3: RuleDecimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_fen: Option<Fen>,
}

/// A limit on the period statistic and, optionally, on every monthly statistic.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ThresholdTerms {
    pub section: Code,
    pub parameter: String,
    pub limit: RuleDecimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_limit: Option<RuleDecimal>,
    pub amount_if_met_fen: Fen,
    pub amount_if_failed_fen: Fen,
}

/// Hebei style: a charge per month and parameter by exceedance multiple `m = (S − L) / L`, in bands or
/// in steps, capped, and waived when the inflow is at least as far over the limit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExceedanceTerms {
    pub section: Code,
    pub parameters: Vec<String>,
    /// Limits by parameter; a listed parameter without one uses the section's target-class limit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<BTreeMap<String, RuleDecimal>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bands: Option<Vec<Band>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_multiple: Option<RuleDecimal>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step_charge_fen: Option<Fen>,
    /// The most one parameter is charged in one month.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_fen: Option<Fen>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inflow_section: Option<Code>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// `null` means no bound; only the last band has it.
    pub max_multiple: Option<RuleDecimal>,
    pub charge_fen: Fen,
}

/// Reward per percentage point of reduction against a baseline, capped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReductionTerms {
    pub section: Code,
    pub parameter: String,
    pub baseline: RuleDecimal,
    pub rate_fen_per_percent: RuleDecimal,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cap_fen: Option<Fen>,
}
