//! The one path that gathers a settlement's inputs: the agreement version in effect, the facts
//! of the basin's sections, and the readings that count. The issuing server, the auditor's
//! `verify` and the verification endpoint all call [`gather_inputs`], each with its own
//! [`InputSource`], so a bad row is reported the same way by all three.

use std::collections::BTreeMap;

use basin_domain::agreement::{validate, AgreementTerms};
use basin_domain::quality::SectionFacts;
use basin_domain::{Code, Period};
use chrono::{DateTime, Utc};
use std::sync::{Mutex, MutexGuard, PoisonError};

pub use super::counted::CountedReading;
use super::document::{DocumentInputs, SupersedesRef};
use super::evidence::{check_against_bodies, read_bodies, LoggedBatch};
use super::reading::{InputReading, ReadingProblem};
use crate::entry::AgreementVersionLogged;

/// Where inputs come from: the store now, the store as of a log index, or the replayed log.
pub trait InputSource {
    type Error;
    /// Every version of the agreement, with each range as cut short by later versions.
    fn agreement_versions(
        &mut self,
        agreement: &Code,
    ) -> Result<Vec<AgreementVersionLogged>, Self::Error>;
    /// Water body and target class of every registered section of a basin.
    fn section_facts(&mut self, basin: &Code) -> Result<BTreeMap<Code, SectionFacts>, Self::Error>;
    /// The readings that count: valid, not superseded, not invalidated, of these sections,
    /// sampled within the period, handed to `each` in chunks (of at most
    /// [`COUNTED_READINGS_PER_CHUNK`]) as they are read, so that they are parsed while the source
    /// is still reading. Should the source fail, the chunks already handed over are discarded.
    fn counted_readings(
        &mut self,
        sections: &[Code],
        period: Period,
        each: &mut dyn FnMut(Vec<CountedReading>),
    ) -> Result<(), Self::Error>;
    /// The logged batches (entry and bytes) that recorded the readings the last
    /// [`Self::counted_readings`] gave, to check each row against; `None` when the readings were
    /// themselves rebuilt from that evidence.
    fn evidence_of(&mut self) -> Result<Option<Vec<LoggedBatch>>, Self::Error>;
}

/// Readings parsed by one task while the source reads on: enough to outweigh handing the task
/// to another core.
pub const COUNTED_READINGS_PER_CHUNK: usize = 1_024;

/// Hands readings already read to `each`, in chunks of [`COUNTED_READINGS_PER_CHUNK`].
pub fn give_in_chunks(readings: Vec<CountedReading>, each: &mut dyn FnMut(Vec<CountedReading>)) {
    let mut readings = readings.into_iter().peekable();
    while readings.peek().is_some() {
        each(readings.by_ref().take(COUNTED_READINGS_PER_CHUNK).collect());
    }
}

/// What a settlement is asked for.
#[derive(Debug, Clone)]
pub struct InputRequest {
    pub agreement: Code,
    pub period: Period,
    pub id: String,
    pub issued_at: DateTime<Utc>,
    pub supersedes: Option<SupersedesRef>,
}

#[derive(Debug, thiserror::Error)]
pub enum InputError<E> {
    #[error(transparent)]
    Source(E),
    /// The client's to fix: the agreement has no version for this period.
    #[error("agreement {agreement} has no version in effect for {period}")]
    NoVersion { agreement: Code, period: Period },
    /// The client's to fix: the agreement settles by another kind of period.
    #[error("agreement {agreement} settles by {expected}; {period} is a {}", period.kind())]
    WrongPeriodKind {
        agreement: Code,
        expected: basin_domain::PeriodKind,
        period: Period,
    },
    /// Stored or logged terms that no longer parse: corruption.
    #[error("agreement {agreement} version {version}: {problem}")]
    BadVersion {
        agreement: Code,
        version: i64,
        problem: String,
    },
    /// A reading row that fails its check: corruption, named by reading id everywhere.
    #[error("reading {id}: {problem}")]
    BadReading { id: i64, problem: String },
}

/// The inputs, with the version they were taken from.
#[derive(Debug, Clone)]
pub struct GatheredInputs {
    pub inputs: DocumentInputs,
    pub version: AgreementVersionLogged,
}

/// Gathers everything a settlement is computed from, through `source`.
pub fn gather_inputs<S: InputSource>(
    source: &mut S,
    request: InputRequest,
) -> Result<GatheredInputs, InputError<S::Error>> {
    let versions = source
        .agreement_versions(&request.agreement)
        .map_err(InputError::Source)?;
    if let Some(first) = versions.first() {
        if first.period != request.period.kind() {
            return Err(InputError::WrongPeriodKind {
                agreement: request.agreement.clone(),
                expected: first.period,
                period: request.period,
            });
        }
    }
    let version = version_in_effect(&versions, request.period)
        .map_err(|(version, problem)| InputError::BadVersion {
            agreement: request.agreement.clone(),
            version,
            problem,
        })?
        .ok_or_else(|| InputError::NoVersion {
            agreement: request.agreement.clone(),
            period: request.period,
        })?
        .clone();
    let bad_version = |problem: String| InputError::BadVersion {
        agreement: request.agreement.clone(),
        version: version.version,
        problem,
    };
    let facts = source
        .section_facts(&version.basin)
        .map_err(InputError::Source)?;
    let terms = AgreementTerms {
        period: version.period,
        min_valid_months: Some(version.min_valid_months),
        below_detection: version.below_detection,
        components: serde_json::from_value(version.components.clone())
            .map_err(|error| bad_version(format!("components: {error}")))?,
    };
    let valid = validate(&terms, |code| facts.get(code).copied())
        .map_err(|errors| bad_version(format!("the terms no longer validate: {errors:?}")))?;
    // The rows are parsed on the pool while the source reads on (reading a year of rows and
    // parsing them take about as long); the batch bodies are read once every row is in.
    let parsed_chunks: Mutex<Vec<ParsedChunk>> = Mutex::new(Vec::new());
    let evidence = rayon::in_place_scope(|scope| {
        let mut chunks_given = 0;
        source
            .counted_readings(&valid.sections(), request.period, &mut |chunk| {
                let (number, parsed_chunks) = (chunks_given, &parsed_chunks);
                chunks_given += 1;
                scope.spawn(move |_| {
                    let mut scratch = Vec::new();
                    let parsed = chunk
                        .into_iter()
                        .map(|reading| InputReading::parse_with(reading, &mut scratch))
                        .collect();
                    lock(parsed_chunks).push((number, parsed));
                });
            })
            .and_then(|()| source.evidence_of())
    })
    .map_err(InputError::Source)?;
    let bodies = evidence.as_deref().map(read_bodies);
    let mut parsed_chunks = parsed_chunks
        .into_inner()
        .unwrap_or_else(PoisonError::into_inner);
    parsed_chunks.sort_unstable_by_key(|(number, _)| *number);
    let parsed = parsed_chunks.into_iter().flat_map(|(_, parsed)| parsed);
    let readings = parsed
        .collect::<Result<Vec<_>, ReadingProblem>>()
        .map_err(|problem| InputError::BadReading {
            id: problem.id,
            problem: problem.problem,
        })?;
    if let Some(bodies) = &bodies {
        check_against_bodies(&readings, bodies)
            .map_err(|(id, problem)| InputError::BadReading { id, problem })?;
    }
    Ok(GatheredInputs {
        inputs: DocumentInputs {
            id: request.id,
            agreement: version.agreement.as_str().to_owned(),
            agreement_version: version.version,
            upstream: version.upstream.clone(),
            downstream: version.downstream.clone(),
            terms: valid,
            sections: facts,
            period: request.period,
            readings,
            issued_at: request.issued_at,
            supersedes: request.supersedes,
        },
        version,
    })
}

/// A chunk's number in the order the source gave it, and its readings parsed.
type ParsedChunk = (usize, Vec<Result<InputReading, ReadingProblem>>);

/// A poisoned lock held only a finished chunk's push: the chunks in it are whole.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// The newest version whose range covers the period. A version whose range does not parse is
/// returned as `Err((version, problem))`.
pub fn version_in_effect(
    versions: &[AgreementVersionLogged],
    period: Period,
) -> Result<Option<&AgreementVersionLogged>, (i64, String)> {
    let mut newest_first: Vec<&AgreementVersionLogged> = versions.iter().collect();
    newest_first.sort_by_key(|version| std::cmp::Reverse(version.version));
    for version in newest_first {
        let parse = |text: &str| {
            Period::parse(text).map_err(|error| (version.version, format!("{text:?}: {error}")))
        };
        let from = parse(&version.effective_from)?;
        let to = version.effective_to.as_deref().map(parse).transpose()?;
        if from <= period && to.is_none_or(|to| period <= to) {
            return Ok(Some(version));
        }
    }
    Ok(None)
}

/// Adds a logged version to an agreement's versions (oldest first), cutting short the earlier
/// version it `ends`: the log alone rebuilds every range this way, for the server and the
/// auditor alike.
pub fn add_logged_version(
    versions: &mut Vec<AgreementVersionLogged>,
    version: AgreementVersionLogged,
) {
    if let Some(ends) = &version.ends {
        if let Some(ended) = versions
            .iter_mut()
            .find(|earlier| earlier.version == ends.version)
        {
            ended.effective_to = Some(ends.effective_to.clone());
        }
    }
    versions.push(version);
}
