//! What a settlement is computed from, read in the issuing transaction: the agreement version in
//! effect for the period, the facts of the basin's sections and the readings that count.

use basin_domain::agreement::{validate, AgreementTerms};
use basin_domain::{Code, Period, PeriodKind};
use chrono::{DateTime, Utc};

use super::agreements::{self, AgreementRow};
use super::connection::AnyConnection;
use super::error::StoreError;
use super::readings::counted_readings;
use super::settlements::SettlementError;
use crate::model::time::utc_text;
use crate::settlement::document::{self, AssembledDocument, SupersedesRef, UsedReading};

/// Loads the version in effect, the section facts and the counted readings, and assembles the
/// document. Returns it with the version number.
pub(super) fn prepare(
    connection: &mut AnyConnection,
    agreement: &AgreementRow,
    period: Period,
    id: &str,
    issued_at: DateTime<Utc>,
    supersedes: Option<SupersedesRef>,
) -> Result<(AssembledDocument, i64), SettlementError> {
    let kind = period_kind(&agreement.period_kind)?;
    if period.kind() != kind {
        return Err(StoreError::FieldInvalid {
            pointer: "/period".into(),
            message: format!(
                "agreement {} settles by {kind}; {period} is a {}",
                agreement.code,
                period.kind()
            ),
        }
        .into());
    }
    let version =
        agreements::version_in_effect(connection, &agreement.code, period)?.ok_or_else(|| {
            StoreError::FieldInvalid {
                pointer: "/period".into(),
                message: format!(
                    "no version of agreement {} is in effect for {period}",
                    agreement.code
                ),
            }
        })?;
    let corrupt = |what: &str| {
        StoreError::Corrupt(format!(
            "agreement {} version {}: {what}",
            agreement.code, version.version
        ))
    };
    let facts = agreements::basin_section_facts(connection, &agreement.basin)?;
    let terms = AgreementTerms {
        period: kind,
        min_valid_months: Some(
            u32::try_from(version.min_valid_months).map_err(|_| corrupt("min_valid_months"))?,
        ),
        components: serde_json::from_str(&version.components).map_err(|_| corrupt("components"))?,
    };
    let valid = validate(&terms, |code| facts.get(code).copied())
        .map_err(|errors| corrupt(&format!("terms no longer validate: {errors:?}")))?;
    let sections: Vec<String> = valid
        .sections()
        .iter()
        .map(|code| code.as_str().to_owned())
        .collect();
    let readings = counted_readings(
        connection,
        &sections,
        &utc_text(period.start_utc()),
        &utc_text(period.end_utc()),
    )?
    .into_iter()
    .map(|stored| {
        let values = serde_json::from_str(&stored.values_json)
            .map_err(|_| StoreError::Corrupt(format!("values of reading {}", stored.id)))?;
        Ok(UsedReading {
            id: stored.id,
            section: stored.section,
            sampled_at: stored.sampled_at,
            values,
        })
    })
    .collect::<Result<Vec<_>, StoreError>>()?;
    let party = |code: &str| Code::parse(code).map_err(|_| corrupt("party code"));
    let assembled = document::assemble(document::DocumentInputs {
        id: id.to_owned(),
        agreement: agreement.code.clone(),
        agreement_version: version.version,
        upstream: party(&agreement.upstream)?,
        downstream: party(&agreement.downstream)?,
        terms: valid,
        sections: facts,
        period,
        readings,
        issued_at,
        supersedes,
    })?;
    Ok((assembled, version.version))
}

pub fn period_kind(text: &str) -> Result<PeriodKind, StoreError> {
    match text {
        "month" => Ok(PeriodKind::Month),
        "quarter" => Ok(PeriodKind::Quarter),
        "year" => Ok(PeriodKind::Year),
        other => Err(StoreError::Corrupt(format!("period kind {other:?}"))),
    }
}
