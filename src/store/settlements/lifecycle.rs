//! What the parties record against a settlement: acknowledgements (signed by a registered key of
//! the party), disputes and payments. The ledger core decides (`settlement::decisions`, the same
//! functions the auditor's replay applies to the log); this module reads the snapshot the
//! decision needs, then carries the decision out: the log entry, the row, the new status.

use basin_domain::Code;
use basin_ledger_core::entry::{Entry, SettlementAcknowledged, SettlementDisputed, SettlementPaid};
use basin_ledger_core::settlement::decisions::{
    decide_acknowledgement, decide_dispute, decide_payment, Decision, PartyKey, Refusal,
    RequestField, SettlementSnapshot,
};
use basin_ledger_core::settlement::lifecycle::Status;
use diesel::prelude::*;

use super::super::agreements::get_agreement_row;
use super::super::connection::AnyConnection;
use super::super::error::{Field, StoreError};
use super::super::log::LogWriter;
use super::super::schema::{
    jurisdiction_keys, settlement_acknowledgements, settlement_disputes, settlement_payments,
    settlements,
};
use super::queries::{acknowledgements_of, get_row, get_settlement, payments_of, SettlementRow};
use super::to_i64;
use crate::model::settlement::Settlement;

/// Whether a request recorded something new or repeated what was recorded (idempotent retry).
#[derive(Debug)]
pub enum Recorded {
    Created(Settlement),
    Replayed(Settlement),
}

pub struct Acknowledge<'a> {
    pub settlement_id: i64,
    pub jurisdiction: &'a str,
    pub key_id: &'a str,
    pub signature: &'a str,
    pub at: &'a str,
}

pub fn acknowledge(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    request: &Acknowledge<'_>,
) -> Result<Recorded, StoreError> {
    let row = get_row(connection, request.settlement_id)?;
    let snapshot = snapshot(connection, &row)?;
    let body = SettlementAcknowledged {
        settlement_id: row.id.to_string(),
        jurisdiction: request_code(request.jurisdiction)?,
        key_id: request.key_id.to_owned(),
        signature: request.signature.to_owned(),
    };
    let key = party_key(connection, request.jurisdiction, request.key_id)?;
    let decision = decide_acknowledgement(&snapshot, &body, key.as_ref())
        .map_err(|refusal| refused(&row, refusal))?;
    let Decision::Record { new_status } = decision else {
        return Ok(Recorded::Replayed(get_settlement(connection, row.id)?));
    };
    let appended = log.append(connection, request.at, &Entry::SettlementAcknowledged(body))?;
    diesel::insert_into(settlement_acknowledgements::table)
        .values((
            settlement_acknowledgements::settlement_id.eq(row.id),
            settlement_acknowledgements::jurisdiction.eq(request.jurisdiction),
            settlement_acknowledgements::key_id.eq(request.key_id),
            settlement_acknowledgements::signature.eq(request.signature),
            settlement_acknowledgements::acknowledged_at.eq(request.at),
            settlement_acknowledgements::log_index.eq(to_i64(appended.index)?),
        ))
        .execute(connection)?;
    set_status(connection, row.id, new_status)?;
    Ok(Recorded::Created(get_settlement(connection, row.id)?))
}

pub struct DisputeRequest<'a> {
    pub settlement_id: i64,
    pub jurisdiction: &'a str,
    pub reason: &'a str,
    pub at: &'a str,
}

pub fn dispute(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    request: &DisputeRequest<'_>,
) -> Result<Settlement, StoreError> {
    let row = get_row(connection, request.settlement_id)?;
    let snapshot = snapshot(connection, &row)?;
    let body = SettlementDisputed {
        settlement_id: row.id.to_string(),
        jurisdiction: request_code(request.jurisdiction)?,
        reason: request.reason.to_owned(),
    };
    let decision = decide_dispute(&snapshot, &body).map_err(|refusal| refused(&row, refusal))?;
    let Decision::Record { new_status } = decision else {
        return get_settlement(connection, row.id);
    };
    let appended = log.append(connection, request.at, &Entry::SettlementDisputed(body))?;
    diesel::insert_into(settlement_disputes::table)
        .values((
            settlement_disputes::settlement_id.eq(row.id),
            settlement_disputes::log_index.eq(to_i64(appended.index)?),
            settlement_disputes::jurisdiction.eq(request.jurisdiction),
            settlement_disputes::reason.eq(request.reason),
            settlement_disputes::disputed_at.eq(request.at),
        ))
        .execute(connection)?;
    set_status(connection, row.id, new_status)?;
    get_settlement(connection, row.id)
}

pub struct PaymentRequest<'a> {
    pub settlement_id: i64,
    /// Positive (checked by the caller, and again by the decision).
    pub amount_fen: i64,
    /// UTC text.
    pub paid_at: &'a str,
    pub reference: &'a str,
    pub at: &'a str,
}

pub fn pay(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    request: &PaymentRequest<'_>,
) -> Result<Recorded, StoreError> {
    let row = get_row(connection, request.settlement_id)?;
    let snapshot = snapshot(connection, &row)?;
    let body = SettlementPaid {
        settlement_id: row.id.to_string(),
        amount_fen: request.amount_fen,
        paid_at: request.paid_at.to_owned(),
        reference: request.reference.to_owned(),
    };
    let decision = decide_payment(&snapshot, &body).map_err(|refusal| refused(&row, refusal))?;
    let Decision::Record { new_status } = decision else {
        return Ok(Recorded::Replayed(get_settlement(connection, row.id)?));
    };
    let appended = log.append(connection, request.at, &Entry::SettlementPaid(body))?;
    diesel::insert_into(settlement_payments::table)
        .values((
            settlement_payments::settlement_id.eq(row.id),
            settlement_payments::reference.eq(request.reference),
            settlement_payments::amount_fen.eq(request.amount_fen),
            settlement_payments::paid_at.eq(request.paid_at),
            settlement_payments::recorded_at.eq(request.at),
            settlement_payments::log_index.eq(to_i64(appended.index)?),
        ))
        .execute(connection)?;
    set_status(connection, row.id, new_status)?;
    Ok(Recorded::Created(get_settlement(connection, row.id)?))
}

/// What a decision needs to know of a stored settlement.
fn snapshot(
    connection: &mut AnyConnection,
    row: &SettlementRow,
) -> Result<SettlementSnapshot, StoreError> {
    let (upstream, downstream) = parties(connection, row)?;
    let status = Status::parse(&row.status).ok_or_else(|| {
        StoreError::Corrupt(format!("settlement {} status {:?}", row.id, row.status))
    })?;
    let acknowledgements = acknowledgements_of(connection, row.id)?
        .into_iter()
        .map(|acknowledgement| {
            Ok(SettlementAcknowledged {
                settlement_id: row.id.to_string(),
                jurisdiction: stored_code(&acknowledgement.jurisdiction)?,
                key_id: acknowledgement.key_id,
                signature: acknowledgement.signature,
            })
        })
        .collect::<Result<_, StoreError>>()?;
    let payments = payments_of(connection, row.id)?
        .into_iter()
        .map(|payment| SettlementPaid {
            settlement_id: row.id.to_string(),
            amount_fen: payment.amount_fen,
            paid_at: payment.paid_at,
            reference: payment.reference,
        })
        .collect();
    Ok(SettlementSnapshot {
        id: row.id.to_string(),
        status,
        amount_fen: row.amount_fen,
        document_sha256: row.document_sha256.clone(),
        parties: (stored_code(&upstream)?, stored_code(&downstream)?),
        acknowledgements,
        payments,
    })
}

/// The registered key of a jurisdiction, as the decision weighs it.
fn party_key(
    connection: &mut AnyConnection,
    jurisdiction: &str,
    key_id: &str,
) -> Result<Option<PartyKey>, StoreError> {
    let key: Option<(String, Option<String>)> = jurisdiction_keys::table
        .filter(jurisdiction_keys::jurisdiction.eq(jurisdiction))
        .filter(jurisdiction_keys::key_id.eq(key_id))
        .select((jurisdiction_keys::public_key, jurisdiction_keys::retired_at))
        .first(connection)
        .optional()?;
    Ok(key.map(|(public_key, retired_at)| PartyKey {
        public_key,
        retired: retired_at.is_some(),
    }))
}

/// The agreement's (upstream, downstream).
pub fn parties(
    connection: &mut AnyConnection,
    row: &SettlementRow,
) -> Result<(String, String), StoreError> {
    let agreement = get_agreement_row(connection, &row.agreement)?;
    Ok((agreement.upstream, agreement.downstream))
}

/// A refusal as the store reports it: the field it is about, for the HTTP layer to point at.
fn refused(row: &SettlementRow, refusal: Refusal) -> StoreError {
    let field = |field: RequestField| match field {
        RequestField::Jurisdiction => Field::Jurisdiction,
        RequestField::KeyId => Field::KeyId,
        RequestField::Signature => Field::Signature,
        RequestField::AmountFen => Field::AmountFen,
        RequestField::PaidAt => Field::PaidAt,
    };
    match refusal {
        Refusal::NotAParty { .. } => StoreError::Invalid {
            field: Field::Jurisdiction,
            message: refusal.to_string(),
        },
        Refusal::Conflicts { field: which, what } => StoreError::Conflicting {
            field: field(which),
            message: what,
        },
        Refusal::Invalid { field: which, what } => StoreError::Invalid {
            field: field(which),
            message: what,
        },
        Refusal::CorruptKey(what) => StoreError::Corrupt(what),
        Refusal::Lifecycle(refused) => {
            StoreError::Conflict(format!("settlement {}: {refused}", row.id))
        }
    }
}

/// A jurisdiction named in a request; one that is no code cannot be a party.
fn request_code(text: &str) -> Result<Code, StoreError> {
    Code::parse(text).map_err(|error| StoreError::Invalid {
        field: Field::Jurisdiction,
        message: format!("{text:?} is not a jurisdiction code: {error}"),
    })
}

fn stored_code(text: &str) -> Result<Code, StoreError> {
    Code::parse(text).map_err(|error| StoreError::Corrupt(format!("stored code {text:?}: {error}")))
}

fn set_status(
    connection: &mut AnyConnection,
    id: i64,
    status: Option<Status>,
) -> Result<(), StoreError> {
    if let Some(status) = status {
        diesel::update(settlements::table.filter(settlements::id.eq(id)))
            .set(settlements::status.eq(status.as_str()))
            .execute(connection)?;
    }
    Ok(())
}
