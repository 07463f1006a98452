//! Evaluation of an agreement version over a period (compensation.md §3–§5): statistics of every section
//! the components name, the completeness check, one signed amount per component, and the net.
//!
//! Sign convention: a positive amount means the downstream jurisdiction pays the upstream one.
//! Evaluation is a pure function of its input: maps are ordered and readings are sorted internally, so the
//! same input in any order serialises to the same bytes.

mod amounts;
mod attainment;
mod below_detection;
mod class_steps;
mod completeness;
mod exceedance;
mod index;
mod reduction;
mod settle;
mod threshold;
mod volume;

use std::collections::BTreeMap;
use std::fmt;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::agreement::valid::Rule;
use crate::agreement::{ComponentKind, ValidTerms};
use crate::code::Code;
use crate::decimal_text::serialize_decimal_map;
use crate::money::Fen;
use crate::parameter::ParameterCode;
use crate::period::{Month, Period};
use crate::quality::{SectionFacts, WaterClass};
use crate::statistics::{
    section_statistics_with, MonthSummary, ReadingForStatistics, StatisticsError,
};

use amounts::{Context, RuleFailure};
pub use settle::{settle_direction, PaymentDirection};

/// Everything an evaluation reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvaluationInput {
    pub terms: ValidTerms,
    pub period: Period,
    /// Facts of every section the components name (inflow sections included).
    pub sections: BTreeMap<Code, SectionFacts>,
    /// Valid readings by section, in any order; a section without an entry has no readings.
    pub readings: BTreeMap<Code, Vec<ReadingForStatistics>>,
}

/// The statistics a settlement records for one section (API.md `inputs.sections`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionInputs {
    pub section: Code,
    pub months: Vec<MonthSummary>,
    #[serde(serialize_with = "serialize_decimal_map")]
    pub stats: BTreeMap<ParameterCode, Decimal>,
    pub class: Option<WaterClass>,
    /// Month → parameter → how many values below the detection limit its monthly statistic
    /// contains; omitted when there are none, so documents without such values keep their bytes.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub below_limit: BTreeMap<Month, BTreeMap<ParameterCode, u64>>,
}

/// One component's signed amount and how it was reached (decimals as strings, counts as integers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ComponentOutcome {
    pub kind: ComponentKind,
    pub section: Code,
    pub amount_fen: Fen,
    pub explanation: serde_json::Value,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Evaluation {
    /// In section code order.
    pub sections: Vec<SectionInputs>,
    /// In the order of the agreement's components.
    pub components: Vec<ComponentOutcome>,
    /// The sum of the component amounts.
    pub net_fen: Fen,
}

/// Months in which a needed section has no data for a needed parameter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissingData {
    pub section: Code,
    /// `None` (JSON null) stands for "any parameter that takes part in the class" (attainment without
    /// `parameters`).
    pub parameter: Option<ParameterCode>,
    pub months: Vec<Month>,
}

impl fmt::Display for MissingData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let months: Vec<String> = self.months.iter().map(Month::to_string).collect();
        match self.parameter {
            Some(parameter) => write!(f, "section {} has no {parameter} data", self.section)?,
            None => write!(
                f,
                "section {} has no data for any class parameter",
                self.section
            )?,
        }
        write!(f, " in {}", months.join(", "))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvaluationError {
    #[error("the agreement settles by {agreement}, but {period} is a {} period", period.kind())]
    PeriodKindMismatch {
        agreement: crate::period::PeriodKind,
        period: Period,
    },
    #[error("no facts were given for section {0}")]
    UnknownSection(Code),
    #[error("data are missing: {}", join(.0))]
    Incomplete(Vec<MissingData>),
    /// The agreement says `below_detection: "refuse"` and these needed series have values below the
    /// detection limit in these months.
    #[error("the agreement refuses values below the detection limit: {}", join_refused(.0))]
    BelowDetectionRefused(Vec<MissingData>),
    #[error(transparent)]
    Statistics(#[from] StatisticsError),
    #[error("component {component} ({kind}): {message}")]
    Arithmetic {
        component: usize,
        kind: ComponentKind,
        message: String,
    },
    #[error("the net amount is beyond 2^53 fen")]
    NetOutOfRange,
}

fn join(missing: &[MissingData]) -> String {
    let parts: Vec<String> = missing.iter().map(MissingData::to_string).collect();
    parts.join("; ")
}

fn join_refused(refused: &[MissingData]) -> String {
    let parts: Vec<String> = refused.iter().map(MissingData::below_limit_text).collect();
    parts.join("; ")
}

impl MissingData {
    /// The series and months, said of values below the detection limit.
    pub fn below_limit_text(&self) -> String {
        let months: Vec<String> = self.months.iter().map(Month::to_string).collect();
        let parameter = self
            .parameter
            .map_or_else(|| "a class parameter".to_owned(), |p| p.to_string());
        format!(
            "section {} has {parameter} values below the detection limit in {}",
            self.section,
            months.join(", ")
        )
    }
}

pub fn evaluate(input: EvaluationInput) -> Result<Evaluation, EvaluationError> {
    if input.period.kind() != input.terms.period_kind() {
        return Err(EvaluationError::PeriodKindMismatch {
            agreement: input.terms.period_kind(),
            period: input.period,
        });
    }
    let mut statistics = BTreeMap::new();
    for section in input.terms.sections() {
        let facts = input
            .sections
            .get(&section)
            .ok_or_else(|| EvaluationError::UnknownSection(section.clone()))?;
        let readings = input.readings.get(&section).map_or(&[][..], Vec::as_slice);
        let computed = section_statistics_with(
            &input.period,
            facts.water_body,
            input.terms.below_detection(),
            readings,
        )?;
        statistics.insert(section, computed);
    }
    completeness::check(&input.terms, &input.period, &statistics)?;
    below_detection::check(&input.terms, &input.period, &statistics)?;

    let context = Context {
        facts: &input.sections,
        statistics: &statistics,
    };
    let mut components = Vec::new();
    let mut net_fen = Fen::ZERO;
    for (position, rule) in input.terms.rules.iter().enumerate() {
        let outcome = match rule {
            Rule::Index(rule) => index::evaluate(rule, &context),
            Rule::ClassSteps(rule) => class_steps::evaluate(rule, &context),
            Rule::Attainment(rule) => attainment::evaluate(rule, &context),
            Rule::Volume(rule) => volume::evaluate(rule, &context),
            Rule::Threshold(rule) => threshold::evaluate(rule, &context),
            Rule::Exceedance(rule) => exceedance::evaluate(rule, &context),
            Rule::Reduction(rule) => reduction::evaluate(rule, &context),
        }
        .map_err(|failure: RuleFailure| EvaluationError::Arithmetic {
            component: position,
            kind: rule.kind(),
            message: failure.to_string(),
        })?;
        net_fen = net_fen
            .checked_add(outcome.amount_fen)
            .map_err(|_| EvaluationError::NetOutOfRange)?;
        components.push(ComponentOutcome {
            kind: rule.kind(),
            section: rule.section().clone(),
            amount_fen: outcome.amount_fen,
            explanation: outcome.explanation,
        });
    }
    let sections = statistics
        .into_iter()
        .map(|(section, statistics)| SectionInputs {
            section,
            below_limit: statistics
                .months
                .iter()
                .filter(|summary| !summary.below_limit.is_empty())
                .map(|summary| (summary.month, summary.below_limit.clone()))
                .collect(),
            months: statistics.months,
            stats: statistics.stats,
            class: statistics.class,
        })
        .collect();
    Ok(Evaluation {
        sections,
        components,
        net_fen,
    })
}
