//! Balances and statements as the API returns them, converted from the ledger core's results
//! (`basin_ledger_core::balances`). Money leaves as integer fen, codes as their text.

use basin_ledger_core::balances as core;
use serde::Serialize;
use utoipa::ToSchema;

use crate::model::settlement::Payment;
use crate::model::time::utc_text;

/// Amounts between a jurisdiction and one counterparty, seen from the jurisdiction's side.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct Amounts {
    /// Gross obligations of settlements in which the jurisdiction pays the counterparty.
    pub owed_to_counterparty_fen: i64,
    /// Gross obligations of settlements in which the counterparty pays the jurisdiction.
    pub owed_by_counterparty_fen: i64,
    /// `owed_to_counterparty_fen − owed_by_counterparty_fen`: positive when the jurisdiction owes.
    pub net_owed_fen: i64,
    pub paid_to_counterparty_fen: i64,
    pub paid_by_counterparty_fen: i64,
    /// `owed_to_counterparty_fen − paid_to_counterparty_fen` (negative: paid more than owed).
    pub outstanding_to_counterparty_fen: i64,
    /// `owed_by_counterparty_fen − paid_by_counterparty_fen`.
    pub outstanding_from_counterparty_fen: i64,
    /// `net_owed_fen − (paid_to − paid_by)`: positive when the jurisdiction still owes.
    pub net_outstanding_fen: i64,
    /// Settlements counted as obligations.
    pub settlements: u64,
    /// Superseded settlements: listed in statements, never counted as obligations.
    pub superseded_settlements: u64,
}

impl From<&core::Amounts> for Amounts {
    fn from(amounts: &core::Amounts) -> Self {
        Self {
            owed_to_counterparty_fen: amounts.owed_to_counterparty_fen.as_i64(),
            owed_by_counterparty_fen: amounts.owed_by_counterparty_fen.as_i64(),
            net_owed_fen: amounts.net_owed_fen.as_i64(),
            paid_to_counterparty_fen: amounts.paid_to_counterparty_fen.as_i64(),
            paid_by_counterparty_fen: amounts.paid_by_counterparty_fen.as_i64(),
            outstanding_to_counterparty_fen: amounts.outstanding_to_counterparty_fen.as_i64(),
            outstanding_from_counterparty_fen: amounts.outstanding_from_counterparty_fen.as_i64(),
            net_outstanding_fen: amounts.net_outstanding_fen.as_i64(),
            settlements: amounts.settlements,
            superseded_settlements: amounts.superseded_settlements,
        }
    }
}

/// One agreement's part of a pair's balance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct AgreementBalance {
    pub agreement: String,
    #[serde(flatten)]
    pub amounts: Amounts,
}

/// Everything between `jurisdiction` and `counterparty` in one year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PairBalance {
    pub jurisdiction: String,
    pub counterparty: String,
    #[serde(flatten)]
    pub amounts: Amounts,
    /// The same amounts per agreement, ordered by agreement code.
    pub agreements: Vec<AgreementBalance>,
}

impl From<&core::PairBalance> for PairBalance {
    fn from(pair: &core::PairBalance) -> Self {
        Self {
            jurisdiction: pair.jurisdiction.to_string(),
            counterparty: pair.counterparty.to_string(),
            amounts: Amounts::from(&pair.amounts),
            agreements: pair
                .agreements
                .iter()
                .map(|part| AgreementBalance {
                    agreement: part.agreement.to_string(),
                    amounts: Amounts::from(&part.amounts),
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatementComponent {
    pub kind: String,
    pub section: Option<String>,
    pub amount_fen: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct StatementLine {
    pub settlement_id: String,
    pub agreement: String,
    pub agreement_version: i64,
    pub period: String,
    pub status: String,
    pub counterparty: String,
    /// `pay`, `receive`, or `none` for a zero net.
    pub direction: &'static str,
    pub amount_fen: i64,
    pub net_fen: i64,
    pub paid_fen: i64,
    pub outstanding_fen: i64,
    /// False for a superseded settlement: listed, never counted in the totals.
    pub counted: bool,
    /// The `settlement.issued` entry; payments carry their own.
    pub log_index: u64,
    pub superseded_by: Option<String>,
    pub components: Vec<StatementComponent>,
    pub payments: Vec<Payment>,
}

impl From<&core::StatementLine> for StatementLine {
    fn from(line: &core::StatementLine) -> Self {
        let settlement = &line.settlement;
        Self {
            settlement_id: settlement.id.to_string(),
            agreement: settlement.agreement.to_string(),
            agreement_version: settlement.agreement_version,
            period: settlement.period.to_string(),
            status: settlement.status.as_str().to_owned(),
            counterparty: line.counterparty.to_string(),
            direction: line.direction.as_str(),
            amount_fen: settlement.amount_fen.as_i64(),
            net_fen: settlement.net_fen.as_i64(),
            paid_fen: line.paid_fen.as_i64(),
            outstanding_fen: line.outstanding_fen.as_i64(),
            counted: line.is_counted(),
            log_index: settlement.log_index,
            superseded_by: settlement.superseded_by.map(|id| id.to_string()),
            components: settlement
                .components
                .iter()
                .map(|component| StatementComponent {
                    kind: component.kind.as_str().to_owned(),
                    section: component.section.as_ref().map(ToString::to_string),
                    amount_fen: component.amount_fen.as_i64(),
                })
                .collect(),
            payments: settlement
                .payments
                .iter()
                .map(|payment| Payment {
                    reference: payment.reference.clone(),
                    amount_fen: payment.amount_fen.as_i64(),
                    paid_at: utc_text(payment.paid_at),
                    recorded_at: utc_text(payment.recorded_at),
                    log_index: payment.log_index,
                })
                .collect(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct Statement {
    pub jurisdiction: String,
    pub year: i32,
    /// Over every counterparty: the same fields as a balance.
    pub totals: Amounts,
    /// Ordered by period, then settlement id.
    pub lines: Vec<StatementLine>,
}

impl From<&core::Statement> for Statement {
    fn from(statement: &core::Statement) -> Self {
        Self {
            jurisdiction: statement.jurisdiction.to_string(),
            year: statement.year,
            totals: Amounts::from(&statement.totals),
            lines: statement.lines.iter().map(StatementLine::from).collect(),
        }
    }
}
