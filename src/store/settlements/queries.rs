//! Reading settlements back: the stored canonical document (re-checked on every read against its
//! SHA-256 and its logged entry), the ledger's signature, the status and what the parties recorded.

use diesel::prelude::*;

use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::super::page::{finish_page, Page, PageRequest};
use super::super::schema::{
    settlement_acknowledgements, settlement_disputes, settlement_payments, settlements,
};
use super::integrity::{check_row, settlement_integrity};
pub use super::row::SettlementRow;
use crate::model::settlement::{Acknowledgement, Dispute, Payment, Settlement};
use crate::store::log::entries::typed_entries;
use basin_ledger_core::entry::TypedEntry;

pub fn find_row(
    connection: &mut AnyConnection,
    id: i64,
) -> Result<Option<SettlementRow>, StoreError> {
    Ok(settlements::table
        .filter(settlements::id.eq(id))
        .first::<SettlementRow>(connection)
        .optional()?)
}

pub fn get_row(connection: &mut AnyConnection, id: i64) -> Result<SettlementRow, StoreError> {
    find_row(connection, id)?.ok_or_else(|| StoreError::NotFound {
        what: "settlement",
        key: id.to_string(),
    })
}

/// Settlement `id`, re-checked against its logged entry (`integrity::check_row`).
pub fn get_settlement(connection: &mut AnyConnection, id: i64) -> Result<Settlement, StoreError> {
    let row = get_row(connection, id)?;
    let logged = logged_entries(connection, std::slice::from_ref(&row))?;
    let logged = logged
        .first()
        .ok_or_else(|| settlement_integrity(id, "its log entry is missing"))?;
    to_settlement(connection, row, logged)
}

/// The `settlement.issued` entries of `rows`, in the same order, in one query.
fn logged_entries(
    connection: &mut AnyConnection,
    rows: &[SettlementRow],
) -> Result<Vec<TypedEntry>, StoreError> {
    let indices = rows
        .iter()
        .map(|row| {
            u64::try_from(row.log_index)
                .map_err(|_| settlement_integrity(row.id, "a negative log index"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    typed_entries(connection, &indices).map_err(|error| match (error, rows) {
        // A damaged or missing entry makes the settlement that names it unservable too.
        (StoreError::Integrity { reason, .. }, [row]) => settlement_integrity(row.id, reason),
        (other, _) => other,
    })
}

/// Filters of `GET /v1/settlements`.
#[derive(Debug, Clone, Default)]
pub struct SettlementFilter {
    pub agreement: Option<String>,
    pub period: Option<String>,
    pub status: Option<String>,
}

/// Settlements ordered by (period, id), after the cursor key.
pub fn list_settlements(
    connection: &mut AnyConnection,
    filter: &SettlementFilter,
    request: &PageRequest<(String, i64)>,
) -> Result<Page<Settlement, (String, i64)>, StoreError> {
    let mut query = settlements::table
        .order((settlements::period.asc(), settlements::id.asc()))
        .limit(request.fetch_count())
        .into_boxed();
    if let Some(agreement) = &filter.agreement {
        query = query.filter(settlements::agreement.eq(agreement.clone()));
    }
    if let Some(period) = &filter.period {
        query = query.filter(settlements::period.eq(period.clone()));
    }
    if let Some(status) = &filter.status {
        query = query.filter(settlements::status.eq(status.clone()));
    }
    if let Some((period, id)) = &request.after {
        query = query.filter(
            settlements::period
                .gt(period.clone())
                .or(settlements::period
                    .eq(period.clone())
                    .and(settlements::id.gt(*id))),
        );
    }
    let rows = query.load::<SettlementRow>(connection)?;
    let logged = logged_entries(connection, &rows)?;
    let items = rows
        .into_iter()
        .zip(&logged)
        .map(|(row, logged)| to_settlement(connection, row, logged))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(finish_page(items, request.limit, |item: &Settlement| {
        // Ids are decimal digits by construction; a stored one that is not cannot be listed.
        (
            item.document.period.clone(),
            item.document.id.parse().unwrap_or(i64::MAX),
        )
    }))
}

fn to_settlement(
    connection: &mut AnyConnection,
    row: SettlementRow,
    logged: &TypedEntry,
) -> Result<Settlement, StoreError> {
    check_row(&row, logged)?;
    let document: crate::model::settlement::SettlementDocument =
        serde_json::from_str(&row.document)
            .map_err(|error| settlement_integrity(row.id, error.to_string()))?;
    let acknowledgements = acknowledgements_of(connection, row.id)?;
    let disputes = settlement_disputes::table
        .filter(settlement_disputes::settlement_id.eq(row.id))
        .order(settlement_disputes::log_index.asc())
        .select((
            settlement_disputes::jurisdiction,
            settlement_disputes::reason,
            settlement_disputes::disputed_at,
            settlement_disputes::log_index,
        ))
        .load::<(String, String, String, i64)>(connection)?
        .into_iter()
        .map(|(jurisdiction, reason, disputed_at, log_index)| {
            Ok(Dispute {
                jurisdiction,
                reason,
                disputed_at,
                log_index: index(log_index)?,
            })
        })
        .collect::<Result<Vec<_>, StoreError>>()?;
    let payments = payments_of(connection, row.id)?;
    let paid_fen = payments
        .iter()
        .map(|payment| payment.amount_fen)
        .sum::<i64>();
    Ok(Settlement {
        document,
        document_sha256: row.document_sha256,
        signature: row.signature,
        key_id: row.key_id,
        status: row.status,
        log_index: index(row.log_index)?,
        superseded_by: row.superseded_by.map(|id| id.to_string()),
        paid_fen,
        outstanding_fen: row.amount_fen - paid_fen,
        acknowledgements,
        disputes,
        payments,
    })
}

pub fn payments_of(connection: &mut AnyConnection, id: i64) -> Result<Vec<Payment>, StoreError> {
    settlement_payments::table
        .filter(settlement_payments::settlement_id.eq(id))
        .order(settlement_payments::log_index.asc())
        .select((
            settlement_payments::reference,
            settlement_payments::amount_fen,
            settlement_payments::paid_at,
            settlement_payments::recorded_at,
            settlement_payments::log_index,
        ))
        .load::<(String, i64, String, String, i64)>(connection)?
        .into_iter()
        .map(|(reference, amount_fen, paid_at, recorded_at, log_index)| {
            Ok(Payment {
                reference,
                amount_fen,
                paid_at,
                recorded_at,
                log_index: index(log_index)?,
            })
        })
        .collect()
}

fn index(value: i64) -> Result<u64, StoreError> {
    u64::try_from(value).map_err(|_| StoreError::Corrupt(format!("negative log index {value}")))
}

/// The acknowledgements of a settlement, in log order.
pub fn acknowledgements_of(
    connection: &mut AnyConnection,
    id: i64,
) -> Result<Vec<Acknowledgement>, StoreError> {
    settlement_acknowledgements::table
        .filter(settlement_acknowledgements::settlement_id.eq(id))
        .order(settlement_acknowledgements::log_index.asc())
        .select((
            settlement_acknowledgements::jurisdiction,
            settlement_acknowledgements::key_id,
            settlement_acknowledgements::signature,
            settlement_acknowledgements::acknowledged_at,
            settlement_acknowledgements::log_index,
        ))
        .load::<(String, String, String, String, i64)>(connection)?
        .into_iter()
        .map(
            |(jurisdiction, key_id, signature, acknowledged_at, log_index)| {
                Ok(Acknowledgement {
                    jurisdiction,
                    key_id,
                    signature,
                    acknowledged_at,
                    log_index: index(log_index)?,
                })
            },
        )
        .collect::<Result<Vec<_>, StoreError>>()
}
