//! The settlement document (API.md "A settlement") and its digests, as a pure function of the
//! agreement version, the readings used, the period, the id and the issue time. No database and no
//! clock: the server issues with it, and an auditor's `verify` recomputes with it from the log.

use std::collections::BTreeMap;

use basin_audit::canonical::{canonical_json, CanonicalError};
use basin_domain::agreement::ValidTerms;
use basin_domain::evaluation::{evaluate, settle_direction, EvaluationError, EvaluationInput};
use basin_domain::quality::SectionFacts;
use basin_domain::statistics::ReadingForStatistics;
use basin_domain::{Code, Fen, Period};
use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

pub use super::digest::{
    digest_of, flagged_readings_digest, readings_digest, DigestedReading, FlaggedReading,
    UsedReading,
};
pub use super::reading::{InputReading, ReadingProblem, ReadingText};
pub use crate::entry::SupersedesRef;
use crate::time::utc_text;

/// Everything a settlement is computed from.
#[derive(Debug, Clone)]
pub struct DocumentInputs {
    pub id: String,
    pub agreement: String,
    pub agreement_version: i64,
    pub upstream: Code,
    pub downstream: Code,
    pub terms: ValidTerms,
    /// Facts of (at least) every section the terms name.
    pub sections: BTreeMap<Code, SectionFacts>,
    pub period: Period,
    /// Every counted reading of the named sections within the period, in any order, with its flags.
    pub readings: Vec<InputReading>,
    pub issued_at: DateTime<Utc>,
    pub supersedes: Option<SupersedesRef>,
}

/// The document with its hash and the numbers the store indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct AssembledDocument {
    pub document: Value,
    /// The exact RFC 8785 bytes of `document`, as UTF-8 text.
    pub canonical_text: String,
    pub document_sha256: String,
    pub net_fen: Fen,
    pub amount_fen: Fen,
    pub payer: Option<Code>,
    pub payee: Option<Code>,
}

#[derive(Debug, thiserror::Error)]
pub enum AssemblyError {
    #[error(transparent)]
    Evaluation(#[from] EvaluationError),
    /// A reading given as used cannot be: bad stored text, outside the period, another section.
    #[error("reading {id}: {message}")]
    Reading { id: i64, message: String },
    #[error("the document is not canonical JSON: {0}")]
    Canonical(#[from] CanonicalError),
    #[error("the document cannot be written as JSON: {0}")]
    Serialization(String),
}

fn to_json<T: Serialize>(value: &T) -> Result<Value, AssemblyError> {
    serde_json::to_value(value).map_err(|error| AssemblyError::Serialization(error.to_string()))
}

/// Lowercase hex SHA-256 of a document's JCS bytes (`document_sha256`).
pub fn document_sha256(document: &Value) -> Result<String, CanonicalError> {
    Ok(sha256_hex(&canonical_json(document)?))
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Evaluates the terms over the readings and writes the document with exactly the fields of
/// API.md, in this order: id, agreement, agreement_version, period, period_start, period_end,
/// inputs, components, net_fen, payer, payee, amount_fen, issued_at, supersedes.
pub fn assemble(inputs: DocumentInputs) -> Result<AssembledDocument, AssemblyError> {
    let needed = inputs.terms.sections();
    let below_detection = inputs.terms.below_detection();
    let states_below_detection = inputs.terms.states_below_detection();
    let reading_count = inputs.readings.len();
    let sections = needed
        .iter()
        .filter_map(|code| {
            inputs
                .sections
                .get(code)
                .map(|facts| (code.clone(), *facts))
        })
        .collect();
    let positions = inputs
        .readings
        .iter()
        .map(|reading| position_for_statistics(reading, &needed, &inputs.period))
        .collect::<Result<Vec<usize>, AssemblyError>>()?;
    let (texts, statistics): (Vec<ReadingText>, Vec<ReadingForStatistics>) = inputs
        .readings
        .into_iter()
        .map(InputReading::into_parts)
        .unzip();
    // The digest reads the texts, the evaluation the statistics: one core each.
    let (readings_digest, evaluation) = rayon::join(
        || digest_of(&texts),
        || {
            evaluate(EvaluationInput {
                terms: inputs.terms.clone(),
                period: inputs.period,
                sections,
                readings: by_section(statistics, &positions, &needed),
            })
        },
    );
    let (readings_digest, evaluation) = (readings_digest?, evaluation?);
    let direction = settle_direction(evaluation.net_fen, &inputs.upstream, &inputs.downstream);
    let sections = to_json(&evaluation.sections)?;
    let components = to_json(&evaluation.components)?;
    let supersedes = to_json(&inputs.supersedes)?;
    let mut recorded_inputs = json!({
        "readings_digest": readings_digest,
        "reading_count": reading_count,
        "sections": sections,
    });
    // The treatment is recorded whenever it could matter: the terms state it, or a statistic holds a
    // value below the detection limit. Otherwise the default went unused, and documents keep the
    // bytes they had before detection limits existed.
    let any_below_limit = evaluation
        .sections
        .iter()
        .any(|section| !section.below_limit.is_empty());
    if states_below_detection || any_below_limit {
        recorded_inputs["below_detection"] = json!(below_detection.as_str());
    }
    let document = json!({
        "id": inputs.id,
        "agreement": inputs.agreement,
        "agreement_version": inputs.agreement_version,
        "period": inputs.period.to_string(),
        "period_start": utc_text(inputs.period.start_utc()),
        "period_end": utc_text(inputs.period.end_utc()),
        "inputs": recorded_inputs,
        "components": components,
        "net_fen": evaluation.net_fen.as_i64(),
        "payer": direction.payer.as_ref().map(Code::as_str),
        "payee": direction.payee.as_ref().map(Code::as_str),
        "amount_fen": direction.amount_fen.as_i64(),
        "issued_at": utc_text(inputs.issued_at),
        "supersedes": supersedes,
    });
    let canonical = canonical_json(&document)?;
    let document_sha256 = sha256_hex(&canonical);
    let canonical_text = String::from_utf8(canonical)
        .map_err(|_| AssemblyError::Serialization("canonical JSON is not UTF-8".into()))?;
    Ok(AssembledDocument {
        document,
        canonical_text,
        document_sha256,
        net_fen: evaluation.net_fen,
        amount_fen: direction.amount_fen,
        payer: direction.payer,
        payee: direction.payee,
    })
}

/// The readings' statistics by section, each moved to the section at its position in `needed`.
fn by_section(
    statistics: Vec<ReadingForStatistics>,
    positions: &[usize],
    needed: &[Code],
) -> BTreeMap<Code, Vec<ReadingForStatistics>> {
    let mut by_position: Vec<Vec<ReadingForStatistics>> = vec![Vec::new(); needed.len()];
    for (reading, &position) in statistics.into_iter().zip(positions) {
        by_position[position].push(reading);
    }
    needed
        .iter()
        .cloned()
        .zip(by_position)
        .filter(|(_, readings)| !readings.is_empty())
        .collect()
}

/// Where among the needed sections a used reading belongs, refusing one the settlement could
/// not have used: another section, or sampled outside the period.
fn position_for_statistics(
    reading: &InputReading,
    needed: &[Code],
    period: &Period,
) -> Result<usize, AssemblyError> {
    let refuse = |message: String| AssemblyError::Reading {
        id: reading.id,
        message,
    };
    let position = needed
        .iter()
        .position(|code| code.as_str() == reading.section)
        .ok_or_else(|| {
            refuse(format!(
                "section {} is not one the terms name",
                reading.section
            ))
        })?;
    if !period.contains(reading.statistics().sampled_at) {
        return Err(refuse(format!(
            "sampled at {} is outside {period}",
            reading.sampled_at
        )));
    }
    Ok(position)
}

impl From<ReadingProblem> for AssemblyError {
    fn from(problem: ReadingProblem) -> Self {
        Self::Reading {
            id: problem.id,
            message: problem.problem,
        }
    }
}
