//! The rows of the agreements aggregate and the finders both its writes (`agreements`) and its
//! reads (`queries`) start from. Kept apart so that neither of those two needs the
//! other's private items.

use diesel::prelude::*;

use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::schema::{agreement_versions, agreements};
use basin_domain::Period;

/// Most versions one agreement may have; listing an agreement shows them all.
pub const VERSIONS_MAX: i64 = 100;

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct AgreementRow {
    pub code: String,
    pub name: String,
    pub basin: String,
    pub upstream: String,
    pub downstream: String,
    pub period_kind: String,
    pub created_at: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Queryable)]
pub struct VersionRow {
    pub agreement: String,
    pub version: i64,
    pub effective_from: String,
    pub effective_to: Option<String>,
    pub min_valid_months: i64,
    pub components: String,
    pub created_at: String,
    pub log_index: i64,
    pub below_detection: Option<String>,
}

pub fn find_agreement(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Option<AgreementRow>, StoreError> {
    Ok(agreements::table
        .filter(agreements::code.eq(code))
        .select(agreement_columns())
        .first::<AgreementRow>(connection)
        .optional()?)
}

pub fn get_agreement_row(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<AgreementRow, StoreError> {
    find_agreement(connection, code)?.ok_or_else(|| StoreError::NotFound {
        what: "agreement",
        key: code.into(),
    })
}

pub(super) type AgreementColumns = (
    agreements::code,
    agreements::name,
    agreements::basin,
    agreements::upstream,
    agreements::downstream,
    agreements::period_kind,
    agreements::created_at,
);

pub(super) fn agreement_columns() -> AgreementColumns {
    (
        agreements::code,
        agreements::name,
        agreements::basin,
        agreements::upstream,
        agreements::downstream,
        agreements::period_kind,
        agreements::created_at,
    )
}

pub fn parse_period(text: &str) -> Result<Period, StoreError> {
    Period::parse(text).map_err(|_| StoreError::Corrupt(format!("stored period {text:?}")))
}

pub(super) fn version_rows(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<Vec<VersionRow>, StoreError> {
    Ok(agreement_versions::table
        .filter(agreement_versions::agreement.eq(code))
        .order(agreement_versions::version.asc())
        .limit(VERSIONS_MAX)
        .load::<VersionRow>(connection)?)
}

pub(super) fn latest_version(
    connection: &mut AnyConnection,
    code: &str,
) -> Result<VersionRow, StoreError> {
    agreement_versions::table
        .filter(agreement_versions::agreement.eq(code))
        .order(agreement_versions::version.desc())
        .first::<VersionRow>(connection)
        .optional()?
        .ok_or_else(|| StoreError::Corrupt(format!("agreement {code} has no version")))
}
