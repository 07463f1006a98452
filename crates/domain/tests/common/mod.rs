//! Builders shared by the integration tests: everything goes through the public API.
#![allow(dead_code)]

use std::collections::BTreeMap;

use basin_domain::agreement::{validate, AgreementTerms, ValidTerms};
use basin_domain::evaluation::{evaluate, Evaluation, EvaluationError, EvaluationInput};
use basin_domain::quality::SectionFacts;
use basin_domain::statistics::ReadingForStatistics;
use basin_domain::{Code, Measured, ParameterCode, Period, ValueLiteral, WaterBody, WaterClass};
use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use serde_json::{json, Value};

pub fn decimal(text: &str) -> Decimal {
    Decimal::from_str_exact(text).unwrap()
}

pub fn code(text: &str) -> Code {
    Code::parse(text).unwrap()
}

pub fn period(text: &str) -> Period {
    Period::parse(text).unwrap()
}

pub fn instant(text: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(text)
        .unwrap()
        .with_timezone(&Utc)
}

pub fn parameter(text: &str) -> ParameterCode {
    ParameterCode::parse(text).unwrap()
}

/// What a literal (`0.05`, `<0.010`) of a parameter measures.
pub fn measured(code: &str, text: &str) -> Measured {
    ValueLiteral::parse_for(parameter(code), text)
        .unwrap()
        .measured()
}

/// One reading; values are `(code, literal)` pairs.
pub fn reading(id: i64, sampled_at: &str, values: &[(&str, &str)]) -> ReadingForStatistics {
    ReadingForStatistics {
        id,
        sampled_at: instant(sampled_at),
        values: values
            .iter()
            .map(|(code, text)| (parameter(code), measured(code, text)))
            .collect(),
        flags: BTreeMap::new(),
    }
}

/// One reading on the 15th of each listed month (`"2025-07"`), ids counting up from `first_id`.
pub fn monthly(
    first_id: i64,
    months: &[&str],
    values: &[(&str, &str)],
) -> Vec<ReadingForStatistics> {
    months
        .iter()
        .enumerate()
        .map(|(offset, month)| {
            reading(
                first_id + offset as i64,
                &format!("{month}-15T10:00:00+08:00"),
                values,
            )
        })
        .collect()
}

pub fn months_of(period_text: &str) -> Vec<String> {
    period(period_text)
        .months()
        .iter()
        .map(|month| month.to_string())
        .collect()
}

pub fn river_section(target_class: WaterClass) -> SectionFacts {
    SectionFacts {
        water_body: WaterBody::River,
        target_class,
    }
}

/// The sections the tests use: `main` (river, target II), `inflow` (river, target III), `lake` (lake, II),
/// and `third` with its inflow `third_inflow` (rivers, target III).
pub fn sections() -> BTreeMap<Code, SectionFacts> {
    BTreeMap::from([
        (code("main"), river_section(WaterClass::II)),
        (code("inflow"), river_section(WaterClass::III)),
        (code("third"), river_section(WaterClass::III)),
        (code("third_inflow"), river_section(WaterClass::III)),
        (
            code("lake"),
            SectionFacts {
                water_body: WaterBody::Lake,
                target_class: WaterClass::II,
            },
        ),
    ])
}

pub fn valid_terms(
    period_kind: &str,
    min_valid_months: Option<u32>,
    components: Value,
) -> ValidTerms {
    let mut body = json!({"period": period_kind, "components": components});
    if let Some(months) = min_valid_months {
        body["min_valid_months"] = json!(months);
    }
    let terms: AgreementTerms = serde_json::from_value(body).unwrap();
    let known = sections();
    validate(&terms, |section| known.get(section).copied()).unwrap()
}

pub struct Case<'a> {
    pub period: &'a str,
    pub min_valid_months: Option<u32>,
    pub components: Value,
    pub readings: Vec<(&'a str, Vec<ReadingForStatistics>)>,
}

pub fn run(case: Case) -> Result<Evaluation, EvaluationError> {
    let period = period(case.period);
    let kind = period.kind().to_string();
    let readings = case
        .readings
        .into_iter()
        .map(|(section, readings)| (code(section), readings))
        .collect();
    evaluate(EvaluationInput {
        terms: valid_terms(&kind, case.min_valid_months, case.components),
        period,
        sections: sections(),
        readings,
    })
}

/// The only component's amount in fen.
pub fn amount_fen(evaluation: &Evaluation) -> i64 {
    assert_eq!(evaluation.components.len(), 1);
    evaluation.components[0].amount_fen.as_i64()
}

pub fn explanation(evaluation: &Evaluation) -> &Value {
    &evaluation.components[0].explanation
}

/// The missing data of an incomplete evaluation, as JSON.
pub fn missing(result: Result<Evaluation, EvaluationError>) -> Value {
    match result {
        Err(EvaluationError::Incomplete(missing)) => serde_json::to_value(missing).unwrap(),
        other => panic!("expected Incomplete, got {other:?}"),
    }
}
