//! Agreements aggregate: an agreement's fixed parts (parties, basin, period kind) and its
//! versions. Every version appends an `agreement.version` entry, whose body is the version exactly
//! as `GET /v1/agreements/{code}/versions/{n}` shows it (without the log index).

pub mod queries;
mod rows;

use std::collections::BTreeMap;

use basin_domain::quality::SectionFacts;
use basin_domain::{Code, Period, WaterBody, WaterClass};
use diesel::prelude::*;

use basin_ledger_core::entry::{AgreementVersionLogged, Entry, VersionEnds};
use serde::Deserialize;

use crate::model::agreement::{AgreementReceipt, AgreementVersion};
use crate::store::connection::AnyConnection;
use crate::store::error::{Field, StoreError};
use crate::store::log::{Appended, LogWriter};
use crate::store::schema::{agreement_versions, agreements, basins, jurisdictions, sections};
use basin_ledger_core::settlement::periods;

pub use queries::{get_agreement, get_version, list_agreements};
use rows::latest_version;
// Callers (settlements, the demo, the API) reach the rows through this module.
pub use rows::{
    find_agreement, get_agreement_row, parse_period, AgreementRow, VersionRow, VERSIONS_MAX,
};

/// What the registry says about the names an agreement uses, for validation with pointers.
#[derive(Debug, Clone, Default)]
pub struct RegistryContext {
    pub basin_exists: bool,
    pub upstream_exists: bool,
    pub downstream_exists: bool,
    /// The sections of the basin.
    pub sections: BTreeMap<Code, SectionFacts>,
}

pub fn registry_context(
    connection: &mut AnyConnection,
    basin: &str,
    upstream: &str,
    downstream: &str,
) -> Result<RegistryContext, StoreError> {
    let basin_count: i64 = basins::table
        .filter(basins::code.eq(basin))
        .count()
        .get_result(connection)?;
    let mut exists = |code: &str| -> Result<bool, StoreError> {
        let count: i64 = jurisdictions::table
            .filter(jurisdictions::code.eq(code))
            .count()
            .get_result(connection)?;
        Ok(count > 0)
    };
    let upstream_exists = exists(upstream)?;
    let downstream_exists = exists(downstream)?;
    Ok(RegistryContext {
        basin_exists: basin_count > 0,
        upstream_exists,
        downstream_exists,
        sections: basin_section_facts(connection, basin)?,
    })
}

/// Water body and target class of every section of a basin, keyed by code.
pub fn basin_section_facts(
    connection: &mut AnyConnection,
    basin: &str,
) -> Result<BTreeMap<Code, SectionFacts>, StoreError> {
    let rows: Vec<(String, String, String)> = sections::table
        .filter(sections::basin.eq(basin))
        .select((sections::code, sections::water_body, sections::target_class))
        .load(connection)?;
    rows.into_iter()
        .map(|(code, water_body, target_class)| {
            let corrupt = || StoreError::Corrupt(format!("section {code} has unreadable facts"));
            let water_body = match water_body.as_str() {
                "river" => WaterBody::River,
                "lake" => WaterBody::Lake,
                _ => return Err(corrupt()),
            };
            let target_class = WaterClass::parse(&target_class).map_err(|_| corrupt())?;
            let code = Code::parse(&code).map_err(|_| corrupt())?;
            Ok((
                code,
                SectionFacts {
                    water_body,
                    target_class,
                },
            ))
        })
        .collect()
}

/// Creates the agreement with its first version (the caller validated both).
pub fn create_agreement(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    version: &AgreementVersion,
) -> Result<AgreementReceipt, StoreError> {
    if find_agreement(connection, &version.agreement)?.is_some() {
        return Err(StoreError::Duplicate {
            what: "agreement",
            key: version.agreement.clone(),
        });
    }
    diesel::insert_into(agreements::table)
        .values((
            agreements::code.eq(&version.agreement),
            agreements::name.eq(&version.name),
            agreements::basin.eq(&version.basin),
            agreements::upstream.eq(&version.upstream),
            agreements::downstream.eq(&version.downstream),
            agreements::period_kind.eq(&version.period),
            agreements::created_at.eq(&version.created_at),
        ))
        .execute(connection)?;
    insert_version(connection, log, version, None)
}

/// The parts of a new version that the client chooses (parties, basin and period stay).
#[derive(Debug, Clone)]
pub struct NewVersion {
    pub effective_from: Period,
    pub effective_to: Option<Period>,
    pub min_valid_months: u32,
    pub below_detection: Option<basin_domain::BelowDetection>,
    pub components: serde_json::Value,
    pub created_at: String,
}

/// Adds a version after the newest one. It must start after the newest version's start; when
/// the newest version would still be in effect then, it is ended the period before.
pub fn add_version(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    code: &str,
    new: &NewVersion,
) -> Result<AgreementReceipt, StoreError> {
    let agreement = get_agreement_row(connection, code)?;
    let latest = latest_version(connection, code)?;
    if latest.version >= VERSIONS_MAX {
        return Err(StoreError::Conflict(format!(
            "agreement {code} has {VERSIONS_MAX} versions, the most it may have"
        )));
    }
    let latest_from = parse_period(&latest.effective_from)?;
    if new.effective_from <= latest_from {
        return Err(StoreError::Invalid {
            field: Field::EffectiveFrom,
            message: format!(
                "must be after {latest_from}, the start of the current version {}",
                latest.version
            ),
        });
    }
    let latest_to = latest
        .effective_to
        .as_deref()
        .map(parse_period)
        .transpose()?;
    let mut ended = None;
    if latest_to.is_none_or(|to| to >= new.effective_from) {
        // The new version starts after the latest's start, so a previous period exists.
        let end = periods::previous(new.effective_from)
            .ok_or_else(|| StoreError::Corrupt("no period before a later start".into()))?;
        diesel::update(
            agreement_versions::table
                .filter(agreement_versions::agreement.eq(code))
                .filter(agreement_versions::version.eq(latest.version)),
        )
        .set(agreement_versions::effective_to.eq(end.to_string()))
        .execute(connection)?;
        ended = Some((latest.version, end));
    }
    let version = AgreementVersion {
        agreement: agreement.code,
        name: agreement.name,
        basin: agreement.basin,
        upstream: agreement.upstream,
        downstream: agreement.downstream,
        period: agreement.period_kind,
        version: latest.version + 1,
        effective_from: new.effective_from.to_string(),
        effective_to: new.effective_to.map(|to| to.to_string()),
        min_valid_months: new.min_valid_months,
        below_detection: new.below_detection,
        components: new.components.clone(),
        created_at: new.created_at.clone(),
    };
    insert_version(connection, log, &version, ended)
}

fn insert_version(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    version: &AgreementVersion,
    ended: Option<(i64, Period)>,
) -> Result<AgreementReceipt, StoreError> {
    // Which earlier version this one cut short, so that the log alone rebuilds every range.
    let ends = ended.map(|(number, end)| VersionEnds {
        version: number,
        effective_to: end.to_string(),
    });
    let mut body: AgreementVersionLogged = serde_json::to_value(version)
        .and_then(|mut value| {
            value["ends"] = serde_json::Value::Null;
            AgreementVersionLogged::deserialize(value)
        })
        .map_err(|error| StoreError::Corrupt(format!("agreement version body: {error}")))?;
    body.ends = ends;
    let Appended { index, .. } = log.append(
        connection,
        &version.created_at,
        &Entry::AgreementVersion(body),
    )?;
    let components = serde_json::to_string(&version.components)
        .map_err(|error| StoreError::Corrupt(error.to_string()))?;
    diesel::insert_into(agreement_versions::table)
        .values((
            agreement_versions::agreement.eq(&version.agreement),
            agreement_versions::version.eq(version.version),
            agreement_versions::effective_from.eq(&version.effective_from),
            agreement_versions::effective_to.eq(&version.effective_to),
            agreement_versions::min_valid_months.eq(i64::from(version.min_valid_months)),
            agreement_versions::components.eq(components),
            agreement_versions::created_at.eq(&version.created_at),
            agreement_versions::log_index.eq(to_i64(index)?),
            agreement_versions::below_detection
                .eq(version.below_detection.map(|treatment| treatment.as_str())),
        ))
        .execute(connection)?;
    Ok(AgreementReceipt {
        code: version.agreement.clone(),
        version: version.version,
        log_index: index,
    })
}

fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} exceeds i64")))
}
