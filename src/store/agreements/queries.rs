//! Reading agreements back: an agreement with all its versions, one version, the list, and the
//! version in effect for a period.

use diesel::prelude::*;

use super::rows::{agreement_columns, get_agreement_row, version_rows, AgreementRow, VersionRow};
use crate::model::agreement::{Agreement, AgreementVersion, AgreementVersionView};
use crate::store::connection::AnyConnection;
use crate::store::error::StoreError;
use crate::store::page::{finish_page, Page, PageRequest};
use crate::store::schema::{agreement_versions, agreements};

fn view(agreement: &AgreementRow, row: VersionRow) -> Result<AgreementVersionView, StoreError> {
    let corrupt = |what: &str| {
        StoreError::Corrupt(format!(
            "agreement {} version {}: {what}",
            row.agreement, row.version
        ))
    };
    let components = serde_json::from_str(&row.components).map_err(|_| corrupt("components"))?;
    let below_detection = row
        .below_detection
        .as_deref()
        .map(|text| serde_json::from_value(serde_json::Value::String(text.to_owned())))
        .transpose()
        .map_err(|_| corrupt("below_detection"))?;
    Ok(AgreementVersionView {
        version: AgreementVersion {
            agreement: agreement.code.clone(),
            name: agreement.name.clone(),
            basin: agreement.basin.clone(),
            upstream: agreement.upstream.clone(),
            downstream: agreement.downstream.clone(),
            period: agreement.period_kind.clone(),
            version: row.version,
            effective_from: row.effective_from,
            effective_to: row.effective_to,
            min_valid_months: u32::try_from(row.min_valid_months)
                .map_err(|_| corrupt("min_valid_months"))?,
            below_detection,
            components,
            created_at: row.created_at,
        },
        log_index: u64::try_from(row.log_index).map_err(|_| corrupt("log_index"))?,
    })
}

fn assemble(connection: &mut AnyConnection, row: AgreementRow) -> Result<Agreement, StoreError> {
    let versions = version_rows(connection, &row.code)?
        .into_iter()
        .map(|version| view(&row, version))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Agreement {
        current_version: versions.last().map_or(0, |last| last.version.version),
        code: row.code,
        name: row.name,
        basin: row.basin,
        upstream: row.upstream,
        downstream: row.downstream,
        period: row.period_kind,
        created_at: row.created_at,
        versions,
    })
}

pub fn get_agreement(connection: &mut AnyConnection, code: &str) -> Result<Agreement, StoreError> {
    let row = get_agreement_row(connection, code)?;
    assemble(connection, row)
}

pub fn get_version(
    connection: &mut AnyConnection,
    code: &str,
    number: i64,
) -> Result<AgreementVersionView, StoreError> {
    let agreement = get_agreement_row(connection, code)?;
    let row = agreement_versions::table
        .filter(agreement_versions::agreement.eq(code))
        .filter(agreement_versions::version.eq(number))
        .first::<VersionRow>(connection)
        .optional()?
        .ok_or_else(|| StoreError::NotFound {
            what: "agreement version",
            key: format!("{code}/{number}"),
        })?;
    view(&agreement, row)
}

pub fn list_agreements(
    connection: &mut AnyConnection,
    request: &PageRequest<String>,
) -> Result<Page<Agreement, String>, StoreError> {
    let mut query = agreements::table
        .select(agreement_columns())
        .order(agreements::code.asc())
        .limit(request.fetch_count())
        .into_boxed();
    if let Some(after) = &request.after {
        query = query.filter(agreements::code.gt(after.clone()));
    }
    let items = query
        .load::<AgreementRow>(connection)?
        .into_iter()
        .map(|row| assemble(connection, row))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(finish_page(items, request.limit, |item: &Agreement| {
        item.code.clone()
    }))
}
