//! At most one settlement per agreement and period is in force. The rule is the ledger core's
//! (`decide_supersession`, which the auditor's replay applies too); this module reads what it
//! needs and, when it refuses, says precisely why and which field to fix.

use basin_ledger_core::settlement::decisions::{decide_supersession, InForce, SupersessionRefusal};
use basin_ledger_core::settlement::lifecycle::Status;
use diesel::prelude::*;

use super::queries::{find_row, SettlementRow};
use super::IssueRequest;
use crate::store::connection::AnyConnection;
use crate::store::error::{Field, StoreError};
use crate::store::schema::settlements;

/// Returns the id of the settlement the new one supersedes, if any.
pub(super) fn check_supersession(
    connection: &mut AnyConnection,
    request: &IssueRequest,
) -> Result<Option<i64>, StoreError> {
    let period = request.period.to_string();
    let in_force: Option<i64> = settlements::table
        .filter(settlements::agreement.eq(&request.agreement))
        .filter(settlements::period.eq(&period))
        .filter(settlements::status.ne(Status::Superseded.as_str()))
        .select(settlements::id)
        .first(connection)
        .optional()?;
    let in_force = in_force
        .map(|id| find_row(connection, id))
        .transpose()?
        .flatten()
        .map(|row| in_force_of(&row))
        .transpose()?;
    let named = request
        .supersedes
        .as_ref()
        .map(|supersedes| supersedes.settlement_id.to_string());
    match decide_supersession(in_force.as_ref(), named.as_deref()) {
        Ok(replaced) => replaced
            .map(|id| {
                id.parse()
                    .map_err(|_| StoreError::Corrupt(format!("settlement id {id:?}")))
            })
            .transpose(),
        Err(SupersessionRefusal::InForce { in_force, status }) => Err(StoreError::Conflicting {
            field: Field::Period,
            message: format!(
                "settlement {in_force} ({status}) already settles {} for {period}; to replace it send \"supersedes\": {{\"settlement_id\": \"{in_force}\", \"reason\": \"...\"}}",
                request.agreement
            ),
        }),
        Err(SupersessionRefusal::Lifecycle { named, refused }) => Err(StoreError::Conflicting {
            field: Field::SupersededSettlement,
            message: format!("settlement {named}: {refused}"),
        }),
        Err(SupersessionRefusal::NotInForce { named }) => Err(not_in_force(connection, request, &named)),
    }
}

/// Why the settlement named in `supersedes` is not the one in force, in the client's terms.
fn not_in_force(connection: &mut AnyConnection, request: &IssueRequest, named: &str) -> StoreError {
    let field = Field::SupersededSettlement;
    let period = request.period.to_string();
    let row = named.parse::<i64>().ok().map(|id| find_row(connection, id));
    match row {
        Some(Err(error)) => error,
        None | Some(Ok(None)) => StoreError::Invalid {
            field,
            message: format!("settlement {named} does not exist"),
        },
        Some(Ok(Some(row))) if row.agreement != request.agreement || row.period != period => {
            StoreError::Invalid {
                field,
                message: format!(
                    "settlement {named} settles {} for {}, not {} for {period}",
                    row.agreement, row.period, request.agreement
                ),
            }
        }
        Some(Ok(Some(_))) => StoreError::Conflicting {
            field,
            message: format!(
                "settlement {named} was superseded already; name the settlement in force"
            ),
        },
    }
}

/// The facts of a stored settlement the supersession rule weighs.
fn in_force_of(row: &SettlementRow) -> Result<InForce, StoreError> {
    let status = Status::parse(&row.status).ok_or_else(|| {
        StoreError::Corrupt(format!("settlement {} status {:?}", row.id, row.status))
    })?;
    Ok(InForce {
        id: row.id.to_string(),
        status,
        amount_fen: row.amount_fen,
    })
}
