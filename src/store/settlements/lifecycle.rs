//! What the parties record against a settlement: acknowledgements (signed by a registered key of
//! the party), disputes and payments. Each appends its `settlement.*` log entry in the caller's
//! write transaction; the pure rules of `settlement::lifecycle` decide what is allowed.

use basin_audit::messages::{ack_message, parse_public_key_base64, verify_signature};
use basin_ledger_core::entry::{Entry, SettlementAcknowledged, SettlementDisputed, SettlementPaid};
use diesel::prelude::*;

use super::super::agreements::get_agreement_row;
use super::super::connection::AnyConnection;
use super::super::error::StoreError;
use super::super::log::LogWriter;
use super::super::schema::{
    jurisdiction_keys, settlement_acknowledgements, settlement_disputes, settlement_payments,
    settlements,
};
use super::queries::{get_row, get_settlement, payments_of, SettlementRow};
use super::to_i64;
use crate::model::settlement::Settlement;
use basin_ledger_core::settlement::lifecycle::{self, Action, Status};

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
    let (upstream, downstream) = parties(connection, &row)?;
    require_party(request.jurisdiction, &upstream, &downstream)?;
    let earlier: Option<(String, String)> = settlement_acknowledgements::table
        .filter(settlement_acknowledgements::settlement_id.eq(row.id))
        .filter(settlement_acknowledgements::jurisdiction.eq(request.jurisdiction))
        .select((
            settlement_acknowledgements::key_id,
            settlement_acknowledgements::signature,
        ))
        .first(connection)
        .optional()?;
    if let Some((key_id, signature)) = earlier {
        if key_id == request.key_id && signature == request.signature {
            return Ok(Recorded::Replayed(get_settlement(connection, row.id)?));
        }
        return Err(StoreError::FieldConflict {
            pointer: "/jurisdiction".into(),
            message: format!(
                "{} acknowledged settlement {} already",
                request.jurisdiction, row.id
            ),
        });
    }
    allow(&row, Action::Acknowledge)?;
    check_ack_signature(connection, &row, request)?;
    let entry = Entry::SettlementAcknowledged(SettlementAcknowledged {
        settlement_id: row.id.to_string(),
        jurisdiction: party_code(request.jurisdiction)?,
        key_id: request.key_id.to_owned(),
        signature: request.signature.to_owned(),
    });
    let appended = log.append(connection, request.at, &entry)?;
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
    let acknowledged: i64 = settlement_acknowledgements::table
        .filter(settlement_acknowledgements::settlement_id.eq(row.id))
        .count()
        .get_result(connection)?;
    if acknowledged >= 2 {
        set_status(connection, row.id, Status::Acknowledged)?;
    }
    Ok(Recorded::Created(get_settlement(connection, row.id)?))
}

/// The key must be registered for the jurisdiction and not retired, and the signature must be
/// over `basin-ledger/ack/v1\n<document_sha256>\n`.
fn check_ack_signature(
    connection: &mut AnyConnection,
    row: &SettlementRow,
    request: &Acknowledge<'_>,
) -> Result<(), StoreError> {
    let key: Option<(String, Option<String>)> = jurisdiction_keys::table
        .filter(jurisdiction_keys::jurisdiction.eq(request.jurisdiction))
        .filter(jurisdiction_keys::key_id.eq(request.key_id))
        .select((jurisdiction_keys::public_key, jurisdiction_keys::retired_at))
        .first(connection)
        .optional()?;
    let invalid = |pointer: &str, message: String| StoreError::FieldInvalid {
        pointer: pointer.into(),
        message,
    };
    let public_key = match key {
        None => {
            return Err(invalid(
                "/key_id",
                format!(
                    "{} has no registered key {}",
                    request.jurisdiction, request.key_id
                ),
            ))
        }
        Some((_, Some(retired_at))) => {
            return Err(invalid(
                "/key_id",
                format!("key {} was retired at {retired_at}", request.key_id),
            ))
        }
        Some((public_key, None)) => parse_public_key_base64(&public_key).map_err(|error| {
            StoreError::Corrupt(format!("stored key {}: {error}", request.key_id))
        })?,
    };
    let message = ack_message(&row.document_sha256)
        .map_err(|error| StoreError::Corrupt(format!("settlement {}: {error}", row.id)))?;
    verify_signature(&message, &public_key, request.signature).map_err(|error| {
        invalid(
            "/signature",
            format!(
                "{error}: expected key {} to sign \"basin-ledger/ack/v1\\n{}\\n\"",
                request.key_id, row.document_sha256
            ),
        )
    })
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
    let (upstream, downstream) = parties(connection, &row)?;
    require_party(request.jurisdiction, &upstream, &downstream)?;
    allow(&row, Action::Dispute)?;
    let entry = Entry::SettlementDisputed(SettlementDisputed {
        settlement_id: row.id.to_string(),
        jurisdiction: party_code(request.jurisdiction)?,
        reason: request.reason.to_owned(),
    });
    let appended = log.append(connection, request.at, &entry)?;
    diesel::insert_into(settlement_disputes::table)
        .values((
            settlement_disputes::settlement_id.eq(row.id),
            settlement_disputes::log_index.eq(to_i64(appended.index)?),
            settlement_disputes::jurisdiction.eq(request.jurisdiction),
            settlement_disputes::reason.eq(request.reason),
            settlement_disputes::disputed_at.eq(request.at),
        ))
        .execute(connection)?;
    set_status(connection, row.id, Status::Disputed)?;
    get_settlement(connection, row.id)
}

pub struct PaymentRequest<'a> {
    pub settlement_id: i64,
    /// Positive (checked by the caller).
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
    let payments = payments_of(connection, row.id)?;
    if let Some(earlier) = payments
        .iter()
        .find(|payment| payment.reference == request.reference)
    {
        if earlier.amount_fen == request.amount_fen && earlier.paid_at == request.paid_at {
            return Ok(Recorded::Replayed(get_settlement(connection, row.id)?));
        }
        let field = if earlier.amount_fen != request.amount_fen {
            "amount_fen"
        } else {
            "paid_at"
        };
        return Err(StoreError::FieldConflict {
            pointer: format!("/{field}"),
            message: format!(
                "payment {} was recorded with a different {field} ({} fen paid at {})",
                request.reference, earlier.amount_fen, earlier.paid_at
            ),
        });
    }
    allow(&row, Action::Pay)?;
    let paid: i64 = payments.iter().map(|payment| payment.amount_fen).sum();
    let outstanding = row.amount_fen - paid;
    if request.amount_fen > outstanding {
        return Err(StoreError::FieldInvalid {
            pointer: "/amount_fen".into(),
            message: format!(
                "{} fen is more than the {outstanding} fen outstanding of settlement {}",
                request.amount_fen, row.id
            ),
        });
    }
    let entry = Entry::SettlementPaid(SettlementPaid {
        settlement_id: row.id.to_string(),
        amount_fen: request.amount_fen,
        paid_at: request.paid_at.to_owned(),
        reference: request.reference.to_owned(),
    });
    let appended = log.append(connection, request.at, &entry)?;
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
    if request.amount_fen == outstanding {
        set_status(connection, row.id, Status::Paid)?;
    }
    Ok(Recorded::Created(get_settlement(connection, row.id)?))
}

/// The agreement's (upstream, downstream).
pub fn parties(
    connection: &mut AnyConnection,
    row: &SettlementRow,
) -> Result<(String, String), StoreError> {
    let agreement = get_agreement_row(connection, &row.agreement)?;
    Ok((agreement.upstream, agreement.downstream))
}

fn require_party(jurisdiction: &str, upstream: &str, downstream: &str) -> Result<(), StoreError> {
    if jurisdiction == upstream || jurisdiction == downstream {
        Ok(())
    } else {
        Err(StoreError::FieldInvalid {
            pointer: "/jurisdiction".into(),
            message: format!("{jurisdiction} is not a party ({upstream} or {downstream})"),
        })
    }
}

fn allow(row: &SettlementRow, action: Action) -> Result<(), StoreError> {
    let status = Status::parse(&row.status).ok_or_else(|| {
        StoreError::Corrupt(format!("settlement {} status {:?}", row.id, row.status))
    })?;
    lifecycle::check(status, action, row.amount_fen == 0)
        .map_err(|refused| StoreError::Conflict(format!("settlement {}: {refused}", row.id)))
}

fn set_status(connection: &mut AnyConnection, id: i64, status: Status) -> Result<(), StoreError> {
    diesel::update(settlements::table.filter(settlements::id.eq(id)))
        .set(settlements::status.eq(status.as_str()))
        .execute(connection)?;
    Ok(())
}

/// A party's code, already checked against the agreement's parties.
fn party_code(text: &str) -> Result<basin_domain::Code, StoreError> {
    basin_domain::Code::parse(text)
        .map_err(|error| StoreError::Corrupt(format!("party code {text:?}: {error}")))
}
