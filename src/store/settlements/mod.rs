//! Issuing settlements: the version in effect, the counted readings of every section its
//! components name, the pure document assembly, the ledger's signature, and the
//! `settlement.issued` (and `settlement.superseded`) log entries, all in one write transaction so
//! the readings used are exactly those counted at the moment of issue.

use basin_audit::messages::SigningContext;
use basin_domain::evaluation::EvaluationError;
use basin_domain::{Code, Period};
use chrono::{DateTime, Utc};
use diesel::prelude::*;

mod candidates;
mod counting;
mod evidence;
pub mod inputs;
pub mod integrity;
pub mod lifecycle;
pub mod queries;
pub mod receipt;
mod row;
mod supersession;
pub mod verification;

use super::agreements;
use super::connection::AnyConnection;
use super::error::{Field, StoreError};
use super::log::LogWriter;
use super::schema::settlements;
use crate::ledger_key::LedgerKey;
use crate::model::settlement::{Settlement, SettlementDocument, SettlementPreview};
use crate::model::time::utc_text;
use basin_ledger_core::entry::{Entry, SettlementIssued, SettlementSuperseded, LEAF_BYTES_MAX};
use basin_ledger_core::settlement::document::{
    self, AssembledDocument, AssemblyError, SupersedesRef,
};
use basin_ledger_core::settlement::inputs::{gather_inputs, InputError, InputRequest};
use basin_ledger_core::settlement::lifecycle::Status;
use inputs::StoreInputs;
use queries::get_settlement;
use supersession::check_supersession;

/// Why a settlement could not be issued. Evaluation errors (missing data above all) are the
/// client's to fix; everything else is the store's.
#[derive(Debug, thiserror::Error)]
pub enum SettlementError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Evaluation(#[from] EvaluationError),
}

impl From<diesel::result::Error> for SettlementError {
    fn from(error: diesel::result::Error) -> Self {
        Self::Store(StoreError::from(error))
    }
}

impl From<AssemblyError> for SettlementError {
    fn from(error: AssemblyError) -> Self {
        match error {
            AssemblyError::Evaluation(error) => Self::Evaluation(error),
            // The readings came from the database: one that cannot be used is corruption.
            AssemblyError::Reading { id, message } => Self::Store(StoreError::Integrity {
                what: format!("reading {id}"),
                reason: message,
            }),
            other => Self::Store(StoreError::Corrupt(other.to_string())),
        }
    }
}

/// `POST /v1/agreements/{code}/settlements`, parsed.
#[derive(Debug, Clone)]
pub struct IssueRequest {
    pub agreement: String,
    pub period: Period,
    pub supersedes: Option<SupersedesRequest>,
}

#[derive(Debug, Clone)]
pub struct SupersedesRequest {
    pub settlement_id: i64,
    pub reason: String,
}

/// The identifier a dry run puts in its document: never a stored settlement's.
pub const PREVIEW_ID: &str = "preview";

/// The document that would be issued now; nothing is stored, signed or logged.
pub fn preview(
    connection: &mut AnyConnection,
    request: &IssueRequest,
    now: DateTime<Utc>,
) -> Result<SettlementPreview, SettlementError> {
    agreements::get_agreement_row(connection, &request.agreement)?;
    let (assembled, _) = prepare(connection, request, PREVIEW_ID, now)?;
    Ok(SettlementPreview {
        document: parse_document(&assembled.document)?,
        document_sha256: assembled.document_sha256,
        dry_run: true,
    })
}

/// Issues, signs and logs a settlement. Runs inside `store::write_transaction`.
pub fn issue(
    connection: &mut AnyConnection,
    log: &mut LogWriter,
    key: &LedgerKey,
    request: &IssueRequest,
    now: DateTime<Utc>,
) -> Result<Settlement, SettlementError> {
    let agreement = agreements::get_agreement_row(connection, &request.agreement)?;
    let replaced = check_supersession(connection, request)?;
    let id = next_id(connection)?;
    let (assembled, version) = prepare(connection, request, &id.to_string(), now)?;
    let signature = key
        .sign(SigningContext::Settlement, &assembled.document_sha256)
        .map_err(|error| StoreError::Corrupt(format!("signing the settlement: {error}")))?;
    let issued_at = utc_text(now);
    if let Some(old) = replaced {
        // Out of force first: at most one settlement per agreement and period is in force.
        diesel::update(settlements::table.filter(settlements::id.eq(old)))
            .set(settlements::status.eq(Status::Superseded.as_str()))
            .execute(connection)?;
    }
    let entry = Entry::SettlementIssued(SettlementIssued {
        document: assembled.document.clone(),
        document_sha256: assembled.document_sha256.clone(),
        key_id: key.key_id().to_owned(),
        signature: signature.clone(),
    });
    let appended = log.append(connection, &issued_at, &entry)?;
    diesel::insert_into(settlements::table)
        .values((
            settlements::id.eq(id),
            settlements::agreement.eq(&agreement.code),
            settlements::agreement_version.eq(version),
            settlements::period.eq(request.period.to_string()),
            settlements::document.eq(&assembled.canonical_text),
            settlements::document_sha256.eq(&assembled.document_sha256),
            settlements::signature.eq(&signature),
            settlements::key_id.eq(key.key_id()),
            settlements::status.eq(Status::Issued.as_str()),
            settlements::net_fen.eq(assembled.net_fen.as_i64()),
            settlements::amount_fen.eq(assembled.amount_fen.as_i64()),
            settlements::payer.eq(assembled.payer.as_ref().map(Code::as_str)),
            settlements::payee.eq(assembled.payee.as_ref().map(Code::as_str)),
            settlements::issued_at.eq(&issued_at),
            settlements::log_index.eq(to_i64(appended.index)?),
            settlements::supersedes.eq(replaced),
        ))
        .execute(connection)?;
    if let (Some(old), Some(supersedes)) = (replaced, &request.supersedes) {
        diesel::update(settlements::table.filter(settlements::id.eq(old)))
            .set(settlements::superseded_by.eq(id))
            .execute(connection)?;
        let entry = Entry::SettlementSuperseded(SettlementSuperseded {
            settlement_id: old.to_string(),
            superseded_by: id.to_string(),
            reason: supersedes.reason.clone(),
        });
        log.append(connection, &issued_at, &entry)?;
    }
    Ok(get_settlement(connection, id)?)
}

/// Gathers the inputs through the ledger core's one path and assembles the document. Returns it
/// with the number of the version it was computed from.
fn prepare(
    connection: &mut AnyConnection,
    request: &IssueRequest,
    id: &str,
    now: DateTime<Utc>,
) -> Result<(AssembledDocument, i64), SettlementError> {
    let agreement = Code::parse(&request.agreement).map_err(|error| StoreError::NotFound {
        what: "agreement",
        key: format!("{} ({error})", request.agreement),
    })?;
    let gathered = gather_inputs(
        &mut StoreInputs::now(connection),
        InputRequest {
            agreement,
            period: request.period,
            id: id.to_owned(),
            issued_at: now,
            supersedes: request.supersedes.as_ref().map(supersedes_ref),
        },
    )
    .map_err(input_error)?;
    let version = gathered.version.version;
    let assembled = document::assemble(gathered.inputs)?;
    fits_a_log_entry(&assembled, request.period)?;
    Ok((assembled, version))
}

/// A document whose `settlement.issued` leaf would outgrow a tile's entry bundle cannot be
/// logged (API.md: such documents are to be logged by hash, which this ledger does not do yet):
/// a 422 at `/period` before anything is written, rather than a failed append.
fn fits_a_log_entry(assembled: &AssembledDocument, period: Period) -> Result<(), StoreError> {
    let bytes =
        SettlementIssued::leaf_bytes_at_most(&assembled.document, &assembled.document_sha256)
            .map_err(|error| StoreError::Corrupt(format!("settlement document: {error}")))?;
    if bytes <= LEAF_BYTES_MAX {
        return Ok(());
    }
    Err(StoreError::Invalid {
        field: Field::Period,
        message: format!(
            "the settlement of {period} would be a {bytes}-byte log entry, and a log entry holds \
             at most {LEAF_BYTES_MAX} bytes: settle an agreement with fewer components or sections"
        ),
    })
}

/// The client's problems (no version for the period, the wrong kind of period) are 422s at
/// `/period`; stored terms or readings that fail their checks are integrity failures.
pub fn input_error(error: InputError<StoreError>) -> StoreError {
    match error {
        InputError::Source(error) => error,
        InputError::NoVersion { .. } | InputError::WrongPeriodKind { .. } => StoreError::Invalid {
            field: Field::Period,
            message: error.to_string(),
        },
        InputError::BadVersion {
            agreement,
            version,
            problem,
        } => StoreError::Integrity {
            what: format!("agreement {} version {version}", agreement.as_str()),
            reason: problem,
        },
        InputError::BadReading { id, problem } => StoreError::Integrity {
            what: format!("reading {id}"),
            reason: problem,
        },
    }
}

fn supersedes_ref(request: &SupersedesRequest) -> SupersedesRef {
    SupersedesRef {
        settlement_id: request.settlement_id.to_string(),
        reason: request.reason.clone(),
    }
}

pub fn parse_document(document: &serde_json::Value) -> Result<SettlementDocument, StoreError> {
    serde_json::from_value(document.clone())
        .map_err(|error| StoreError::Corrupt(format!("settlement document: {error}")))
}

/// Settlement ids are assigned under the log-head lock, so both backends number them alike.
fn next_id(connection: &mut AnyConnection) -> Result<i64, StoreError> {
    let maximum: Option<i64> = settlements::table
        .select(diesel::dsl::max(settlements::id))
        .first(connection)?;
    Ok(maximum.unwrap_or(0) + 1)
}

pub(super) fn to_i64(value: u64) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::Corrupt(format!("{value} exceeds i64")))
}

/// A stored period kind (`month`, `quarter`, `year`).
pub fn period_kind(text: &str) -> Result<basin_domain::PeriodKind, StoreError> {
    match text {
        "month" => Ok(basin_domain::PeriodKind::Month),
        "quarter" => Ok(basin_domain::PeriodKind::Quarter),
        "year" => Ok(basin_domain::PeriodKind::Year),
        other => Err(StoreError::Corrupt(format!("period kind {other:?}"))),
    }
}
